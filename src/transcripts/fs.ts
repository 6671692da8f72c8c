// Small file-system steps shared by safe save and compaction: durable renames, owner
// preservation, and the names of the temporary files they leave if a process dies.
import { randomBytes } from 'node:crypto';
import { promises as fsp, constants as fsc } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { removeReclaimLeftoversOfLock } from '../lock';

export function randomTag(): string {
  return randomBytes(6).toString('hex');
}

/** `<file>.compact.<random>.tmp`: the name OpenClaw's own compaction uses too. */
export function compactTempPath(transcriptPath: string): string {
  return `${transcriptPath}.compact.${randomTag()}.tmp`;
}

/** `<file>.save.<random>.tmp`: the safe save's temp file. */
export function saveTempPath(transcriptPath: string): string {
  return `${transcriptPath}.save.${randomTag()}.tmp`;
}

/** Temp files that a crashed compaction or save of this transcript may have left behind. */
export function isLeftoverTempName(transcriptBase: string, name: string): boolean {
  if (!name.startsWith(`${transcriptBase}.`) || !name.endsWith('.tmp')) return false;
  const middle = name.slice(transcriptBase.length + 1, -'.tmp'.length);
  return /^(compact|save)\.[A-Za-z0-9-]+(\.bak)?$/.test(middle);
}

/** OpenClaw's archive suffix: an ISO timestamp with the colons made file-name safe. */
export function archiveTimestamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-');
}

export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a directory (EINVAL); the rename itself is done.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Running as root on someone else's transcript must not leave a root-owned file behind:
 * the gateway (running as that user) could no longer append to it.
 */
export async function matchOwner(handle: fsp.FileHandle, original: Stats): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  if (original.uid === 0 && original.gid === 0) return;
  await handle.chown(original.uid, original.gid);
}

/** lstat that says clearly when a transcript path is not a plain file. */
export async function lstatRegular(path: string): Promise<Stats> {
  const stats = await fsp.lstat(path);
  if (stats.isSymbolicLink()) {
    throw Object.assign(new Error(`${path} is a symbolic link; open the file it points to instead.`), { code: 'ELOOP' });
  }
  if (!stats.isFile()) throw Object.assign(new Error(`${path} is not a regular file.`), { code: 'EISDIR' });
  return stats;
}

export async function unlinkQuietly(path: string): Promise<boolean> {
  try {
    await fsp.unlink(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes what a crashed save or compaction of this transcript left: its temp files, and the
 * lock core's private copies of the lock (a process killed while creating or reclaiming it)
 * once provably abandoned. Call only while holding the lock at `lockPath`. Best effort: a file
 * that cannot be removed stays, and the save or compaction goes on.
 */
export async function removeCrashLeftovers(transcriptPath: string, lockPath: string): Promise<string[]> {
  const dir = dirname(transcriptPath);
  const base = basename(transcriptPath);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!isLeftoverTempName(base, name)) continue;
    const full = join(dir, name);
    try {
      const stats = await fsp.lstat(full);
      if (!stats.isFile()) continue;
      await fsp.unlink(full);
      removed.push(full);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  try {
    for (const result of removeReclaimLeftoversOfLock(lockPath, names)) if (result.removed) removed.push(result.lockPath);
  } catch {
    // An I/O error on a leftover must not fail the user's save; the sweep reports it.
  }
  return removed;
}

/**
 * Copies bytes [start, end) of `from` to where `to` stands; `doing` names the copy in the
 * error when the source shrinks under it. Returns the bytes written.
 */
export async function copyBytes(
  from: fsp.FileHandle, to: fsp.FileHandle, start: number, end: number, buffer: Buffer, doing: string, onBytes?: (done: number) => void,
): Promise<number> {
  let offset = start;
  while (offset < end) {
    const { bytesRead } = await from.read(buffer, 0, Math.min(buffer.length, end - offset), offset);
    if (bytesRead === 0) throw Object.assign(new Error(`transcript shrank while it was ${doing}`), { code: 'EIO' });
    await to.write(buffer, 0, bytesRead);
    offset += bytesRead;
    onBytes?.(offset - start);
  }
  return offset - start;
}
