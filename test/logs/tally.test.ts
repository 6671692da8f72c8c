// Failures per session, lock and agent since a moment, in bounded memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FailureEvent } from '../../src/logs/failures';
import { FailureTally, MAX_KEYS, failureCountJson } from '../../src/logs/tally';

const t0 = Date.parse('2026-12-01T14:20:00Z');
const timeout = (i: number, key = 'agent:main:main', lockPath = '/s/a.jsonl.lock'): FailureEvent => ({ kind: 'lock-timeout', time: t0 + i * 1000, sessionKey: key, lockPath, error: `session file locked (timeout 60000ms): pid=1 alive=true ageMs=${i} ${lockPath}` });

test('counts per session and per lock, first and last time, the newest error', () => {
  const tally = new FailureTally(t0);
  for (let i = 0; i < 7; i++) tally.add(timeout(i));
  tally.add({ kind: 'run-failed', time: t0 + 10_000, sessionKey: 'agent:main:other', error: 'boom' });
  assert.equal(tally.total, 8);
  const lock = tally.locks.get('/s/a.jsonl.lock')!;
  assert.deepEqual([lock.count, lock.firstAt, lock.lastAt], [7, t0, t0 + 6000]);
  assert.match(lock.lastError, /ageMs=6 /);
  assert.equal(tally.sessions.get('agent:main:main')!.count, 7);
  assert.equal(tally.sessions.get('agent:main:other')!.count, 1);
  assert.equal(tally.locks.size, 1, 'a failure that names no lock is no lock\'s');
  assert.deepEqual(failureCountJson(lock), { count: 7, firstAt: '2026-12-01T14:20:00.000Z', lastAt: '2026-12-01T14:20:06.000Z', lastKind: 'lock-timeout', lastError: lock.lastError });
});

test('nothing before `since` counts', () => {
  const tally = new FailureTally(t0 + 3000);
  for (let i = 0; i < 7; i++) tally.add(timeout(i));
  assert.equal(tally.total, 4);
  assert.equal(tally.locks.get('/s/a.jsonl.lock')!.firstAt, t0 + 3000);
});

test('stuck sessions, removed locks, store writes: beside the failed messages, not in them', () => {
  const tally = new FailureTally(t0);
  tally.add({ kind: 'stuck-session', time: t0, sessionKey: 'agent:main:main', state: 'processing', ageSeconds: 130, error: 'stuck session: sessionId=a sessionKey=agent:main:main state=processing age=130s' });
  tally.add({ kind: 'stuck-session', time: t0 + 1000, sessionKey: 'agent:main:main', state: 'processing', ageSeconds: 260, error: 'stuck session: sessionId=a sessionKey=agent:main:main state=processing age=260s' });
  tally.add({ kind: 'stale-lock-removed', time: t0, lockPath: '/s/a.jsonl.lock', reasons: ['dead-pid'], error: 'removed stale session lock: /s/a.jsonl.lock (dead-pid)' });
  tally.add({ kind: 'store-write-failed', time: t0, agentId: 'ops', error: 'SQLite session write failed: database is locked' });
  assert.equal(tally.total, 0);
  assert.deepEqual(tally.stuck.get('agent:main:main'), { at: t0 + 1000, label: 'stuck session', state: 'processing', ageSeconds: 260, sessionId: undefined });
  assert.deepEqual(tally.removedLocks.get('/s/a.jsonl.lock'), { at: t0, reasons: ['dead-pid'] });
  assert.equal(tally.storeWrites.get('ops')!.count, 1);
});

test('bounded: at most MAX_KEYS sessions, the least recently failing dropped first; long errors clipped', () => {
  const tally = new FailureTally(t0);
  for (let i = 0; i < MAX_KEYS + 50; i++) tally.add({ ...timeout(i, `agent:main:s${i}`, `/s/${i}.jsonl.lock`), error: 'x'.repeat(5000) });
  assert.equal(tally.sessions.size, MAX_KEYS);
  assert.equal(tally.locks.size, MAX_KEYS);
  assert.equal(tally.sessions.has('agent:main:s0'), false);
  assert.equal(tally.sessions.has(`agent:main:s${MAX_KEYS + 49}`), true);
  assert.equal(tally.total, MAX_KEYS + 50, 'the total still counts every failure');
  assert.ok(tally.sessions.get(`agent:main:s${MAX_KEYS + 49}`)!.lastError.length <= 501);
});
