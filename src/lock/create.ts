// Creating the lock file: OpenClaw's payload (plus our hostname and token), complete the moment
// it appears. OpenClaw creates with open(wx) and then writes, so a process SIGKILLed between the
// two leaves an empty lock that names nobody: every waiter then waits out the torn-lock grace
// (30 s). This core writes the payload under a private name first and link()s it into place:
// link fails with EEXIST exactly where open(wx) would, and a lock made here is never torn.
//
// The private copy `<lock>.new.<pid>.<starttime|x>.<hex>` is never the lock itself (at most a
// second name of it after the link), so removing it cannot free or steal anything: its maker's
// link then fails with ENOENT and it simply makes another. That is why a copy whose maker is
// dead (judged from the name alone, even when the kill left it empty) is removed at once by
// whoever meets it (leftovers.ts), unlike a lock moved aside, which waits out an age.
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { errnoCode } from './errors';
import { uniqueTag } from './fsops';
import { selfPidNamespaceMarker } from './pid-namespace';
import { selfHostname, selfStartTime } from './process';
import { formatLockPayload } from './payload';
import type { LockPayload } from './types';

/** Errors of file systems without hard links (FAT, some network and FUSE mounts): open(wx) there. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);
let linkUnsupported = false;

/**
 * Creates the lock file holding `bytes` and returns its inode, or undefined when a lock is
 * there. Written under a private name and linked into place (see above).
 */
export function createLockFile(lockPath: string, bytes: Buffer, { likelyFree = false } = {}): { dev: number; ino: number } | undefined {
  if (linkUnsupported) return createExclusive(lockPath, bytes);
  // Held (the common case for a waiter): one stat instead of a file made and removed for nothing
  // (a stat that does not throw when the lock is free). Not for a re-acquire right after our
  // own release, when the lock is almost always free.
  if (!likelyFree && lstatSync(lockPath, { throwIfNoEntry: false })) return undefined;
  for (let attempt = 1; ; attempt++) {
    const privatePath = copyPathFor(lockPath);
    const identity = openAndWrite(privatePath, bytes);
    try {
      linkSync(privatePath, lockPath);
      return identity;
    } catch (error) {
      const code = errnoCode(error) ?? '';
      if (code === 'EEXIST') return undefined;
      // Our copy was removed under us (a sweeper that could not see this process): make another.
      if (code === 'ENOENT' && attempt < MAX_COPY_ATTEMPTS) continue;
      if (!NO_HARD_LINKS.has(code)) throw error;
      linkUnsupported = true;
      return createExclusive(lockPath, bytes);
    } finally {
      unlinkIfThere(privatePath);
    }
  }
}

const MAX_COPY_ATTEMPTS = 3;
/** A name no other process (pid and start time) or call uses, beside the lock. */
export function copyPathFor(lockPath: string): string {
  return `${lockPath}.new.${process.pid}.${selfStartTime() ?? 'x'}.${uniqueTag()}`;
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

/** open(wx) right at the lock path: undefined when a lock is there. */
function createExclusive(lockPath: string, bytes: Buffer): { dev: number; ino: number } | undefined {
  try {
    return openAndWrite(lockPath, bytes);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  }
}

/** open(wx) and one write; a failed write removes our own half-made file (by inode). */
function openAndWrite(path: string, bytes: Buffer): { dev: number; ino: number } {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  try {
    const written = writeSync(fd, bytes, 0, bytes.length, 0);
    if (written !== bytes.length) throw new Error(`short write (${written} of ${bytes.length} bytes)`);
    const stats = fstatSync(fd);
    return { dev: stats.dev, ino: stats.ino };
  } catch (error) {
    try {
      const mine = fstatSync(fd);
      const there = lstatSync(path);
      if (there.dev === mine.dev && there.ino === mine.ino) unlinkSync(path);
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

/**
 * A new payload and its bytes, exactly formatLockPayload's. Only createdAt and the token change
 * from one acquisition to the next, so the rest of the text is made once per maxHoldMs: the
 * generic formatter (key reordering, indented JSON.stringify) is most of an acquisition's own
 * work in a process that has not run it often.
 */
export function newLockBytes(maxHoldMs: number): { payload: LockPayload; bytes: Buffer } {
  const payload = newPayload(maxHoldMs);
  if (payloadTemplate?.maxHoldMs !== maxHoldMs) payloadTemplate = { maxHoldMs, parts: templateFor(payload) };
  const [head, middle, tail] = payloadTemplate.parts;
  return { payload, bytes: Buffer.from(`${head}${payload.createdAt}${middle}${payload.token}${tail}`) };
}

let payloadTemplate: { maxHoldMs: number; parts: [string, string, string] } | undefined;

/**
 * formatLockPayload's text split around createdAt's and the token's values. JSON escapes every
 * quote inside a value, so the quoted placeholders occur once each, where the values go.
 */
function templateFor(payload: LockPayload): [string, string, string] {
  const text = formatLockPayload({ ...payload, createdAt: '<createdAt>', token: '<token>' });
  const [head, rest] = text.split('"<createdAt>"') as [string, string];
  const [middle, tail] = rest.split('"<token>"') as [string, string];
  return [`${head}"`, `"${middle}"`, `"${tail}`];
}
