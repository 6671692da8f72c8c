// Session model benchmark: full scan of 1,000 and 10,000 sessions, memory for 10,000, idle
// CPU while watching, and the latency from a lock file appearing to the model's change event.
// Anchors, measured in the same run on the same files:
//   floor  readdir + JSON.parse(sessions.json), nothing else (no implementation can beat it)
//   naive  readdir, parse, then stat every transcript and every `<transcript>.lock` path
//   fs.watch  raw kernel notification latency for the event measurement
//   chokidar  chokidar 4 on the same folder: it re-reads the folder per event, hence fs.watch
//   node bench/scan.bench.js [--runs N] [--events N]
import { readFileSync, rmSync, watch as fsWatch, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watch as chokidarWatch } from 'chokidar';
import { SessionModel, scanStateDir, type SessionsSnapshot } from '../src/sessions';
import { deadPid } from '../test/fixtures/live-holder';
import { buildLargeFixture, lockBytes, makeTempRoot } from '../test/fixtures/state-dir';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = argValue('--runs', 9);
const EVENTS = argValue('--events', 40);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const median = (values: number[]) => quantile(values, 0.5);

/** Wall and CPU (user + system) milliseconds per run; CPU shows the cost on a busy machine. */
async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<{ wall: number[]; cpu: number[] }> {
  await fn(); // warm-up: JIT and page cache
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

async function floorScan(dir: string): Promise<number> {
  const names = await fsp.readdir(dir);
  const store = JSON.parse(await fsp.readFile(path.join(dir, 'sessions.json'), 'utf8')) as Record<string, unknown>;
  return names.length + Object.keys(store).length;
}

async function naiveScan(dir: string): Promise<number> {
  const store = JSON.parse(await fsp.readFile(path.join(dir, 'sessions.json'), 'utf8')) as Record<string, { sessionId: string }>;
  let found = 0;
  await Promise.all(Object.values(store).map(async (e) => {
    const transcript = path.join(dir, `${e.sessionId}.jsonl`);
    await fsp.stat(transcript).catch(() => undefined);
    if (await fsp.lstat(`${transcript}.lock`).then(() => true, () => false)) found++;
  }));
  return found;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const [n, row] of rows.entries()) {
    console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** Time from a lock file being written to a subscriber holding a snapshot that shows it. */
async function eventLatencies(stateDir: string, dir: string, count: number): Promise<{ model: number[]; raw: number[]; chokidar: number[]; idleCpuMs: number; idleMs: number }> {
  const model = new SessionModel({ stateDir, gatewayLockDir: path.join(stateDir, 'no-gateway') });
  await model.start();
  const pid = deadPid();
  const ids = Object.values(JSON.parse(readFileSync(path.join(dir, 'sessions.json'), 'utf8')) as Record<string, { sessionId: string }>).map((e) => e.sessionId);
  const latencies: number[] = [];
  const waitFor = (accept: (s: SessionsSnapshot) => boolean) => new Promise<void>((resolve) => {
    const sub = model.onDidChange((s) => {
      if (accept(s)) {
        sub.dispose();
        resolve();
      }
    });
  });
  const lockIn = (s: SessionsSnapshot, lockPath: string) => s.agents[0]!.sessions.some((x) => x.lockPath === lockPath && x.lock.level !== 'free');
  // Idle first: the model must cost nothing while nothing happens.
  const idleMs = 3000;
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, idleMs));
  const cpu = process.cpuUsage(cpu0);
  for (let i = 0; i < count; i++) {
    // The fixture locks the first 10 sessions; use others.
    const lockPath = path.join(dir, `${ids[10 + ((i * 37) % (ids.length - 10))]}.jsonl.lock`);
    const seen = waitFor((s) => lockIn(s, lockPath));
    const t0 = performance.now();
    writeFileSync(lockPath, lockBytes({ pid, createdAt: new Date().toISOString() }), { flag: 'wx' });
    await seen;
    latencies.push(performance.now() - t0);
    const gone = waitFor((s) => !lockIn(s, lockPath));
    rmSync(lockPath);
    await gone;
  }
  model.dispose();

  const raw: number[] = [];
  for (let i = 0; i < Math.min(count, 20); i++) {
    const lockPath = path.join(dir, `raw-${i}.jsonl.lock`);
    const watcher = fsWatch(dir);
    const t0 = performance.now();
    const seen = new Promise<void>((resolve) => watcher.on('change', (_e, name) => { if (name === path.basename(lockPath)) resolve(); }));
    writeFileSync(lockPath, '{}');
    await seen;
    raw.push(performance.now() - t0);
    watcher.close();
    rmSync(lockPath);
  }
  // Anchor: chokidar 4 watching the same folder (what the model used before; see model.ts).
  const chokidarTimes: number[] = [];
  const chokidarWatcher = chokidarWatch(dir, { depth: 0, ignoreInitial: true, atomic: false });
  await new Promise<void>((resolve) => chokidarWatcher.once('ready', () => resolve()));
  for (let i = 0; i < Math.min(count, 10); i++) {
    const lockPath = path.join(dir, `chokidar-${i}.jsonl.lock`);
    const t0 = performance.now();
    const seen = new Promise<void>((resolve) => {
      const onAll = (event: string, changed: string) => {
        if (event === 'add' && changed === lockPath) {
          chokidarWatcher.off('all', onAll);
          resolve();
        }
      };
      chokidarWatcher.on('all', onAll);
    });
    writeFileSync(lockPath, '{}');
    await Promise.race([seen, new Promise((r) => setTimeout(r, 10_000))]);
    chokidarTimes.push(performance.now() - t0);
    rmSync(lockPath);
    await new Promise((r) => setTimeout(r, 200));
  }
  await chokidarWatcher.close();
  return { model: latencies, raw, chokidar: chokidarTimes, idleCpuMs: (cpu.user + cpu.system) / 1000, idleMs };
}

