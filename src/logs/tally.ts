// Failures counted per session key, per lock path and per agent since a moment, in bounded
// memory: each table keeps at most MAX_KEYS entries, the least recently failing one dropped
// first (a Map re-inserted on update is in least-recent-first order).
import type { FailureEvent, FailureKind } from './failures';
import { isRedactedPath, loggedPathMatches } from './redacted';

export const MAX_KEYS = 10_000;

export interface FailureCount {
  count: number;
  firstAt: number;
  lastAt: number;
  /** The newest failure's error text, as OpenClaw printed it (bounded). */
  lastError: string;
  lastKind: FailureKind;
}

export interface StuckSession {
  at: number;
  /** `stuck session`, `stalled session`, `long-running session` or `stuck session recovery`. */
  label: string;
  state?: string;
  ageSeconds?: number;
  sessionId?: string;
}

export interface RemovedLock {
  at: number;
  reasons: string[];
}

/** Kinds that mean "a message to this session got no answer". */
export const MESSAGE_FAILURES: ReadonlySet<FailureKind> = new Set(['lock-timeout', 'lock-stale', 'run-failed', 'agent-failed']);
const MAX_ERROR_CHARS = 500;

function bump(table: Map<string, FailureCount>, key: string, event: FailureEvent): void {
  const before = table.get(key);
  const lastError = event.error.length > MAX_ERROR_CHARS ? `${event.error.slice(0, MAX_ERROR_CHARS)}…` : event.error;
  const next: FailureCount = before
    ? { count: before.count + 1, firstAt: Math.min(before.firstAt, event.time), lastAt: Math.max(before.lastAt, event.time), lastError, lastKind: event.kind }
    : { count: 1, firstAt: event.time, lastAt: event.time, lastError, lastKind: event.kind };
  put(table, key, next);
}

function put<T>(table: Map<string, T>, key: string, value: T): void {
  table.delete(key);
  table.set(key, value);
  if (table.size > MAX_KEYS) table.delete(table.keys().next().value!);
}

export class FailureTally {
  /** Failed messages, every session and none (a failure no line attributes still counts here). */
  total = 0;
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** Failed messages by session key. */
  readonly sessions = new Map<string, FailureCount>();
  /** Failed messages by the lock path that made them fail. */
  readonly locks = new Map<string, FailureCount>();
  /** 9.6: failed SQLite store writes by agent id. */
  readonly storeWrites = new Map<string, FailureCount>();
  /** 9.6: slow SQLite writes and lock waits by agent id. */
  readonly slowStore = new Map<string, FailureCount>();
  /** The newest stuck-session line per session key. */
  readonly stuck = new Map<string, StuckSession>();
  /** Locks the gateway removed at startup, by path. */
  readonly removedLocks = new Map<string, RemovedLock>();

  /** Keys of `locks` and `removedLocks` that OpenClaw logged with part of the path masked. */
  private readonly redactedKeys = new Set<string>();

  /** Events before `since` (epoch ms) are not counted. */
  constructor(readonly since: number) {}

  /** The failed messages the log attributes to the lock at `lockPath`, even where OpenClaw masked part of its path. */
  failuresOfLock(lockPath: string): FailureCount | undefined {
    return this.locks.get(lockPath) ?? this.byRedactedKey(this.locks, lockPath);
  }

  /** The gateway's removal of the lock at `lockPath`, even where OpenClaw masked part of its path. */
  removalOfLock(lockPath: string): RemovedLock | undefined {
    return this.removedLocks.get(lockPath) ?? this.byRedactedKey(this.removedLocks, lockPath);
  }

  private byRedactedKey<T>(table: Map<string, T>, lockPath: string): T | undefined {
    for (const key of this.redactedKeys) {
      const value = table.get(key);
      if (value !== undefined && loggedPathMatches(key, lockPath)) return value;
    }
    return undefined;
  }

  private noteLockKey(key: string): void {
    if (!isRedactedPath(key) || this.redactedKeys.has(key)) return;
    this.redactedKeys.add(key);
    // Bounded like the tables: a key both of them dropped is forgotten here too.
    if (this.redactedKeys.size > MAX_KEYS) {
      for (const old of this.redactedKeys) if (!this.locks.has(old) && !this.removedLocks.has(old)) this.redactedKeys.delete(old);
    }
  }

  add(event: FailureEvent): void {
    if (event.time < this.since) return;
    if (MESSAGE_FAILURES.has(event.kind)) {
      this.total++;
      this.firstAt = Math.min(this.firstAt ?? event.time, event.time);
      this.lastAt = Math.max(this.lastAt ?? event.time, event.time);
      if (event.sessionKey !== undefined) bump(this.sessions, event.sessionKey, event);
      if (event.lockPath !== undefined) {
        bump(this.locks, event.lockPath, event);
        this.noteLockKey(event.lockPath);
      }
      return;
    }
    switch (event.kind) {
      case 'store-write-failed':
        bump(this.storeWrites, event.agentId ?? '', event);
        return;
      case 'store-slow':
        bump(this.slowStore, event.agentId ?? '', event);
        return;
      case 'stuck-session':
      case 'stuck-recovery':
        if (event.sessionKey !== undefined) {
          put(this.stuck, event.sessionKey, { at: event.time, label: event.error.slice(0, event.error.indexOf(':')), state: event.state, ageSeconds: event.ageSeconds, sessionId: event.sessionId });
        }
        return;
      case 'stale-lock-removed':
        if (event.lockPath !== undefined) {
          put(this.removedLocks, event.lockPath, { at: event.time, reasons: event.reasons ?? [] });
          this.noteLockKey(event.lockPath);
        }
        return;
      default:
        return;
    }
  }
}

/** A count as `--json` and the extension's API show it: ISO times, no Map. */
export function failureCountJson(count: FailureCount | undefined): Record<string, unknown> | undefined {
  if (!count) return undefined;
  return { count: count.count, firstAt: new Date(count.firstAt).toISOString(), lastAt: new Date(count.lastAt).toISOString(), lastKind: count.lastKind, lastError: count.lastError };
}

/**
 * The failed messages behind a lock: the failures whose error names the lock file, else (no
 * line named it, e.g. a run that failed for another reason) those of the session it guards.
 */
export function failuresBehind(tally: FailureTally | undefined, lockPath: string, sessionKey?: string): FailureCount | undefined {
  if (!tally || tally.total === 0) return undefined;
  return tally.failuresOfLock(lockPath) ?? (sessionKey !== undefined ? tally.sessions.get(sessionKey) : undefined);
}
