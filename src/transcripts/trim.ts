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
// complete as the archive. The next run removes leftover temp files, any archive that
// merely duplicates the live transcript (a crash between 2 and 4) and the lock files a killed
// run left half made or half released, under the lock.
import { promises as fsp, constants as fsc } from 'node:fs';
import { dirname } from 'node:path';
import { createArchive, removeDuplicateArchives, type ArchiveOptions } from './archive';
import { TranscriptError, checkAborted, fromFsError } from './errors';
import { compactTempPath, fsyncDirectory, lstatRegular, matchOwner, removeCrashLeftovers, unlinkQuietly } from './fs';
import { CHUNK_BYTES, copyLine, countNonEmptyLines, isParsableLine, planTrim } from './lines';
import { assertStillHeld, lockTranscript, type TranscriptLockOptions } from './write-lock';

export const DEFAULT_MAX_LINES = 400;

export type CompactStep = 'locked' | 'cleaned' | 'scanned' | 'temp-written' | 'archived' | 'verified' | 'renamed';

export interface CompactProgress {
  phase: 'waiting' | 'scanning' | 'counting' | 'writing' | 'archiving' | 'replacing';
  bytesDone: number;
  bytesTotal: number;
  message?: string;
}

export interface TrimOptions extends TranscriptLockOptions, ArchiveOptions {
  transcriptPath: string;
  /** OpenClaw's maxLines: header + the last maxLines-1 lines. Default 400. */
  maxLines?: number;
  /** Count the dropped lines for the report (one forward read of the middle). Default true. */
  countLines?: boolean;
  /** Test seam: awaited after each step (crash tests pause or die here). */
  onStep?: (step: CompactStep) => Promise<void> | void;
  /** Read size; small values let tests put line ends on every chunk boundary. Default 1 MiB. */
  chunkBytes?: number;
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

export function validateMaxLines(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new TranscriptError('INVALID_ARGUMENT', `maxLines must be a whole number of at least 1 (got ${JSON.stringify(value)}).`, '');
  }
  return n;
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
    const removedLeftovers = await removeCrashLeftovers(transcriptPath, lock.lockPath);
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
        bytesAfter += await copyLine(source, target, range, buffer);
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
