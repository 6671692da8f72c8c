// The lock benchmark's result table, legend and reference figures (pure, so a test can check
// what readers get without running the benchmark). It must read on its own: every count says
// what it counts, every column is explained below it, and a ratio appears only next to a value.

export interface Percentiles {
  p50: number;
  p99: number;
}

export interface Contention {
  /** After the warm-up: the steady state of long-lived processes. */
  opsPerSecond: number;
  /** During the warm-up (fresh processes while V8 compiles their hot code), when there was one. */
  warmupOpsPerSecond?: number;
  lostUpdates: number;
  /** Holders that found another holder's marker (0 when not measured). */
  overlaps?: number;
  longestRun: number;
  maxWaitMs: number;
  byImpl?: Record<string, number>;
  /** Each round's rate, in round order, when this is several rounds combined (combineRounds). */
  rounds?: number[];
}

/**
 * Rates of one contention run: the holds acquired from `measureFrom` on make the steady rate,
 * those before it the warm-up's. A fresh Node process spends its first seconds compiling its hot
 * code on background threads: on 2 cores, with every process compiling at once, the first 1.5 s
 * of a 4-process run went 29% (floor) and 37% (core) slower than seconds 3 to 4.5 of the same
 * runs, and under --no-opt the core ran at its later rate from the start.
 */
export function contentionRates(holds: ReadonlyArray<{ acquired: number; releasing: number }>, measureFrom: number): { opsPerSecond: number; warmupOpsPerSecond?: number } {
  if (holds.length === 0) throw new Error('contentionRates needs at least one hold');
  const first = Math.min(...holds.map((h) => h.acquired));
  const from = Math.max(first, measureFrom);
  const measured = holds.filter((h) => h.acquired >= from);
  if (measured.length === 0) throw new Error('no hold began after the warm-up: the run was shorter than its warm-up');
  const end = Math.max(...measured.map((h) => h.releasing));
  const rates: { opsPerSecond: number; warmupOpsPerSecond?: number } = { opsPerSecond: measured.length / ((end - from) / 1000) };
  // Holds before the window exist exactly when it opened after the first hold.
  const warming = holds.length - measured.length;
  if (warming > 0) rates.warmupOpsPerSecond = warming / ((from - first) / 1000);
  return rates;
}

/**
 * Several rounds of one contention run as one: the median rate (one round can land on a slow
 * or a fast stretch of a shared machine), and the worst of everything else: every lost update
 * and overlap, the longest run, the longest wait.
 */
export function combineRounds(rounds: Contention[], median: (values: number[]) => number): Contention {
  if (rounds.length === 0) throw new Error('combineRounds needs at least one round');
  const byImpl: Record<string, number> = {};
  for (const round of rounds) for (const [impl, count] of Object.entries(round.byImpl ?? {})) byImpl[impl] = (byImpl[impl] ?? 0) + count;
  const warmups = rounds.flatMap((r) => (r.warmupOpsPerSecond === undefined ? [] : [r.warmupOpsPerSecond]));
  return {
    opsPerSecond: median(rounds.map((r) => r.opsPerSecond)),
    ...(warmups.length === rounds.length ? { warmupOpsPerSecond: median(warmups) } : {}),
    lostUpdates: rounds.reduce((sum, r) => sum + r.lostUpdates, 0),
    overlaps: rounds.reduce((sum, r) => sum + (r.overlaps ?? 0), 0),
    longestRun: Math.max(...rounds.map((r) => r.longestRun)),
    maxWaitMs: Math.max(...rounds.map((r) => r.maxWaitMs)),
    ...(Object.keys(byImpl).length ? { byImpl } : {}),
    rounds: rounds.map((r) => r.opsPerSecond),
  };
}

