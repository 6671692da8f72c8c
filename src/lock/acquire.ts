// Acquiring the session write lock: this process's turn on the lock path first (turns.ts),
// then the lock file across processes (on-disk.ts); the result is a handle on the held lock
// (held.ts).
import { DEFAULT_TORN_GRACE_MS, defaultAcquireTimeoutMs, defaultMaxHoldMs, defaultStaleMs } from './config';
import { lockPathForSync } from './path';
import { abortedError } from './acquire-errors';
import type { AcquireOptions, SessionWriteLock } from './types';
import { HeldLock, LockHandle } from './held';
import { acquireOnDisk } from './on-disk';
import { passTurn, slotFor, waitForTurn } from './turns';

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
