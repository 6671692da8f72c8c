// The SQLite era (OpenClaw 2026.9.6) as the CLI shows it, beside the real gateway: a state
// dir awaiting migration (which the real gateway imports at startup), then listing exactly the
// sessions OpenClaw lists, the live gateway and its death, a hung run graded and aborted
// through OpenClaw's own gateway call, and the same answers from Node 20 (child reader) and
// Node 24 (in-process).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { buildStateDir } from '../fixtures/state-dir';
import { startModelStandin, type ModelStandin } from '../fixtures/model-standin';
import { SQLITE_ERA_RELEASE, createOpenClawWorld, node24Binary, waitFor, type OpenClawWorld } from '../fixtures/real-openclaw';
import { ARTIFACTS, productCli, statusJson, timing, tmpOpenClawGuard } from './helpers';

const MAIN = 'agent:main:main';
const OPS = 'agent:main:discord:ops';
const user = { openclawOnPath: true };

interface Finding { kind: string; severity: string; sessionKey?: string; remedies: { action: string; command?: string }[] }

describe(`real OpenClaw ${SQLITE_ERA_RELEASE}: the SQLite era in the CLI`, { timeout: 300_000 }, () => {
  let model: ModelStandin;
  let world: OpenClawWorld;
  const guard = tmpOpenClawGuard();
  const began = Date.now();

  after(async () => {
    world?.keepLogs(ARTIFACTS, 'sqlite-era-cli');
    await world?.dispose();
    await model?.close();
    guard.restore();
    timing('sqlite-era-cli total', began);
  });

  test('migration pending, migrated, gateway up, a hung run graded and aborted, the gateway killed', async () => {
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: SQLITE_ERA_RELEASE, model });
    buildStateDir(world.stateDir, [{ id: 'main', sessions: [{ key: MAIN, label: 'Main', exchanges: 2 }, { key: OPS, label: 'Ops Discord', exchanges: 1 }] }]);

    // 1. A JSONL state dir under a 2026.9.6 install: the version line names the era, and the
    // unimported sessions.json is its own state, with the doctor command to run.
    const pending = await statusJson(world, user);
    assert.equal(pending.json.layout, 'sqlite');
    assert.equal(pending.json.era.version.version, '2026.9.6');
    assert.deepEqual(pending.json.era.migrationPending, ['main']);
    const migration = (pending.json.findings as Finding[]).find((f) => f.kind === 'migration-pending');
    assert.ok(migration && migration.severity === 'warning', JSON.stringify(pending.json.findings));
    assert.ok(migration.remedies.some((r) => r.command?.endsWith('openclaw doctor --fix')), JSON.stringify(migration.remedies));
    assert.equal(pending.run.code, 1);
    assert.match((await productCli(world, ['status'], user)).stdout, /Gateway\s+not running \(no owner lock in the state dir\)/);

    // 2. Found by running it: the 9.6 gateway imports a plain legacy store itself at startup
    // (the refusal "Legacy session store requires migration" is for stores it cannot import).
    // Then: exactly the sessions OpenClaw lists, nothing pending, the gateway seen through its
    // owner lock in the state dir, exit 0.
    const startBegan = Date.now();
    const gateway = await world.startGateway({ readyTimeoutMs: 120_000 });
    timing('9.6 gateway start with its own import of sessions.json', startBegan);
    assert.equal(fs.existsSync(path.join(world.sessionsDir(), 'sessions.json')), false, 'the gateway imported sessions.json');
    const listed = await world.openclaw(['sessions', 'list', '--json']);
    const theirs = (JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))) as { sessions: { key: string }[] }).sessions.map((s) => s.key).sort();
    const up = await statusJson(world, user);
    const ours = (up.json.sessions as { key: string }[]).map((s) => s.key).sort();
    assert.deepEqual(ours, theirs, 'the same sessions as `openclaw sessions list --json`');
    assert.deepEqual(up.json.era.migrationPending, []);
    assert.equal(up.json.gateway.alive, true);
    assert.equal(up.json.gateway.pid, gateway.pid);
    assert.equal(up.json.gateway.port, world.port);
    assert.equal(up.json.gateway.lockPath, path.join(fs.realpathSync(world.stateDir), 'tmp', `openclaw-${process.getuid!()}`, 'gateway.state.lock'));
    assert.equal(up.run.code, 0, up.run.stdout);

    // 4. A reply that hangs: running under the thresholds is information; past them, an error
    // with OpenClaw's own remedy; from Node 20 (child reader) and Node 24 (in-process) alike.
    const hangs = model.nextHang();
    model.script({ kind: 'hang', when: /think forever/ });
    const hungRun = await world.sendMessage(OPS, 'think forever');
    const hang = await hangs;
    await waitFor('the row to say running', async () => (await world.querySqlite(`select status from session_nodes where session_key = '${OPS}'`))[0]?.status === 'running', { timeoutMs: 10_000, intervalMs: 200 });
    const running = await statusJson(world, user);
    const active = (running.json.findings as Finding[]).find((f) => f.sessionKey === OPS);
    assert.equal(active?.kind, 'run-active', JSON.stringify(running.json.findings));
    assert.equal(running.run.code, 0, 'a run under the warn threshold needs no one');
    await new Promise((r) => setTimeout(r, 2_500));
    const strict = ['status', '--json', '--warn', '1', '--error', '2'];
    const node20 = await productCli(world, strict, user);
    const node24 = await productCli(world, strict, { ...user, node: node24Binary() });
    for (const [name, run] of [['node 20', node20], ['node 24', node24]] as const) {
      const json = JSON.parse(run.stdout);
      const hung = (json.findings as Finding[]).find((f) => f.sessionKey === OPS);
      assert.equal(hung?.kind, 'run-hung', `${name}: ${JSON.stringify(json.findings)}`);
      assert.equal(hung.severity, 'error');
      assert.equal(run.code, 1, name);
      assert.equal(json.sessions.find((s: { key: string }) => s.key === OPS).activeWriterRunId, hungRun);
      process.stdout.write(`# real-openclaw: ${name} read the 9.6 databases via ${json.reader.kind}${json.reader.nodePath ? ` (${json.reader.nodePath})` : ''}\n`);
    }
    assert.equal(JSON.parse(node20.stdout).reader.kind, 'child');
    assert.equal(JSON.parse(node24.stdout).reader.kind, 'in-process');
    const dry = await productCli(world, ['abort', OPS, '--dry-run'], user);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /openclaw gateway call sessions\.abort --params/);
    assert.equal(hang.request.aborted, false, '--dry-run aborted nothing');
    const abortBegan = Date.now();
    const abort = await productCli(world, ['abort', OPS, '--clear-queued'], user);
    timing('openclaw-locks abort through the real gateway', abortBegan);
    assert.equal(abort.code, 0, abort.stdout + abort.stderr);
    await waitFor('the held stream to be closed', () => hang.request.aborted, { timeoutMs: 10_000 });
    const after = await waitFor('the row to leave running', async () => {
      const json = (await statusJson(world, user)).json;
      const row = (json.sessions as { key: string; status?: string }[]).find((s) => s.key === OPS);
      return row?.status !== 'running' && { json, status: row?.status };
    }, { timeoutMs: 15_000, intervalMs: 300 });
    process.stdout.write(`# real-openclaw: after openclaw-locks abort the session is ${after.status}\n`);
    assert.deepEqual((after.json.findings as Finding[]).filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
    const recover = await productCli(world, ['recover', OPS], user);
    assert.match(recover.stdout, /nothing to recover: .* has no restart-recovery tombstone/);

    // 5. Another hang, then the gateway SIGKILLed: its owner lock stays, naming a dead pid; the
    // run left running blocks nothing now and is said to be resumed at the next start.
    const hangs2 = model.nextHang();
    model.script({ kind: 'hang', when: /again forever/ });
    await world.sendMessage(OPS, 'again forever');
    await hangs2;
    await waitFor('running again', async () => (await world.querySqlite(`select status from session_nodes where session_key = '${OPS}'`))[0]?.status === 'running', { timeoutMs: 10_000, intervalMs: 200 });
    await gateway.kill();
    const dead = await statusJson(world, user);
    assert.equal(dead.json.gateway.alive, false);
    const kinds = (dead.json.findings as Finding[]).map((f) => `${f.kind}:${f.severity}`).sort();
    assert.deepEqual(kinds, ['owner-lock-dead:warning', 'run-orphaned:warning'], JSON.stringify(dead.json.findings));
    const text = await productCli(world, ['status'], user);
    assert.match(text.stdout, /not running \(its lock names pid \d+, which is gone\)/);
    assert.equal(text.code, 1);
  });
});
