// Turns within this process: one slot per lock path with a FIFO of waiters, so independent
// callers in one process exclude each other before touching the disk, and a release hands the
// slot straight to the next waiter. The slot also remembers this process's fairness history
// on the lock (when it last released it, when it last found it contended).
import { abortedError, timeoutError } from './acquire-errors';
import type { HeldLock } from './held';

/**
 * Fairness across processes. A process that re-acquires right after its own release wins
 * every race against the waiters its release woke (they need an inotify wake-up and an event
 * loop turn), which starves them. Nothing on disk tells the releaser whether anyone waits, so:
 * a fast re-acquire first yields for FAIR_YIELD_MS (ending early as soon as the lock name
 * changes, i.e. a waiter took it) when this process saw the lock contended recently, and in
 * any case every FAIR_STREAK-th consecutive fast re-acquire. Uncontended loops pay one short
 * yield per FAIR_STREAK acquisitions; contended ones hand over instead of running away.
 */
export const FAIR_YIELD_MS = 2;
export const FAIR_STREAK = 16;
export const FAIR_STREAK_CONTENDED = 4;
export const CONTENDED_MEMORY_MS = 1000;
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
  lastContendedAt: number;
  /** Consecutive acquisitions that started right after this process's own release. */
  fastStreak: number;
}

const slots = new Map<string, Slot>();

export function slotFor(lockPath: string): Slot {
  let slot = slots.get(lockPath);
  if (!slot) {
    if (slots.size >= MAX_IDLE_SLOTS) pruneIdleSlots();
    slot = { busy: false, queue: [], lastReleaseAt: 0, lastContendedAt: 0, fastStreak: 0 };
    slots.set(lockPath, slot);
  }
  return slot;
}

/** Slots remember fairness history; forget the ones nobody used for a while. */
function pruneIdleSlots(): void {
  const cutoff = Date.now() - CONTENDED_MEMORY_MS;
  for (const [path, slot] of slots) {
    if (!slot.busy && slot.queue.length === 0 && slot.lastReleaseAt < cutoff && slot.lastContendedAt < cutoff) slots.delete(path);
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

