// The SQLite store reader against the real OpenClaw 2026.9.6 (OPENCLAW_REAL_OPENCLAW=1, run by
// scripts/vscode/suite-real-openclaw.mjs): a JSONL state dir imported by its doctor, then its
// gateway on it. The recorded schemas (test/fixtures/sqlite-era) must still be what 9.6 creates,
// so the fixture databases cannot drift from reality; readSqliteStore must read the real
// databases while the gateway runs (the sessions `openclaw sessions list` shows, a hung run,
// the gateway's own database lease); and its cost is measured: the gateway's message latency
// with and without a reader polling every 200 ms, and whether OpenClaw's WAL checkpoints still
// complete: the WAL header's checkpoint counter, which grows each time a checkpoint completed
// and OpenClaw restarted the log (impossible while a reader holds an old snapshot), and the
// -wal's size staying at the autocheckpoint bound (1000 pages) rather than growing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { buildStateDir } from '../fixtures/state-dir';
import { startModelStandin, type ModelStandin } from '../fixtures/model-standin';
import { SQLITE_ERA_RELEASE, createOpenClawWorld, waitFor, type OpenClawWorld, type RealGateway } from '../fixtures/real-openclaw';
import { SCHEMA_DUMP_SQL, recordedSchema, runNode24, schemaObjectName, schemaStatements } from '../fixtures/sqlite-state-dir';
import { readSqliteStore } from '../../src/sqlite-store/read-store';
import type { StoreReadRequest } from '../../src/sqlite-store/request';
import { ARTIFACTS, timing, tmpOpenClawGuard } from './helpers';

const KEY = 'agent:main:main';
const OPS = 'agent:main:discord:ops';
const MESSAGES = Number(process.env.OPENCLAW_REAL_SQLITE_MESSAGES ?? 10);
const skip = process.env.OPENCLAW_REAL_OPENCLAW === '1' ? false : 'needs OPENCLAW_REAL_OPENCLAW=1 (scripts/vscode/suite-real-openclaw.mjs)';

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const say = (line: string) => process.stdout.write(`# real-openclaw sqlite-store: ${line}\n`);

/** The `sqlite_schema` dump of a real database, read the way the reader does (no -wal/-shm made). */
async function dumpSchema(file: string): Promise<string> {
  const idle = !fs.existsSync(`${file}-wal`) && !fs.existsSync(`${file}-shm`);
  return runNode24(String.raw`
const { DatabaseSync } = require('node:sqlite');
const { pathToFileURL } = require('node:url');
const [file, idle, sql] = process.argv.slice(1);
const target = idle === '1' ? pathToFileURL(file) : file;
if (idle === '1') target.searchParams.set('immutable', '1');
const db = new DatabaseSync(target, { readOnly: true });
try { process.stdout.write(db.prepare(sql).all().map((r) => r.sql + ';\n').join('')); } finally { db.close(); }`, null, { args: [file, idle ? '1' : '0', SCHEMA_DUMP_SQL] });
}

/**
 * The -wal's size and its header's checkpoint sequence number and salts (bytes 12–23), from one
 * open. Every restart of the log changes the header (salt-1 grows by one, salt-2 is drawn
 * afresh); the sequence number alone can go down, when the log file is deleted with the last
 * connection and begun again.
 */
