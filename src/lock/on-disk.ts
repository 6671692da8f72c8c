// Taking the lock file across processes: open(wx) with OpenClaw's payload; while another
// process holds it, announce ourselves in the waiter queue (queue.ts) and, once at its head,
// judge the lock (reclaiming a provably stale one under the reclaim guard) and wait (wait.ts)
// until its name changes. Behind the head, sleep until we become head.
import { existsSync } from 'node:fs';
import { SessionLockError, errnoCode } from './errors';
import { inspectLockSync } from './inspect';
import { reclaimJudgedLockSync, type ReclaimOutcome } from './reclaim';
import { abortedError, timeoutError } from './acquire-errors';
import { createLockFile, newPayload } from './create';
import { formatLockPayload } from './payload';
import { visibleOwnerPid } from './owner';
import { addHeldRecord, removeHeldRecord, type HeldRecord } from './registry';
import type { AcquireOptions, LockInspection, LockPayload } from './types';
import { firstLiveTicket, leaveQueue, newTicket, placeTicket, positionOf, queueDirFor, type Ticket } from './queue';
import { FAIR_STREAK, type Slot } from './turns';
import { backoffMs, newWakeState, sameHeldFile, sleepUntilChange, watchFileChanges, watchLockName, type WakeState } from './wait';

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
  const queueDir = queueDirFor(lockPath);
  const wake = newWakeState();
  let ticket: Ticket | undefined;
  let attempt = 0;
  let lastInspection: LockInspection | undefined;
  // The first wait reports the holder at once; later ones at most once a second.
  let lastOnWait = Number.NEGATIVE_INFINITY;
  // Fairness. While other processes queue for the lock, this process may take it without
  // queueing (it is free right after our own release, before the woken head gets an event loop
  // turn) only FAIR_STREAK times in a row; then it queues behind them. Nobody queued: no cost.
  const othersWaiting = firstLiveTicket(queueDir) !== undefined;
  let mayTryFirst = !othersWaiting || slot.streak < FAIR_STREAK;
  let contended = false;
  let backstop = false;
  const reportWait = (now: number): void => {
    if (!settings.onWait || now - lastOnWait < ON_WAIT_INTERVAL_MS) return;
    lastOnWait = now;
    try {
      settings.onWait({ waitedMs: now - started, holder: inspectLockSync(lockPath, { staleMs: settings.staleMs, tornGraceMs: settings.tornGraceMs }) });
    } catch {
      // A UI callback must not break acquisition.
    }
  };
  try {
    for (;;) {
      if (signal?.aborted) throw abortedError(lockPath, signal);
      if (!mayTryFirst && !ticket) {
        mayTryFirst = true;
        ticket = joinQueue(queueDir, wake, lockPath);
        continue;
      }
      if (ticket) {
        let position = positionOf(queueDir, ticket);
        if (position.lost) {
          // Someone who cannot see this process judged our ticket dead: put it back (same name, same place).
          if (placeTicket(ticket, queueDir)) position = positionOf(queueDir, ticket);
          else {
            ticket = undefined;
            watchLockName(wake, lockPath);
            continue;
          }
        }
        if (!position.head && !(backstop && lockFileMissing(lockPath))) {
          // Not our turn: sleep until our ticket is touched (we became head) or the head dies.
          backstop = false;
          const now = Date.now();
          if (now >= settings.deadline) throw timeoutError(lockPath, settings.timeoutMs, undefined);
          reportWait(now);
          const delay = Math.min(backoffMs(attempt++), Math.max(1, settings.deadline - now));
          backstop = await sleepUntilChange(wake, delay, position.first?.pid, signal);
          continue;
        }
        // Head (or the backstop found the lock free): watch the lock name before trying it.
        backstop = false;
        watchLockName(wake, lockPath);
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
        slot.streak = contended || !othersWaiting ? 0 : slot.streak + 1;
        return { payload, bytes, record, ...identity };
      } catch (error) {
        removeHeldRecord(record);
        const code = errnoCode(error);
        if (code !== 'EEXIST') {
          throw new SessionLockError('SESSION_LOCK_IO', `cannot create lock ${lockPath}: ${(error as Error).message}`, lockPath, { cause: error });
        }
      }
      contended = true;
      if (!ticket && !wake.watchingLockName) {
        // Announce ourselves, then (as head) watch before judging, so a release between our
        // open and the watch is not missed. Without a queue (unwritable directory) just watch.
        ticket = joinQueue(queueDir, wake, lockPath);
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
        await sleepUntilChange(wake, 1, undefined, signal);
        continue;
      }
      lastInspection = inspection;
      const now = Date.now();
      if (now >= settings.deadline) throw timeoutError(lockPath, settings.timeoutMs, lastInspection);
      reportWait(now);
      wake.wantsContentChanges = inspection.state === 'initialising';
      const holderPid = inspection.state === 'held' && inspection.owner && !inspection.owner.isSelf ? visibleOwnerPid(inspection.owner) : undefined;
      const delay = Math.min(backoffMs(attempt++), Math.max(1, settings.deadline - now));
      await sleepUntilChange(wake, delay, holderPid, signal);
    }
  } finally {
    wake.close();
    if (ticket) leaveQueue(ticket, queueDir);
  }
}

/**
 * Places a fresh ticket and watches it (a touch means "you are head now"). Returns undefined
 * when the queue cannot be written: the caller then waits the old way, on the lock name.
 */
function joinQueue(queueDir: string, wake: WakeState, lockPath: string): Ticket | undefined {
  const ticket = newTicket(queueDir);
  if (placeTicket(ticket, queueDir) && watchFileChanges(wake, ticket.path)) return ticket;
  if (existsSync(ticket.path)) leaveQueue(ticket, queueDir);
  watchLockName(wake, lockPath);
  return undefined;
}

function lockFileMissing(lockPath: string): boolean {
  return !existsSync(lockPath);
}
