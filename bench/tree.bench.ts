// The Sessions view's in-memory work on big state dirs: building the tree model from a
// snapshot (once per scan) and the per-second tick (status, alerts) with locks present.
// Anchor: the same build with no cap on free rows, i.e. what every row as a TreeItem costs.
import { performance } from 'node:perf_hooks';
import { lockEntries, summarizeStatus, AlertTracker } from '../src/extension/lock-status';
import { describeFreeSession, describeLock, lockMoment } from '../src/extension/lock-presentation';
import { SessionsTreeModel } from '../src/extension/tree-model';
import { agent, session, snapshot } from '../test/extension/snapshots';

const thresholds = { warnMs: 60_000, errorMs: 300_000 };

function makeSnapshot(sessions: number, locks: number) {
  const every = Math.max(1, Math.floor(sessions / Math.max(1, locks)));
  const list = Array.from({ length: sessions }, (_, i) =>
    session('main', `s${i}`, i % every === 0 && i / every < locks ? { level: i % (2 * every) === 0 ? 'stale' : 'held', pid: 1000 + i, ageMs: i, reasons: i % (2 * every) === 0 ? ['dead-pid'] : [] } : { level: 'free' }, { updatedAt: i }),
  );
  return snapshot([agent('main', list)], { scannedAt: 0 });
}

function median(run: () => void, repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const began = performance.now();
    run();
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** What getChildren + getTreeItem do for every visible row, minus the vscode objects. */
function rowTexts(model: SessionsTreeModel): number {
  let chars = 0;
  for (const root of model.roots) {
    for (const node of model.children(root)) {
      if (node.kind === 'session' && node.lock) {
        chars += (node.lock.level === 'free' ? describeFreeSession(node.session, 0) : describeLock(node.lock, lockMoment(node.lock, thresholds, 0, 1000))).length;
      }
    }
  }
  return chars;
}

// Warm up the JIT so the first row is not charged for compilation.
for (let i = 0; i < 20; i++) rowTexts(new SessionsTreeModel(makeSnapshot(1_000, 5), { freeSessionLimit: i % 2 ? 100 : Number.POSITIVE_INFINITY }));

const rows: string[][] = [['sessions', 'locks', 'rows shown', 'build+rows (ms)', 'uncapped (ms)', 'ratio', 'tick (ms)']];
for (const [sessions, locks] of [[1_000, 5], [10_000, 20], [50_000, 50]] as const) {
  const snap = makeSnapshot(sessions, locks);
  const repeats = sessions >= 50_000 ? 5 : 11;
  let shown = 0;
  const capped = median(() => {
    const model = new SessionsTreeModel(snap);
    shown = model.children(model.roots[0]).length;
    rowTexts(model);
  }, repeats);
  const uncapped = median(() => rowTexts(new SessionsTreeModel(snap, { freeSessionLimit: Number.POSITIVE_INFINITY })), repeats);
  const model = new SessionsTreeModel(snap);
  const tracker = new AlertTracker();
  let now = 0;
  const tick = median(() => {
    now += 1000;
    const entries = lockEntries(model, thresholds, now);
    summarizeStatus(entries);
    tracker.update(entries);
  }, 51);
  rows.push([String(sessions), String(locks), String(shown), capped.toFixed(2), uncapped.toFixed(2), `${(uncapped / capped).toFixed(1)}x`, tick.toFixed(3)]);
}

const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c])).join('  '));
console.log('\nbuild+rows: SessionsTreeModel from a snapshot plus every shown row\'s description (once per scan).');
console.log('uncapped: the same with every free session as a row (the anchor). tick: status + alerts, once a second while a lock exists.');