export interface LockBenchResults {
  /** Uncontended acquire+release, per implementation plus `floor-sync`. */
  un: Record<string, Percentiles>;
  /** Handoff to a waiting process, with the number of handoffs measured. */
  ho: Record<string, Percentiles & { n: number }>;
  /** Back-to-back contention by implementation and process count (2, 4, 8). */
  co: Record<string, Record<number, Contention>>;
  /** Milliseconds from SIGKILL of the holder to the waiter's acquire, one per run. */
  coreReclaim: number[];
  properReclaim: number[];
  /** Same for the real OpenClaw lock (empty when it is not installed). */
  openclawReclaim?: number[];
  /** Mixed runs (this core and the real OpenClaw lock in alternate processes) by process count. */
  mixed?: Record<number, Contention>;
  /** CPU milliseconds per second of the busiest of the idle waiters, by implementation ('none': processes waiting for nothing). */
  idle?: Record<string, number>;
  /** The real OpenClaw release measured in this run, if any. */
  openclawVersion?: string | undefined;
  /** How long each contention run warmed up before its rate was measured (0: no warm-up). */
  warmupMs?: number;
  median: (values: number[]) => number;
}

export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return value >= 100 ? `${value.toFixed(0)} ms` : value >= 10 ? `${value.toFixed(1)} ms` : `${value.toFixed(2)} ms`;
}

export function ratio(value: number | undefined, floor: number | undefined): string {
  if (value === undefined || floor === undefined || Number.isNaN(value) || Number.isNaN(floor) || floor === 0) return '';
  return `${(value / floor).toFixed(2)}x`;
}

const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

export const HEADER = ['measure', 'floor (open wx)', 'core', 'proper-lockfile', 'OpenClaw (real)', 'core/floor'];

