// `watch` on a SQLite-era state dir (the real 2026.9.6 schema): a run crosses the warn
// threshold with no file changing and is reported once, then resolves when OpenClaw's row
// says done; both as NDJSON and as the plain one-line-per-change text.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { node24Binary } from '../fixtures/real-openclaw';
import { runNode24, writeSqliteStateDir } from '../fixtures/sqlite-state-dir';
import { makeTempRoot } from '../fixtures/state-dir';
import { CLI, cliEnv } from './run-cli';

function watch(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const until = async (accept: (text: string) => boolean, what: string, timeoutMs = 30_000) => {
    const began = Date.now();
    while (!accept(out)) {
      if (Date.now() - began > timeoutMs) throw new Error(`watch never printed ${what}; printed:\n${out}\nstderr:\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return out;
  };
  return { child, until, out: () => out };
}

const KEY = 'agent:main:discord:ops';

/** A live owner of the state dir, as 2026.8+ writes its lock (this test process plays the gateway). */
function liveGateway(stateDir: string): void {
  const dir = path.join(stateDir, 'tmp', `openclaw-${process.getuid!()}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'gateway.state.lock'), `${JSON.stringify({ pid: process.pid, ownerId: 'test', createdAt: new Date().toISOString(), configPath: path.join(stateDir, 'openclaw.json'), stateDir }, null, 2)}\n\t \t\n`);
}
const finish = (database: string) => runNode24(`const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1]);
  db.prepare("UPDATE session_nodes SET status = 'done', updated_at = updated_at + 1 WHERE session_key = ?").run(process.argv[2]); db.close();`, null, { args: [database, KEY] });

describe('openclaw-locks watch in the SQLite era', () => {
  const { root, cleanup } = makeTempRoot('oc-watch-sqlite-');
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    cleanup();
  });
  const env = { PATH: `${path.dirname(node24Binary())}:${process.env.PATH}`, TMPDIR: path.join(root, 'tmp') };

  it('--json: a finding event when a run turns hung with no file changing, and when it resolves', async () => {
    const written = await writeSqliteStateDir(path.join(root, 'json'), { agents: [{ id: 'main', sessions: [{ key: KEY, label: 'Ops Discord', status: 'running', startedAt: Date.now(), updatedAt: Date.now(), activeWriterRunId: 'run-1' }] }] });
    liveGateway(written.stateDir);
    const w = watch(['--json', '--state-dir', written.stateDir, '--warn', '6', '--error', '600', '--no-probe'], env);
    children.push(w.child);
    await w.until((t) => t.includes('"event":"findings"'), 'the findings of the first scan');
    const first = JSON.parse(w.out().split('\n').find((l) => l.includes('"event":"findings"'))!);
    assert.deepEqual(first.findings.map((f: { kind: string; severity: string }) => `${f.kind}:${f.severity}`), ['run-active:info']);
    const hung = await w.until((t) => /"event":"finding".*"change":"changed"/.test(t), 'the run turning hung');
    const event = JSON.parse(hung.split('\n').find((l) => /"event":"finding".*"change":"changed"/.test(l))!);
    assert.deepEqual({ kind: event.kind, severity: event.severity, previous: event.previousSeverity, key: event.sessionKey }, { kind: 'run-hung', severity: 'warning', previous: 'info', key: KEY });
    assert.match(event.remedies[0].command, /openclaw gateway call sessions\.abort/);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(w.out().split('\n').filter((l) => l.includes('"change":"changed"')).length, 1, 'the ticking age alone is no change');
    await finish(written.agents[0]!.path);
    await w.until((t) => t.includes('"change":"resolved"'), 'the run resolving');
  });

  it('text: one line when the run turns hung, one when it resolves', async () => {
    const written = await writeSqliteStateDir(path.join(root, 'text'), { agents: [{ id: 'main', sessions: [{ key: KEY, label: 'Ops Discord', status: 'running', startedAt: Date.now(), updatedAt: Date.now() }] }] });
    liveGateway(written.stateDir);
    const w = watch(['--state-dir', written.stateDir, '--warn', '6', '--error', '600', '--no-probe'], env);
    children.push(w.child);
    await w.until((t) => / ~ hung \d+s main Ops Discord \(agent:main:discord:ops\): A run has been working/.test(t), 'the hung line');
    await finish(written.agents[0]!.path);
    await w.until((t) => /- resolved run-hung main Ops Discord/.test(t), 'the resolved line');
  });
});
