// Lock benchmark: this core vs proper-lockfile vs a raw open(wx) floor, side by side.
// The parent spawns every measurement as fresh child processes of this same script
// (`lock.bench.js worker <json>`), on tmpfs when available, and prints one table.
//   node out/bench/lock.bench.js [--quick]
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { open as openAsync, unlink as unlinkAsync, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineRounds, contentionRates, lockBenchTable, type Contention } from './lock-table';
import { emit, exitAfterOutput } from './worker-output';
import { createInterface } from 'node:readline';
import * as properLockfile from 'proper-lockfile';
import { acquireSessionWriteLock } from '../src/lock';
import { findOpenClawLockModule, loadOpenClawLock, provisionOpenClawLock, OPENCLAW_ARGV_TAG, OPENCLAW_LOCK_VERSION, type OpenClawAcquire } from './openclaw-lock';

type ImplName = 'floor' | 'core' | 'proper-lockfile' | 'openclaw';
const BASE_IMPLS: ImplName[] = ['floor', 'core', 'proper-lockfile'];
type Release = () => Promise<void>;

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- implementations (worker side)

// proper-lockfile: bounded retries polling every 1 ms (its strongest setting for latency; a
// huge retry count makes its retry module build a table that size on every call). Stale stays
// at its 10 s default: that is what decides its reclaim time.
const PROPER_OPTIONS = { realpath: false, retries: { retries: 2000, factor: 1, minTimeout: 1, maxTimeout: 1 } };

let openclaw: OpenClawAcquire | undefined;

async function acquireWith(impl: ImplName, sessionFile: string): Promise<Release> {
  switch (impl) {
    case 'openclaw': {
      openclaw ??= await loadOpenClawLock();
      const lock = await openclaw(sessionFile, 120_000);
      return () => lock.release();
    }
    case 'core': {
      const lock = await acquireSessionWriteLock({ sessionFile, timeoutMs: 120_000 });
      return () => lock.release();
    }
    case 'proper-lockfile': {
      for (;;) {
        try {
          const release = await properLockfile.lock(sessionFile, PROPER_OPTIONS);
          return release;
        } catch (error) {
          // Retries exhausted under heavy contention: try again (counted as waiting time).
          if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
        }
      }
    }
    case 'floor': {
      const lockPath = `${sessionFile}.lock`;
      for (;;) {
        try {
          const handle = await openAsync(lockPath, 'wx');
          await handle.write(`{"pid":${process.pid}}\n`);
          await handle.close();
          return () => unlinkAsync(lockPath);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          await sleep(1);
        }
      }
    }
  }
}

/** The same floor with synchronous syscalls: what the kernel costs without the thread pool. */
function syncFloorOnce(lockPath: string): void {
  const fd = openSync(lockPath, 'wx');
  writeSync(fd, `{"pid":${process.pid}}\n`);
  closeSync(fd);
  unlinkSync(lockPath);
}

type WorkerJob =
  | { kind: 'uncontended'; impl: ImplName | 'floor-sync'; dir: string; iterations: number }
  | { kind: 'handoff'; impl: ImplName; sessionFile: string; holds: number; holdMs: number; pauseMs: number }
  | { kind: 'contend'; impl: ImplName; sessionFile: string; counterFile: string; markerFile: string; warmupMs: number; durationMs: number }
  | { kind: 'idle-wait'; impl: ImplName | 'none'; sessionFile: string; settleMs: number }
  | { kind: 'hold'; impl: ImplName; sessionFile: string }
  | { kind: 'wait'; impl: ImplName; sessionFile: string };

function waitForLine(expected: string): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line === expected) {
        lines.close();
        resolve();
      }
    });
  });
}

function waitForGo(): Promise<void> {
  return waitForLine('go');
}

