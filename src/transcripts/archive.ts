// The archive trim compaction keeps of the original (`<file>.bak.<timestamp>`, as OpenClaw
// names it): a hard link, or a complete copy where links are not possible; and, after a
// crash, the removal of an archive that merely duplicates the live transcript.
import { promises as fsp, constants as fsc } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TranscriptError, checkAborted } from './errors';
import { archiveTimestamp, copyBytes, matchOwner, randomTag, unlinkQuietly } from './fs';
import { CHUNK_BYTES } from './lines';
import type { CompactProgress } from './trim';

export interface ArchiveOptions {
  /** Archive by copying instead of hard-linking (file systems without links; tests). */
  archiveBy?: 'link' | 'copy';
  onProgress?: (progress: CompactProgress) => void;
  now?: () => Date;
}

/**
 * Removes archives that merely duplicate the live transcript, left by a crash between the
 * archive step and the rename: a hard link (same inode; it would grow with every append) or a
 * copy (same size and mtime, which the copy carries over, and the same bytes). Removing a
 * duplicate of a file that exists loses nothing; anything else is kept.
 */
export async function removeDuplicateArchives(transcriptPath: string, live: Stats, signal?: AbortSignal): Promise<string[]> {
  const dir = dirname(transcriptPath);
  const prefix = `${basename(transcriptPath)}.bak.`;
  const removed: string[] = [];
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const full = join(dir, name);
    const stats = await fsp.lstat(full).catch(() => undefined);
    if (!stats || !stats.isFile()) continue;
    const alias = stats.ino === live.ino && stats.dev === live.dev;
    const copy = !alias && stats.size === live.size && Math.abs(stats.mtimeMs - live.mtimeMs) < 1 && (await sameBytes(full, transcriptPath, live.size, signal));
    if ((alias || copy) && (await unlinkQuietly(full))) removed.push(full);
  }
  return removed;
}

async function sameBytes(a: string, b: string, size: number, signal?: AbortSignal): Promise<boolean> {
  const [left, right] = await Promise.all([fsp.open(a, fsc.O_RDONLY | fsc.O_NOFOLLOW), fsp.open(b, fsc.O_RDONLY | fsc.O_NOFOLLOW)]);
  try {
    const bufferA = Buffer.allocUnsafe(CHUNK_BYTES);
    const bufferB = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let offset = 0; offset < size; ) {
      checkAborted(signal, b);
      const length = Math.min(CHUNK_BYTES, size - offset);
      const [readA, readB] = await Promise.all([left.read(bufferA, 0, length, offset), right.read(bufferB, 0, length, offset)]);
      if (readA.bytesRead !== length || readB.bytesRead !== length) return false;
      if (!bufferA.subarray(0, length).equals(bufferB.subarray(0, length))) return false;
      offset += length;
    }
    return true;
  } finally {
    await Promise.all([left.close(), right.close()]);
  }
}

export async function createArchive(
  transcriptPath: string,
  source: fsp.FileHandle,
  original: Stats,
  options: ArchiveOptions,
): Promise<{ archivePath: string; by: 'link' | 'copy' }> {
  const now = options.now ?? (() => new Date());
  let when = now().getTime();
  let by = options.archiveBy ?? 'link';
  for (let attempt = 0; attempt < 50; attempt++, when += 1) {
    const archivePath = `${transcriptPath}.bak.${archiveTimestamp(new Date(when))}`;
    if (by === 'link') {
      try {
        await fsp.link(transcriptPath, archivePath);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EMLINK' || code === 'ENOSYS') {
          by = 'copy';
          attempt -= 1;
          when -= 1;
          continue;
        }
        throw error;
      }
      const linked = await fsp.lstat(archivePath);
      if (linked.ino !== original.ino || linked.dev !== original.dev) {
        await unlinkQuietly(archivePath);
        throw new TranscriptError('CHANGED_ON_DISK', `${transcriptPath} was replaced by another process during compaction; nothing was changed.`, transcriptPath);
      }
      return { archivePath, by };
    }
    if (await fsp.lstat(archivePath).then(() => true, () => false)) continue;
    // Copy under a temp name first so that an archive, once it has its name, is complete.
    const copyTemp = `${transcriptPath}.compact.${randomTag()}.bak.tmp`;
    const target = await fsp.open(copyTemp, 'wx', 0o600);
    try {
      await target.chmod(original.mode & 0o7777);
      await matchOwner(target, original);
      await copyBytes(source, target, 0, original.size, Buffer.allocUnsafe(CHUNK_BYTES), 'archived', (done) => {
        options.onProgress?.({ phase: 'archiving', bytesDone: done, bytesTotal: original.size });
      });
      // The original's mtime marks the copy as a duplicate if a crash keeps the transcript.
      await target.utimes(original.atime, original.mtime);
      await target.sync();
    } catch (error) {
      await target.close().catch(() => undefined);
      await unlinkQuietly(copyTemp);
      throw error;
    }
    await target.close();
    await fsp.rename(copyTemp, archivePath);
    return { archivePath, by };
  }
  throw new TranscriptError('IO', `Cannot find a free archive name for ${transcriptPath}.`, transcriptPath);
}