export function lockBenchTable(r: LockBenchResults): { rows: string[][]; legend: string[]; referenceTitle: string; reference: string[][] } {
  const rows: string[][] = [HEADER];
  const oc = r.openclawVersion !== undefined;
  // Ratios only for times and rates: a ratio of two counts (lost updates) says nothing.
  const add = (label: string, f: number | undefined, c: number | undefined, p: number | undefined, o: number | undefined, fmt: (v: number) => string = ms, withRatio = true): void => {
    rows.push([label, fmt(f as number), fmt(c as number), fmt(p as number), oc ? fmt(o as number) : 'not run', withRatio ? ratio(c, f) : '']);
  };
  const { un, ho, co } = r;
  const o = (key: string) => (oc ? key : undefined);
  const pick = <T,>(table: Record<string, T> | undefined, key: string | undefined): T | undefined => (key === undefined || !table ? undefined : table[key]);
  add('uncontended acquire+release p50', un.floor!.p50, un.core!.p50, un['proper-lockfile']!.p50, pick(un, o('openclaw'))?.p50);
  add('uncontended acquire+release p99', un.floor!.p99, un.core!.p99, un['proper-lockfile']!.p99, pick(un, o('openclaw'))?.p99);
  add(`handoff to a waiting process p50 (${ho.core!.n} handoffs)`, ho.floor!.p50, ho.core!.p50, ho['proper-lockfile']!.p50, pick(ho, o('openclaw'))?.p50);
  add('handoff to a waiting process p99', ho.floor!.p99, ho.core!.p99, ho['proper-lockfile']!.p99, pick(ho, o('openclaw'))?.p99);
  const num = (v: number): string => (v === undefined || Number.isNaN(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const int = (v: number | undefined): string => (v === undefined ? 'n/a' : String(v));
  for (const n of [2, 4, 8]) {
    const f = co.floor![n]!;
    const c = co.core![n]!;
    const p = co['proper-lockfile']![n]!;
    const q = pick(co, o('openclaw'))?.[n];
    const several = (c.rounds?.length ?? 0) > 1;
    add(`${n} procs back-to-back: ops/s${r.warmupMs ? ' after the warm-up' : ''}${several ? `, median of ${c.rounds!.length} rounds` : ''}`, f.opsPerSecond, c.opsPerSecond, p.opsPerSecond, q?.opsPerSecond, num);
    if (several && f.rounds?.length === c.rounds!.length) {
      // Each round ran every implementation back to back: the core's rate over the floor's from the same round.
      const byRound = c.rounds!.map((rate, i) => ratio(rate, f.rounds![i])).join(' ');
      rows.push([`${n} procs: core/floor ops/s in each round`, '', byRound, '', '', '']);
    }
    if (c.warmupOpsPerSecond !== undefined) add(`${n} procs: ops/s during the warm-up`, f.warmupOpsPerSecond, c.warmupOpsPerSecond, p.warmupOpsPerSecond, q?.warmupOpsPerSecond, num);
    add(`${n} procs: lost updates / overlapping holders`, 0, 0, 0, 0, () => '', false);
    rows[rows.length - 1] = [rows[rows.length - 1]![0]!, ...[f, c, p].map((x) => `${int(x.lostUpdates)} / ${int(x.overlaps)}`), oc && q ? `${int(q.lostUpdates)} / ${int(q.overlaps)}` : 'not run', ''];
    add(`${n} procs: longest run of one process`, f.longestRun, c.longestRun, p.longestRun, q?.longestRun, int, false);
    add(`${n} procs: longest wait for the lock`, f.maxWaitMs, c.maxWaitMs, p.maxWaitMs, q?.maxWaitMs);
  }
  if (r.mixed && oc) {
    for (const n of [2, 4, 8]) {
      const m = r.mixed[n];
      if (!m) continue;
      const over = (m.rounds?.length ?? 0) > 1 ? ` in ${m.rounds!.length} rounds` : '';
      const split = m.byImpl ? ` (core ${m.byImpl.core ?? 0}, OpenClaw ${m.byImpl.openclaw ?? 0} acquisitions${over})` : '';
      rows.push([`mixed core + OpenClaw, ${n} procs: ops/s${over ? ' (median)' : ''}; lost updates / overlapping holders`, '', `${num(m.opsPerSecond)}; ${m.lostUpdates} / ${int(m.overlaps)}${split}`, '', '', '']);
    }
  }
  // Each cell says how many runs its median is of: proper-lockfile waits out its 10 s stale age
  // on every run, so it gets one (none with --quick).
  const ocReclaim = r.openclawReclaim ?? [];
  rows.push([
    'SIGKILLed holder -> next holder, median',
    'never (no stale check)',
    `${ms(r.median(r.coreReclaim))} (${runs(r.coreReclaim.length)})`,
    r.properReclaim.length ? `${ms(r.median(r.properReclaim))} (${runs(r.properReclaim.length)})` : 'skipped (--quick)',
    oc && ocReclaim.length ? `${ms(r.median(ocReclaim))} (${runs(ocReclaim.length)})` : 'not run',
    '',
  ]);
  rows.push(['  core reclaim min / max', '', `${ms(Math.min(...r.coreReclaim))} / ${ms(Math.max(...r.coreReclaim))}`, '', '', '']);
  if (r.idle) {
    const cpu = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? 'n/a' : `${v.toFixed(v >= 10 ? 0 : 2)} ms/s`);
    rows.push(['idle waiter CPU time per second of waiting (busiest of 4)', cpu(r.idle.floor), cpu(r.idle.core), cpu(r.idle['proper-lockfile']), oc ? cpu(r.idle.openclaw) : 'not run', '']);
    if (r.idle.none !== undefined) rows.push(['  the same for a Node process that waits for nothing', '', cpu(r.idle.none), '', '', '']);
  }
  // The core's own p50 sits in its column, so the ratio next to it has both of its values in view.
  rows.push(['uncontended p50 against a sync-syscall floor*', ms(un['floor-sync']!.p50), ms(un.core!.p50), '', '', ratio(un.core!.p50, un['floor-sync']!.p50)]);
  return {
    rows,
    legend: [
      'floor (open wx): the least a lock file can cost: async open(wx)/write/close/unlink, retried every 1 ms, with no',
      '  stale-lock detection and no fairness. core: this project\'s lock (src/lock). proper-lockfile: the npm',
      `  package. OpenClaw (real): the session write lock of the published OpenClaw ${r.openclawVersion ?? 'release'}, driven from its compiled`,
      '  dist in the same worker processes ("not run" when it is not installed). core/floor: the core\'s time or rate',
      '  divided by the floor\'s. Lost updates: counter increments lost; overlapping holders: holders that found another',
      '  holder\'s marker. Longest run: most consecutive acquisitions by one process while all compete.',
      ...(r.warmupMs
        ? [
            `  Contention ops/s: after each run's first ${(r.warmupMs / 1000).toFixed(1)} s (the steady state of long-lived processes such as a gateway);`,
            '  "during the warm-up": those first seconds of fresh processes, while V8 compiles their hot code. Runs, waits,',
            '  lost updates and overlaps count the whole run, warm-up included.',
          ]
        : []),
      '  *In that row the floor column holds the same steps done with synchronous syscalls.',
    ],
    referenceTitle: 'What the core aims for, and whether this run met it:',
    reference: [['target', 'value', 'this run'], ...targetVerdicts(r)],
  };
}

/** Each target with its verdict in this run ("met" or "MISSED") and the figures it rests on. */
export function targetVerdicts(r: LockBenchResults): string[][] {
  const verdict = (ok: boolean, figures: string): string => `${ok ? 'met' : 'MISSED'}: ${figures}`;
  const oc = r.openclawVersion !== undefined;
  const rows: string[][] = [];
  for (const n of [2, 4, 8]) {
    const f = r.co.floor![n]!;
    const c = r.co.core![n]!;
    const p = r.co['proper-lockfile']![n]!;
    const q = oc ? r.co.openclaw?.[n] : undefined;
    const rateOk = c.opsPerSecond >= 0.9 * f.opsPerSecond && c.opsPerSecond > p.opsPerSecond && (q === undefined || c.opsPerSecond > q.opsPerSecond);
    const peers = `proper-lockfile ${p.opsPerSecond.toFixed(0)}${q ? `, OpenClaw ${q.opsPerSecond.toFixed(0)}` : ''}`;
    const warming = c.warmupOpsPerSecond !== undefined && f.warmupOpsPerSecond !== undefined ? ` (${ratio(c.warmupOpsPerSecond, f.warmupOpsPerSecond)} during the warm-up)` : '';
    rows.push([`contention, ${n} procs: rate`, 'ops/s >= 0.9x floor, above proper-lockfile and OpenClaw', verdict(rateOk, `${ratio(c.opsPerSecond, f.opsPerSecond)} floor${warming}; ${c.opsPerSecond.toFixed(0)} vs ${peers}`)]);
    rows.push([`contention, ${n} procs: fairness`, 'longest run <= 16; longest wait <= floor', verdict(c.longestRun <= 16 && c.maxWaitMs <= f.maxWaitMs, `run ${c.longestRun}; wait ${ms(c.maxWaitMs)} vs ${ms(f.maxWaitMs)}`)]);
  }
  rows.push(['uncontended p99', '<= 1.5x floor', verdict(r.un.core!.p99 <= 1.5 * r.un.floor!.p99, `${ratio(r.un.core!.p99, r.un.floor!.p99)} floor`)]);
  const reclaim = r.median(r.coreReclaim);
  rows.push(['handoff p50 / reclaim median', '< 2 ms / < 20 ms', verdict(r.ho.core!.p50 < 2 && reclaim < 20, `${ms(r.ho.core!.p50)} / ${ms(reclaim)}`)]);
  const runs = [...[2, 4, 8].map((n) => r.co.core![n]!), ...(oc && r.mixed ? Object.values(r.mixed) : [])];
  const lost = runs.reduce((sum, x) => sum + x.lostUpdates, 0);
  const overlaps = runs.reduce((sum, x) => sum + (x.overlaps ?? 0), 0);
  const mixedNote = oc && r.mixed ? ', mixed runs included' : ', no mixed runs (OpenClaw not run)';
  rows.push(['exclusion', '0 lost updates and 0 overlapping holders, also mixed with OpenClaw', verdict(lost === 0 && overlaps === 0 && oc, `${lost} lost / ${overlaps} overlapping${mixedNote}`)]);
  return rows;
}
