// Issue 10, item 13: the lock benchmark's table reads on its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEADER, combineRounds, contentionRates, lockBenchTable, targetVerdicts, type LockBenchResults } from '../../bench/lock-table';

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
  // Without processes that wait for nothing there is no baseline row; with them, it sits in the core's column.
  assert.ok(!withOc.some((r) => /waits for nothing/.test(r[0]!)));
  const baseline = lockBenchTable({ ...results, idle: { floor: 120, core: 3.2, 'proper-lockfile': 100, none: 1.8 } }).rows.find((r) => /waits for nothing/.test(r[0]!))!;
  assert.deepEqual(baseline.slice(1), ['', '1.80 ms/s', '', '', '']);
  assert.match(withOc.find((r) => r[0]!.startsWith('SIGKILLed holder'))![4]!, /\(2 runs\)$/);
});

test('the table and its notes stand alone: every column explained, no pointer to an issue', () => {
  const table = lockBenchTable(results);
  const all = [...table.rows.flat(), ...table.legend, table.referenceTitle, ...table.reference.flat()].join('\n');
  assert.doesNotMatch(all, /issue|anchor/i);
  const legend = table.legend.join(' ');
  for (const column of HEADER.slice(1)) assert.ok(legend.includes(column.replace(/ \(.*\)$/, '')), `the legend explains "${column}"`);
});

const median = results.median;

test('rounds combine into the median rate and the worst of everything else', () => {
  const combined = combineRounds([
    { opsPerSecond: 900, lostUpdates: 0, overlaps: 0, longestRun: 12, maxWaitMs: 40, byImpl: { core: 10, openclaw: 2 } },
    { opsPerSecond: 1200, lostUpdates: 1, overlaps: 2, longestRun: 16, maxWaitMs: 30, byImpl: { core: 20, openclaw: 1 } },
    { opsPerSecond: 1000, lostUpdates: 0, overlaps: 1, longestRun: 9, maxWaitMs: 55 },
  ], median);
  assert.deepEqual(combined, { opsPerSecond: 1000, lostUpdates: 1, overlaps: 3, longestRun: 16, maxWaitMs: 55, byImpl: { core: 30, openclaw: 3 }, rounds: [900, 1200, 1000] });
  assert.throws(() => combineRounds([], median), /at least one round/);
});

test('with several rounds the rate row says so, and a row gives the core/floor ratio of each round', () => {
  const rounds = (...rates: number[]) => combineRounds(rates.map((ops) => contention(ops)), median);
  const { rows } = lockBenchTable({ ...results, co: { ...results.co, floor: { 2: rounds(1000, 2000, 1500), 4: rounds(800), 8: rounds(700) }, core: { 2: rounds(900, 1900, 1200), 4: rounds(700), 8: rounds(600) } } });
  assert.ok(rows.some((r) => r[0] === '2 procs back-to-back: ops/s, median of 3 rounds' && r[1] === '1500' && r[2] === '1200'), JSON.stringify(rows));
  assert.deepEqual(rows.find((r) => r[0] === '2 procs: core/floor ops/s in each round'), ['2 procs: core/floor ops/s in each round', '', '0.90x 0.95x 0.80x', '', '', '']);
  const mixed = lockBenchTable({ ...results, openclawVersion: '2026.7.35', co: { ...results.co, openclaw: results.co.core! }, mixed: { 2: combineRounds([{ ...contention(400), byImpl: { core: 300, openclaw: 10 } }, { ...contention(500), byImpl: { core: 310, openclaw: 12 } }], median) } }).rows;
  // The rate is one round's (the median), the acquisitions are all rounds' together.
  assert.match(mixed.find((r) => r[0]!.startsWith('mixed core + OpenClaw, 2 procs'))![0]!, /ops\/s \(median\)/);
  assert.match(mixed.find((r) => r[0]!.startsWith('mixed core + OpenClaw, 2 procs'))![2]!, /\(core 610, OpenClaw 22 acquisitions in 2 rounds\)$/);
  // One round: no per-round row, and the rate row reads as before.
  assert.ok(!rows.some((r) => r[0] === '4 procs: core/floor ops/s in each round'));
  assert.ok(rows.some((r) => r[0] === '4 procs back-to-back: ops/s'));
});

