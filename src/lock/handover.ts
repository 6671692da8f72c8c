// A holder's release while others queue: wake the head (touch its ticket), unless this process
// takes the lock again before its event loop turns. The wake is deferred by one turn so that a
// batch of back-to-back acquisitions (at most fairStreakFor, see turns.ts) wakes nobody; the
// holder's mark (queue.ts) tells the head that this wake will come, so it sleeps meanwhile.
// A holder killed before the wake is noticed by the head's kill(pid, 0) check.
import { holderMarkPath, placeHolderMark, queueDirFor, removeHolderMark, seemingWaiters, wakeNextWaiter } from './queue';
import { existsSync } from 'node:fs';
import type { Slot } from './turns';

const pending = new Set<Slot>();
let exitHooked = false;

/** Leaves (once per batch) the mark that promises the head a wake-up. */
export function markHolding(slot: Slot, lockPath: string): void {
  // The last waiter to leave may have taken it away meanwhile (nobody to wake then).
  if (slot.mark && existsSync(slot.mark.path)) return;
  const path = holderMarkPath(queueDirFor(lockPath));
  if (placeHolderMark(path, queueDirFor(lockPath))) slot.mark = { path, lockPath };
}

/**
 * After a release: the head is woken on the next turn of the event loop, unless this process
 * takes the lock again first (a wake at once would let the head win the lock from under the
 * batch); at once when nobody waits any more (the mark and the queue directory go with it). A
 * process exiting before that turn wakes the head on its way out.
 */
export function scheduleHandover(slot: Slot): void {
  if (!slot.mark || slot.handover) return;
  const waiters = seemingWaiters(queueDirFor(slot.mark.lockPath)).count;
  if (waiters === 0) {
    handOver(slot);
    return;
  }
  if (!exitHooked) {
    // Once, on the first deferred wake (importing the core installs nothing); idle while none is pending.
    process.on('exit', handOverAll);
    exitHooked = true;
  }
  pending.add(slot);
  const timer = setImmediate(() => handOver(slot));
  timer.unref?.();
  slot.handover = { timer, waiters };
}

/** This process takes the lock again at once: the mark stays, nobody is woken. */
export function cancelHandover(slot: Slot): void {
  if (!slot.handover) return;
  clearImmediate(slot.handover.timer);
  slot.handover = undefined;
  pending.delete(slot);
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

/** Every pending wake at once (the process is about to exit). */
export function handOverAll(): void {
  for (const slot of [...pending]) handOver(slot);
}
