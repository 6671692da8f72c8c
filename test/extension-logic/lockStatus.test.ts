import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertTracker } from '../../src/extension/alertTracking';
import { isAutoClearable } from '../../src/extension/autoClear';
import { lockEntries } from '../../src/extension/gradedEntries';
import { summarizeStatus } from '../../src/extension/lockStatus';
import { VerdictTracker, allLockViews, describeVerdictChange } from '../../src/extension/lockVerdicts';
import { SessionsTreeModel } from '../../src/extension/treeModel';
import { agent, lockView, session, snapshot } from './snapshots';

const thresholds = { warnMs: 60_000, errorMs: 300_000 };

function model(...sessions: ReturnType<typeof session>[]) {
  return new SessionsTreeModel(snapshot([agent('main', sessions)], { scannedAt: 0 }));
}

test('the badge is hidden with no lock, counts locks, and takes the worst colour', () => {
  assert.equal(summarizeStatus([]).count, 0);
  const quiet = model(session('main', 'a', { level: 'held', pid: 1, ageMs: 1_000 }), session('main', 'b'));
  let summary = summarizeStatus(lockEntries(quiet, thresholds, 0));
  assert.deepEqual([summary.count, summary.text, summary.background], [1, '$(lock) 1', 'none']);
  // The same lock a minute later, without a rescan: yellow.
  summary = summarizeStatus(lockEntries(quiet, thresholds, 60_000));
  assert.equal(summary.background, 'warning');
  // Five minutes later: red.
  summary = summarizeStatus(lockEntries(quiet, thresholds, 300_000));
  assert.equal(summary.background, 'error');
  const stale = model(
    session('main', 'a', { level: 'held', pid: 1, ageMs: 1_000 }),
    session('main', 'b', { level: 'stale', pid: 2, ageMs: 1_000, reasons: ['dead-pid'] }),
  );
  summary = summarizeStatus(lockEntries(stale, thresholds, 0));
  assert.deepEqual([summary.count, summary.background, summary.worst?.title], [2, 'error', 'agent:main:b']);
  assert.match(summary.tooltip, /agent:main:b: stale, dead-pid, 1s, pid 2/);
  assert.match(summary.tooltip, /agent:main:a: held, 1s, pid 1/);
});

test('one alert per lock when it turns stale or crosses the error threshold, not per refresh', () => {
  const tracker = new AlertTracker();
  const held = session('main', 'a', { level: 'held', pid: 1, ageMs: 200_000, ino: 1 });
  const m = model(held);
  assert.deepEqual(tracker.update(lockEntries(m, thresholds, 0)), []);
  const crossed = tracker.update(lockEntries(m, thresholds, 150_000));
  assert.deepEqual(crossed.map((a) => [a.kind, a.clearable]), [['held-too-long', false]]);
  // Ticks and rescans of the same lock stay quiet.
  assert.deepEqual(tracker.update(lockEntries(m, thresholds, 151_000)), []);
  assert.deepEqual(tracker.update(lockEntries(model(session('main', 'a', { level: 'held-too-long', pid: 1, ageMs: 400_000, ino: 1 })), thresholds, 0)), []);
  // The owner dies: a new event for the same lock, now clearable.
  const died = tracker.update(lockEntries(model(session('main', 'a', { level: 'stale', pid: 1, ageMs: 400_000, ino: 1, reasons: ['dead-pid'] })), thresholds, 0));
  assert.deepEqual(died.map((a) => [a.kind, a.clearable]), [['stale', true]]);
  assert.deepEqual(tracker.update(lockEntries(model(session('main', 'a', { level: 'stale', pid: 1, ageMs: 400_000, ino: 1, reasons: ['dead-pid'] })), thresholds, 5)), []);
  // Cleared, then a new stale lock on the same session: announced again.
  assert.deepEqual(tracker.update(lockEntries(model(session('main', 'a')), thresholds, 0)), []);
  const again = tracker.update(lockEntries(model(session('main', 'a', { level: 'stale', pid: 3, ino: 2, reasons: ['dead-pid'] })), thresholds, 0));
  assert.equal(again.length, 1);
});

test('a stale lock that is not provably stale offers no clearing', () => {
  const tracker = new AlertTracker();
  const alerts = tracker.update(lockEntries(model(session('main', 'a', { level: 'stale', pid: 1, reclaimable: false, reasons: ['dead-pid'] })), thresholds, 0));
  assert.equal(alerts[0].clearable, false);
});

test('auto-clear takes only dead or recycled owners that are provably stale', () => {
  const cases: [Parameters<typeof lockView>[1], boolean][] = [
    [{ level: 'stale', pid: 1, reasons: ['dead-pid'] }, true],
    [{ level: 'stale', pid: 1, reasons: ['recycled-pid'] }, true],
    [{ level: 'stale', pid: 1, reasons: ['missing-pid'] }, false],
    [{ level: 'stale', pid: 1, reasons: ['dead-pid'], reclaimable: false }, false],
    [{ level: 'held-too-long', pid: 1, reasons: ['too-old'] }, false],
    [{ level: 'suspect', pid: 1, reasons: ['non-openclaw-owner'] }, false],
  ];
  for (const [spec, expected] of cases) assert.equal(isAutoClearable(lockView('/s/a.jsonl.lock', spec)), expected, JSON.stringify(spec));
});

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

test('a lock file two sessions share (a session and its topic) is one lock: once in every list and the badge', () => {
  const a = session('main', 'a', { level: 'stale', pid: 7, reasons: ['dead-pid'] });
  const topic = { ...session('main', 'a-topic-1'), lockPath: a.lockPath, lock: a.lock, title: 'topic' };
  const snap = snapshot([agent('main', [a, topic])]);
  assert.deepEqual(allLockViews(snap).map((v) => v.lockPath), [a.lockPath]);
  const tree = new SessionsTreeModel(snap);
  assert.equal(tree.lockedNodes().length, 2, 'both rows show the lock');
  const entries = lockEntries(tree, thresholds, 0);
  assert.equal(entries.length, 1);
  assert.equal(summarizeStatus(entries).count, 1, 'the badge counts lock files, not rows');
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
