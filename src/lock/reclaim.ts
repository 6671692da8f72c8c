// Removing someone else's lock file safely. Every such removal (stale reclaim while acquiring,
// removeStaleLock, forceRemoveLock, sweeps) runs under a short-lived reclaim guard,
// `<lock>.reclaim`, created with O_EXCL: reclaimers in all processes using this core are
// serialised, re-judge the lock while holding the guard, and only then swap it out.
//
// Why the guard: the verified swap alone never deletes a file it did not judge, but when the
// file at the lock path changed between judging and renaming (another reclaimer already took
// it and a new holder created its lock), the rename briefly moves the new holder's lock aside
// and a third process can create a lock in that gap: two holders. Under the guard, nobody
// else using this core can replace the judged file between the re-check and the rename (a
// new lock can only be created once the path is empty, and live owners only remove their
// own files), so the swap moves exactly the judged file. The remaining window involves tools
// that do not take the guard (OpenClaw's own compare-and-delete) and a guard holder that dies
// or stalls for GUARD_STALE_MS; both are rare and still never delete an unverified file.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { errnoCode } from './errors';
import { readLockFileSync, swapOutSync, type SwapDetails, type SwapOutcome } from './fsops';
import { inspectLockSync } from './inspect';
import { formatLockPayload, parseLockPayload, validPid } from './payload';
import { isProcessAlive } from './process';
import type { AbandonedBecause, InspectOptions, LockInspection } from './types';

/** A guard is held for a handful of syscalls; one this old belongs to a dead or stuck process. */
export const GUARD_STALE_MS = 10_000;

export type ReclaimOutcome =
  | SwapOutcome
  /** Another process holds the reclaim guard right now. */
  | 'busy'
  /** Re-judged under the guard, the lock was no longer the judged file or no longer removable. */
  | 'changed';

export function guardPathFor(lockPath: string): string {
  return `${lockPath}.reclaim`;
}

function sameFile(a: LockInspection, b: LockInspection): boolean {
  return (
    !!a.identity && !!b.identity && !!a.raw && !!b.raw &&
    a.identity.dev === b.identity.dev && a.identity.ino === b.identity.ino && a.raw.equals(b.raw)
  );
}

interface Guard {
  dev: number;
  ino: number;
  raw: Buffer;
}

function tryCreateGuard(guardPath: string): Guard | undefined {
  const raw = Buffer.from(formatLockPayload({ pid: process.pid, createdAt: new Date().toISOString() }));
  let fd: number;
  try {
    fd = openSync(guardPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  }
  try {
    writeSync(fd, raw, 0, raw.length, 0);
  } finally {
    closeSync(fd);
  }
  const read = readLockFileSync(guardPath);
  if (read.kind !== 'file') return undefined;
  return { dev: read.identity.dev, ino: read.identity.ino, raw };
}

/**
 * Why a guard (its bytes and mtime) is abandoned, or undefined while it may be in use: its pid
 * is dead, or it is older than any reclaim takes (a stuck holder, a reused pid, a torn payload).
 * `selfIsAbandoned`: a guard naming this process is abandoned when seen from code that cannot
 * run while this process holds a guard (reclaims are synchronous from start to end).
 */
export function abandonedGuardReason(raw: Buffer, mtimeMs: number, now: number, selfIsAbandoned: boolean): AbandonedBecause | undefined {
  const pid = validPid(parseLockPayload(raw)?.pid);
  if (pid !== undefined && pid !== process.pid && !isProcessAlive(pid)) return { code: 'reclaimer-dead', pid };
  if (pid === process.pid && selfIsAbandoned) return { code: 'names-this-process' };
  if (now - mtimeMs > GUARD_STALE_MS) return { code: 'guard-old', staleMs: GUARD_STALE_MS };
  return undefined;
}

/** Removes a guard left by a dead process (or one stuck far longer than any reclaim takes). */
function clearStaleGuard(guardPath: string): void {
  const read = readLockFileSync(guardPath);
  if (read.kind !== 'file') return;
  if (abandonedGuardReason(read.raw, read.identity.mtimeMs, Date.now(), true) !== undefined) {
    swapOutSync(guardPath, { dev: read.identity.dev, ino: read.identity.ino, raw: read.raw });
  }
}

function acquireGuard(guardPath: string): Guard | undefined {
  const guard = tryCreateGuard(guardPath);
  if (guard) return guard;
  clearStaleGuard(guardPath);
  return tryCreateGuard(guardPath);
}

/**
 * Under the reclaim guard, re-judges the lock and removes it by verified swap only if it is
 * still the very file that was judged (inode and bytes) and `stillRemovable` agrees.
 * Synchronous from start to end, so no other code of this process runs while it holds the guard.
 */
export function reclaimJudgedLockSync(
  lockPath: string,
  judged: LockInspection,
  options: InspectOptions,
  stillRemovable: (fresh: LockInspection) => boolean,
  details?: SwapDetails,
): ReclaimOutcome {
  if (!judged.identity || !judged.raw) return 'changed';
  const guardPath = guardPathFor(lockPath);
  const guard = acquireGuard(guardPath);
  if (!guard) return 'busy';
  try {
    const fresh = inspectLockSync(lockPath, options);
    if (fresh.state === 'free') return 'gone';
    if (!sameFile(fresh, judged) || !stillRemovable(fresh)) return 'changed';
    return swapOutSync(lockPath, { dev: judged.identity.dev, ino: judged.identity.ino, raw: judged.raw }, details);
  } finally {
    try {
      swapOutSync(guardPath, guard);
    } catch {
      // A guard we cannot remove ages out after GUARD_STALE_MS.
    }
  }
}
