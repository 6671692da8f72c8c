// The table of locks this process holds. It lives on globalThis under a registered symbol so
// that two bundled copies of the lock core in one process (extension + CLI module, tests)
// agree on what "this process holds" means: otherwise one copy would judge the other's lock
// an `orphan-self-pid` and delete it.
import type { LockPayload } from './types';

export interface HeldRecord {
  readonly lockPath: string;
  readonly sessionFile: string;
  readonly bytes: Buffer;
  readonly payload: LockPayload;
  /** Set once the file exists; undefined while it is being created. */
  dev?: number;
  ino?: number;
  acquiredAt: number;
}

interface Registry {
  readonly records: Set<HeldRecord>;
}

const REGISTRY_KEY = Symbol.for('openclaw-session-locks.held-registry.v1');

function registry(): Registry {
  const host = globalThis as unknown as Record<symbol, Registry | undefined>;
  let found = host[REGISTRY_KEY];
  if (!found) {
    found = { records: new Set() };
    host[REGISTRY_KEY] = found;
  }
  return found;
}

export function addHeldRecord(record: HeldRecord): void {
  registry().records.add(record);
}

export function removeHeldRecord(record: HeldRecord): void {
  registry().records.delete(record);
}

export function heldRecords(): HeldRecord[] {
  return [...registry().records];
}

/** Whether these exact bytes are a lock this process holds or is creating right now. */
export function isHeldByThisProcess(raw: Buffer): boolean {
  for (const record of registry().records) {
    if (record.bytes.equals(raw)) return true;
  }
  return false;
}

/** What other layers may show about the locks this process holds. */
export interface HeldLockInfo {
  lockPath: string;
  sessionFile: string;
  payload: LockPayload;
  heldMs: number;
}

export function listHeldLocks(now = Date.now()): HeldLockInfo[] {
  return heldRecords()
    .filter((record) => record.ino !== undefined)
    .map((record) => ({ lockPath: record.lockPath, sessionFile: record.sessionFile, payload: record.payload, heldMs: now - record.acquiredAt }));
}
