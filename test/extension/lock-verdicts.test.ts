import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerdictTracker, allLockViews, describeVerdictChange } from '../../src/extension/lock-verdicts';
import { agent, lockView, session, snapshot } from './snapshots';

test('allLockViews finds session, orphan and store locks whatever the filters', () => {
  const snap = snapshot([
    agent('main', [session('main', 'a', { level: 'held', pid: 1 }), session('main', 'b')], {
      orphanLocks: [lockView('/o.jsonl.lock', { level: 'stale', pid: 2, reasons: ['dead-pid'] })],
      storeLock: lockView('/sessions.json.lock', { level: 'held', pid: 3 }),
    }),
  ]);
  assert.deepEqual(allLockViews(snap).map((v) => v.pid), [1, 2, 3], 'sessions, orphans, then sessions.json.lock');
  assert.deepEqual(allLockViews(undefined), []);
});

test('verdict changes: new, changed level, new identity, gone', () => {
  const tracker = new VerdictTracker();
  const held = lockView('/a.lock', { level: 'held', pid: 1, ino: 5 });
  assert.equal(tracker.update([held]).length, 1);
  assert.equal(tracker.update([held]).length, 0);
  const stale = lockView('/a.lock', { level: 'stale', pid: 1, ino: 5, reasons: ['dead-pid'], ageMs: 10 });
  const [change] = tracker.update([stale]);
  assert.equal(describeVerdictChange(change), 'held → stale pid=1 alive=false ageMs=10 reasons=dead-pid: /a.lock');
  const replaced = lockView('/a.lock', { level: 'stale', pid: 2, ino: 6, reasons: ['dead-pid'] });
  assert.equal(tracker.update([replaced]).length, 1);
  const [gone] = tracker.update([]);
  assert.equal(describeVerdictChange(gone), 'lock gone (was stale): /a.lock');
});
