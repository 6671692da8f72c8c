// Files the lock core leaves behind when its process dies at the wrong moment:
//   - the reclaim guard `<lock>.reclaim` (payload names the reclaimer's pid);
//   - aside files `<file>.reclaim.<pid>.<hex>`: a lock or guard renamed aside by the verified
//     swap. The pid in the NAME is the process that renamed it, and the hex part makes the
//     name unique to that process, so no one else ever creates a file under it. Older versions
//     also wrote a lock being created under such a name;
//   - copies `<lock>.new.<pid>.<starttime|x>.<hex>` of a lock being created (create.ts), named
//     by their maker's pid and start time.
// Removed only when provably abandoned, by verified swap, never while the process that made
// them is alive (a guard excepted only once older than any reclaim takes, exactly as every
// reclaimer already treats it). A copy is never the lock, so it goes as soon as its maker is
// dead; an aside may be a lock, so it also waits out an age.
import { lstatSync } from 'node:fs';
import { readLockFileSync, swapOutSync, type SwapOutcome } from './fsops';
import { judgeLockFile } from './inspect';
import { isNamedProcessAlive, isProcessAlive } from './process';
import { abandonedGuardReason } from './reclaim';
import type { AbandonedBecause, InspectOptions, KeptReason, LockInspection, RemoveResult } from './types';

/**
 * An aside file exists for microseconds unless its renamer died between rename and unlink (or
 * kept a displaced lock on purpose). The age is measured from the ctime, which rename() sets;
 * the mtime still is the original lock's.
 */
export const ASIDE_STALE_MS = 5_000;

const GUARD_SUFFIX = '.lock.reclaim';
// asidePathFor and copyPathFor end in fsops' uniqueTag: 8 hex digits plus a hex counter (1 to 8 digits).
const ASIDE_NAME = /\.reclaim\.([1-9]\d{0,9})\.[0-9a-f]{9,16}$/;
const COPY_NAME = /\.lock\.new\.([1-9]\d{0,9})\.(\d{1,20}|x)\.[0-9a-f]{9,16}$/;

export type LeftoverKind = { type: 'guard' } | { type: 'aside'; pid: number } | { type: 'copy'; pid: number; starttime: number | undefined };

/** Whether a directory entry's name is a reclaim guard, an aside file or a lock's private copy. */
export function reclaimLeftoverKind(name: string): LeftoverKind | undefined {
  if (name.endsWith(GUARD_SUFFIX) && name.length > GUARD_SUFFIX.length) return { type: 'guard' };
  const copy = COPY_NAME.exec(name);
  if (copy && copy.index > 0) return { type: 'copy', pid: Number(copy[1]), starttime: copy[2] === 'x' ? undefined : Number(copy[2]) };
  if (!name.includes(`${GUARD_SUFFIX}.`)) return undefined;
  const match = ASIDE_NAME.exec(name);
  return match ? { type: 'aside', pid: Number(match[1]) } : undefined;
}

function kept(inspection: LockInspection, why: KeptReason): RemoveResult {
  return { kind: 'reclaim-leftover', lockPath: inspection.lockPath, removed: false, inspection, kept: why };
}

function abandonedAsideReason(path: string, pid: number, inspection: LockInspection, now: number): AbandonedBecause | { keep: KeptReason } {
  if (pid === process.pid) return { keep: { code: 'maker-alive', pid } };
  // Its payload names the renamer itself (a guard its reclaimer was dropping, or an older
  // version's copy of a lock being created), with the start time, host and pid namespace a lock
  // is judged by: once that verdict proves the maker dead, it is abandoned, as its lock would be.
  if (inspection.payload?.pid === pid && inspection.state === 'stale' && inspection.reclaimable) return { code: 'maker-dead', pid };
  if (isProcessAlive(pid)) return { keep: { code: 'maker-alive', pid } };
  let ctimeMs: number;
  try {
    const stats = lstatSync(path);
    if (stats.dev !== inspection.identity!.dev || stats.ino !== inspection.identity!.ino) return { keep: { code: 'leftover-changed' } };
    ctimeMs = stats.ctimeMs;
  } catch {
    return { keep: { code: 'leftover-changed' } };
  }
  const ageMs = now - Math.max(ctimeMs, inspection.identity!.mtimeMs);
  if (ageMs <= ASIDE_STALE_MS) return { keep: { code: 'maker-young', pid, youngerThanMs: ASIDE_STALE_MS } };
  return { code: 'maker-dead', pid };
}

function abandonedCopyReason(pid: number, starttime: number | undefined): AbandonedBecause | { keep: KeptReason } {
  return isNamedProcessAlive(pid, starttime) ? { keep: { code: 'maker-alive', pid } } : { code: 'maker-dead', pid };
}

function outcomeResult(inspection: LockInspection, outcome: SwapOutcome, why: AbandonedBecause): RemoveResult {
  switch (outcome) {
    case 'removed':
      return { kind: 'reclaim-leftover', lockPath: inspection.lockPath, removed: true, inspection };
    case 'gone':
      return kept(inspection, { code: 'leftover-gone' });
    case 'restored':
    case 'displaced':
      return kept(inspection, { code: 'leftover-replaced', abandoned: why });
  }
}

/**
 * Judges and, when provably abandoned, removes one reclaim leftover; undefined when it is
 * already gone (a reclaim in this sweep may have cleared an abandoned guard). Synchronous, like
 * every other check-and-act on lock files. Throws only for I/O errors while removing.
 */
export function removeReclaimLeftoverSync(path: string, kind: LeftoverKind, options: InspectOptions = {}): RemoveResult | undefined {
  const now = options.now ?? Date.now();
  const inspection = judgeLockFile(path, readLockFileSync(path), { ...options, readCommandLine: false });
  if (inspection.state === 'free') return undefined;
  if (!inspection.identity || !inspection.raw) return kept(inspection, { code: 'leftover-unjudgeable' });
  let why: AbandonedBecause;
  if (kind.type === 'guard') {
    const reason = abandonedGuardReason(inspection.raw, inspection.identity.mtimeMs, now, false);
    if (reason === undefined) return kept(inspection, { code: 'guard-in-use' });
    why = reason;
  } else {
    const verdict = kind.type === 'copy' ? abandonedCopyReason(kind.pid, kind.starttime) : abandonedAsideReason(path, kind.pid, inspection, now);
    if ('keep' in verdict) return kept(inspection, verdict.keep);
    why = verdict;
  }
  return outcomeResult(inspection, swapOutSync(path, { dev: inspection.identity.dev, ino: inspection.identity.ino, raw: inspection.raw }), why);
}
