// Trim compaction of a transcript with OpenClaw's `maxLines` semantics: keep the header
// line and the last N-1 non-empty lines. Streaming with bounded memory (the tail is found by
// reading backwards from the end; the dropped middle is only counted), under the session
// write lock, crash-safe:
//   1. temp file `<file>.compact.<random>.tmp` (wx, the transcript's own mode and owner), fsync
//   2. archive `<file>.bak.<timestamp>` as a hard link to the original (or a complete copy
//      made under a temp name first), fsync the dir
//   3. last cancel point; check the transcript is unchanged and the lock is still ours
//   4. rename the temp file over the transcript, fsync the dir
// A crash before 4 leaves the transcript untouched; after 2 the original also exists
// complete as the archive. The next run removes leftover temp files and any archive that
// merely duplicates the live transcript (a crash between 2 and 4), under the lock.
import { promises as fsp, constants as fsc } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TranscriptError, fromFsError } from './errors';
import { assertStillHeld, lockTranscript, type TranscriptLockOptions } from './write-lock';
import {
  archiveTimestamp,
  compactTempPath,
  fsyncDirectory,
  lstatRegular,
  matchOwner,
  randomTag,
  removeLeftoverTemps,
  unlinkQuietly,
} from './fs';

export const DEFAULT_MAX_LINES = 400;
const CHUNK_BYTES = 1 << 20;
/** A torn last line larger than this is kept rather than parsed (bounded memory). */
const TORN_CHECK_LIMIT = 16 << 20;

export type CompactStep = 'locked' | 'cleaned' | 'scanned' | 'temp-written' | 'archived' | 'verified' | 'renamed';

export interface CompactProgress {
  phase: 'waiting' | 'scanning' | 'counting' | 'writing' | 'archiving' | 'replacing';
  bytesDone: number;
  bytesTotal: number;
  message?: string;
}

export interface TrimOptions extends TranscriptLockOptions {
  transcriptPath: string;
  /** OpenClaw's maxLines: header + the last maxLines-1 lines. Default 400. */
  maxLines?: number;
  /** Count the dropped lines for the report (one forward read of the middle). Default true. */
  countLines?: boolean;
  onProgress?: (progress: CompactProgress) => void;
  /** Test seam: awaited after each step (crash tests pause or die here). */
  onStep?: (step: CompactStep) => Promise<void> | void;
  /** Read size; small values let tests put line ends on every chunk boundary. Default 1 MiB. */
  chunkBytes?: number;
  /** Archive by copying instead of hard-linking (file systems without links; tests). */
  archiveBy?: 'link' | 'copy';
  now?: () => Date;
}

export interface TrimResult {
  transcriptPath: string;
  /** False when the transcript already had at most maxLines non-empty lines. */
  compacted: boolean;
  maxLines: number;
  /** Non-empty lines before; undefined when countLines was false and the file was trimmed. */
  linesBefore?: number;
  linesAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  archivePath?: string;
  archivedBy?: 'link' | 'copy';
  /** A last line cut off by an interrupted append that did not parse; kept only in the archive. */
  droppedTornLine: boolean;
  /** Temp files and stale archive links of crashed runs, removed under the lock. */
  removedLeftovers: string[];
}

interface LineRange {
  start: number;
  /** Exclusive; excludes the '\n' (a '\r' before it stays part of the line). */
  end: number;
  terminated: boolean;
}

export interface TrimPlan {
  size: number;
  header?: LineRange;
  /** The last maxLines-1 non-empty lines, in file order. */
  tail: LineRange[];
  /** True when there are more than maxLines non-empty lines. */
  needed: boolean;
  /** Where the dropped middle starts and ends (bytes). */
  middle?: { start: number; end: number };
  /** Lines counted by the backwards scan (header and tail, when not needed: all of them). */
  linesSeen: number;
}

function isBlankByte(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d;
}

function checkAborted(signal: AbortSignal | undefined, path: string): void {
  if (signal?.aborted) throw new TranscriptError('ABORTED', 'Compaction cancelled; the transcript was not changed.', path);
}

