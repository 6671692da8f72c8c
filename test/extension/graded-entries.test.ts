import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GradedEntriesClock, gradeEntries } from '../../src/extension/graded-entries';
import { SessionsTreeModel } from '../../src/extension/tree-model';
import { agent, session, snapshot, sqliteAgent, sqliteRow, sqliteSession, sqliteSnapshot } from './snapshots';

const thresholds = { warnMs: 60_000, errorMs: 300_000 };
const SCANNED = 1_000_000;

function lockedModel() {
  return new SessionsTreeModel(snapshot([agent('main', [
    session('main', 'a', { level: 'held', pid: 1, ageMs: 50_000, ino: 1 }),
    session('main', 'b', { level: 'stale', pid: 2, ageMs: 10_000, ino: 2, reasons: ['dead-pid'] }),
    session('main', 'idle'),
  ])], { scannedAt: SCANNED }));
}

test('one graded list per tree model and second: every consumer in a tick reads the same verdicts', () => {
  const clock = new GradedEntriesClock();
  const model = lockedModel();
  const first = clock.at(model, thresholds, SCANNED + 100);
  assert.equal(clock.at(model, thresholds, SCANNED + 900), first, 'the same second: graded once');
  assert.equal(clock.at(model, { ...thresholds }, SCANNED + 900), first, 'equal thresholds are the same thresholds');
  const next = clock.at(model, thresholds, SCANNED + 20_000);
  assert.notEqual(next, first, 'the next tick grades again');
  assert.deepEqual(first.locks.map((e) => `${e.title}:${e.moment.level}`), ['agent:main:b:stale', 'agent:main:a:held']);
  assert.deepEqual(next.locks.map((e) => `${e.title}:${e.moment.level}`), ['agent:main:b:stale', 'agent:main:a:held-long'], 'a live lock crosses warn with no scan');
  assert.notEqual(clock.at(lockedModel(), thresholds, SCANNED + 20_000), next, 'a new tree model is graded afresh');
});

test('new thresholds re-grade within the same second, without a new snapshot', () => {
  const clock = new GradedEntriesClock();
  const model = lockedModel();
  const before = clock.at(model, thresholds, SCANNED + 5_000);
  const stricter = clock.at(model, { warnMs: 10_000, errorMs: 20_000 }, SCANNED + 5_000);
  assert.notEqual(stricter, before);
  assert.equal(stricter.model.snapshot, before.model.snapshot, 'the same facts');
  assert.deepEqual(stricter.locks.map((e) => e.moment.level).sort(), ['held-too-long', 'stale']);
});

test('a row\'s moment comes from the graded list; a free row is graded alone', () => {
  const model = lockedModel();
  const graded = gradeEntries(model, thresholds, SCANNED + 20_000);
  const rows = model.children(model.roots[0]!).filter((n) => n.kind === 'session');
  const held = rows.find((n) => n.kind === 'session' && n.session.sessionId === 'a')!;
  const idle = rows.find((n) => n.kind === 'session' && n.session.sessionId === 'idle')!;
  assert.ok(held.kind === 'session' && held.lock && idle.kind === 'session' && idle.lock);
  assert.equal(graded.momentOf(held.lock), graded.locks.find((e) => e.node.lock === held.lock)!.moment);
  assert.equal(graded.momentOf(held.lock).ageMs, 70_000);
  assert.equal(graded.momentOf(idle.lock).level, 'free');
});

test('SQLite era: the list holds the findings re-graded now and those that count', () => {
  const NOW = SCANNED;
  const running = sqliteSession('main', sqliteRow('agent:main:a', { label: 'A', status: 'running', startedAt: NOW - 10_000, activeWriterRunId: 'r1' }));
  const model = new SessionsTreeModel(sqliteSnapshot([sqliteAgent('main', [running])], { scannedAt: NOW }));
  const clock = new GradedEntriesClock();
  const now = clock.at(model, thresholds, NOW);
  assert.deepEqual(now.findings.map((f) => f.kind), ['run-active']);
  assert.equal(now.attention.length, 0);
  assert.equal(now.locks.length, 0);
  const later = clock.at(model, thresholds, NOW + 6 * 60_000);
  assert.deepEqual(later.findings.map((f) => `${f.kind}:${f.severity}`), ['run-hung:error']);
  assert.deepEqual(later.attention.map((e) => e.title), ['A']);
});
