// Log reader benchmark: the first read of a 100 MB OpenClaw log (time, peak RSS) and the
// steady-state cost of following it (per appended line, and an idle poll per second).
// Anchor, measured in the same run on the same file:
//   floor  fs.createReadStream + a split on "\n", counting lines: reading the bytes and
//          finding the lines, nothing else (no reader of this file can beat it)
// Each first read runs in its own child process, so that its peak RSS is its own.
//   node out/bench/logs.bench.js [--mb N] [--runs N] [--appends N]
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, openSync, closeSync, writeSync, rmSync, statSync, readSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { classify, mightBeFailure } from '../src/logs/failures';
import { LogFollower } from '../src/logs/follow';
import { FailurePairing } from '../src/logs/pairing';
import { parseRecord } from '../src/logs/records';
import { FailureTally } from '../src/logs/tally';
import { readFailureLog } from '../src/logs/watch';
import { fillerLine, laneFailure, subsystemLine, timeoutError } from '../test/logs/helpers';

const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** In the child: one first read, by the reader or the floor; prints ms and peak RSS. */
async function child(mode: string, file: string): Promise<void> {
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let lines = 0;
  let failures = 0;
  if (mode === 'floor') {
    let rest = '';
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const parts = (rest + (chunk as string)).split('\n');
      rest = parts.pop()!;
      lines += parts.length;
    }
  } else {
    const { tally, lastPoll } = await readFailureLog({ logFile: file, since: 0, ...(mode === 'all' ? { firstWindowBytes: Number.MAX_SAFE_INTEGER } : {}) });
    lines = lastPoll?.lines ?? 0;
    failures = tally.total;
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, peakGrowthKiB: process.resourceUsage().maxRSS - before, peakKiB: process.resourceUsage().maxRSS, lines, failures }) + '\n');
}

/** Ordinary gateway lines (~1.2–1.8 KB, as the real ones with their `_meta.path`) and a failure every ~100 KB. */
function writeLog(file: string, bytes: number): { failures: number } {
  const fd = openSync(file, 'w');
  const t0 = Date.now() - 3600_000;
  let written = 0;
  let n = 0;
  let failures = 0;
  while (written < bytes) {
    const batch: string[] = [];
    for (let i = 0; i < 1000; i++, n++) batch.push(fillerLine(new Date(t0 + n), 600 + (n % 300)));
    batch.push(...laneFailure(`agent:main:s${failures % 20}`, timeoutError(4242, failures, `/s/${failures % 20}.jsonl.lock`), new Date(t0 + n)));
    failures++;
    const text = batch.join('\n') + '\n';
    writeSync(fd, text);
    written += Buffer.byteLength(text);
  }
  closeSync(fd);
  return { failures };
}

type ChildResult = { ms: number; peakGrowthKiB: number; peakKiB: number; lines: number; failures: number };

