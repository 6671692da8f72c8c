// Taking the lock file across processes: open(wx) with OpenClaw's payload; while another
// process holds it, judge it (reclaiming a provably stale one under the reclaim guard) and
// wait (wait.ts) until its name changes.
import { SessionLockError, errnoCode } from './errors';
import { inspectLockSync } from './inspect';
import { reclaimJudgedLockSync, type ReclaimOutcome } from './reclaim';
import { abortedError, timeoutError } from './acquire-errors';
import { createLockFile, newPayload } from './create';
import { formatLockPayload } from './payload';
import { visibleOwnerPid } from './owner';
import { addHeldRecord, removeHeldRecord, type HeldRecord } from './registry';
import type { AcquireOptions, LockInspection, LockPayload } from './types';
import { CONTENDED_MEMORY_MS, FAIR_STREAK, FAIR_STREAK_CONTENDED, FAIR_YIELD_MS, type Slot } from './turns';
import { backoffMs, sameHeldFile, sleepUntilChange, watchDirectory, type DirectoryWatch } from './wait';

const ON_WAIT_INTERVAL_MS = 1000;

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


export async function acquireOnDisk(settings: DiskAcquireSettings): Promise<{ payload: LockPayload; bytes: Buffer; dev: number; ino: number; record: HeldRecord }> {
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
