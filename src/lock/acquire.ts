// Acquiring the session write lock. In this process callers take turns (turns.ts); across
// processes: open(wx) with OpenClaw's payload; while the file exists, wait for the directory
// watcher (the holder's release renames the file away), an exponential backoff with jitter
// as the backstop, and a cheap kill(pid, 0) check so a SIGKILLed holder is reclaimed quickly.
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DEFAULT_TORN_GRACE_MS, defaultAcquireTimeoutMs, defaultMaxHoldMs, defaultStaleMs } from './config';
import { SessionLockError, errnoCode } from './errors';
import { inspectLockSync } from './inspect';
import { reclaimJudgedLockSync, type ReclaimOutcome } from './reclaim';
import { lockPathForSync } from './path';
import { abortedError, timeoutError } from './acquire-errors';
import { createLockFile, newPayload } from './create';
import { formatLockPayload } from './payload';
import { visibleOwnerPid } from './owner';
import { isProcessAlive, pidExists } from './process';
import { addHeldRecord, removeHeldRecord, type HeldRecord } from './registry';
import type { AcquireOptions, LockInspection, LockPayload, SessionWriteLock } from './types';
import { HeldLock, LockHandle } from './held';
import { CONTENDED_MEMORY_MS, FAIR_STREAK, FAIR_STREAK_CONTENDED, FAIR_YIELD_MS, passTurn, slotFor, waitForTurn, type Slot } from './turns';

const BACKOFF_START_MS = 5;
const BACKOFF_CAP_MS = 200;
/** kill(pid, 0) cadence while a live holder is known: a syscall, so this costs ~no CPU. */
const LIVENESS_CHECK_MS = 4;
const ON_WAIT_INTERVAL_MS = 1000;

interface DirectoryWatch {
  changed: boolean;
  wantsContentChanges: boolean;
  wake: (() => void) | undefined;
  close(): void;
}

/** Watches the lock's directory for the lock name changing; falls back to polling if watching fails. */
function watchDirectory(lockPath: string): DirectoryWatch {
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

function sleepUntilChange(watchState: DirectoryWatch, delayMs: number, holderPid: number | undefined, signal: AbortSignal | undefined): Promise<void> {
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
function sameHeldFile(lockPath: string, previous: LockInspection | undefined): LockInspection | undefined {
  if (!previous || previous.state !== 'held' || !previous.identity || !previous.owner || previous.owner.isSelf) return undefined;
  try {
    const stats = lstatSync(lockPath);
    if (stats.ino !== previous.identity.ino || stats.dev !== previous.identity.dev || stats.size !== previous.identity.size) return undefined;
  } catch {
    return undefined;
  }
  return isProcessAlive(visibleOwnerPid(previous.owner)) ? previous : undefined;
}

function backoffMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** Math.min(attempt, 16));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

interface DiskAcquireSettings {
  lockPath: string;
  sessionFile: string;
  timeoutMs: number;
  deadline: number;
  staleMs: number;
  maxHoldMs: number;
  tornGraceMs: number;
  signal: AbortSignal | undefined;
  onWait: AcquireOptions['onWait'];
  slot: Slot;
}


async function acquireOnDisk(settings: DiskAcquireSettings): Promise<{ payload: LockPayload; bytes: Buffer; dev: number; ino: number; record: HeldRecord }> {
  const { lockPath, signal, slot } = settings;
  const started = Date.now();
  const inspectOptions = { staleMs: settings.staleMs, tornGraceMs: settings.tornGraceMs, readCommandLine: false };
  let watchState: DirectoryWatch | undefined;
  let attempt = 0;
  let lastInspection: LockInspection | undefined;
  // The first wait reports the holder at once; later ones at most once a second.
  let lastOnWait = Number.NEGATIVE_INFINITY;
  // Fairness: right after our own release of a contended lock, let the woken waiters try first.
  const fastReacquire = started - slot.lastReleaseAt < FAIR_YIELD_MS;
  slot.fastStreak = fastReacquire ? slot.fastStreak + 1 : 0;
  const streakLimit = started - slot.lastContendedAt < CONTENDED_MEMORY_MS ? FAIR_STREAK_CONTENDED : FAIR_STREAK;
  let yieldFirst = fastReacquire && slot.fastStreak >= streakLimit;
  if (yieldFirst) slot.fastStreak = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw abortedError(lockPath, signal);
      if (yieldFirst) {
        yieldFirst = false;
        watchState ??= watchDirectory(lockPath);
        await sleepUntilChange(watchState, FAIR_YIELD_MS, undefined, signal);
        continue;
      }
      const payload = newPayload(settings.maxHoldMs);
      const bytes = Buffer.from(formatLockPayload(payload));
      // Registered before open(wx): between the file appearing and the handle being built,
      // another caller in this process (a scan, another bundled copy) must see these bytes as
      // ours, not as an orphan-self-pid lock it may reclaim.
      const record: HeldRecord = { lockPath, sessionFile: settings.sessionFile, bytes, payload, acquiredAt: Date.now() };
      addHeldRecord(record);
      try {
        const identity = createLockFile(lockPath, bytes);
        record.dev = identity.dev;
        record.ino = identity.ino;
        record.acquiredAt = Date.now();
        return { payload, bytes, record, ...identity };
      } catch (error) {
        removeHeldRecord(record);
        const code = errnoCode(error);
        if (code !== 'EEXIST') {
          throw new SessionLockError('SESSION_LOCK_IO', `cannot create lock ${lockPath}: ${(error as Error).message}`, lockPath, { cause: error });
        }
      }
      slot.lastContendedAt = Date.now();
      if (!watchState) {
        // Watch before judging, so a release between our open and the watch is not missed.
        watchState = watchDirectory(lockPath);
        continue;
      }
      const inspection = sameHeldFile(lockPath, lastInspection) ?? inspectLockSync(lockPath, inspectOptions);
      if (inspection.state === 'free') continue;
      if (inspection.state === 'unreadable') {
        throw new SessionLockError('SESSION_LOCK_UNSAFE_PATH', `cannot lock ${settings.sessionFile}: ${inspection.problem ?? 'the lock path cannot be judged'} (${lockPath})`, lockPath);
      }
      if (inspection.reclaimable && inspection.identity && inspection.raw) {
        let outcome: ReclaimOutcome;
        try {
          outcome = reclaimJudgedLockSync(lockPath, inspection, inspectOptions, (fresh) => fresh.reclaimable);
        } catch (error) {
          throw new SessionLockError('SESSION_LOCK_IO', `cannot reclaim stale lock ${lockPath}: ${(error as Error).message}`, lockPath, { cause: error });
        }
        // Whatever the outcome, only open(wx) decides who holds the lock; while another
        // process reclaims, wait briefly for it instead of spinning.
        if (outcome !== 'busy') continue;
        await sleepUntilChange(watchState, 1, undefined, signal);
        continue;
      }
      lastInspection = inspection;
      const now = Date.now();
      if (now >= settings.deadline) throw timeoutError(lockPath, settings.timeoutMs, lastInspection);
      if (settings.onWait && now - lastOnWait >= ON_WAIT_INTERVAL_MS) {
        lastOnWait = now;
        try {
          settings.onWait({ waitedMs: now - started, holder: inspectLockSync(lockPath, { staleMs: settings.staleMs, tornGraceMs: settings.tornGraceMs }) });
        } catch {
          // A UI callback must not break acquisition.
        }
      }
      watchState.wantsContentChanges = inspection.state === 'initialising';
      const holderPid = inspection.state === 'held' && inspection.owner && !inspection.owner.isSelf ? visibleOwnerPid(inspection.owner) : undefined;
      const delay = Math.min(backoffMs(attempt++), Math.max(1, settings.deadline - now));
      await sleepUntilChange(watchState, delay, holderPid, signal);
    }
  } finally {
    watchState?.close();
  }
}