/** Finds the first non-empty line, reading forwards. */
async function findHeader(handle: fsp.FileHandle, size: number, signal: AbortSignal | undefined, path: string, chunkBytes: number): Promise<LineRange | undefined> {
  const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(size, 1)));
  let lineStart = 0;
  let nonBlank = false;
  let offset = 0;
  while (offset < size) {
    checkAborted(signal, path);
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) {
      const byte = buffer[i];
      if (byte === 0x0a) {
        if (nonBlank) return { start: lineStart, end: offset + i, terminated: true };
        lineStart = offset + i + 1;
      } else if (!nonBlank && !isBlankByte(byte)) {
        nonBlank = true;
        // The header is found; only its end is still needed, so jump to the next newline.
        const newline = buffer.subarray(0, bytesRead).indexOf(0x0a, i);
        if (newline !== -1) return { start: lineStart, end: offset + newline, terminated: true };
        break;
      }
    }
    offset += bytesRead;
    if (nonBlank) {
      // Continue looking for the end of a long header line.
      while (offset < size) {
        checkAborted(signal, path);
        const more = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
        if (more.bytesRead === 0) break;
        const newline = buffer.subarray(0, more.bytesRead).indexOf(0x0a);
        if (newline !== -1) return { start: lineStart, end: offset + newline, terminated: true };
        offset += more.bytesRead;
      }
      return { start: lineStart, end: size, terminated: false };
    }
  }
  return undefined;
}

/**
 * Plans the trim by reading backwards from the end: collects up to maxLines non-empty
 * lines after the header (one more than are kept, to know whether anything is dropped).
 */
export async function planTrim(handle: fsp.FileHandle, size: number, maxLines: number, signal?: AbortSignal, path = '', chunkBytes = CHUNK_BYTES): Promise<TrimPlan> {
  const header = await findHeader(handle, size, signal, path, chunkBytes);
  if (!header) return { size, tail: [], needed: false, linesSeen: 0 };
  const floor = header.terminated ? header.end + 1 : header.end;
  const wanted = maxLines; // maxLines-1 kept plus one to prove there is more
  const found: LineRange[] = [];
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let lineEnd = size; // exclusive end of the line being assembled
  let terminated = false; // whether that line is followed by '\n'
  let lineHasContent = false;
  let position = size;
  // A file that ends with '\n' has an empty "line" after it; handled by the blank check.
  while (position > floor && found.length < wanted) {
    checkAborted(signal, path);
    const readStart = Math.max(floor, position - buffer.length);
    const length = position - readStart;
    const { bytesRead } = await handle.read(buffer, 0, length, readStart);
    if (bytesRead !== length) throw new TranscriptError('CHANGED_ON_DISK', `${path} shrank while it was read.`, path);
    for (let i = length - 1; i >= 0; i--) {
      const byte = buffer[i];
      if (byte === 0x0a) {
        const start = readStart + i + 1;
        if (lineHasContent) {
          found.push({ start, end: lineEnd, terminated });
          if (found.length >= wanted) break;
        }
        lineEnd = readStart + i;
        terminated = true;
        lineHasContent = false;
      } else if (!lineHasContent && !isBlankByte(byte)) {
        lineHasContent = true;
      }
    }
    position = readStart;
  }
  if (found.length < wanted && position <= floor && lineHasContent) {
    found.push({ start: floor, end: lineEnd, terminated });
  }
  found.reverse();
  if (found.length < wanted) {
    return { size, header, tail: found, needed: false, linesSeen: 1 + found.length };
  }
  const tail = found.slice(1);
  return { size, header, tail, needed: true, middle: { start: floor, end: tail.length > 0 ? tail[0].start : size }, linesSeen: 1 + found.length };
}

/** Counts non-empty lines in [start, end), where start is a line start and end a line end or start. */
export async function countNonEmptyLines(
  handle: fsp.FileHandle, start: number, end: number, signal?: AbortSignal, path = '', onBytes?: (n: number) => void, chunkBytes = CHUNK_BYTES,
): Promise<number> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let count = 0;
  let lineHasContent = false;
  let offset = start;
  while (offset < end) {
    checkAborted(signal, path);
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - offset), offset);
    if (bytesRead === 0) break;
    let i = 0;
    while (i < bytesRead) {
      if (!lineHasContent) {
        const byte = buffer[i];
        if (byte === 0x0a) {
          i += 1;
          continue;
        }
        if (!isBlankByte(byte)) lineHasContent = true;
        else {
          i += 1;
          continue;
        }
      }
      const newline = buffer.indexOf(0x0a, i);
      if (newline === -1 || newline >= bytesRead) {
        i = bytesRead;
      } else {
        count += 1;
        lineHasContent = false;
        i = newline + 1;
      }
    }
    offset += bytesRead;
    onBytes?.(offset - start);
  }
  if (lineHasContent) count += 1;
  return count;
}

