// Turns within this process: one slot per lock path with a FIFO of waiters, so independent
// callers in one process exclude each other before touching the disk, and a release hands the
// slot straight to the next waiter. The slot also remembers this process's fairness history
// on the lock (when it last released it, when it last found it contended).
import { abortedError, timeoutError } from './acquire-errors';
import type { HeldLock } from './held';
import type { Ticket } from './queue';

/**
 * Fairness across processes (see on-disk.ts): while other processes queue for a lock, this
 * process takes it again without queueing at most FAIR_STREAK times in a row (a batch of 16
 * holds, with one waiter), then queues and wakes the head. The batch keeps a releaser's
 * immediate re-acquire cheap (no wake-up of another process per acquisition); with more
 * waiters it shrinks so that a round of the queue stays near QUEUE_ROUND_HOLDS holds and the
 * longest wait stays near an unfair lock's. 64, not 32: on 2 cores, batches of 16 at 4
 * processes and 8 at 8 took the bench from 0.65-0.73x the floor's rate to 0.74-0.88x (4 procs)
 * and from 0.68-0.80x to 0.96-1.05x (8 procs) over five runs, the 8-process longest wait
 * 0.48-1.02x the floor's (at the limit); 128 (16 at 8 processes too) made it 1.11x.
 */
export const FAIR_STREAK = 15;
const QUEUE_ROUND_HOLDS = 64;
const MIN_STREAK = 3;

/** The streak allowed while `waiters` processes queue. */
export function fairStreakFor(waiters: number): number {
  return Math.max(MIN_STREAK, Math.min(FAIR_STREAK, Math.ceil(QUEUE_ROUND_HOLDS / (waiters + 1)) - 1));
}

/** Slots of locks nobody used for this long may be forgotten. */
const IDLE_SLOT_MS = 1000;
const MAX_IDLE_SLOTS = 256;

export interface Waiter {
  grant: () => void;
}

export interface Slot {
  /** Someone in this process holds the lock or has the turn to acquire it on disk. */
  busy: boolean;
  holder?: HeldLock;
  queue: Waiter[];
  lastReleaseAt: number;
  /** Consecutive acquisitions taken back to back without queueing (see on-disk.ts). */
  streak: number;
  /** Our "held" mark in the lock's queue (handover.ts), while this process holds a batch. */
  mark?: { path: string; lockPath: string };
  /**
   * The deferred wake of the queue's head after a release (handover.ts), with how many seemed to
   * wait when it was deferred: a re-acquire before it fires needs no new look at the queue.
   */
  handover?: { timer: NodeJS.Immediate; waiters: number };
  /**
   * How many other processes queue, as seen when this batch began and every few of its releases
   * since (handover.ts): the other releases read no queue.
   */
  waiters: number;
  /**
   * Our ticket's way out of the queue after acquiring through it (handover.ts), put off until this
   * process's event loop turns, so that the caller starts its work first.
   */
  queueExit?: { timer: NodeJS.Immediate; ticket: Ticket; lockPath: string };
}

const slots = new Map<string, Slot>();

export function slotFor(lockPath: string): Slot {
  let slot = slots.get(lockPath);
  if (!slot) {
    if (slots.size >= MAX_IDLE_SLOTS) pruneIdleSlots();
    slot = { busy: false, queue: [], lastReleaseAt: 0, streak: 0, waiters: 0 };
    slots.set(lockPath, slot);
  }
  return slot;
}

/** Slots remember fairness history; forget the ones nobody used for a while. */
function pruneIdleSlots(): void {
  const cutoff = Date.now() - IDLE_SLOT_MS;
  for (const [path, slot] of slots) {
    if (!slot.busy && slot.queue.length === 0 && !slot.mark && !slot.queueExit && slot.lastReleaseAt < cutoff) slots.delete(path);
  }
}

export function passTurn(slot: Slot): void {
  slot.holder = undefined;
  const next = slot.queue.shift();
  if (next) {
    next.grant();
    return;
  }
  slot.busy = false;
}



export function waitForTurn(lockPath: string, slot: Slot, deadline: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const waiter: Waiter = {
      grant: () => {
        cleanup();
        resolve();
      },
    };
    const onAbort = (): void => {
      drop();
      reject(abortedError(lockPath, signal!));
    };
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const drop = (): void => {
      cleanup();
      const index = slot.queue.indexOf(waiter);
      if (index >= 0) slot.queue.splice(index, 1);
    };
    slot.queue.push(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => {
      drop();
      reject(timeoutError(lockPath, timeoutMs, undefined));
    }, Math.max(0, deadline - Date.now()));
  });
}

