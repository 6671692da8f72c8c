// Creating the lock file: OpenClaw's payload (plus our hostname and token), open(wx), one write.
import { closeSync, constants, fstatSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { selfPidNamespaceMarker } from './pid-namespace';
import { selfHostname, selfStartTime } from './process';
import type { LockPayload } from './types';

/** open(wx) and one write; a failed write removes our own half-made file (by inode). */
export function createLockFile(lockPath: string, bytes: Buffer): { dev: number; ino: number } {
  const fd = openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  try {
    const written = writeSync(fd, bytes, 0, bytes.length, 0);
    if (written !== bytes.length) throw new Error(`short write (${written} of ${bytes.length} bytes)`);
    const stats = fstatSync(fd);
    return { dev: stats.dev, ino: stats.ino };
  } catch (error) {
    try {
      const mine = fstatSync(fd);
      const there = lstatSync(lockPath);
      if (there.dev === mine.dev && there.ino === mine.ino) unlinkSync(lockPath);
    } catch {
      // Nothing of ours left to remove.
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}

// A random per-process prefix plus a counter: unique per lock without a crypto call per attempt.
const tokenPrefix = randomBytes(6).toString('hex');
let tokenCounter = 0;
function nextToken(): string {
  tokenCounter = (tokenCounter + 1) % 0x100000000;
  return `${tokenPrefix}${tokenCounter.toString(16).padStart(8, '0')}`;
}

export function newPayload(maxHoldMs: number): LockPayload {
  const payload: LockPayload = { pid: process.pid, createdAt: new Date().toISOString(), maxHoldMs };
  const starttime = selfStartTime();
  if (starttime !== undefined) payload.starttime = starttime;
  payload.hostname = selfHostname();
  payload.token = nextToken();
  // From inside a container, lets a later process of the same container judge this lock by pid.
  const pidns = selfPidNamespaceMarker();
  if (pidns !== undefined) payload.pidns = pidns;
  return payload;
}
