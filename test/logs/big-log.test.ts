// A 200 MB log: read in bounded memory and bounded time, in a child process so that its peak
// RSS is its own. Ordinary lines around 1,000 failures (each the two lines 7.35 writes), and a
// second read with the default first window reads no more than that window.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_FIRST_WINDOW_BYTES } from '../../src/logs/follow';
import { makeTempDir } from '../fixtures/temp-dir';
import { fillerLine, laneFailure, timeoutError } from './helpers';

const TARGET_BYTES = 200 * 1024 * 1024;
const FAILURES = 1000;

test('a 200 MB log: every failure counted once, peak RSS far below the file, within seconds', { timeout: 300_000 }, () => {
  const { dir, cleanup } = makeTempDir('oc-logs-', { tmpfs: true });
  try {
    const file = path.join(dir, 'openclaw-2026-12-01.log');
    const fd = fs.openSync(file, 'w');
    const t0 = Date.now() - 3600_000;
    let written = 0;
    let n = 0;
    let failures = 0;
    while (written < TARGET_BYTES) {
      const batch: string[] = [];
      for (let i = 0; i < 2000; i++, n++) batch.push(fillerLine(new Date(t0 + n), 1200 + (n % 600)));
      // Spread evenly over the file: one failure per 200 KB or so.
      while (failures < FAILURES && failures * (TARGET_BYTES / FAILURES) <= written) {
        batch.push(...laneFailure(`agent:main:s${failures % 50}`, timeoutError(4242, failures, `/s/${failures % 50}.jsonl.lock`), new Date(t0 + n)));
        failures++;
      }
      const text = batch.join('\n') + '\n';
      fs.writeSync(fd, text);
      written += Buffer.byteLength(text);
    }
    fs.closeSync(fd);
    const size = fs.statSync(file).size;
    const run = (mode: string) => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'big-log-child.js'), file, mode], { encoding: 'utf8' })) as
      { beforeKiB: number; afterKiB: number; ms: number; total: number; sessions: number; locks: number; bytesRead: number; lines: number };
    const all = run('all');
    assert.equal(all.bytesRead, size);
    assert.ok(failures > FAILURES * 0.9, `${failures} failures written`);
    assert.equal(all.total, failures, 'each failure once, not once per line');
    assert.equal(all.sessions, 50);
    assert.equal(all.locks, 50);
    const growthMiB = (all.afterKiB - all.beforeKiB) / 1024;
    process.stdout.write(`# 200 MB log: ${(size / 2 ** 20).toFixed(0)} MiB, ${all.lines} lines in ${all.ms.toFixed(0)} ms, peak RSS +${growthMiB.toFixed(1)} MiB\n`);
    assert.ok(growthMiB < 48, `peak RSS grew by ${growthMiB.toFixed(1)} MiB reading ${(size / 2 ** 20).toFixed(0)} MiB`);
    // Generous for two shared cores; measured about 1 s here (bench/logs.bench.ts has the numbers).
    assert.ok(all.ms < 30_000, `read in ${all.ms.toFixed(0)} ms`);
    const windowed = run('window');
    assert.ok(windowed.bytesRead <= DEFAULT_FIRST_WINDOW_BYTES, `first start read ${windowed.bytesRead} bytes`);
    assert.ok(windowed.total > 0 && windowed.total < failures, `the window's failures only: ${windowed.total}`);
  } finally {
    cleanup();
  }
});
