// Waiting for a lock file held by another process: a watch on the lock's directory (the
// holder's release renames the file away), an exponential backoff with jitter as the
// backstop, and a cheap kill(pid, 0) check so a SIGKILLed holder is noticed within milliseconds.
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { visibleOwnerPid } from './owner';
import { isProcessAlive, pidExists } from './process';
import type { LockInspection } from './types';

const BACKOFF_START_MS = 5;
const BACKOFF_CAP_MS = 200;
/** kill(pid, 0) cadence while a live holder is known: a syscall, so this costs ~no CPU. */
const LIVENESS_CHECK_MS = 4;

export interface DirectoryWatch {
  changed: boolean;
  wantsContentChanges: boolean;
  wake: (() => void) | undefined;
  close(): void;
}

/** Watches the lock's directory for the lock name changing; falls back to polling if watching fails. */
export function watchDirectory(lockPath: string): DirectoryWatch {
  const name = basename(lockPath);
  const state: DirectoryWatch = { changed: false, wantsContentChanges: false, wake: undefined, close: () => undefined };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(lockPath), { persistent: false }, (event, filename) => {
      if (filename !== null && filename !== name) return;
      // 'change' is the holder writing its payload: only a waiter looking at an empty file cares.
      if (event === 'change' && !state.wantsContentChanges) return;
      state.changed = true;
      state.wake?.();
    });
    watcher.on('error', () => watcher?.close());
    watcher.unref();
  } catch {
    watcher = undefined; // ENOSPC (inotify limits) and friends: the backoff still polls.
  }
  state.close = () => watcher?.close();
  return state;
}

export function sleepUntilChange(watchState: DirectoryWatch, delayMs: number, holderPid: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  if (watchState.changed) {
    watchState.changed = false;
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    let liveness: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      if (liveness) clearInterval(liveness);
      signal?.removeEventListener('abort', done);
      watchState.wake = undefined;
      watchState.changed = false;
      resolve();
    };
    const timer = setTimeout(done, delayMs);
    if (holderPid !== undefined && delayMs > LIVENESS_CHECK_MS) {
      liveness = setInterval(() => {
        // kill(pid, 0) only: reading /proc/<pid>/stat of the holder this often slows the holder
        // down measurably; zombies are caught by the full check at each backoff wake-up.
        if (!pidExists(holderPid)) done();
      }, LIVENESS_CHECK_MS);
    }
    watchState.wake = done;
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Many waiters wake on every change of the lock name. A held lock's bytes are final (nobody
 * rewrites a lock in place), so while the same inode is there its last inspection still holds
 * apart from liveness, which the wait loop checks itself: one lstat instead of a re-read.
 */
export function sameHeldFile(lockPath: string, previous: LockInspection | undefined): LockInspection | undefined {
  if (!previous || previous.state !== 'held' || !previous.identity || !previous.owner || previous.owner.isSelf) return undefined;
  try {
    const stats = lstatSync(lockPath);
    if (stats.ino !== previous.identity.ino || stats.dev !== previous.identity.dev || stats.size !== previous.identity.size) return undefined;
  } catch {
    return undefined;
  }
  return isProcessAlive(visibleOwnerPid(previous.owner)) ? previous : undefined;
}

export function backoffMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** Math.min(attempt, 16));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