test('each target gets a verdict from the figures of the run, and a miss is named', () => {
  const openclaw = { ...results, openclawVersion: '2026.7.35', co: { ...results.co, openclaw: { 2: contention(500), 4: contention(600), 8: contention(650) } }, mixed: { 2: { ...contention(400), overlaps: 0 } } };
  const met = targetVerdicts({ ...openclaw, co: { ...openclaw.co, core: { 2: contention(1000), 4: contention(850), 8: contention(800) } } });
  assert.ok(met.every((row) => row[2]!.startsWith('met: ')), JSON.stringify(met));
  assert.equal(met.find((row) => row[0] === 'contention, 4 procs: rate')![2], 'met: 1.06x floor; 850 vs proper-lockfile 800, OpenClaw 600');

  // 4 procs below 0.9x the floor; 8 procs beaten by OpenClaw; a run of 17; a lost update in a mixed run.
  const missed = targetVerdicts({
    ...openclaw,
    co: { ...openclaw.co, core: { 2: { ...contention(1000), longestRun: 17 }, 4: contention(700), 8: contention(640) }, 'proper-lockfile': { 2: contention(600), 4: contention(600), 8: contention(600) } },
    mixed: { 2: { ...contention(400), lostUpdates: 1, overlaps: 0 } },
  });
  const verdictOf = (target: string) => missed.find((row) => row[0] === target)![2]!;
  assert.match(verdictOf('contention, 4 procs: rate'), /^MISSED: 0\.88x floor/);
  assert.match(verdictOf('contention, 8 procs: rate'), /^MISSED: 0\.91x floor; 640 vs proper-lockfile 600, OpenClaw 650$/);
  assert.match(verdictOf('contention, 2 procs: fairness'), /^MISSED: run 17;/);
  assert.match(verdictOf('exclusion'), /^MISSED: 1 lost \/ 0 overlapping, mixed runs included$/);
  assert.match(verdictOf('contention, 2 procs: rate'), /^met: /);
  // Without the real OpenClaw lock there were no mixed runs: exclusion with it is not shown met.
  assert.match(targetVerdicts(results).find((row) => row[0] === 'exclusion')![2]!, /^MISSED: .*no mixed runs/);
});

test('a run\'s rate counts the holds after its warm-up; the warm-up gets its own rate', () => {
  // 10 holds of 100 ms from t=0 to 1 s (warm-up), then 30 holds of 50 ms from 1 s to 2.5 s.
  const holds = [
    ...Array.from({ length: 10 }, (_, i) => ({ acquired: i * 100, releasing: i * 100 + 90 })),
    ...Array.from({ length: 30 }, (_, i) => ({ acquired: 1000 + i * 50, releasing: 1000 + i * 50 + 50 })),
  ];
  assert.deepEqual(contentionRates(holds, 1000), { opsPerSecond: 20, warmupOpsPerSecond: 10 });
  // No warm-up (the window opens before the first hold): one rate over the whole run.
  assert.deepEqual(contentionRates(holds, -5), { opsPerSecond: 16 });
  assert.throws(() => contentionRates(holds, 5000), /shorter than its warm-up/);
  assert.throws(() => contentionRates([], 0), /at least one hold/);
});

test('rounds combine their warm-up rates too, and the table and verdicts show them beside the steady rate', () => {
  const warmed = (ops: number, warmup: number) => ({ ...contention(ops), warmupOpsPerSecond: warmup });
  assert.equal(combineRounds([warmed(900, 500), warmed(1000, 700), warmed(1100, 600)], median).warmupOpsPerSecond, 600);
  // A round without one (no warm-up) leaves the combined run without one rather than half a median.
  assert.equal('warmupOpsPerSecond' in combineRounds([warmed(900, 500), contention(1000)], median), false);

  const co = { ...results.co, floor: { 2: warmed(1000, 800), 4: warmed(1000, 800), 8: warmed(1000, 800) }, core: { 2: warmed(950, 720), 4: warmed(950, 720), 8: warmed(950, 720) } };
  const table = lockBenchTable({ ...results, co, warmupMs: 3000 });
  const warmRow = table.rows.find((r) => r[0] === '4 procs: ops/s during the warm-up')!;
  assert.deepEqual([warmRow[1], warmRow[2], warmRow[5]], ['800', '720', '0.90x']);
  assert.ok(table.rows.some((r) => r[0] === '4 procs back-to-back: ops/s after the warm-up'));
  assert.match(table.legend.join(' '), /first 3\.0 s/);
  assert.match(targetVerdicts({ ...results, co }).find((row) => row[0] === 'contention, 4 procs: rate')![2]!, /^met: 0\.95x floor \(0\.90x during the warm-up\); 950 vs/);
  // Without a warm-up nothing of it shows.
  const plain = lockBenchTable(results);
  assert.ok(!plain.rows.some((r) => /warm-up/.test(r[0]!)) && !/warm-up/.test(plain.legend.join(' ')));
});
