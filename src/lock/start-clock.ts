// When a live process started, in wall-clock epoch ms, on each platform. OpenClaw writes a
// `starttime` only on Linux, so elsewhere this is the only way to tell that a live pid was
// reused after the lock was written. The platform parts sit behind one small interface so
// that the macOS and Windows parsing is tested on Linux with recorded outputs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readProcessStartTime } from './process';

export interface ProcessStartClock {
  /** Epoch ms at which the live process `pid` started, or undefined when it cannot be told. */
  startedAtMs(pid: number): number | undefined;
  /** How much earlier or later than the truth startedAtMs may be (its rounding). */
  readonly granularityMs: number;
}

/** Runs a program and returns its stdout, or undefined on any failure (missing, non-zero, timeout). */
export type CommandRunner = (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => string | undefined;

export const runCommandSync: CommandRunner = (file, args, env) => {
  const result = spawnSync(file, args, { env, encoding: 'utf8', timeout: 5_000, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 && typeof result.stdout === 'string' ? result.stdout : undefined;
};

/** Slack on top of the clock's own rounding: writers stamp createdAt a moment after they start, never before. */
export const START_SLACK_MS = 1_000;

/**
 * True only when the live process provably started after the lock was written, so it cannot
 * be the lock's owner. Unknown start times never count.
 */
export function startedAfterLock(startedAtMs: number | undefined, createdAtMs: number, granularityMs: number): boolean {
  return startedAtMs !== undefined && startedAtMs - createdAtMs > granularityMs + START_SLACK_MS;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ps -o lstart=` under LC_ALL=C TZ=UTC: `Mon Dec  1 09:40:12 2025` (seconds, truncated). */
export function parseLstart(output: string): number | undefined {
  const match = /^\s*[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})\s*$/.exec(output);
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[1]!);
  if (month < 0) return undefined;
  const ms = Date.UTC(Number(match[6]), month, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]));
  return Number.isFinite(ms) ? ms : undefined;
}

/** PowerShell's round-trip (`'o'`) UTC time, e.g. `2026-11-22T10:31:05.1234567Z`. */
export function parseWindowsStartTime(output: string): number | undefined {
  const text = output.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function macStartClock(run: CommandRunner = runCommandSync): ProcessStartClock {
  return {
    granularityMs: 1_000,
    startedAtMs(pid) {
      // The C locale and UTC make lstart's format fixed and its time zone known.
      const output = run('/bin/ps', ['-o', 'lstart=', '-p', String(pid)], { ...process.env, LC_ALL: 'C', TZ: 'UTC' });
      return output === undefined ? undefined : parseLstart(output);
    },
  };
}

export function windowsStartClock(run: CommandRunner = runCommandSync): ProcessStartClock {
  return {
    granularityMs: 1,
    startedAtMs(pid) {
      const script = `(Get-Process -Id ${pid} -ErrorAction Stop).StartTime.ToUniversalTime().ToString('o')`;
      const output = run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], process.env);
      return output === undefined ? undefined : parseWindowsStartTime(output);
    },
  };
}

/** `btime` of /proc/stat: the boot time in whole epoch seconds (truncated). */
export function parseBootTimeSeconds(procStat: string): number | undefined {
  const match = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return match ? Number(match[1]) : undefined;
}

/** USER_HZ: what /proc/<pid>/stat counts in. 100 on every Linux architecture Node runs on. */
export const LINUX_CLOCK_TICKS_PER_SECOND = 100;

export function linuxStartClock(
  readStartTicks: (pid: number) => number | undefined = readProcessStartTime,
  readProcStat: () => string | undefined = () => {
    try {
      return readFileSync('/proc/stat', 'latin1');
    } catch {
      return undefined;
    }
  },
): ProcessStartClock {
  return {
    // btime is truncated to the second, so the sum may be up to a second early (never late).
    granularityMs: 1_000,
    startedAtMs(pid) {
      const ticks = readStartTicks(pid);
      if (ticks === undefined) return undefined;
      const procStat = readProcStat();
      const btime = procStat === undefined ? undefined : parseBootTimeSeconds(procStat);
      if (btime === undefined) return undefined;
      return btime * 1000 + Math.round((ticks * 1000) / LINUX_CLOCK_TICKS_PER_SECOND);
    },
  };
}

/**
 * Remembers answers per pid for a while: a spawned `ps` or PowerShell costs milliseconds to
 * hundreds of them, and waiters re-judge the same holder many times a second. A stale answer
 * can only name an earlier process of that pid, which started before any lock a later
 * process of it wrote, so it can make a lock look held but never look recycled.
 */
export function cachedStartClock(inner: ProcessStartClock, ttlMs = 30_000, maxEntries = 256, now: () => number = () => performance.now()): ProcessStartClock {
  const cache = new Map<number, { at: number; value: number | undefined }>();
  return {
    granularityMs: inner.granularityMs,
    startedAtMs(pid) {
      const hit = cache.get(pid);
      const at = now();
      if (hit && at - hit.at < ttlMs) return hit.value;
      const value = inner.startedAtMs(pid);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(pid, { at, value });
      return value;
    },
  };
}

const NO_CLOCK: ProcessStartClock = { granularityMs: 0, startedAtMs: () => undefined };

export function startClockFor(platform: NodeJS.Platform): ProcessStartClock {
  switch (platform) {
    case 'linux': return linuxStartClock();
    case 'darwin': return cachedStartClock(macStartClock());
    case 'win32': return cachedStartClock(windowsStartClock());
    default: return NO_CLOCK;
  }
}

let platformClock: ProcessStartClock | undefined;
export function platformStartClock(): ProcessStartClock {
  platformClock ??= startClockFor(process.platform);
  return platformClock;
}
