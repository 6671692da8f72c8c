// Shared helpers for the lock tests (not a test file itself).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory on tmpfs when available (fast, like the benchmark), removed by the returned cleanup. */
export function makeTempDir(prefix = 'oc-lock-test-'): { dir: string; cleanup: () => void } {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A long-lived process whose command line contains `tag` (e.g. "openclaw"), killed by `stop`. */
export function spawnSleeper(tag = 'sleeper'): { child: ChildProcess; pid: number; stop: () => void } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', tag], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('spawn failed');
  return { child, pid: child.pid, stop: () => child.kill('SIGKILL') };
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
