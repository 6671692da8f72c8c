// The queue's side of a batch (see turns.ts): how a holder tells the waiters it will wake them,
// and wakes them. Everything here is advisory: only the lock file decides who holds.
//
// - Leaving the queue after acquiring through it (removing our ticket, leaving the mark that
//   promises the head a wake) is put off until this process's event loop turns: the caller's
//   work starts first, and that bookkeeping runs while the caller waits for its own I/O. A
//   release (or the exit hook) that comes before does it. It wakes nobody (see queue.ts).
// - A release while others queue wakes the head on the next turn of the event loop, unless this
//   process takes the lock again first, so a batch of back-to-back acquisitions (at most
//   fairStreakFor, see turns.ts) wakes nobody. The holder's mark tells the head that this wake
//   will come, so it sleeps meanwhile. The acquisition after a full batch queues first and then
//   wakes the head (on-disk.ts): woken any earlier, at the release, the head could find nobody
//   queued behind it (this process not yet back) and take a batch with no limit.
// A holder killed before its wake is noticed by the head's watch on its pid.
import { existsSync } from 'node:fs';
import { holderMarkPath, leaveQueueHolding, placeHolderMark, queueDirFor, removeHolderMark, seemingWaiters, wakeNextWaiter, type Ticket } from './queue';
import type { Slot } from './turns';

const WAITERS_LOOK_EVERY = 4;
const pending = new Set<Slot>();
let exitHooked = false;

/**
 * Leaves (once per batch) the mark that promises the head a wake-up. The last waiter to leave
 * may have taken it away meanwhile (nobody to wake then): it is looked for, except by a
 * re-acquire whose wake was still pending (`trusted`), which trusts the mark it just left; a
 * newcomer meanwhile watches the lock file instead, until our next batch marks again.
 */
export function markHolding(slot: Slot, lockPath: string, trusted = false): void {
  if (slot.mark && (trusted || existsSync(slot.mark.path))) return;
  const path = holderMarkPath(queueDirFor(lockPath));
  if (placeHolderMark(path, queueDirFor(lockPath))) slot.mark = { path, lockPath };
}

/**
 * Runs `step` for `slot` on the next turn of the event loop, or at exit if the process ends
 * first. The exit hook is installed on the first deferred step (importing the core installs
 * nothing) and is idle while none is pending.
 */
function onNextTurn(slot: Slot, step: (slot: Slot) => void): NodeJS.Immediate {
  if (!exitHooked) {
    process.on('exit', handOverAll);
    exitHooked = true;
  }
  pending.add(slot);
  const timer = setImmediate(() => step(slot));
  timer.unref?.();
  return timer;
}

/** A slot stays pending while either of its deferred steps is. */
function settle(slot: Slot): void {
  if (!slot.handover && !slot.queueExit) pending.delete(slot);
}

/**
 * We hold the lock, acquired through our ticket. Our ticket keeps the others asleep behind us
 * until we leave the queue, as it did while we waited.
 */
export function deferQueueExit(slot: Slot, lockPath: string, ticket: Ticket): void {
  slot.queueExit = { timer: onNextTurn(slot, finishQueueExit), ticket, lockPath };
}

/**
 * Takes our ticket out; when others still queue, leaves our mark (the new head finds it when it
 * next looks, and our release wakes it). The waiters left behind size our batch.
 */
export function finishQueueExit(slot: Slot): void {
  const exit = slot.queueExit;
  if (!exit) return;
  clearImmediate(exit.timer);
  slot.queueExit = undefined;
  settle(slot);
  slot.waiters = leaveQueueHolding(exit.ticket, queueDirFor(exit.lockPath), () => markHolding(slot, exit.lockPath));
}

/**
 * We acquired the lock without queueing while `waiters` others queued: our mark promises them a
 * wake. `reacquired`: right after our own release, before its wake went out.
 */
export function startBatch(slot: Slot, lockPath: string, waiters: number, reacquired: boolean): void {
  slot.waiters = waiters;
  markHolding(slot, lockPath, reacquired);
}

/**
 * After a release: the head is woken on the next turn of the event loop, unless this process
 * takes the lock again first (a wake at once would let the head win the lock from under the
 * batch); at once when nobody waits any more (the mark and the queue directory go with it). A
 * process exiting before that turn wakes the head on its way out. The count of waiters, which
 * sizes the batch (fairStreakFor), is the one seen at the batch's start, looked at again every
 * WAITERS_LOOK_EVERY releases: one look per release cost a tenth of a back-to-back
 * re-acquisition, and a batch that began while others were still on their way to the queue
 * would otherwise run to the longest streak.
 */
export function scheduleHandover(slot: Slot): void {
  finishQueueExit(slot);
  if (!slot.mark || slot.handover) return;
  if (slot.streak % WAITERS_LOOK_EVERY === WAITERS_LOOK_EVERY - 1) slot.waiters = seemingWaiters(queueDirFor(slot.mark.lockPath)).count;
  const waiters = slot.waiters;
  if (waiters === 0) {
    handOver(slot);
    return;
  }
  slot.handover = { timer: onNextTurn(slot, handOver), waiters };
}

/** This process takes the lock again at once: the mark stays, nobody is woken. */
export function cancelHandover(slot: Slot): void {
  if (!slot.handover) return;
  clearImmediate(slot.handover.timer);
  slot.handover = undefined;
  settle(slot);
}

/** Lets go for good: the oldest waiter is woken (first: its wake is the handoff), the mark goes. */
export function handOver(slot: Slot): void {
  cancelHandover(slot);
  const mark = slot.mark;
  if (!mark) return;
  slot.mark = undefined;
  wakeNextWaiter(queueDirFor(mark.lockPath));
  removeHolderMark(mark.path);
}

/** Every pending step at once (the process is about to exit). */
export function handOverAll(): void {
  for (const slot of [...pending]) {
    finishQueueExit(slot);
    handOver(slot);
  }
}