async function main(): Promise<void> {
  const { root, cleanup } = makeTempRoot('oc-scan-bench-');
  try {
    const sizes = [1_000, 10_000];
    const results: string[][] = [['sessions', 'scan ms (median)', 'p90', 'CPU ms', 'floor ms', 'naive ms', 'vs floor', 'vs naive', 'target']];
    let snapshot10k: SessionsSnapshot | undefined;
    const dirs = new Map<number, { stateDir: string; dir: string }>();
    for (const size of sizes) {
      const stateDir = path.join(root, `state-${size}`);
      const dir = buildLargeFixture(stateDir, size, 10);
      dirs.set(size, { stateDir, dir });
      const options = { stateDir, gatewayLockDir: path.join(root, 'no-gateway') };
      const ours = await timeRuns(RUNS, () => scanStateDir(options));
      const floor = await timeRuns(RUNS, () => floorScan(dir));
      const naive = await timeRuns(RUNS, () => naiveScan(dir));
      const check = await scanStateDir(options);
      const sessions = check.agents[0]!.sessions.length;
      const locks = check.agents[0]!.sessions.filter((s) => s.lock !== undefined && s.lock.level !== 'free').length;
      if (sessions !== size || locks !== 10) throw new Error(`scan found ${sessions} sessions and ${locks} locks, expected ${size} and 10`);
      if (size === 10_000) snapshot10k = check;
      results.push([
        size.toLocaleString('en-US'),
        fmt(median(ours.wall)),
        fmt(quantile(ours.wall, 0.9)),
        fmt(median(ours.cpu)),
        fmt(median(floor.wall)),
        fmt(median(naive.wall)),
        `${(median(ours.wall) / median(floor.wall)).toFixed(1)}x`,
        `${(median(ours.wall) / median(naive.wall)).toFixed(2)}x`,
        size === 10_000 ? `< 300 ms: ${median(ours.wall) < 300 ? 'met' : 'MISSED'}` : '',
      ]);
    }
    console.log(`Full scan (one agent, 10 lock files, ${RUNS} runs after a warm-up; files on ${root.startsWith('/dev/shm') ? 'tmpfs' : 'disk'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs)`);
    printTable(results);

    void snapshot10k;
    snapshot10k = undefined;
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const kept = await scanStateDir({ stateDir: dirs.get(10_000)!.stateDir, gatewayLockDir: path.join(root, 'no-gateway') });
    gc();
    const heap1 = process.memoryUsage().heapUsed;
    const storeBytes = readFileSync(path.join(dirs.get(10_000)!.dir, 'sessions.json')).length;
    console.log('\nMemory for one 10,000-session snapshot (retained after GC)');
    printTable([
      ['snapshot heap', 'per session', 'sessions.json size', 'process RSS'],
      [`${(Math.max(0, heap1 - heap0) / 1024 / 1024).toFixed(1)} MiB`, `${Math.round(Math.max(0, heap1 - heap0) / kept.agents[0]!.sessions.length)} B`, `${(storeBytes / 1024 / 1024).toFixed(1)} MiB`, `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`],
    ]);

    const latencyRows: string[][] = [['sessions', 'model p50 ms', 'p99 ms', 'max ms', 'fs.watch p50 ms', 'chokidar p50 ms', 'idle CPU (3 s)', 'targets']];
    for (const size of sizes) {
      const { stateDir, dir } = dirs.get(size)!;
      const r = await eventLatencies(stateDir, dir, EVENTS);
      latencyRows.push([
        size.toLocaleString('en-US'),
        fmt(median(r.model)),
        fmt(quantile(r.model, 0.99)),
        fmt(Math.max(...r.model)),
        fmt(median(r.raw)),
        fmt(median(r.chokidar)),
        `${r.idleCpuMs.toFixed(1)} ms`,
        `p50 < 100: ${median(r.model) < 100 ? 'met' : 'MISSED'}; max < 300: ${Math.max(...r.model) < 300 ? 'met' : 'MISSED'}`,
      ]);
    }
    console.log(`\nLock file appearing -> SessionModel change event (${EVENTS} locks each; the 10 ms lock debounce included)`);
    printTable(latencyRows);
  } finally {
    cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
