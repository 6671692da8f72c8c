// What OpenClaw's log says failed, where the user looks in VS Code: the row, its tooltip, the
// status bar, the alert, and the order (a lock with failed messages behind it first).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureTally } from '../../src/logs/tally';
import { AlertTracker } from '../../src/extension/alert-tracking';
import { lockEntries } from '../../src/extension/graded-entries';
import { summarizeStatus } from '../../src/extension/lock-status';
import { describeLock, lockMoment, lockTooltipMarkdown } from '../../src/extension/lock-presentation';
import { SessionsTreeModel, titleOf } from '../../src/extension/tree-model';
import { DEFAULT_THRESHOLDS } from '../../src/sessions/types';
import { lockFailuresText } from '../../src/wording/failures';
import { agent, session, snapshot } from './snapshots';

const t0 = new Date(2026, 11, 1, 14, 20).getTime();

function failing(lockPath: string, count: number, sessionKey?: string): FailureTally {
  const tally = new FailureTally(0);
  for (let i = 0; i < count; i++) tally.add({ kind: 'lock-timeout', time: t0 + i * 60_000, lockPath, sessionKey, error: `session file locked (timeout 60000ms): pid=1 alive=true ageMs=${i} ${lockPath}` });
  return tally;
}

const snap = () => snapshot([
  agent('main', [
    session('main', 'stale-quiet', { level: 'stale', pid: 11, ageMs: 600_000, reasons: ['dead-pid'] }),
    session('main', 'held-failing', { level: 'held', pid: 12, ageMs: 30_000 }, { title: 'Ops Discord' }),
    session('main', 'free'),
  ]),
]);
const failingLock = '/state/agents/main/sessions/held-failing.jsonl.lock';

test('the tree: a lock with failed messages behind it ranks above a worse one without', () => {
  const without = new SessionsTreeModel(snap());
  assert.deepEqual(without.lockedNodes().map(titleOf), ['agent:main:stale-quiet', 'Ops Discord']);
  const model = new SessionsTreeModel(snap(), { failures: failing(failingLock, 7) });
  assert.deepEqual(model.children(model.roots[0]).map((n) => (n.kind === 'session' ? n.session.sessionId : n.id)), ['held-failing', 'stale-quiet', 'free']);
  assert.deepEqual(model.lockedNodes().map(titleOf), ['Ops Discord', 'agent:main:stale-quiet']);
  const node = model.nodeForLockPath(failingLock)!;
  assert.equal(node.failures!.count, 7);
  assert.equal(model.nodeForLockPath('/state/agents/main/sessions/stale-quiet.jsonl.lock')!.failures, undefined);
});

test('a failure that names no lock is attributed to the session whose lock is on screen', () => {
  const tally = new FailureTally(0);
  tally.add({ kind: 'run-failed', time: t0, sessionKey: 'agent:main:held-failing', error: 'boom' });
  const model = new SessionsTreeModel(snap(), { failures: tally });
  assert.equal(model.nodeForLockPath(failingLock)!.failures!.count, 1);
});

test('the row and its tooltip: "7 failed" after the level, the sentence and the last error', () => {
  const model = new SessionsTreeModel(snap(), { failures: failing(failingLock, 7) });
  const node = model.nodeForLockPath(failingLock)!;
  const moment = lockMoment(node.lock, DEFAULT_THRESHOLDS, 0, 0);
  assert.equal(describeLock(node.lock, moment, node.failures!.count), 'held · 7 failed · 30s · pid 12');
  assert.equal(describeLock(node.lock, moment), 'held · 30s · pid 12', 'unchanged without failures');
  const text = lockFailuresText(node.failures!, t0 + 3600_000);
  assert.equal(text, '7 messages failed since 14:20 because of this lock');
  const markdown = lockTooltipMarkdown('Ops Discord', node.lock, moment, { failures: text, lastError: node.failures!.lastError });
  assert.match(markdown, /\*\*7 messages failed since 14\\:20 because of this lock\*\*/, 'escaped like every value');
  assert.match(markdown, /Last error: session file locked \\\(timeout 60000ms\\\)/);
});

test('the status bar: the failing lock is the worst, its line says so, and the tooltip has the log\'s summary', () => {
  const model = new SessionsTreeModel(snap(), { failures: failing(failingLock, 7) });
  const entries = lockEntries(model, DEFAULT_THRESHOLDS, 0);
  assert.equal(entries[0]!.title, 'Ops Discord');
  const summary = summarizeStatus(entries, '7 messages failed since 14:20 (/tmp/openclaw/openclaw-2026-12-01.log)');
  assert.equal(summary.worst!.title, 'Ops Discord');
  assert.match(summary.tooltip, /^Ops Discord: held, 7 failed, 30s, pid 12$/m);
  assert.match(summary.tooltip, /^7 messages failed since 14:20 \(\/tmp\/openclaw\/openclaw-2026-12-01\.log\)$/m);
  assert.doesNotMatch(summarizeStatus(lockEntries(new SessionsTreeModel(snap()), DEFAULT_THRESHOLDS, 0)).tooltip, /failed/);
});

test('the alert: a stale lock announced again once messages start failing behind it', () => {
  const stale = '/state/agents/main/sessions/stale-quiet.jsonl.lock';
  const tracker = new AlertTracker();
  const same = snap(); // one lock identity throughout
  assert.equal(tracker.update(lockEntries(new SessionsTreeModel(same), DEFAULT_THRESHOLDS, 0)).length, 1);
  assert.equal(tracker.update(lockEntries(new SessionsTreeModel(same), DEFAULT_THRESHOLDS, 0)).length, 0, 'once per lock');
  const alerts = tracker.update(lockEntries(new SessionsTreeModel(same, { failures: failing(stale, 2) }), DEFAULT_THRESHOLDS, 0));
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.entry.node.failures!.count, 2);
  assert.equal(tracker.update(lockEntries(new SessionsTreeModel(same, { failures: failing(stale, 5) }), DEFAULT_THRESHOLDS, 0)).length, 0, 'not again for every further failure');
});
