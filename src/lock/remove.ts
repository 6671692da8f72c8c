// Removing locks someone else left behind: only provably stale ones automatically, a live one
// only when a person confirmed that very holder. Every removal is a verified swap.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SessionLockError, errnoCode } from './errors';
import type { SwapDetails } from './fsops';
import { reclaimLeftoverKind, removeReclaimLeftoverSync } from './leftovers';
import { reclaimJudgedLockSync, type ReclaimOutcome } from './reclaim';
import { inspectLockSync } from './inspect';
import type { ForceRemoveOptions, InspectOptions, LockInspection, RemoveOptions, RemoveResult } from './types';

function matchesExpected(inspection: LockInspection, expected: RemoveOptions['expected']): boolean {
  if (!expected) return true;
  const { identity, raw } = inspection;
  if (!identity || !raw || !expected.identity || !expected.raw) return false;
  return identity.dev === expected.identity.dev && identity.ino === expected.identity.ino && raw.equals(expected.raw);
}

function swapOut(inspection: LockInspection, options: InspectOptions, stillRemovable: (fresh: LockInspection) => boolean): RemoveResult {
  const { lockPath, identity, raw } = inspection;
  if (!identity || !raw) return { lockPath, removed: false, inspection, kept: { code: 'unreadable' } };
  let outcome: ReclaimOutcome;
  const details: SwapDetails = {};
  try {
    outcome = reclaimJudgedLockSync(lockPath, inspection, options, stillRemovable, details);
  } catch (error) {
    throw new SessionLockError('SESSION_LOCK_IO', `cannot remove lock ${lockPath}: ${(error as Error).message}`, lockPath, { cause: error });
  }
  switch (outcome) {
    case 'removed':
      return { lockPath, removed: true, inspection };
    case 'gone':
      return { lockPath, removed: false, inspection, kept: { code: 'already-gone' } };
    case 'busy':
      return { lockPath, removed: false, inspection, kept: { code: 'reclaim-busy' } };
    case 'changed':
    case 'restored':
      return { lockPath, removed: false, inspection, kept: { code: 'replaced' } };
    case 'displaced':
      return { lockPath, removed: false, inspection, kept: { code: 'displaced', ...(details.asidePath !== undefined ? { asidePath: details.asidePath } : {}) } };
  }
}

/**
 * Removes the lock only if it is provably stale right now (`inspection.reclaimable`), and, with
 * `expected`, only if it is still the very file the caller inspected (inode and bytes).
 */
export async function removeStaleLock(lockPath: string, options: RemoveOptions = {}): Promise<RemoveResult> {
  const inspection = inspectLockSync(lockPath, options);
  if (inspection.state === 'free') return { lockPath: inspection.lockPath, removed: false, inspection, kept: { code: 'no-lock-file' } };
  if (!matchesExpected(inspection, options.expected)) {
    return { lockPath: inspection.lockPath, removed: false, inspection, kept: { code: 'changed-since-inspected' } };
  }
  if (!inspection.reclaimable) {
    return { lockPath: inspection.lockPath, removed: false, inspection, kept: { code: 'not-stale' } };
  }
  return swapOut(inspection, options, (fresh) => fresh.reclaimable);
}

/**
 * Removes a lock a person confirmed, even though its owner may be alive: only if it still
 * names `pid` and (with `expected`) is still the very file they saw. Never touches something
 * that is not a regular lock file.
 */
export async function forceRemoveLock(lockPath: string, options: ForceRemoveOptions): Promise<RemoveResult> {
  const inspection = inspectLockSync(lockPath, options);
  const path = inspection.lockPath;
  if (inspection.state === 'free') return { lockPath: path, removed: false, inspection, kept: { code: 'no-lock-file' } };
  if (inspection.state === 'unreadable') return { lockPath: path, removed: false, inspection, kept: { code: 'not-stale' } };
  if (inspection.payload?.pid !== options.pid) {
    const named = inspection.payload?.pid;
    return { lockPath: path, removed: false, inspection, kept: { code: 'names-another-pid', pid: options.pid, ...(named !== undefined ? { named } : {}) } };
  }
  if (!matchesExpected(inspection, options.expected)) {
    return { lockPath: path, removed: false, inspection, kept: { code: 'changed-since-inspected' } };
  }
  return swapOut(inspection, options, () => true);
}

/**
 * Tries removeStaleLock on every `*.lock` in the directory, then removes the reclaim guard and
 * aside files that processes dying mid-reclaim left behind, when provably abandoned (results
 * with kind 'reclaim-leftover'). A missing directory has none.
 */
export async function sweepStaleLocks(sessionsDir: string, options: Omit<RemoveOptions, 'expected'> = {}): Promise<RemoveResult[]> {
  const dir = resolve(sessionsDir);
  const sorted = await sortedNames(dir);
  const results: RemoveResult[] = [];
  for (const name of sorted.filter((n) => n.endsWith('.lock'))) {
    results.push({ kind: 'lock', ...(await removeStaleLock(join(dir, name), options)) });
  }
  results.push(...removeLeftoversIn(dir, sorted, options));
  return results;
}

/**
 * Removes the reclaim guard and aside files that processes dying mid-reclaim left in a
 * sessions directory, where provably abandoned (kind 'reclaim-leftover'). What Clear All and
 * `clear-stale` run after their own lock-by-lock pass. A missing directory has none.
 */
export async function removeReclaimLeftovers(sessionsDir: string, options: Omit<RemoveOptions, 'expected'> = {}): Promise<RemoveResult[]> {
  const dir = resolve(sessionsDir);
  return removeLeftoversIn(dir, await sortedNames(dir), options);
}

/**
 * Removes the provably abandoned reclaim guard, aside and copy files of one lock, picked from a
 * listing of its directory that the caller already made (the transcripts layer lists it for its
 * own temp files under the lock, so a crash's leftovers go at the next save or compaction).
 */
export function removeReclaimLeftoversOfLock(lockPath: string, dirEntries: readonly string[], options: Omit<RemoveOptions, 'expected'> = {}): RemoveResult[] {
  const absolute = resolve(lockPath);
  const prefix = `${basename(absolute)}.`;
  return removeLeftoversIn(dirname(absolute), dirEntries.filter((name) => name.startsWith(prefix)).sort(), options);
}

/** The directory's entries, sorted; none for a missing directory. */
async function sortedNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw new SessionLockError('SESSION_LOCK_IO', `cannot list ${dir}: ${(error as Error).message}`, dir, { cause: error });
  }
}

function removeLeftoversIn(dir: string, sorted: readonly string[], options: Omit<RemoveOptions, 'expected'>): RemoveResult[] {
  const results: RemoveResult[] = [];
  for (const name of sorted) {
    const kind = reclaimLeftoverKind(name);
    if (!kind) continue;
    const path = join(dir, name);
    try {
      const result = removeReclaimLeftoverSync(path, kind, options);
      if (result) results.push(result);
    } catch (error) {
      throw new SessionLockError('SESSION_LOCK_IO', `cannot remove reclaim leftover ${path}: ${(error as Error).message}`, path, { cause: error });
    }
  }
  return results;
}
