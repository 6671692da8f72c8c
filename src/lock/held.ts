// The held lock: one per lock path and owner in this process, shared by nested acquisitions,
// and the handle each acquisition gets. Releasing removes the file only if it is still ours
// (verified swap) and passes this process's turn on the lock path to its next waiter.
import { SessionLockError } from './errors';
import { readLockFileSync, swapOutSync } from './fsops';
import { removeHeldRecord, type HeldRecord } from './registry';
import { passTurn, type Slot } from './turns';
import { scheduleHandover } from './handover';
import type { LockPayload, SessionWriteLock } from './types';
import { unwatchLock, watchLock, type WatchdogTarget } from './watchdog';

/** The lock as held by this process; acquisitions by the same owner share one. */
export class HeldLock implements WatchdogTarget {
  count = 1;
  released = false;
  compromised: SessionLockError | undefined;
  readonly listeners: Array<(error: SessionLockError) => void> = [];
  readonly record: HeldRecord;

  constructor(
    readonly lockPath: string,
    readonly sessionFile: string,
    readonly payload: LockPayload,
    readonly bytes: Buffer,
    readonly dev: number,
    readonly ino: number,
    readonly owner: object | undefined,
    readonly maxHoldMs: number,
    readonly acquiredAt: number,
    private readonly slot: Slot,
    record: HeldRecord,
  ) {
    // The record was registered before the file existed (see acquireOnDisk); it now gains the inode.
    this.record = record;
    watchLock(this);
  }

  isStillOurs(): boolean {
    if (this.released) return false;
    const read = readLockFileSync(this.lockPath);
    return read.kind === 'file' && read.identity.dev === this.dev && read.identity.ino === this.ino && read.raw.equals(this.bytes);
  }

  verify(): void {
    if (!this.released && !this.isStillOurs()) {
      this.markLost(new SessionLockError('SESSION_LOCK_LOST', `session write lock lost (deleted or taken over by another process): ${this.lockPath}`, this.lockPath));
    }
  }

  forceRelease(_reason: 'hold-exceeded', message: string): void {
    if (this.released) return;
    this.removeFileIfOurs();
    this.markLost(new SessionLockError('SESSION_LOCK_LOST', message, this.lockPath));
  }

  /** Gives up the lock for good: from here on the handle reports it lost and the slot moves on. */
  markLost(error: SessionLockError): void {
    if (this.released) return;
    this.compromised = error;
    this.finish();
    // A copy: a listener may release its handle, which removes it from the list.
    for (const listener of [...this.listeners]) {
      try {
        listener(error);
      } catch {
        // onCompromised must never throw into the lock core or the host.
      }
    }
  }

  /** A released handle's onCompromised no longer concerns anyone. */
  removeListener(listener: (error: SessionLockError) => void): void {
    const index = this.listeners.indexOf(listener);
    if (index >= 0) this.listeners.splice(index, 1);
  }

  releaseOne(): void {
    this.count -= 1;
    if (this.count > 0 || this.released) return;
    try {
      this.removeFileIfOurs();
    } finally {
      this.finish();
    }
  }

  private removeFileIfOurs(): void {
    try {
      swapOutSync(this.lockPath, { dev: this.dev, ino: this.ino, raw: this.bytes });
    } catch (error) {
      throw new SessionLockError('SESSION_LOCK_IO', `cannot remove lock ${this.lockPath}: ${(error as Error).message}`, this.lockPath, { cause: error });
    }
  }

  private finish(): void {
    this.released = true;
    removeHeldRecord(this.record);
    unwatchLock(this);
    this.slot.lastReleaseAt = Date.now();
    scheduleHandover(this.slot);
    passTurn(this.slot);
  }
}

/** One acquisition's view of a held lock: releasing it twice is harmless. */
export class LockHandle implements SessionWriteLock {
  private ownReleased = false;

  constructor(
    private readonly held: HeldLock,
    private readonly onCompromised: ((error: SessionLockError) => void) | undefined,
  ) {
    if (onCompromised) held.listeners.push(onCompromised);
  }

  get lockPath(): string {
    return this.held.lockPath;
  }
  get sessionFile(): string {
    return this.held.sessionFile;
  }
  get payload(): LockPayload {
    return this.held.payload;
  }
  get bytes(): Buffer {
    return this.held.bytes;
  }
  get released(): boolean {
    return this.ownReleased || this.held.released;
  }
  get compromised(): SessionLockError | undefined {
    return this.held.compromised;
  }

  async isHeld(): Promise<boolean> {
    if (this.released) return false;
    if (this.held.isStillOurs()) return true;
    this.held.verify();
    return false;
  }

  async assertHeld(): Promise<void> {
    if (await this.isHeld()) return;
    throw this.held.compromised ?? new SessionLockError('SESSION_LOCK_LOST', `session write lock is no longer held: ${this.lockPath}`, this.lockPath);
  }

  async release(): Promise<void> {
    if (this.ownReleased) return;
    this.ownReleased = true;
    // Nested acquisitions of one long-held lock would otherwise pile up listeners for good.
    if (this.onCompromised) this.held.removeListener(this.onCompromised);
    this.held.releaseOne();
  }
}