function runChild(mode: string, file: string): ChildResult {
  return JSON.parse(execFileSync(process.execPath, [__filename, '--child', mode, file], { encoding: 'utf8' })) as ChildResult;
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) return child(process.argv[childIndex + 1]!, process.argv[childIndex + 2]!);
  const mb = argValue('--mb', 100);
  const runs = argValue('--runs', 5);
  const appends = argValue('--appends', 200);
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(path.join(base, 'oc-logs-bench-'));
  try {
    const file = path.join(dir, 'openclaw-2026-12-01.log');
    const { failures } = writeLog(file, mb * 2 ** 20);
    const size = statSync(file).size;
    console.log(`log: ${(size / 2 ** 20).toFixed(0)} MiB, ${failures} failures (two lines each), on ${base === '/dev/shm' ? 'tmpfs' : 'disk'}`);

    // First read: the whole file, the default first window, and the floor, interleaved.
    const results: Record<string, ChildResult[]> = { all: [], window: [], floor: [] };
    for (let i = 0; i < runs; i++) for (const mode of ['floor', 'all', 'window']) results[mode]!.push(runChild(mode, file));
    if (results.all![0]!.failures !== failures) throw new Error(`counted ${results.all![0]!.failures} failures, wrote ${failures}`);
    const row = (label: string, r: ChildResult[]) => {
      const ms = median(r.map((x) => x.ms));
      const growth = median(r.map((x) => x.peakGrowthKiB)) / 1024;
      console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${(size / 2 ** 20 / (ms / 1000)).toFixed(0).padStart(5)} MiB/s  peak RSS +${growth.toFixed(1)} MiB (total ${(median(r.map((x) => x.peakKiB)) / 1024).toFixed(0)} MiB)`);
      return ms;
    };
    console.log(`first read, median of ${runs} (each in a fresh process):`);
    const floorMs = row('  floor (createReadStream + split)', results.floor!);
    const allMs = row('  reader, the whole file', results.all!);
    row('  reader, default first window (16 MiB)', results.window!);
    console.log(`  reader / floor: ${(allMs / floorMs).toFixed(2)}x`);

    // Steady state: lines appended to the followed file, read by a poll each time, against the
    // floor of reading the same appended bytes and splitting them.
    const follower = new LogFollower({ fileFor: () => file, anyWanted: mightBeFailure });
    const pairing = new FailurePairing();
    const tally = new FailureTally(0);
    const onLine = (line: string) => {
      if (!mightBeFailure(line)) return;
      const record = parseRecord(line);
      const event = record && classify(record);
      if (event) for (const e of pairing.push(event)) tally.add(e);
    };
    await follower.poll(onLine); // the first read (window), not measured here
    const perPoll = 50;
    const readerCpu: number[] = [];
    const floorCpu: number[] = [];
    const fd = openSync(file, 'a');
    const readFd = openSync(file, 'r');
    let floorOffset = fstatSync(readFd).size;
    const buffer = Buffer.alloc(1 << 20);
    for (let i = 0; i < appends; i++) {
      const lines = Array.from({ length: perPoll - 1 }, (_, j) => fillerLine(new Date(), 600 + j * 7));
      lines.push(subsystemLine('diagnostic', 'ERROR', `lane task error: lane=session:agent:main:x durationMs=1 error="${timeoutError(1, i)}"`, new Date()));
      writeSync(fd, lines.join('\n') + '\n');
      let c0 = process.cpuUsage();
      await follower.poll(onLine);
      let c = process.cpuUsage(c0);
      readerCpu.push((c.user + c.system) / perPoll);
      c0 = process.cpuUsage();
      const end = fstatSync(readFd).size;
      let count = 0;
      while (floorOffset < end) {
        const got = readSync(readFd, buffer, 0, Math.min(buffer.length, end - floorOffset), floorOffset);
        floorOffset += got;
        count += buffer.toString('utf8', 0, got).split('\n').length;
      }
      c = process.cpuUsage(c0);
      floorCpu.push((c.user + c.system) / perPoll);
      if (count === 0) throw new Error('floor read nothing');
    }
    closeSync(fd);
    closeSync(readFd);
    const readerUs = median(readerCpu);
    const floorUs = median(floorCpu);
    console.log(`following, ${appends} polls of ${perPoll} appended lines each (median CPU per appended line):`);
    console.log(`  reader ${readerUs.toFixed(1)} µs/line, floor (read + split) ${floorUs.toFixed(1)} µs/line, reader / floor ${(readerUs / floorUs).toFixed(2)}x`);
    console.log(`  at 100 lines/s that is ${(readerUs * 100 / 1000).toFixed(2)} ms CPU per second`);
    // Idle: nothing appended, a poll is a stat and an open of the file.
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) {
      const c0 = process.cpuUsage();
      await follower.poll(onLine);
      const c = process.cpuUsage(c0);
      idle.push(c.user + c.system);
    }
    console.log(`  idle poll (nothing new): ${median(idle).toFixed(0)} µs CPU; every 2 s that is ${(median(idle) / 2 / 1000).toFixed(3)} ms CPU per second`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
