// Taking the lock file across processes: open(wx) with OpenClaw's payload; while another
// process holds it, announce ourselves in the waiter queue (queue.ts) and, once at its head,
// judge the lock (reclaiming a provably stale one under the reclaim guard) and wait (wait.ts)
// until its name changes. Behind the head, sleep until we become head.
import { existsSync } from 'node:fs';
import { SessionLockError } from './errors';
import { inspectLockSync } from './inspect';
import { reclaimJudgedLockSync, type ReclaimOutcome } from './reclaim';
import { abortedError, timeoutError } from './acquire-errors';
import { createLockFile, newLockBytes } from './create';
import { visibleOwnerPid } from './owner';
import { addHeldRecord, removeHeldRecord, type HeldRecord } from './registry';
import type { AcquireOptions, LockInspection, LockPayload } from './types';
import { holderMarked, leaveQueue, liveForeignMark, newTicket, placeTicket, positionOf, queueDirFor, seemingWaiters, type Ticket } from './queue';
import { listenForWatchers } from './death-watch';
import { cancelHandover, deferQueueExit, handOver, startBatch } from './handover';
import { fairStreakFor, type Slot } from './turns';
import { LIVENESS_CHECK_MS, QUEUED_LIVENESS_CHECK_MS, WATCHED_BACKOFF_CAP_MS, backoffMs, newWakeState, sameHeldFile, sleepUntilChange, stopWatchingLock, watchFileChanges, watchHeldLock, type WakeState } from './wait';

const ON_WAIT_INTERVAL_MS = 1000;
/** A re-acquisition this long after our last release starts a new batch. */
const STREAK_PAUSE_MS = 50;
/**
 * The shortest backstop of a head whose holder has promised to wake it (its mark): the wake is a
 * touch of our ticket and the holder's death is watched, so the timer only covers a lost wake
 * (a holder that hangs between its release and the wake). The backoff's first, short timers let
 * the head take the lock in the middle of the holder's batch whenever the holder stalled between
 * a release and its next acquisition (descheduled, a GC pause): the holder's batch then began
 * again as the head's, 18-38 holds in a row at 2 processes in about one bench round in twenty.
 */
const MARKED_BACKSTOP_MIN_MS = 200;
/**
 * The shortest backstop of a waiter behind the head. What it waits for comes as events: the
 * touch of its ticket when it becomes head, the head's death (its connection, or a kill(pid, 0)
 * poll). The backoff's first, short timers (2.5-5 ms, then 5-10, 10-20) made every queued waiter
 * look at the queue three or four times per wait, each look a wake-up on a core the holder
 * needs: at 8 processes the holder's rate went 8-35% higher without them (4 interleaved runs).
 */