function readWal(file: string): { size: number; seq?: number; key?: string } {
  try {
    const fd = fs.openSync(`${file}-wal`, 'r');
    try {
      const header = Buffer.alloc(32);
      const size = fs.fstatSync(fd).size;
      return fs.readSync(fd, header, 0, 32, 0) === 32 ? { size, seq: header.readUInt32BE(12), key: header.subarray(12, 24).toString('hex') } : { size };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return { size: 0 };
  }
}

/**
 * Samples the -wal every 25 ms: the largest size seen, how often it went back to 0 from above,
 * and how often its header changed (a lower bound on the log's restarts: several between two
 * samples count once).
 */
function watchWal(file: string): { stop(): { maxBytes: number; resets: number; restarts: number; lastBytes: number; samples: number } } {
  let maxBytes = 0;
  let resets = 0;
  let restarts = 0;
  let last = 0;
  let samples = 0;
  let header = readWal(file).key;
  const timer = setInterval(() => {
    const { size, key: now } = readWal(file);
    samples++;
    if (size === 0 && last > 0) resets++;
    maxBytes = Math.max(maxBytes, size);
    last = size;
    if (now !== undefined) {
      if (header !== undefined && now !== header) restarts++;
      header = now;
    }
  }, 25);
  return { stop: () => { clearInterval(timer); return { maxBytes, resets, restarts, lastBytes: last, samples }; } };
}

/** What differs between a real database's schema and the recording, by object: [only in the real one, only recorded, changed]. */
function schemaDiff(actual: string, recorded: string): { extra: string[]; missing: string[]; changed: string[] } {
  const index = (text: string) => new Map(schemaStatements(text).map((s) => [schemaObjectName(s), s]));
  const a = index(actual);
  const r = index(recorded);
  return {
    extra: [...a.keys()].filter((k) => !r.has(k)),
    missing: [...r.keys()].filter((k) => !a.has(k)),
    changed: [...a.keys()].filter((k) => r.has(k) && r.get(k) !== a.get(k)),
  };
}

async function assertRecordedSchema(file: string, kind: 'agent' | 'state', when: string): Promise<void> {
  const actual = await dumpSchema(file);
  const diff = schemaDiff(actual, recordedSchema(kind));
  assert.ok(actual === recordedSchema(kind), `the ${kind} database's schema ${when} is not the recorded test/fixtures/sqlite-era/${kind}-${SQLITE_ERA_RELEASE}.sql: ${JSON.stringify(diff)}`);
}

function sessionsFromCli(stdout: string): { key: string; sessionId?: string }[] {
  const start = stdout.search(/[[{]/);
  const json = JSON.parse(stdout.slice(start)) as unknown;
  const list = Array.isArray(json) ? json : (json as { sessions?: unknown[] }).sessions ?? [];
  return (list as Record<string, unknown>[]).map((s) => ({ key: String(s.key ?? s.sessionKey), sessionId: typeof s.sessionId === 'string' ? s.sessionId : undefined }));
}

describe(`real OpenClaw ${SQLITE_ERA_RELEASE}: the SQLite store reader on its databases`, { timeout: 600_000, skip }, () => {
  let model: ModelStandin;
  let world: OpenClawWorld;
  let gateway: RealGateway | undefined;
  let request: StoreReadRequest;
  let agentFile: string;
  const guard = tmpOpenClawGuard();
  const began = Date.now();
  const readerOptions = () => ({ env: { PATH: world.env.PATH }, openclawPath: world.openclawPath });

  after(async () => {
    world?.keepLogs(ARTIFACTS, 'sqlite-store');
    await world?.dispose();
    await model?.close();
    guard.restore();
    timing('sqlite-store total', began);
  });

  test('the doctor\'s databases: the recorded schemas are still 9.6\'s, and a read of the stopped install leaves no file behind', async () => {
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: SQLITE_ERA_RELEASE, model });
    buildStateDir(world.stateDir, [{ id: 'main', sessions: [{ key: KEY, label: 'Main', exchanges: 2 }, { key: OPS, label: 'Ops Discord', exchanges: 1 }] }]);
    const doctor = await world.migrateToSqlite();
    assert.equal(doctor.code, 0, `doctor failed:\n${doctor.stdout.slice(-2000)}\n${doctor.stderr.slice(-2000)}`);
    agentFile = path.join(world.stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite');
    const stateFile = path.join(world.stateDir, 'state', 'openclaw.sqlite');
    request = { agents: [{ agentId: 'main', path: agentFile }], statePath: stateFile, now: Date.now() };
    const folder = path.dirname(agentFile);
    const before = fs.readdirSync(folder).sort();
    say(`after the doctor: ${before.join(', ')}`);
    const facts = await readSqliteStore({ ...request, now: Date.now() }, readerOptions());
    assert.equal(facts.agents[0]!.failure, undefined, JSON.stringify(facts.agents[0]!.failure));
    assert.deepEqual(facts.agents[0]!.sessions.map((s) => s.key).sort(), [OPS, KEY].sort());
    assert.equal(facts.agents[0]!.schemaVersion, 23);
    assert.equal(facts.agents[0]!.appVersion, SQLITE_ERA_RELEASE);
    assert.deepEqual(fs.readdirSync(folder).sort(), before, 'the reader created or removed nothing in OpenClaw\'s folder');
    // The doctor creates the session tables; the gateway adds the rest (its memory index) on start:
    // what the doctor made must be recorded verbatim, and the full schema is checked once it runs.
    for (const [file, kind] of [[agentFile, 'agent'], [stateFile, 'state']] as const) {
      if (!fs.existsSync(file)) continue;
      const diff = schemaDiff(await dumpSchema(file), recordedSchema(kind));
      assert.deepEqual({ extra: diff.extra, changed: diff.changed }, { extra: [], changed: [] }, `the doctor's ${kind} database has objects the recording does not`);
      say(`the doctor's ${kind} database lacks ${diff.missing.length} recorded objects until the gateway starts${diff.missing.length ? ` (${diff.missing.slice(0, 6).join(', ')}${diff.missing.length > 6 ? ', …' : ''})` : ''}`);
    }
  });

  test('while the gateway runs: the sessions OpenClaw lists, its database lease, a hung run', async () => {
    gateway = await world.startGateway();
    timing(`${SQLITE_ERA_RELEASE} gateway ready`, began);
    const first = await world.sendMessage(KEY, 'hello from the store test');
    assert.equal((await world.waitForRun(first, 60_000)).status, 'ok');
    await assertRecordedSchema(agentFile, 'agent', 'once the gateway runs');
    await assertRecordedSchema(request.statePath!, 'state', 'once the gateway runs');

    const listed = await world.openclaw(['sessions', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const theirs = sessionsFromCli(listed.stdout);
    const facts = await readSqliteStore({ ...request, now: Date.now() }, readerOptions());
    assert.equal(facts.reader.kind, 'child', JSON.stringify(facts.reader));
    const ours = facts.agents[0]!.sessions;
    assert.deepEqual(ours.map((s) => s.key).sort(), theirs.map((s) => s.key).sort(), `openclaw sessions list: ${listed.stdout.slice(0, 1500)}`);
    for (const session of theirs) if (session.sessionId) assert.equal(ours.find((s) => s.key === session.key)?.sessionId, session.sessionId, session.key);
    const main = ours.find((s) => s.key === KEY)!;
    assert.equal(main.status, 'done');
    const lease = facts.state!.databaseLeases.find((l) => l.pid === gateway!.pid);
    assert.ok(lease, `the gateway (${gateway.pid}) has a lease: ${JSON.stringify(facts.state)}`);
    assert.equal(lease.agentId, 'main');
    assert.equal(fs.realpathSync(lease.path), fs.realpathSync(agentFile));
    assert.ok(lease.startTime && lease.startTime > 0, 'with its start time');
    say(`state leases while running: ${JSON.stringify(facts.state!.stateLeases.map((l) => ({ scope: l.scope, key: l.key, payload: l.payload })))}`);

    const hangs = model.nextHang();
    model.script({ kind: 'hang', when: /think forever/ });
    const hungRun = await world.sendMessage(OPS, 'think forever');
    const hang = await hangs;
    const running = await waitFor('the reader to see the hung run', async () => {
      const read = await readSqliteStore({ ...request, now: Date.now() }, readerOptions());
      const ops = read.agents[0]!.sessions.find((s) => s.key === OPS);
      return ops?.status === 'running' && ops;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    assert.equal(running.activeWriterRunId, hungRun);
    assert.ok(running.startedAt && running.startedAt > began, 'with when it started');
    say(`hung run read as ${JSON.stringify({ status: running.status, activeWriterRunId: running.activeWriterRunId, queued: running.queued })}`);
    await world.call('sessions.abort', { key: OPS, clearQueued: true });
    await waitFor('the held stream to be closed', () => hang.request.aborted, { timeoutMs: 10_000 });
  });

  test(`the cost: message latency over ${MESSAGES} messages with and without a reader every 200 ms, and the WAL checkpoints`, async () => {
    const phase = async (label: string, withReader: boolean) => {
      let reads = 0;
      const failures: string[] = [];
      const readMs: number[] = [];
      let polling = withReader;
      const poller = (async () => {
        while (polling) {
          const t0 = performance.now();
          const read = await readSqliteStore({ ...request, now: Date.now() }, readerOptions());
          readMs.push(performance.now() - t0);
          reads++;
          for (const f of [read.agents[0]!.failure, read.state?.failure]) if (f) failures.push(f.kind);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const seqBefore = readWal(agentFile).seq;
      const wal = watchWal(agentFile);
      const latencies: number[] = [];
      for (let i = 0; i < MESSAGES; i++) {
        const t0 = performance.now();
        const run = await world.sendMessage(KEY, `${label} message ${i}`);
        assert.equal((await world.waitForRun(run, 60_000)).status, 'ok');
        latencies.push(performance.now() - t0);
      }
      // OpenClaw's own settling after the last run (its close-time TRUNCATE), the reader still polling.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const walSeen = wal.stop();
      polling = false;
      await poller;
      const seqAfter = readWal(agentFile).seq;
      const stats = {
        median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), reads, failures,
        readMedian: readMs.length ? quantile(readMs, 0.5) : undefined, wal: walSeen, seqBefore, seqAfter,
      };
      say(`${label}: latency median ${stats.median.toFixed(0)} ms, p95 ${stats.p95.toFixed(0)} ms over ${MESSAGES}; reader ${reads} reads${stats.readMedian ? ` (median ${stats.readMedian.toFixed(0)} ms)` : ''}, failures ${JSON.stringify(failures)}; ` +
        `agent -wal max ${walSeen.maxBytes} B, back to 0 ${walSeen.resets}x, at the end ${walSeen.lastBytes} B; WAL restarted ${walSeen.restarts}x (checkpoint seq ${seqBefore ?? '-'} -> ${seqAfter ?? '-'})`);
      return stats;
    };
    const without = await phase('without reader', false);
    const withReader = await phase('with reader every 200 ms', true);
    const again = await phase('without reader (again)', false);
    say(`latency cost of the reader: median ${(withReader.median - (without.median + again.median) / 2).toFixed(0)} ms (${withReader.median.toFixed(0)} vs ${without.median.toFixed(0)}/${again.median.toFixed(0)}), p95 ${withReader.p95.toFixed(0)} vs ${without.p95.toFixed(0)}/${again.p95.toFixed(0)}`);
    assert.ok(withReader.reads >= 5, `the reader polled (${withReader.reads} reads)`);
    assert.deepEqual(withReader.failures.filter((k) => k !== 'busy'), [], 'the reader never failed but for a busy moment');
    // Checkpoints complete with the reader as without it: the log was restarted (its header
    // changed) in each phase where OpenClaw's own activity got it to a checkpoint.
    if (without.wal.restarts > 0 || again.wal.restarts > 0) {
      assert.ok(withReader.wal.restarts > 0, `no WAL restart with the reader polling (header unchanged over ${withReader.wal.samples} samples), ${without.wal.restarts}/${again.wal.restarts} without`);
    }
    assert.ok(withReader.wal.maxBytes <= Math.max(without.wal.maxBytes, again.wal.maxBytes) * 2 + (4 << 20), 'the WAL does not grow with the reader');
    // Generous: latencies on two shared cores are noisy; a reader that stalls OpenClaw shows up as seconds.
    assert.ok(withReader.median < Math.max(without.median, again.median) * 1.5 + 500, 'the reader does not slow the gateway measurably');
    await gateway?.stop();
  });
});
