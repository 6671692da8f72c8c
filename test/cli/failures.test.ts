// `status` and `inspect` say how many messages failed because of a lock, from OpenClaw's log
// (found through logging.file in openclaw.json, as OpenClaw finds it, or --log-file).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { deadPid } from '../fixtures/live-holder';
import { isoAgo, makeSessionsDir, makeTempRoot, writeLock, writeStore, writeTranscript } from '../fixtures/state-dir';
import { fieldsLine, laneFailure, subsystemLine, timeoutError } from '../logs/helpers';
import { cli } from './run-cli';

let root: { root: string; cleanup(): void };
let stateDir: string;
let failingLock: string;
let quietLock: string;
const failedAt = Date.now() - 10 * 60_000;

before(() => {
  root = makeTempRoot('oc-cli-failures-');
  stateDir = path.join(root.root, 'state');
  const sessions = makeSessionsDir(stateDir, 'main');
  writeStore(sessions, {
    'agent:main:quiet': { sessionId: 'aaaa1111', updatedAt: Date.now(), label: 'Quiet' },
    'agent:main:discord:channel:1': { sessionId: 'bbbb2222', updatedAt: Date.now() - 60_000, label: 'Ops Discord' },
  });
  writeTranscript(sessions, 'aaaa1111.jsonl');
  writeTranscript(sessions, 'bbbb2222.jsonl');
  const real = fs.realpathSync(sessions);
  quietLock = path.join(real, 'aaaa1111.jsonl.lock');
  failingLock = path.join(real, 'bbbb2222.jsonl.lock');
  // The quiet one is older, so without failures it would be listed first.
  writeLock(quietLock, { pid: deadPid(), createdAt: isoAgo(40 * 60_000), maxHoldMs: 300_000 });
  writeLock(failingLock, { pid: deadPid(), createdAt: isoAgo(30 * 60_000), maxHoldMs: 300_000 });
  const log = path.join(root.root, 'logs', 'openclaw.log');
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const lines = Array.from({ length: 7 }, (_, i) => laneFailure('agent:main:discord:channel:1', timeoutError(4242, 61_000 + i, failingLock), new Date(failedAt + i * 60_000))).flat();
  fs.writeFileSync(log, lines.join('\n') + '\n');
  // JSON5, as OpenClaw reads it.
  fs.writeFileSync(path.join(stateDir, 'openclaw.json'), `{\n  // the harness's shape\n  logging: { file: '${log}', },\n}\n`);
});
after(() => root.cleanup());

test('status: a Failures line, the failing lock first with its count, and the sentence', async () => {
  const run = await cli(['status', '--state-dir', stateDir, '--no-color'], { COLUMNS: '200' });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /Failures\s+7 messages failed since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \(.*openclaw\.log\)/);
  const rows = run.stdout.split('\n').filter((l) => /^main\s/.test(l));
  assert.match(rows[0]!, /Ops Discord.*stale: dead-pid.*; safe to clear; 7 failed$/, rows.join('\n'));
  assert.match(rows[1]!, /Quiet/);
  assert.doesNotMatch(rows[1]!, /failed/);
  assert.match(run.stdout, /^Ops Discord \(agent:main:discord:channel:1\): 7 messages failed since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d because of this lock/m);
});

test('status --json: failures per lock and the total', async () => {
  const run = await cli(['status', '--state-dir', stateDir, '--json']);
  const json = JSON.parse(run.stdout) as { locks: Array<{ lockPath: string; failures: { count: number; firstAt?: string } }>; failures: { total: number; logFound: boolean; logSource: string; sessions: Record<string, { count: number }> } };
  assert.equal(json.failures.total, 7);
  assert.equal(json.failures.logFound, true);
  assert.equal(json.failures.logSource, 'config');
  assert.equal(json.failures.sessions['agent:main:discord:channel:1']!.count, 7);
  const byPath = new Map(json.locks.map((l) => [l.lockPath, l.failures]));
  assert.equal(byPath.get(failingLock)!.count, 7);
  assert.equal(byPath.get(failingLock)!.firstAt, new Date(failedAt + 2).toISOString());
  assert.deepEqual(byPath.get(quietLock), { count: 0 });
});

test('inspect: the count, since when, and the last error', async () => {
  const run = await cli(['inspect', 'Ops Discord', '--state-dir', stateDir, '--no-color'], { COLUMNS: '200' });
  assert.match(run.stdout, /Failures\s+7 messages failed since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d because of this lock/m);
  assert.match(run.stdout, /Last error\s+session file locked \(timeout 60000ms\): pid=4242 alive=true ageMs=61006/);
  const json = JSON.parse((await cli(['inspect', 'Ops Discord', '--state-dir', stateDir, '--json'])).stdout) as { failures: { count: number; logFound: boolean } };
  assert.equal(json.failures.count, 7);
  const quiet = JSON.parse((await cli(['inspect', 'Quiet', '--state-dir', stateDir, '--json'])).stdout) as { failures: { count: number } };
  assert.equal(quiet.failures.count, 0);
});

test('9.6: failed writes to an agent\'s SQLite store, and stuck sessions, are said too', async () => {
  const log = path.join(root.root, 'logs', 'sqlite.log');
  const fields = { agentId: 'main', pid: 9, storePath: '/x/agents/main/agent/openclaw-agent.sqlite', error: 'database is locked' };
  const stuck = subsystemLine('diagnostic', 'WARN', 'stuck session: sessionId=ops-1 sessionKey=agent:main:ops state=processing age=241s queueDepth=2 reason=no-progress classification=stuck recovery=checking', new Date(failedAt));
  fs.writeFileSync(log, [fieldsLine('session-sqlite', 'WARN', 'SQLite session write failed', fields, new Date(failedAt)), stuck].join('\n') + '\n');
  const run = await cli(['status', '--state-dir', stateDir, '--no-color', '--log-file', log], { COLUMNS: '200' });
  assert.match(run.stdout, /Store\s+1 write to agent main's SQLite store failed at (?:\d{4}-\d\d-\d\d )?\d\d:\d\d/);
  assert.match(run.stdout, /Stuck\s+agent:main:ops: OpenClaw logged "stuck session" \(processing, 241s\) at (?:\d{4}-\d\d-\d\d )?\d\d:\d\d/);
  const json = JSON.parse((await cli(['status', '--state-dir', stateDir, '--json', '--log-file', log])).stdout) as { failures: { total: number; storeWrites: Record<string, { count: number }> } };
  assert.equal(json.failures.total, 0, 'a failed write is not counted as a failed message');
  assert.equal(json.failures.storeWrites.main!.count, 1);
});

test('--log-file overrides; a missing log is said, not an error', async () => {
  const run = await cli(['status', '--state-dir', stateDir, '--no-color', '--log-file', path.join(root.root, 'nope.log')], { COLUMNS: '200' });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /Failures\s+no OpenClaw log at .*nope\.log/);
  assert.doesNotMatch(run.stdout, /7 failed/);
});