const QUEUED_BACKSTOP_MIN_MS = 50;

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
  // Whoever waits behind us, or behind our lock once we hold it, is told of our death by our socket.
  listenForWatchers();
  const wake = newWakeState();
  let ticket: Ticket | undefined;
  let attempt = 0;
  // Our next backstop timer: the next step of our backoff (capped higher while both wakes that
  // matter are events), at least `floorMs`, never past our deadline.
  const nextBackstopMs = (watched: boolean, floorMs: number, now: number): number =>
    Math.min(Math.max(floorMs, backoffMs(attempt++, watched ? WATCHED_BACKOFF_CAP_MS : undefined)), Math.max(1, settings.deadline - now));
  let lastInspection: LockInspection | undefined;
  // The first wait reports the holder at once; later ones at most once a second.
  let lastOnWait = Number.NEGATIVE_INFINITY;
  // Fairness. While other processes queue for the lock, this process may take it again without
  // queueing (our release's wake of the head is still pending, see handover.ts) only a streak
  // of fairStreakFor(waiters) times in a row; then it queues and wakes the head. Nobody
  // queued: no cost.
  // Right after our own release the deferred wake (handover.ts) has just counted them.
  const waiters = slot.handover?.waiters ?? seemingWaiters(queueDir).count;
  const othersWaiting = waiters > 0;
  const mayTryFirst = !othersWaiting || slot.streak < fairStreakFor(waiters);
  const reacquiring = slot.handover !== undefined;
  // Our first try follows our own release at once: the lock is almost surely free.
  let justReleased = reacquiring && mayTryFirst;
  let contended = false;
  let triedQueue = false;
  let backstop = false;
  let freeAtBackstop = 0;
  let wasHead = false;
  // The next try is not prompted by a wake meant for us (a timer ran out, or the lock turned out
  // free right after a failed try); and whether this try already waited once for a holder's
  // promised wake (see below).
  let unprompted = false;
  let waitedForPromise = false;
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
    if (!mayTryFirst) {
      // Queued before the head is woken: from its first acquisition on, it sees us waiting.
      triedQueue = true;
      ticket = joinQueue(queueDir, wake);
    }
    if (!(mayTryFirst && othersWaiting)) handOver(slot);
    for (;;) {
      if (signal?.aborted) throw abortedError(lockPath, signal);
      if (ticket && !wasHead) {
        let position = positionOf(queueDir, ticket);
        if (position.lost) {
          // Someone who cannot see this process judged our ticket dead: put it back (same name, same place).
          if (placeTicket(ticket, queueDir)) position = positionOf(queueDir, ticket);
          else {
            ticket = undefined;
            continue;
          }
        }
        // A free lock the head has left alone for two of our timeouts in a row: the head is
        // stuck (or does not take part), so we try; once only would race a head that is merely slow.
        freeAtBackstop = backstop && lockFileMissing(lockPath) ? freeAtBackstop + 1 : 0;
        if (!position.head && freeAtBackstop < 2) {
          // Not our turn: sleep until our ticket is touched (we became head) or the head dies.
          backstop = false;
          const now = Date.now();
          if (now >= settings.deadline) throw timeoutError(lockPath, settings.timeoutMs, undefined);
          reportWait(now);
          const watched = position.first !== undefined && wake.death.watching(position.first.pid);
          const delay = nextBackstopMs(watched, QUEUED_BACKSTOP_MIN_MS, now);
          // The head's death would be the only one to stall us: its connection tells of it.
          if (position.first) wake.death.watch(position.first.pid, position.first.starttime);
          backstop = await sleepUntilChange(wake, delay, position.first?.pid, signal, position.next ? LIVENESS_CHECK_MS : QUEUED_LIVENESS_CHECK_MS);
          unprompted = backstop;
          continue;
        }
        // Head (or the backstop found the lock free): try it. A head stays head (nobody queues
        // ahead of the oldest ticket), so its wake-ups skip this look, all but its timeouts.
        backstop = false;
        wasHead = position.head;
      }
      // No wake brought us here (a timer, or a lock found free), the lock is free and another
      // process's mark is in the queue: that holder is between a release and its next
      // acquisition (descheduled, in a GC pause) and has promised us a wake. Taking the lock now
      // would end its batch early and begin ours as a continuation of its run; so we wait for
      // the wake once, and a lock still free at our next timeout has lost its wake and is ours.
      if (unprompted && ticket && !waitedForPromise && lockFileMissing(lockPath)) {
        const promiser = liveForeignMark(queueDir);
        if (promiser) {
          waitedForPromise = true;
          // One step of our backoff: unwatched, it is capped at this wait's 200 ms.
          const delay = nextBackstopMs(false, MARKED_BACKSTOP_MIN_MS, Date.now());
          unprompted = await sleepUntilChange(wake, delay, promiser.pid, signal);
          wasHead = false;
          continue;
        }
      }
      unprompted = false;
      waitedForPromise = false;
      const { payload, bytes } = newLockBytes(settings.maxHoldMs);
      // Registered before open(wx): between the file appearing and the handle being built,
      // another caller in this process (a scan, another bundled copy) must see these bytes as
      // ours, not as an orphan-self-pid lock it may reclaim.
      const record: HeldRecord = { lockPath, sessionFile: settings.sessionFile, bytes, payload, acquiredAt: Date.now() };
      addHeldRecord(record);
      try {
        const identity = createLockFile(lockPath, bytes, { likelyFree: justReleased });
        justReleased = false;
        if (identity) {
          record.dev = identity.dev;
          record.ino = identity.ino;
          record.acquiredAt = Date.now();
          // Through the queue (our turn came), against a holder or after a pause: a new batch
          // begins. Acquisitions nobody queued for count too: a waiter that was still on its way
          // to the queue then waits for the rest of the batch, not for a new one.
          slot.streak = ticket || contended || record.acquiredAt - slot.lastReleaseAt > STREAK_PAUSE_MS ? 0 : slot.streak + 1;
          cancelHandover(slot);
          // Others wait behind us: our mark promises them a wake (see handover.ts).
          if (ticket) {
            deferQueueExit(slot, lockPath, ticket);
            ticket = undefined;
          } else if (othersWaiting) {
            startBatch(slot, lockPath, waiters, reacquiring);
          }
          return { payload, bytes, record, ...identity };
        }
      } catch (error) {
        removeHeldRecord(record);
        throw new SessionLockError('SESSION_LOCK_IO', `cannot create lock ${lockPath}: ${(error as Error).message}`, lockPath, { cause: error });
      }
      removeHeldRecord(record);
      contended = true;
      // Someone else has the lock: announce ourselves, then (our batch is over) wake the head.
      // In that order: the wake may run the new holder before us, and a holder that found
      // nobody queued would take a batch with no limit.
      const joining = !triedQueue;
      if (joining) {
        triedQueue = true;
        ticket = joinQueue(queueDir, wake);
      }
      handOver(slot);
      // As head (or without a queue: an unwritable directory) judge the lock and watch it.
      if (joining) continue;
      const inspection = sameHeldFile(lockPath, lastInspection) ?? inspectLockSync(lockPath, inspectOptions);
      if (inspection.state === 'free') {
        // Released since our try: by a holder in the middle of its batch, perhaps (see above).
        unprompted = true;
        continue;
      }
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
      const holderPid = inspection.state === 'held' && inspection.owner && !inspection.owner.isSelf ? visibleOwnerPid(inspection.owner) : undefined;
      // The holder's connection tells of its death (a holder in another pid namespace names its
      // socket by a pid we do not see: polled, like OpenClaw's).
      if (holderPid !== undefined && inspection.owner && !inspection.owner.nested) wake.death.watch(inspection.owner.pid, inspection.owner.starttime);
      const judgedStart = inspection.owner?.starttimeMatches && !inspection.owner.nested ? inspection.owner.starttime : undefined;
      const marked = ticket !== undefined && holderPid !== undefined && holderMarked(queueDir, holderPid, judgedStart);
      if (marked) {
        // The holder will touch our ticket when it lets go: sleep through its batch.
        stopWatchingLock(wake);
      } else if (inspection.identity && !watchHeldLock(wake, lockPath, inspection.identity)) {
        continue; // Released or replaced since we looked: look again at once.
      }
      const now = Date.now();
      if (now >= settings.deadline) throw timeoutError(lockPath, settings.timeoutMs, lastInspection);
      reportWait(now);
      // The release wakes us by an event (the lock's inode, or the marked holder's touch of our ticket), its death by another.
      const watched = holderPid !== undefined && wake.death.watching(holderPid) && (marked || wake.lock !== undefined);
      const delay = nextBackstopMs(watched, marked ? MARKED_BACKSTOP_MIN_MS : 0, now);
      unprompted = await sleepUntilChange(wake, delay, holderPid, signal);
      if (unprompted) wasHead = false;
    }
  } finally {
    wake.close();
    if (ticket) leaveQueue(ticket, queueDir);
  }
}

/**
 * Places a fresh ticket and watches it (a touch means "you are head now"). Returns undefined
 * when the queue cannot be written: the caller then waits the old way, watching the lock.
 */
function joinQueue(queueDir: string, wake: WakeState): Ticket | undefined {
  const ticket = newTicket(queueDir);
  if (placeTicket(ticket, queueDir) && watchFileChanges(wake, ticket.path)) return ticket;
  if (existsSync(ticket.path)) leaveQueue(ticket, queueDir);
  return undefined;
}

function lockFileMissing(lockPath: string): boolean {
  return !existsSync(lockPath);
}
