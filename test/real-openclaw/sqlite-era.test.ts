// Real OpenClaw 2026.9.6 (SQLite era), the foundation for its own issue: a JSONL state dir
// migrated by the real doctor, a 9.6 gateway on it, a message, a reply that hangs (and is
// aborted the way 9.6 offers), and what the product says about such a state dir.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { buildStateDir } from '../fixtures/state-dir';
import { startModelStandin, type ModelStandin } from '../fixtures/model-standin';
import { SQLITE_ERA_RELEASE, createOpenClawWorld, waitFor, type OpenClawWorld } from '../fixtures/real-openclaw';
import { ARTIFACTS, productCli, statusJson, timing, tmpOpenClawGuard } from './helpers';

const KEY = 'agent:main:main';

function findFiles(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(full, pattern));
    else if (pattern.test(entry.name)) found.push(full);
  }
  return found;
}

describe(`real OpenClaw ${SQLITE_ERA_RELEASE}: a doctor-migrated state dir and a gateway`, { timeout: 240_000 }, () => {
  let model: ModelStandin;
  let world: OpenClawWorld;
  const guard = tmpOpenClawGuard();
  const began = Date.now();

  after(async () => {
    world?.keepLogs(ARTIFACTS, 'sqlite-era');
    await world?.dispose();
    await model?.close();
    guard.restore();
    timing('sqlite-era total', began);
  });

  test('smoke: the doctor imports the JSONL sessions; the 9.6 gateway answers, can hang a reply with no lock file, and abort it', async () => {
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: SQLITE_ERA_RELEASE, model });
    // A JSONL-era state dir as 2026.7 leaves it (the project's fixture layout).
    const [built] = buildStateDir(world.stateDir, [{ id: 'main', sessions: [{ key: KEY, label: 'Main', exchanges: 2 }] }]);
    fs.writeFileSync(`${built!.transcriptPath}.lock`, JSON.stringify({ pid: 999_999, createdAt: new Date().toISOString(), maxHoldMs: 300000 }, null, 2) + '\n');
    assert.equal((await statusJson(world)).json.layout, 'jsonl');

    const doctorBegan = Date.now();
    const doctor = await world.migrateToSqlite();
    timing('doctor --session-sqlite import', doctorBegan);
    assert.equal(doctor.code, 0, `doctor failed:\n${doctor.stdout.slice(-2000)}\n${doctor.stderr.slice(-2000)}`);
    const database = path.join(world.stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite');
    assert.ok(fs.existsSync(database), 'the agent database exists');
    assert.equal(fs.existsSync(path.join(world.sessionsDir(), 'sessions.json')), false, 'sessions.json moved into the import archive');
    const imported = await world.querySqlite('select session_key, current_session_id, status from session_nodes');
    assert.ok(imported.some((row) => row.session_key === KEY && row.current_session_id === built!.sessionId), `the session was imported: ${JSON.stringify(imported)}`);
    // The doctor leaves the old .jsonl.lock behind. No 2026.8+ code reads it: a leftover, not
    // a stale alarm; not counted (exit 0); `clear-stale --leftovers` removes it.
    const leftover = `${built!.transcriptPath}.lock`;
    assert.ok(fs.existsSync(leftover), 'the doctor left the JSONL-era lock behind');
    const { json: migrated, run: migratedRun } = await statusJson(world, { openclawOnPath: true });
    assert.equal(migrated.layout, 'sqlite', 'the product recognises the SQLite era');
    assert.deepEqual(migrated.locks, [], 'the leftover is not a lock needing attention');
    assert.deepEqual((migrated.leftoverLocks as { lockPath: string }[]).map((l) => l.lockPath), [leftover]);
    assert.equal(migratedRun.code, 0, migratedRun.stdout);
    const clear = await productCli(world, ['clear-stale', '--leftovers'], { openclawOnPath: true });
    assert.equal(clear.code, 0, clear.stdout + clear.stderr);
    assert.equal(fs.existsSync(leftover), false);

    const gateway = await world.startGateway();
    timing(`${SQLITE_ERA_RELEASE} gateway ready`, began);
    model.script({ kind: 'answer', text: 'Hello from the SQLite era.' });
    const first = await world.sendMessage(KEY, 'hello 9.6');
    assert.equal((await world.waitForRun(first, 60_000)).status, 'ok');
    assert.ok(model.requests.some((r) => r.userTexts.some((t) => t.includes('hello 9.6'))), 'the stand-in got the message');

    const hangs = model.nextHang();
    model.script({ kind: 'hang', when: /think forever/ });
    const hungRun = await world.sendMessage(KEY, 'think forever');
    const hang = await hangs;
    const running = await waitFor('the session row to say running', async () => {
      const rows = await world.querySqlite(`select status, entry_json from session_nodes where session_key = '${KEY}'`);
      return rows[0]?.status === 'running' && rows[0];
    }, { timeoutMs: 10_000, intervalMs: 200 });
    assert.equal(JSON.parse(String(running.entry_json)).activeWriterRunId, hungRun, 'the hung run is the active writer');
    const newLocks = findFiles(world.stateDir, /\.jsonl\.lock$/);
    assert.deepEqual(newLocks, [], 'the SQLite era writes no session lock file');
    const { json: during } = await statusJson(world);
    assert.equal(during.layout, 'sqlite');

    const abort = await world.call('sessions.abort', { key: KEY, clearQueued: true });
    assert.equal(abort.status, 'aborted', JSON.stringify(abort));
    await waitFor('the held stream to be closed', () => hang.request.aborted, { timeoutMs: 10_000 });
    const killed = await waitFor('the row to leave running', async () => {
      const rows = await world.querySqlite(`select status from session_nodes where session_key = '${KEY}'`);
      return rows[0]?.status !== 'running' && rows[0]?.status;
    }, { timeoutMs: 10_000, intervalMs: 200 });
    process.stdout.write(`# real-openclaw: 9.6 after sessions.abort the session is ${killed}\n`);
    model.script({ kind: 'answer', text: 'Still here after the abort.', when: /after the abort/ });
    const next = await world.sendMessage(KEY, 'after the abort');
    assert.equal((await world.waitForRun(next, 60_000)).status, 'ok', 'the next message works');
    // The abort fails the run's lanes in the log (lane=main, then lane=session:<key>, "This
    // operation was aborted"): the product's log reader counts no failed message for it.
    await world.waitForLog(/lane task error: lane=session:agent:main:main .*aborted/, { timeoutMs: 10_000 });
    const { json: afterAbort } = await statusJson(world);
    const failures = (afterAbort as { failures?: { total: number; logSource: string } }).failures;
    assert.equal(failures?.logSource, 'config', 'found through logging.file in openclaw.json');
    assert.equal(failures?.total, 0, 'an aborted run is no failed message');
    await gateway.stop();
  });
});
