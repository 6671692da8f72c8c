// Issue 10, item 13: the lock benchmark's table reads on its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEADER, lockBenchTable, type LockBenchResults } from '../../bench/lock-table';

const p = (p50: number, p99 = p50 * 3) => ({ p50, p99 });
const contention = (ops: number) => ({ opsPerSecond: ops, lostUpdates: 0, longestRun: 3, maxWaitMs: 12 });
const results: LockBenchResults = {
  un: { floor: p(0.2), core: p(0.25), 'proper-lockfile': p(0.35), 'floor-sync': p(0.05) },
  ho: { floor: { ...p(1.2), n: 100 }, core: { ...p(1.5), n: 100 }, 'proper-lockfile': { ...p(26), n: 100 } },
  co: Object.fromEntries(['floor', 'core', 'proper-lockfile'].map((impl) => [impl, { 2: contention(900), 4: contention(800), 8: contention(700) }])),
  coreReclaim: [8, 9, 10, 11, 12, 9, 10, 11, 10, 9],
  properReclaim: [10_100],
  median: (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!,
};

test('counts say what they count instead of n=10/1', () => {
  const { rows } = lockBenchTable(results);
  const text = rows.flat().join('\n');
  assert.doesNotMatch(text, /n=\d/);
  const reclaim = rows.find((r) => r[0]!.startsWith('SIGKILLed holder'))!;
  assert.match(reclaim[2]!, /^\d.* ms \(10 runs\)$/);
  assert.match(reclaim[3]!, /^\d.* \(1 run\)$/);
  assert.ok(rows.some((r) => /\(100 handoffs\)/.test(r[0]!)));
});

test('a ratio only stands next to the values it divides, and never for counts', () => {
  const { rows } = lockBenchTable(results);
  for (const row of rows.slice(1)) {
    if (row[5]) assert.ok(row[1] && row[2], `core/floor ${row[5]} in "${row[0]}" needs both cells: ${JSON.stringify(row)}`);
    if (/lost updates|longest run/.test(row[0]!)) assert.deepEqual(row.slice(5), [''], row[0]);
  }
});

test('the real OpenClaw column: measured values when it ran, "not run" otherwise; mixed runs and idle CPU get rows', () => {
  const without = lockBenchTable(results).rows;
  assert.ok(without.slice(1).every((row) => row[4] === '' || row[4] === 'not run'), JSON.stringify(without.map((r) => r[4])));
  const withOc = lockBenchTable({
    ...results,
    un: { ...results.un, openclaw: p(0.8) },
    ho: { ...results.ho, openclaw: { ...p(30), n: 100 } },
    co: { ...results.co, openclaw: { 2: contention(500), 4: contention(600), 8: contention(700) } },
    mixed: { 2: { ...contention(400), overlaps: 0, byImpl: { core: 300, openclaw: 100 } } },
    openclawReclaim: [40, 50],
    idle: { floor: 120, core: 0.3, 'proper-lockfile': 100, openclaw: 2 },
    openclawVersion: '2026.7.35',
  }).rows;
  assert.equal(withOc.find((r) => r[0]!.startsWith('uncontended acquire+release p50'))![4], '0.80 ms');
  assert.match(withOc.find((r) => r[0]!.startsWith('mixed core + OpenClaw, 2 procs'))![2]!, /^400; 0 \/ 0 \(core 300, OpenClaw 100 acquisitions\)$/);
  assert.equal(withOc.find((r) => r[0]!.startsWith('idle waiter CPU'))![2], '0.30 ms/s');
  assert.match(withOc.find((r) => r[0]!.startsWith('SIGKILLed holder'))![4]!, /\(2 runs\)$/);
});

test('the table and its notes stand alone: every column explained, no pointer to an issue', () => {
  const table = lockBenchTable(results);
  const all = [...table.rows.flat(), ...table.legend, table.referenceTitle, ...table.reference.flat()].join('\n');
  assert.doesNotMatch(all, /issue|anchor/i);
  const legend = table.legend.join(' ');
  for (const column of HEADER.slice(1)) assert.ok(legend.includes(column.replace(/ \(.*\)$/, '')), `the legend explains "${column}"`);
});
