// One unref'd interval over the locks this module holds: past maxHoldMs a lock is released (if
// still ours) with OpenClaw's log line; a lock found deleted or replaced is reported lost.
// Nothing here may throw into the host process.
import { DEFAULT_WATCHDOG_INTERVAL_MS } from './config';

export interface WatchdogTarget {
  readonly lockPath: string;
  readonly maxHoldMs: number;
  readonly acquiredAt: number;
  /** Releases the lock if it is still ours; returns whether it was. */
  forceRelease(reason: 'hold-exceeded', message: string): void;
  /** Re-checks ownership and reports a lost lock. */
  verify(): void;
}

export interface WatchdogSettings {
  intervalMs: number;
  logger: (line: string) => void;
}

const settings: WatchdogSettings = { intervalMs: DEFAULT_WATCHDOG_INTERVAL_MS, logger: (line) => console.warn(line) };
const targets = new Set<WatchdogTarget>();
let timer: NodeJS.Timeout | undefined;

/** Changes the watchdog's cadence or logger (tests, hosts with their own log). Returns the previous settings. */
export function configureWatchdog(changes: Partial<WatchdogSettings>): WatchdogSettings {
  const previous = { ...settings };
  if (changes.intervalMs !== undefined && changes.intervalMs > 0) settings.intervalMs = changes.intervalMs;
  if (changes.logger) settings.logger = changes.logger;
  if (timer) {
    clearInterval(timer);
    timer = undefined;
    ensureTimer();
  }
  return previous;
}

export function watchLock(target: WatchdogTarget): void {
  targets.add(target);
  ensureTimer();
}

/**
 * The interval outlives the last lock until its next tick (it is unref'd, so it keeps nobody
 * alive): a process taking a lock again and again would otherwise make and clear a timer on
 * every acquisition.
 */
export function unwatchLock(target: WatchdogTarget): void {
  targets.delete(target);
}

/** Whether the interval is set (tests). */
export function watchdogTimerSet(): boolean {
  return timer !== undefined;
}

function stopTimerIfIdle(): boolean {
  if (targets.size > 0 || !timer) return false;
  clearInterval(timer);
  timer = undefined;
  return true;
}

function ensureTimer(): void {
  if (timer || targets.size === 0) return;
  timer = setInterval(() => {
    if (!stopTimerIfIdle()) runWatchdogOnce();
  }, settings.intervalMs);
  timer.unref();
}

/** One watchdog pass (exported for tests and for hosts that want an immediate check). */
export function runWatchdogOnce(now = Date.now()): void {
  for (const target of [...targets]) {
    try {
      const heldMs = now - target.acquiredAt;
      if (heldMs > target.maxHoldMs) {
        const line = `[session-write-lock] releasing lock held for ${heldMs}ms (max=${target.maxHoldMs}ms): ${target.lockPath}`;
        safeLog(line);
        target.forceRelease('hold-exceeded', line);
      } else {
        target.verify();
      }
    } catch (error) {
      safeLog(`[session-write-lock] watchdog error on ${target.lockPath}: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}

function safeLog(line: string): void {
  try {
    settings.logger(line);
  } catch {
    // A broken logger must not take the host down.
  }
}