async function runWorker(job: WorkerJob): Promise<void> {
  switch (job.kind) {
    case 'uncontended': {
      const sessionFile = join(job.dir, 'uncontended.jsonl');
      if (job.impl === 'proper-lockfile') writeFileSync(sessionFile, '');
      const samples: number[] = [];
      for (let i = 0; i < job.iterations; i++) {
        const began = now();
        if (job.impl === 'floor-sync') syncFloorOnce(`${sessionFile}.lock`);
        else await (await acquireWith(job.impl, sessionFile))();
        samples.push(now() - began);
      }
      emit({ samples: samples.slice(Math.floor(job.iterations / 5)) }); // first 20% is warm-up
      return;
    }
    case 'handoff': {
      emit({ ready: true });
      await waitForGo();
      const holds: Array<[number, number, number]> = [];
      for (let i = 0; i < job.holds; i++) {
        const requested = now();
        const release = await acquireWith(job.impl, job.sessionFile);
        const acquired = now();
        await sleep(job.holdMs);
        const releasing = now();
        await release();
        holds.push([requested, acquired, releasing]);
        await sleep(job.pauseMs);
      }
      emit({ holds });
      return;
    }
    case 'contend': {
      emit({ ready: true });
      await waitForGo();
      // The warm-up runs the same loop: it is the contended paths that have to be compiled.
      const measureFrom = now() + job.warmupMs;
      const deadline = measureFrom + job.durationMs;
      const holds: Array<[number, number, number]> = [];
      let count = 0;
      let overlaps = 0;
      const id = String(process.pid);
      while (now() < deadline) {
        const requested = now();
        const release = await acquireWith(job.impl, job.sessionFile);
        const acquired = now();
        // Whoever held the lock before cleared the marker; anything else means two holders.
        if (readFileSync(job.markerFile, 'utf8') !== '') overlaps++;
        writeFileSync(job.markerFile, id);
        const value = Number(await readFile(job.counterFile, 'utf8'));
        await writeFile(job.counterFile, String(value + 1));
        if (readFileSync(job.markerFile, 'utf8') !== id) overlaps++;
        writeFileSync(job.markerFile, '');
        count++;
        const releasing = now();
        await release();
        holds.push([requested, acquired, releasing]);
      }
      emit({ count, holds, overlaps, measureFrom });
      return;
    }
    case 'hold': {
      const release = await acquireWith(job.impl, job.sessionFile);
      emit({ held: true });
      createInterface({ input: process.stdin }).on('line', (line) => {
        if (line === 'release') void release().then(() => emit({ released: true }));
      });
      setInterval(() => undefined, 1 << 30);
      return;
    }
    case 'idle-wait': {
      // CPU spent by a waiter while the lock stays held: from settling in until the parent asks,
      // which it does before the holder lets go (the acquisition that follows is no idling).
      // 'none' waits for nothing: what an idle Node process costs here, the floor under every waiter's figure.
      emit({ ready: true });
      const pending = job.impl === 'none' ? undefined : acquireWith(job.impl, job.sessionFile);
      await sleep(job.settleMs);
      // The clock first: its first use in a process loads a module (~1 ms of CPU here), which is no waiting.
      const from = now();
      const cpu = process.cpuUsage();
      await waitForLine('measure');
      const used = process.cpuUsage(cpu);
      emit({ cpuMsPerSecond: (used.user + used.system) / 1000 / ((now() - from) / 1000) });
      if (pending) await (await pending)();
      return;
    }
    case 'wait': {
      emit({ ready: true });
      await acquireWith(job.impl, job.sessionFile);
      emit({ acquired: now() });
      return;
    }
  }
}

// ---------------------------------------------------------------- parent side

interface Child {
  process: ChildProcess;
  next(): Promise<Record<string, unknown>>;
  exited: Promise<void>;
}

/** Set when the real OpenClaw lock takes part: see OPENCLAW_ARGV_TAG (every worker carries it then). */
let argvTag: string[] = [];

const trace = process.env.LOCK_BENCH_TRACE ? (line: string) => console.error(`[trace ${new Date().toISOString()}] ${line}`) : () => undefined;

