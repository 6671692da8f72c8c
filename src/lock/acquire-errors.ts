// The errors an acquisition fails with, worded like OpenClaw's own timeout message.
import { SessionLockError } from './errors';
import { inspectLockSync } from './inspect';
import type { LockInspection } from './types';

export function timeoutError(lockPath: string, timeoutMs: number, holder: LockInspection | undefined): SessionLockError {
  const inspection = holder ?? inspectLockSync(lockPath, { readCommandLine: false });
  const pid = inspection.owner?.pid ?? inspection.payload?.pid ?? 'unknown';
  const alive = inspection.owner?.alive ?? false;
  const ageMs = Math.round(inspection.ageMs ?? 0);
  return new SessionLockError('SESSION_LOCK_TIMEOUT', `session file locked (timeout ${timeoutMs}ms): pid=${String(pid)} alive=${alive} ageMs=${ageMs} ${lockPath}`, lockPath);
}

export function abortedError(lockPath: string, signal: AbortSignal): SessionLockError {
  return new SessionLockError('SESSION_LOCK_ABORTED', `session write lock acquisition aborted: ${lockPath}`, lockPath, { cause: signal.reason });
}

