// Low-level, synchronous file operations on lock files. Lock files are a few hundred bytes
// on a local disk; each of these calls is one short syscall, and doing them synchronously
// keeps check-and-act windows as narrow as the kernel allows (no thread-pool hop between a
// check and its action) and makes them usable from exit handlers.
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readSync, renameSync, unlinkSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { errnoCode } from './errors';
import type { FileIdentity } from './types';

/** No lock payload is anywhere near this; bigger files are not judged (never removed automatically). */
export const MAX_LOCK_FILE_BYTES = 64 * 1024;

export type LockFileRead =
  | { kind: 'missing' }
  | { kind: 'file'; raw: Buffer; identity: FileIdentity }
  | { kind: 'unreadable'; problem: string; identity?: FileIdentity; errno?: string };

function identityOf(stats: Stats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

function describeNonFile(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Never follows a symlink, never blocks on a FIFO. */
const READ_LOCK_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Reads a lock file through one fd and fstats that same fd, so the bytes and the identity
 * belong to the same inode. Never follows a symlink, never blocks on a FIFO.
 */
export function readLockFileSync(path: string): LockFileRead {
  let fd: number;
  try {
    fd = openSync(path, READ_LOCK_FLAGS);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP' || code === 'EMLINK') {
      return { kind: 'unreadable', problem: 'a symbolic link is at the lock path; it is not followed and never removed automatically', errno: code };
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return { kind: 'unreadable', problem: `permission denied reading the lock file (${code})`, errno: code };
    }
    if (code === 'ENOTDIR') return { kind: 'unreadable', problem: 'a parent of the lock path is not a directory', errno: code };
    return { kind: 'unreadable', problem: `cannot open the lock file: ${(error as Error).message}`, ...(code ? { errno: code } : {}) };
  }
  try {
    const stats = fstatSync(fd);
    const identity = identityOf(stats);
    if (!stats.isFile()) {
      return { kind: 'unreadable', problem: `${describeNonFile(stats)} is at the lock path; it is never removed automatically`, identity };
    }
    if (stats.size > MAX_LOCK_FILE_BYTES) {
      return { kind: 'unreadable', problem: `the lock file is ${stats.size} bytes, too large to be a lock payload; not judged`, identity };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.max(512, stats.size + 1));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      // A regular file returns everything available; a short read means end of file.
      if (read < chunk.length) break;
      if (total > MAX_LOCK_FILE_BYTES) {
        return { kind: 'unreadable', problem: `the lock file grew past ${MAX_LOCK_FILE_BYTES} bytes while being read; not judged`, identity };
      }
    }
    return { kind: 'file', raw: Buffer.concat(chunks, total), identity };
  } catch (error) {
    const code = errnoCode(error);
    return { kind: 'unreadable', problem: `cannot read the lock file: ${(error as Error).message}`, ...(code ? { errno: code } : {}) };
  } finally {
    closeSync(fd);
  }
}

export interface JudgedFile {
  dev: number;
  ino: number;
  raw: Buffer;
}

export type SwapOutcome =
  /** The judged file was moved aside, verified and deleted. */
  | 'removed'
  /** Nothing was at the lock path any more. */
  | 'gone'
  /** Another file was at the lock path; it was put back untouched. */
  | 'restored'
  /**
   * Another file was at the lock path and, while it was aside, yet another lock was created:
   * the displaced file cannot be put back without clobbering the newer lock. It is left
   * untouched under its aside name (see SwapDetails.asidePath): it was not the judged file,
   * so it is not ours to delete. Its owner has lost the lock either way (its next
   * isHeld()/assertHeld() reads the lock path and finds another file); the kept file tells a
   * person whose lock was displaced, and sweepStaleLocks removes it once this process is dead.
   */
  | 'displaced';

export interface SwapDetails {
  /** Set with 'displaced': where the displaced file was left. */
  asidePath?: string;
}

const uniquePrefix = randomBytes(4).toString('hex');
let uniqueCounter = 0;
/** 8 hex digits per process plus a hex counter (1 to 8 digits): unique to one call of this process. */
export function uniqueTag(): string {
  uniqueCounter = (uniqueCounter + 1) % 0x100000000;
  return `${uniquePrefix}${uniqueCounter.toString(16)}`;
}

/** A name no other process (different pid) or call uses, in the lock's own directory. */
export function asidePathFor(lockPath: string): string {
  return `${lockPath}.reclaim.${process.pid}.${uniqueTag()}`;
}

/**
 * Removes the lock file only if it is the very file that was judged (same device/inode and
 * byte-identical), by a verified swap instead of check-then-unlink:
 *
 *   1. rename(lock, aside): atomically takes whatever is at the lock path right now;
 *   2. verify the moved file's identity and bytes through an fd;
 *   3. if it is the judged file, unlink the aside name; else link() it back (which fails
 *      rather than overwrite a newer lock) and unlink the aside name.
 *
 * Of two reclaimers racing on one stale lock only one rename finds the judged inode; the
 * other gets ENOENT or a different file, which it puts back.
 *
 * Residual window, stated honestly: if the file was replaced between the caller's judgement
 * and step 1, the replacement is absent from the lock path between steps 1 and 3. A process
 * that creates a lock in that window (microseconds) wins it, and the replacement cannot be
 * put back ('displaced'); its owner then finds its lock lost when it verifies before writing.
 * No check-then-unlink scheme on POSIX avoids such a window. Among users of this core the
 * reclaim guard (reclaim.ts) keeps the file from being replaced between the re-judgement and
 * step 1, so 'displaced' needs a tool that does not take the guard (OpenClaw itself). Even
 * then this never deletes a file that was not verified to be the judged one: a displaced
 * file stays under its aside name, and a process that dies between steps 1 and 3 leaves its
 * aside file for sweepStaleLocks.
 */
export function swapOutSync(lockPath: string, judged: JudgedFile, details?: SwapDetails): SwapOutcome {
  const aside = asidePathFor(lockPath);
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  if (isJudgedFile(aside, judged)) {
    unlinkSync(aside);
    return 'removed';
  }
  return putBackAsideSync(aside, lockPath, details);
}

/**
 * Step 2: whether the file at `path` is the judged one (device, inode and bytes), read through
 * one fd like readLockFileSync but into a single buffer one byte longer than the judged bytes
 * (a longer file is not them). Any failure means "not verified".
 */
function isJudgedFile(path: string, judged: JudgedFile): boolean {
  let fd: number;
  try {
    fd = openSync(path, READ_LOCK_FLAGS);
  } catch {
    return false;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.dev !== judged.dev || stats.ino !== judged.ino || stats.size !== judged.raw.length) return false;
    const buffer = Buffer.allocUnsafe(judged.raw.length + 1);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return read === judged.raw.length && buffer.subarray(0, read).equals(judged.raw);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Step 3 for a file that was not the judged one: puts it back at the lock path unless a newer
 * file is there, in which case it stays at `aside` ('displaced'). Exported for tests, which
 * cannot otherwise create a lock inside the microseconds between steps 1 and 3.
 */
export function putBackAsideSync(aside: string, lockPath: string, details?: SwapDetails): SwapOutcome {
  try {
    linkSync(aside, lockPath);
    unlinkSync(aside);
    return 'restored';
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') {
      if (details) details.asidePath = aside;
      return 'displaced';
    }
    // Directories cannot be hard-linked: rename back if the path is still free.
    if (code === 'EPERM' || code === 'EISDIR') {
      try {
        lstatSync(lockPath);
        if (details) details.asidePath = aside;
        return 'displaced';
      } catch {
        renameSync(aside, lockPath);
        return 'restored';
      }
    }
    throw error;
  }
}