function spawnJob(job: WorkerJob): Child {
  trace(JSON.stringify(job).slice(0, 100));
  const child = spawn(process.execPath, [__filename, 'worker', JSON.stringify(job), ...argvTag], { stdio: ['pipe', 'pipe', 'inherit'] });
  const queue: Array<Record<string, unknown>> = [];
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    const resolve = waiting.shift();
    if (resolve) resolve(message);
    else queue.push(message);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    exited,
    next: () =>
      new Promise((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        waiting.push(resolve);
        void exited.then(() => setTimeout(() => reject(new Error(`benchmark worker exited early (${JSON.stringify(job).slice(0, 120)})`)), 200));
      }),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

async function uncontended(impl: ImplName | 'floor-sync', dir: string, iterations: number): Promise<{ p50: number; p99: number }> {
  const child = spawnJob({ kind: 'uncontended', impl, dir, iterations });
  const { samples } = (await child.next()) as { samples: number[] };
  await child.exited;
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function startTogether(children: Child[]): Promise<void> {
  await Promise.all(children.map((c) => c.next()));
  for (const c of children) c.process.stdin!.write('go\n');
}

type Hold = { worker: number; requested: number; acquired: number; releasing: number };

function mergeHolds(results: Array<{ holds: Array<[number, number, number]> }>): Hold[] {
  return results
    .flatMap((r, worker) => r.holds.map(([requested, acquired, releasing]) => ({ worker, requested, acquired, releasing })))
    .sort((a, b) => a.acquired - b.acquired);
}

async function handoff(impl: ImplName, dir: string, holds: number): Promise<{ p50: number; p99: number; n: number }> {
  const sessionFile = join(dir, `handoff-${impl}.jsonl`);
  writeFileSync(sessionFile, '');
  const children = [0, 1].map(() => spawnJob({ kind: 'handoff', impl, sessionFile, holds, holdMs: 10, pauseMs: 3 }));
  await startTogether(children);
  const results = (await Promise.all(children.map((c) => c.next()))) as Array<{ holds: Array<[number, number, number]> }>;
  await Promise.all(children.map((c) => c.exited));
  const merged = mergeHolds(results);
  const gaps: number[] = [];
  for (let i = 1; i < merged.length; i++) {
    const previous = merged[i - 1]!;
    const next = merged[i]!;
    // Only real handoffs: another process that was already waiting when the holder released.
    if (next.worker !== previous.worker && next.requested < previous.releasing) gaps.push(next.acquired - previous.releasing);
  }
  const sorted = gaps.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

/** `impl` for every process, or a list (mixed runs: one implementation per process, round robin). */
async function contention(impl: ImplName | ImplName[], dir: string, processes: number, timing: { warmupMs: number; durationMs: number }): Promise<Contention> {
  const impls = Array.isArray(impl) ? impl : [impl];
  const name = impls.join('+');
  const sessionFile = join(dir, `contend-${name}-${processes}.jsonl`);
  const counterFile = join(dir, `counter-${name}-${processes}`);
  const markerFile = join(dir, `marker-${name}-${processes}`);
  writeFileSync(sessionFile, '');
  writeFileSync(counterFile, '0');
  writeFileSync(markerFile, '');
  const children = Array.from({ length: processes }, (_, i) => spawnJob({ kind: 'contend', impl: impls[i % impls.length]!, sessionFile, counterFile, markerFile, ...timing }));
  await startTogether(children);
  const results = (await Promise.all(children.map((c) => c.next()))) as Array<{ count: number; overlaps: number; holds: Array<[number, number, number]>; measureFrom: number }>;
  await Promise.all(children.map((c) => c.exited));
  const total = results.reduce((sum, r) => sum + r.count, 0);
  const merged = mergeHolds(results);
  // Only the window in which every process was competing counts for runs and waits.
  const from = Math.max(...results.map((r) => r.holds[0]?.[1] ?? Number.POSITIVE_INFINITY));
  const to = Math.min(...results.map((r) => r.holds.at(-1)?.[2] ?? Number.NEGATIVE_INFINITY));
  let longestRun = 0;
  let run = 0;
  let previousWorker = -1;
  let maxWaitMs = 0;
  for (const hold of merged) {
    if (hold.acquired < from || hold.acquired > to) continue;
    run = hold.worker === previousWorker ? run + 1 : 1;
    previousWorker = hold.worker;
    longestRun = Math.max(longestRun, run);
    maxWaitMs = Math.max(maxWaitMs, hold.acquired - hold.requested);
  }
  const byImpl: Record<string, number> = {};
  results.forEach((r, i) => (byImpl[impls[i % impls.length]!] = (byImpl[impls[i % impls.length]!] ?? 0) + r.count));
  return {
    // The last process to start its clock decides when the measured window opens.
    ...contentionRates(merged, Math.max(...results.map((r) => r.measureFrom))),
    lostUpdates: total - Number(readFileSync(counterFile, 'utf8')),
    overlaps: results.reduce((sum, r) => sum + r.overlaps, 0),
    longestRun,
    maxWaitMs,
    ...(impls.length > 1 ? { byImpl } : {}),
  };
}

/** CPU time of each of `waiters` processes waiting while one process holds the lock for `holdMs` ('none': waiting for nothing, no holder). */
async function idleWaiterCpu(impl: ImplName | 'none', dir: string, waiters: number, holdMs: number): Promise<number> {
  const sessionFile = join(dir, `idle-${impl}.jsonl`);
  writeFileSync(sessionFile, '');
  const holder = impl === 'none' ? undefined : spawnJob({ kind: 'hold', impl, sessionFile });
  await holder?.next();
  const children = Array.from({ length: waiters }, () => spawnJob({ kind: 'idle-wait', impl, sessionFile, settleMs: 300 }));
  await Promise.all(children.map((c) => c.next()));
  await sleep(holdMs);
  for (const c of children) c.process.stdin!.write('measure\n');
  const results = (await Promise.all(children.map((c) => c.next()))) as Array<{ cpuMsPerSecond: number }>;
  holder?.process.stdin!.write('release\n');
  await Promise.all(children.map((c) => c.exited));
  holder?.process.kill('SIGKILL');
  await holder?.exited;
  // The busiest waiter: the queue's head watches the holder, the others only the head.
  return Math.max(...results.map((r) => r.cpuMsPerSecond));
}

async function reclaim(impl: ImplName, dir: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const sessionFile = join(dir, `reclaim-${impl}-${i}.jsonl`);
    writeFileSync(sessionFile, '');
    const holder = spawnJob({ kind: 'hold', impl, sessionFile });
    await holder.next();
    const waiter = spawnJob({ kind: 'wait', impl, sessionFile });
    await waiter.next();
    await sleep(300); // the waiter is in its wait loop by now
    const killedAt = now();
    holder.process.kill('SIGKILL');
    const { acquired } = (await waiter.next()) as { acquired: number };
    times.push(acquired - killedAt);
    await Promise.all([holder.exited, waiter.exited]);
  }
  return times;
}


function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const [index, row] of rows.entries()) {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

async function runParent(quick: boolean): Promise<void> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'oc-lock-bench-'));
  const began = Date.now();
  console.log(`lock benchmark on ${base === '/dev/shm' ? 'tmpfs (/dev/shm)' : base}, node ${process.version}, ${quick ? 'quick' : 'full'} run`);
  try {
    const iterations = quick ? 1000 : 3000;
    const handoffs = quick ? 40 : 100;
    const contendMs = quick ? 800 : 1500;
    // See contentionRates: 3 s took the core and the floor to their steady rate at 4 processes.
    const warmupMs = quick ? 1000 : 3000;
    const timing = { warmupMs, durationMs: contendMs };
    const contendRounds = quick ? 1 : 3;
    const reclaimSamples = quick ? 4 : 10;

    const stillMissing = provisionOpenClawLock();
    const found = findOpenClawLockModule();
    const withOpenClaw = !('missing' in found);
    if (withOpenClaw) {
      argvTag = [OPENCLAW_ARGV_TAG];
      console.log(`real OpenClaw lock: ${found.file} (OpenClaw ${found.version}); every worker carries ${OPENCLAW_ARGV_TAG} so OpenClaw does not judge it a non-openclaw-owner`);
    } else {
      console.log(`real OpenClaw lock: not run. ${stillMissing ?? found.missing}`);
    }
    const IMPLS: ImplName[] = withOpenClaw ? [...BASE_IMPLS, 'openclaw'] : BASE_IMPLS;
    const un: Record<string, { p50: number; p99: number }> = {};
    for (const impl of [...IMPLS, 'floor-sync'] as const) un[impl] = await uncontended(impl, dir, iterations);
    const ho: Record<string, { p50: number; p99: number; n: number }> = {};
    for (const impl of IMPLS) ho[impl] = await handoff(impl, dir, handoffs);
    // Rounds: every implementation in turn at each process count, starting with a different one
    // each round, so that a slow or fast stretch of a shared machine falls on all of them alike.
    const byRound: Record<string, Record<number, Contention[]>> = {};
    const mixedByRound: Record<number, Contention[]> = {};
    for (let round = 0; round < contendRounds; round++) {
      for (const n of [2, 4, 8]) {
        for (let i = 0; i < IMPLS.length; i++) {
          const impl = IMPLS[(i + round) % IMPLS.length]!;
          ((byRound[impl] ??= {})[n] ??= []).push(await contention(impl, dir, n, timing));
        }
        if (withOpenClaw) (mixedByRound[n] ??= []).push(await contention(['core', 'openclaw'], dir, n, timing));
      }
    }
    const co: Record<string, Record<number, Contention>> = {};
    for (const impl of IMPLS) co[impl] = Object.fromEntries([2, 4, 8].map((n) => [n, combineRounds(byRound[impl]![n]!, median)]));
    const mixed: Record<number, Contention> = {};
    if (withOpenClaw) for (const n of [2, 4, 8]) mixed[n] = combineRounds(mixedByRound[n]!, median);
    const coreReclaim = await reclaim('core', dir, reclaimSamples);
    const properReclaim = quick ? [] : await reclaim('proper-lockfile', dir, 1);
    const openclawReclaim = withOpenClaw ? await reclaim('openclaw', dir, quick ? 2 : 4) : [];
    const idle: Record<string, number> = {};
    for (const impl of [...IMPLS, 'none'] as const) idle[impl] = await idleWaiterCpu(impl, dir, 4, quick ? 1000 : 2000);

    const table = lockBenchTable({ un, ho, co, mixed, coreReclaim, properReclaim, openclawReclaim, idle, median, warmupMs, openclawVersion: withOpenClaw ? OPENCLAW_LOCK_VERSION : undefined });
    console.log('');
    printTable(table.rows);
    console.log('');
    for (const line of table.legend) console.log(line);
    console.log('');
    console.log(table.referenceTitle);
    printTable(table.reference);
    console.log(`\nproper-lockfile options: ${JSON.stringify(PROPER_OPTIONS)} (stale: default 10 s).`);
    console.log(`Handoff: two processes, hold 10 ms, pause 3 ms after release. Contention: ${contendMs} ms per run after ${warmupMs} ms of warm-up, read+write a counter file under the lock (plus a marker file that counts overlapping holders).`);
    if (contendRounds > 1) console.log(`Contention rounds: ${contendRounds}, each running every implementation in turn at 2, 4 and 8 processes (a different one first in each round); ops/s is the median of the rounds, lost updates and overlaps their sum, longest run and longest wait the worst of them.`);
    if (withOpenClaw) console.log('Mixed: the same contention with this core and the real OpenClaw lock in alternate processes (OpenClaw polls every 50 ms and takes no ticket).');
    console.log(`Idle waiter CPU: 4 processes wait ${quick ? 1 : 2} s for a held lock (measured from 300 ms into the wait until before the release); CPU time (user+system) per second of waiting of the busiest waiter; "waits for nothing": 4 processes started and measured the same way with no lock to wait for.`);
    console.log(`Total ${((Date.now() - began) / 1000).toFixed(1)} s.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'worker') {
  // Exiting explicitly releases the stdin pipe the 'go' line came through.
  const job = JSON.parse(process.argv[3]!) as WorkerJob;
  runWorker(job).then(() => {
    if (job.kind !== 'hold') exitAfterOutput(0);
  }, (error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runParent(process.argv.includes('--quick')).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
