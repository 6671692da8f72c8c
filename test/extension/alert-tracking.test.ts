import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertTracker } from '../../src/extension/alert-tracking';
import { lockEntries } from '../../src/extension/graded-entries';
import { SessionsTreeModel } from '../../src/extension/tree-model';
import { agent, session, snapshot } from './snapshots';

const thresholds = { warnMs: 60_000, errorMs: 300_000 };

function model(...sessions: ReturnType<typeof session>[]) {
  return new SessionsTreeModel(snapshot([agent('main', sessions)], { scannedAt: 0 }));
}

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
