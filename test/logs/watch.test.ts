// The log read into failures end to end: the real gateways' logs, and a log followed while
// OpenClaw writes it (a failure's two lines split across polls still count once).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FailureLogWatcher, readFailureLog } from '../../src/logs/watch';
import { fixture, fillerLine, laneFailure, tempDir, timeoutError, LOCK } from './helpers';

test('the real 7.35 log: two failed messages of agent:main:main because of its lock, four lines for them', async () => {
  const { tally, location, lastPoll } = await readFailureLog({ logFile: fixture('real-7.35-lock-timeout.log'), since: 0 });
  assert.equal(location.source, 'setting');
  assert.equal(tally.total, 2, 'one hold-exceeded refusal and one lock timeout, each logged for lane=main and lane=session');
  const session = tally.sessions.get('agent:main:main')!;
  assert.equal(session.count, 2);
  const [lockPath, lock] = [...tally.locks][0]!;
  assert.match(lockPath, /1904ac53-ace1-4cd8-97e5-0f3c50200a71\.jsonl\.lock$/);
  assert.equal(lock.count, 2);
  assert.equal(lock.lastKind, 'lock-timeout');
  assert.equal(lock.firstAt, Date.parse('2026-12-01T12:47:46.552Z'));
  assert.match(lock.lastError, /^session file locked \(timeout 5000ms\): pid=13086 alive=true/);
  assert.equal(lastPoll!.lines, 42);
});

test('the real 7.35 restart: the lock the gateway removed, and no failed message', async () => {
  const { tally } = await readFailureLog({ logFile: fixture('real-7.35-stale-removed.log'), since: 0 });
  assert.equal(tally.total, 0);
  assert.deepEqual([...tally.removedLocks.values()].map((r) => r.reasons), [['dead-pid']]);
});

test('the real 9.6 smoke test: slow writes of agent main, and the aborted run is no failure', async () => {
  const { tally } = await readFailureLog({ logFile: fixture('real-9.6-smoke.log'), since: 0 });
  assert.equal(tally.total, 0);
  assert.equal(tally.slowStore.get('main')!.count, 2);
});

test('by default only the last 24 h count', async () => {
  const { tally } = await readFailureLog({ logFile: fixture('real-7.35-lock-timeout.log'), now: () => Date.parse('2026-12-03T00:00:00Z') });
  assert.equal(tally.total, 0);
});

test('the watcher follows the log: a failure whose two lines land in two polls counts once, and listeners hear of it', async () => {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'openclaw.log');
  fs.writeFileSync(file, `${fillerLine(new Date())}\n`);
  const watcher = new FailureLogWatcher({ logFile: file, pollMs: 60_000 });
  try {
    const heard: number[] = [];
    watcher.onDidChange((state) => heard.push(state.tally.total));
    await watcher.start();
    assert.equal(watcher.state.tally.total, 0);
    const [main, session] = laneFailure('agent:main:main', timeoutError(), new Date());
    fs.appendFileSync(file, `${main}\n`);
    await watcher.pollOnce();
    assert.equal(watcher.state.tally.total, 0, 'the lane=main line waits for its session line');
    fs.appendFileSync(file, `${session}\n${fillerLine(new Date())}\n`);
    await watcher.pollOnce();
    assert.equal(watcher.state.tally.total, 1);
    assert.equal(watcher.state.tally.locks.get(LOCK)!.count, 1);
    await watcher.pollOnce();
    assert.deepEqual(heard, [1], 'told once, when the count changed');
  } finally {
    watcher.dispose();
    cleanup();
  }
});