async function isParsableLine(handle: fsp.FileHandle, range: LineRange): Promise<boolean> {
  const length = range.end - range.start;
  if (length > TORN_CHECK_LIMIT) return true;
  const buffer = Buffer.allocUnsafe(length);
  await handle.read(buffer, 0, length, range.start);
  try {
    const value: unknown = JSON.parse(buffer.toString('utf8'));
    return value !== null && typeof value === 'object';
  } catch {
    return false;
  }
}

async function copyRange(from: fsp.FileHandle, to: fsp.FileHandle, range: LineRange, buffer: Buffer): Promise<number> {
  let offset = range.start;
  let written = 0;
  while (offset < range.end) {
    const { bytesRead } = await from.read(buffer, 0, Math.min(buffer.length, range.end - offset), offset);
    if (bytesRead === 0) throw Object.assign(new Error('transcript shrank while it was copied'), { code: 'EIO' });
    await to.write(buffer, 0, bytesRead);
    offset += bytesRead;
    written += bytesRead;
  }
  await to.write('\n');
  return written + 1;
}

export function validateMaxLines(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new TranscriptError('INVALID_ARGUMENT', `maxLines must be a whole number of at least 1 (got ${JSON.stringify(value)}).`, '');
  }
  return n;
}

/**
 * Removes archives that merely duplicate the live transcript, left by a crash between the
 * archive step and the rename: a hard link (same inode; it would grow with every append) or a
 * copy (same size and mtime, which the copy carries over, and the same bytes). Removing a
 * duplicate of a file that exists loses nothing; anything else is kept.
 */
async function removeDuplicateArchives(transcriptPath: string, live: Stats, signal?: AbortSignal): Promise<string[]> {
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

async function createArchive(
  transcriptPath: string,
  source: fsp.FileHandle,
  original: Stats,
  options: TrimOptions,
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
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      let offset = 0;
      while (offset < original.size) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, original.size - offset), offset);
        if (bytesRead === 0) throw Object.assign(new Error('transcript shrank while it was archived'), { code: 'EIO' });
        await target.write(buffer, 0, bytesRead);
        offset += bytesRead;
        options.onProgress?.({ phase: 'archiving', bytesDone: offset, bytesTotal: original.size });
      }
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

