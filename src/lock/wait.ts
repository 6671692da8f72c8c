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

/** A wake-up state no watcher feeds yet (see watchLockName and watchFileChanges). */
export function newWakeState(): DirectoryWatch & { watchers: FSWatcher[]; watchingLockName: boolean } {
  const state = {
    changed: false,
    wantsContentChanges: false,
    wake: undefined as (() => void) | undefined,
    watchers: [] as FSWatcher[],
    watchingLockName: false,
    close: () => {
      for (const watcher of state.watchers.splice(0)) watcher.close();
      state.watchingLockName = false;
    },
  };
  return state;
}

export type WakeState = ReturnType<typeof newWakeState>;

function addWatcher(state: WakeState, path: string, onEvent: (event: string, filename: string | null) => boolean): boolean {
  try {
    const watcher = watch(path, { persistent: false }, (event, filename) => {
      if (!onEvent(event, filename)) return;
      state.changed = true;
      state.wake?.();
    });
    watcher.on('error', () => watcher.close());
    watcher.unref();
    state.watchers.push(watcher);
    return true;
  } catch {
    return false; // ENOSPC (inotify limits), a vanished path and friends: the backoff still polls.
  }
}

/** Wakes `state` when the lock's name changes in its directory (a release renames it away). */
export function watchLockName(state: WakeState, lockPath: string): void {
  if (state.watchingLockName) return;
  state.watchingLockName = true;
  const name = basename(lockPath);
  addWatcher(state, dirname(lockPath), (event, filename) => {
    if (filename !== null && filename !== name) return false;
    // 'change' is the holder writing its payload: only a waiter looking at an empty file cares.
    return !(event === 'change' && !state.wantsContentChanges);
  });
}

/** Wakes `state` on any change of one file (a waiter's ticket being touched or removed). */
export function watchFileChanges(state: WakeState, path: string): boolean {
  return addWatcher(state, path, () => true);
}

/** Watches the lock's directory for the lock name changing; falls back to polling if watching fails. */
export function watchDirectory(lockPath: string): WakeState {
  const state = newWakeState();
  watchLockName(state, lockPath);
  return state;
}

/** Sleeps until a watched change, the watched pid's death, an abort or `delayMs`; true when the time ran out. */
export function sleepUntilChange(watchState: DirectoryWatch, delayMs: number, watchedPid: number | undefined, signal: AbortSignal | undefined): Promise<boolean> {
  if (watchState.changed) {
    watchState.changed = false;
    return Promise.resolve(false);
  }
  return new Promise<boolean>((resolve) => {
    let liveness: NodeJS.Timeout | undefined;
    let timedOut = false;
    const done = (): void => {
      clearTimeout(timer);
      if (liveness) clearInterval(liveness);
      signal?.removeEventListener('abort', done);
      watchState.wake = undefined;
      watchState.changed = false;
      resolve(timedOut);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      done();
    }, delayMs);
    if (watchedPid !== undefined && delayMs > LIVENESS_CHECK_MS) {
      liveness = setInterval(() => {
        // kill(pid, 0) only (the holder's, or a queued waiter's predecessor's): reading
        // /proc/<pid>/stat this often slows that process down measurably; zombies are caught
        // by the full check at each backoff wake-up.
        if (!pidExists(watchedPid)) done();
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