/**
 * Takes the session write lock for `sessionFile` (which need not exist and is never created).
 * Resolves to a handle; rejects with SessionLockError (TIMEOUT, ABORTED, UNSAFE_PATH, IO).
 */
export async function acquireSessionWriteLock(options: AcquireOptions): Promise<SessionWriteLock> {
  const started = Date.now();
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? defaultAcquireTimeoutMs();
  const maxHoldMs = options.maxHoldMs ?? defaultMaxHoldMs(timeoutMs);
  // One realpath syscall; the async variant costs a thread-pool round trip per acquisition.
  const lockPath = lockPathForSync(options.sessionFile);
  if (signal?.aborted) throw abortedError(lockPath, signal);
  const deadline = started + timeoutMs;
  const slot = slotFor(lockPath);

  const current = slot.holder;
  if (options.owner !== undefined && current && current.owner === options.owner && !current.released) {
    current.count += 1;
    return new LockHandle(current, options.onCompromised);
  }

  if (slot.busy) await waitForTurn(lockPath, slot, deadline, timeoutMs, signal);
  else slot.busy = true;

  let created: Awaited<ReturnType<typeof acquireOnDisk>>;
  try {
    created = await acquireOnDisk({
      lockPath,
      sessionFile: options.sessionFile,
      timeoutMs,
      deadline,
      staleMs: options.staleMs ?? defaultStaleMs(),
      maxHoldMs,
      tornGraceMs: options.tornGraceMs ?? DEFAULT_TORN_GRACE_MS,
      signal,
      onWait: options.onWait,
      slot,
    });
  } catch (error) {
    passTurn(slot);
    throw error;
  }
  const held = new HeldLock(lockPath, options.sessionFile, created.payload, created.bytes, created.dev, created.ino, options.owner, maxHoldMs, created.record.acquiredAt, slot, created.record);
  slot.holder = held;
  return new LockHandle(held, options.onCompromised);
}