export async function trimTranscript(options: TrimOptions): Promise<TrimResult> {
  const { transcriptPath, signal } = options;
  const maxLines = validateMaxLines(options.maxLines ?? DEFAULT_MAX_LINES);
  const step = async (name: CompactStep) => {
    await options.onStep?.(name);
  };
  try {
    await lstatRegular(transcriptPath);
  } catch (error) {
    throw fromFsError(error, transcriptPath, 'compact the session');
  }
  checkAborted(signal, transcriptPath);
  options.onProgress?.({ phase: 'waiting', bytesDone: 0, bytesTotal: 0 });
  const lock = await lockTranscript(transcriptPath, {
    ...options,
    onWait: (info) => {
      options.onWait?.(info);
      options.onProgress?.({ phase: 'waiting', bytesDone: 0, bytesTotal: 0, message: info.message });
    },
  });
  let tempPath: string | undefined;
  let archive: { archivePath: string; by: 'link' | 'copy' } | undefined;
  let renamed = false;
  let source: fsp.FileHandle | undefined;
  try {
    await step('locked');
    const removedLeftovers = await removeLeftoverTemps(transcriptPath);
    const stats = await lstatRegular(transcriptPath);
    removedLeftovers.push(...(await removeDuplicateArchives(transcriptPath, stats, signal)));
    await step('cleaned');

    source = await fsp.open(transcriptPath, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    const original = await source.stat();
    if (original.ino !== stats.ino) throw new TranscriptError('CHANGED_ON_DISK', `${transcriptPath} was replaced while compaction started; try again.`, transcriptPath);
    options.onProgress?.({ phase: 'scanning', bytesDone: 0, bytesTotal: original.size });
    const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    const plan = await planTrim(source, original.size, maxLines, signal, transcriptPath, chunkBytes);
    await step('scanned');
    if (!plan.needed) {
      return {
        transcriptPath, compacted: false, maxLines, linesBefore: plan.linesSeen, linesAfter: plan.linesSeen,
        bytesBefore: original.size, bytesAfter: original.size, droppedTornLine: false, removedLeftovers,
      };
    }
    let linesBefore: number | undefined;
    if (options.countLines !== false && plan.middle) {
      const middle = plan.middle;
      const dropped = await countNonEmptyLines(
        source, middle.start, middle.end, signal, transcriptPath,
        (n) => options.onProgress?.({ phase: 'counting', bytesDone: n, bytesTotal: middle.end - middle.start }),
        chunkBytes,
      );
      linesBefore = plan.linesSeen - 1 + dropped; // the scan saw one dropped line already
    }

    const kept = [...plan.tail];
    let droppedTornLine = false;
    const last = kept[kept.length - 1];
    if (last && !last.terminated && !(await isParsableLine(source, last))) {
      kept.pop();
      droppedTornLine = true;
    }
    checkAborted(signal, transcriptPath);
    tempPath = compactTempPath(transcriptPath);
    // Created private, then given the transcript's own mode and owner (as a save keeps them):
    // the gateway and whoever else reads the session must keep the access they had.
    const target = await fsp.open(tempPath, 'wx', 0o600);
    let bytesAfter = 0;
    try {
      await target.chmod(original.mode & 0o7777);
      await matchOwner(target, original);
      const buffer = Buffer.allocUnsafe(chunkBytes);
      const ranges = plan.header ? [plan.header, ...kept] : kept;
      const totalBytes = ranges.reduce((sum, r) => sum + r.end - r.start + 1, 0);
      for (const range of ranges) {
        checkAborted(signal, transcriptPath);
        bytesAfter += await copyRange(source, target, range, buffer);
        options.onProgress?.({ phase: 'writing', bytesDone: bytesAfter, bytesTotal: totalBytes });
      }
      await target.sync();
    } finally {
      await target.close();
    }
    await step('temp-written');
    checkAborted(signal, transcriptPath);

    options.onProgress?.({ phase: 'archiving', bytesDone: 0, bytesTotal: original.size });
    archive = await createArchive(transcriptPath, source, original, options);
    await fsyncDirectory(dirname(transcriptPath));
    await step('archived');

    // Last cancel point: after the rename the compaction is done.
    checkAborted(signal, transcriptPath);
    const current = await lstatRegular(transcriptPath);
    if (current.ino !== original.ino || current.size !== original.size || current.mtimeMs !== original.mtimeMs) {
      throw new TranscriptError(
        'CHANGED_ON_DISK',
        `${transcriptPath} was written by another process during compaction (the lock was not honoured); nothing was changed.`,
        transcriptPath,
      );
    }
    await assertStillHeld(lock, transcriptPath);
    await step('verified');
    options.onProgress?.({ phase: 'replacing', bytesDone: 0, bytesTotal: 0 });
    await fsp.rename(tempPath, transcriptPath);
    renamed = true;
    tempPath = undefined;
    await fsyncDirectory(dirname(transcriptPath));
    await step('renamed');
    return {
      transcriptPath, compacted: true, maxLines, linesBefore, linesAfter: (plan.header ? 1 : 0) + kept.length,
      bytesBefore: original.size, bytesAfter, archivePath: archive.archivePath, archivedBy: archive.by, droppedTornLine, removedLeftovers,
    };
  } catch (error) {
    if (!renamed && archive) {
      // The transcript was not replaced, so the archive is redundant: the original is intact.
      await unlinkQuietly(archive.archivePath);
    }
    throw fromFsError(error, transcriptPath, 'compact the session');
  } finally {
    await source?.close().catch(() => undefined);
    if (tempPath) await unlinkQuietly(tempPath);
    await lock.release().catch(() => undefined);
  }
}
