// Waiting for a lock file held by another process: a watch on the lock file's inode (the
// holder's release renames or unlinks it), an exponential backoff with jitter as the
// backstop, and the holder's death told by its connection (death-watch.ts) or, where there is
// none, noticed within milliseconds by a cheap kill(pid, 0) check.
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import { DeathWatch } from './death-watch';
import { visibleOwnerPid } from './owner';
import { isNamedProcessAlive, pidExists } from './process';
import type { LockInspection } from './types';

const BACKOFF_START_MS = 5;
const BACKOFF_CAP_MS = 200;
/** kill(pid, 0) cadence while a live holder is known: a syscall, so this costs ~no CPU. */
export const LIVENESS_CHECK_MS = 4;
/**
 * The same check by a waiter behind the head, on the head: a dead head stalls nobody while
 * releasers skip it (handover.ts), so this needs only OpenClaw's own 50 ms poll cadence; idle
 * waiters then cost next to nothing.
 */
export const QUEUED_LIVENESS_CHECK_MS = 50;

export interface WakeSource {
  changed: boolean;
  wake: (() => void) | undefined;
  /** Tells of a watched process's death by its connection (death-watch.ts): no polling needed then. */
  death?: DeathWatch;
  close(): void;
}

/** A wake-up state no watcher feeds yet (see watchHeldLock and watchFileChanges). */
export function newWakeState(): WakeSource & { death: DeathWatch; watchers: FSWatcher[]; lock: { watcher: FSWatcher; dev: number; ino: number } | undefined } {
  const state = {
    changed: false,
    wake: undefined as (() => void) | undefined,
    watchers: [] as FSWatcher[],
    lock: undefined as { watcher: FSWatcher; dev: number; ino: number } | undefined,
    death: new DeathWatch(() => {
      state.changed = true;
      state.wake?.();
    }),
    close: () => {
      state.death.stop();
      for (const watcher of state.watchers.splice(0)) watcher.close();
      state.lock?.watcher.close();
      state.lock = undefined;
    },
  };
  return state;
}

export type WakeState = ReturnType<typeof newWakeState>;

function startWatcher(state: WakeState, path: string): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: false }, () => {
      state.changed = true;
      state.wake?.();
    });
    watcher.on('error', () => watcher.close());
    watcher.unref();
    return watcher;
  } catch {
    return undefined; // ENOSPC (inotify limits), a vanished path and friends: the backoff still polls.
  }
}

/**
 * Wakes `state` when the held lock file itself changes: its release (a rename or an unlink
 * changes the inode's links), its payload being written. The lock's inode, not its
 * directory: the holder writes its transcript beside the lock, and a directory watch would
 * wake every waiter on each of those writes. Armed, then checked, so a release in between
 * is never missed: false when the path is no longer that inode (look again at once).
 */
export function watchHeldLock(state: WakeState, lockPath: string, identity: { dev: number; ino: number }): boolean {
  if (state.lock && state.lock.dev === identity.dev && state.lock.ino === identity.ino) return true;
  stopWatchingLock(state);
  const watcher = startWatcher(state, lockPath);
  try {
    const stats = lstatSync(lockPath);
    if (stats.dev !== identity.dev || stats.ino !== identity.ino) {
      watcher?.close();
      return false;
    }
  } catch {
    watcher?.close();
    return false;
  }
  if (watcher) state.lock = { watcher, dev: identity.dev, ino: identity.ino };
  return true;
}

export function stopWatchingLock(state: WakeState): void {
  state.lock?.watcher.close();
  state.lock = undefined;
}

/** Wakes `state` on any change of one file (a waiter's ticket being touched or removed). */
export function watchFileChanges(state: WakeState, path: string): boolean {
  const watcher = startWatcher(state, path);
  if (watcher) state.watchers.push(watcher);
  return watcher !== undefined;
}

/** Sleeps until a watched change, the watched pid's death, an abort or `delayMs`; true when the time ran out. */
export function sleepUntilChange(watchState: WakeSource, delayMs: number, watchedPid: number | undefined, signal: AbortSignal | undefined, livenessMs = LIVENESS_CHECK_MS): Promise<boolean> {
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
    if (watchedPid !== undefined && delayMs > livenessMs && !watchState.death?.watching(watchedPid)) {
      liveness = setInterval(() => {
        // Its connection now tells of its death (it was still being made when we fell asleep).
        if (watchState.death?.watching(watchedPid)) {
          clearInterval(liveness);
          liveness = undefined;
          return;
        }
        // kill(pid, 0) only (the holder's, or a queued waiter's predecessor's): reading
        // /proc/<pid>/stat this often slows that process down measurably; zombies are caught
        // by the full check at each backoff wake-up.
        if (!pidExists(watchedPid)) done();
      }, livenessMs);
    }
    watchState.wake = done;
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Many waiters wake on every change of the lock name. A held lock's bytes are final (nobody
 * rewrites a lock in place), so while the same inode is there its last inspection still holds
 * apart from its holder's liveness: one lstat and one look at the holder instead of a re-read.
 * The look includes the start time judged then, or a holder that died while we waited and
 * whose pid went to another process would seem to hold the lock for the rest of our wait.
 */
export function sameHeldFile(lockPath: string, previous: LockInspection | undefined): LockInspection | undefined {
  if (!previous || previous.state !== 'held' || !previous.identity || !previous.owner || previous.owner.isSelf) return undefined;
  try {
    const stats = lstatSync(lockPath);
    if (stats.ino !== previous.identity.ino || stats.dev !== previous.identity.dev || stats.size !== previous.identity.size) return undefined;
  } catch {
    return undefined;
  }
  const { owner } = previous;
  return isNamedProcessAlive(visibleOwnerPid(owner), owner.starttimeMatches ? owner.starttime : undefined) ? previous : undefined;
}

/**
 * The backstop's cap while both wakes that matter are events: the watched file (the lock's
 * inode, or our ticket) and the watched process's connection. Each wake of an idle process
 * costs it about a millisecond of CPU, so the backstop only catches what those miss.
 */
export const WATCHED_BACKOFF_CAP_MS = 1000;

export function backoffMs(attempt: number, capMs = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(capMs, BACKOFF_START_MS * 2 ** Math.min(attempt, 16));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

