// Shared helpers for the lock tests (not a test file itself).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { makeTempDir as makeDir, withDir as withTempDir } from '../fixtures/temp-dir';
import { readProcessStartTime } from '../../src/lock/process';

/** A fresh directory on tmpfs when available (fast, like the benchmark), removed by the returned cleanup. */
export function makeTempDir(prefix = 'oc-lock-test-'): { dir: string; cleanup: () => void } {
  return makeDir(prefix, { tmpfs: true });
}

/** A long-lived process whose command line contains `tag` (e.g. "openclaw"), killed by `stop`. */
export function spawnSleeper(tag = 'sleeper'): { child: ChildProcess; pid: number; stop: () => void } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', tag], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('spawn failed');
  return { child, pid: child.pid, stop: () => child.kill('SIGKILL') };
}

/**
 * The live process's start time (clock ticks), as OpenClaw writes it on Linux: a lock backdated
 * before its owner's start carries it, or the owner is (rightly) judged a recycled pid.
 */
export function startTicksOf(pid: number): number {
  for (let i = 0; i < 100; i++) {
    const ticks = readProcessStartTime(pid);
    if (ticks !== undefined) return ticks;
  }
  throw new Error(`cannot read the start time of pid ${pid}`);
}

/** The pid of a process that has already exited and been reaped. */
export function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '0']);
  if (result.pid === undefined || result.pid <= 0) throw new Error('spawnSync failed');
  return result.pid;
}

export function lockBytes(payload: Record<string, unknown>): string {
  return `${JSON.stringify(payload, null, 2)}\n`;
}

export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

import { join as joinPath } from 'node:path';
import { createInterface } from 'node:readline';
import type { WorkerCommand } from './fixtures/lock-worker';

export interface Worker {
  child: ChildProcess;
  /** Resolves with the first event of this name (events seen earlier count too). */
  next(event: string): Promise<Record<string, unknown>>;
  send(line: string): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns test/lock/fixtures/lock-worker with one command; events arrive as JSON lines. */
export function spawnWorker(command: WorkerCommand, extraArgv: string[] = []): Worker {
  const script = joinPath(__dirname, 'fixtures', 'lock-worker.js');
  const child = spawn(process.execPath, [script, JSON.stringify(command), ...extraArgv], { stdio: ['pipe', 'pipe', 'inherit'] });
  const seen: Array<Record<string, unknown>> = [];
  const waiting: Array<{ event: string; resolve: (e: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    seen.push(parsed);
    for (const w of [...waiting]) {
      if (w.event === parsed.event) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  });
  const exited = waitForExit(child);
  return {
    child,
    exited,
    next(event) {
      const found = seen.find((e) => e.event === event);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiting.push({ event, resolve });
        void exited.then(() => setTimeout(() => reject(new Error(`worker exited before "${event}": ${JSON.stringify(seen)}`)), 100));
      });
    },
    send(line) {
      if (child.stdin && !child.stdin.destroyed) child.stdin.write(`${line}\n`);
    },
  };
}

/** Runs a test body in a fresh temporary directory that is removed afterwards. */
export function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return withTempDir(fn, 'oc-lock-test-', { tmpfs: true });
}
