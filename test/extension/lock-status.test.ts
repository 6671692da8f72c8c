import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockEntries } from '../../src/extension/graded-entries';
import { summarizeStatus } from '../../src/extension/lock-status';
import { allLockViews } from '../../src/extension/lock-verdicts';
import { SessionsTreeModel } from '../../src/extension/tree-model';
import { agent, session, snapshot } from './snapshots';

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
