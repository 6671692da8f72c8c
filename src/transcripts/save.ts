// The safe save of a hand-edited transcript: the pure algorithm behind the editor's
// FileSystemProvider (no vscode import). Under the session write lock it checks that the
// file is still what the editor read, writes a temp file beside it, checks the lock is
// still ours, and renames. Any failure leaves the transcript untouched and throws a
// TranscriptError, so the editor stays dirty and keeps the user's text.
import { createHash } from 'node:crypto';
import { promises as fsp, constants as fsc } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { TranscriptError, fromFsError } from './errors';
import type { LockInspection } from '../lock/types';
import { lockTranscript, assertStillHeld, describeHolder, type TranscriptLockOptions } from './write-lock';
import { findInvalidLine, withOneFinalNewline } from './validate';
import { fsyncDirectory, lstatRegular, matchOwner, removeCrashLeftovers, saveTempPath, unlinkQuietly } from './fs';

/** What the editor read: compared with the disk right before writing. */
export interface TranscriptSnapshot {
  size: number;
  mtimeMs: number;
  /** Hex sha256 of the bytes read. */
  sha256: string;
}

export interface SafeSaveOptions extends TranscriptLockOptions {
  transcriptPath: string;
  content: Uint8Array;
  /** What the editor read. Required: a transcript is never created or overwritten blind. */
  expected: TranscriptSnapshot;
  /** Runs after the temp file is durable and before the lock is re-checked (tests race the lock there). */
  beforeCommit?: () => Promise<void> | void;
}

export interface SafeSaveResult extends TranscriptSnapshot {
  transcriptPath: string;
  /** Leftover temp files from a crashed earlier save or compaction, removed under the lock. */
  removedLeftovers: string[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a transcript together with the snapshot a later save must match. */
/**
 * Reads the transcript and what a later safe save compares against. With `maxBytes`, a larger
 * file is refused (TOO_LARGE) from the size of the very file opened, before any byte is read.
 */
export async function readTranscriptSnapshot(
  transcriptPath: string,
  options: { maxBytes?: number } = {},
): Promise<{ content: Buffer; snapshot: TranscriptSnapshot }> {
  const { maxBytes } = options;
  const tooLarge = (size: number) =>
    new TranscriptError('TOO_LARGE', `${transcriptPath} is ${size} bytes, over the read limit of ${maxBytes} bytes; it was not read.`, transcriptPath, { size });
  try {
    await lstatRegular(transcriptPath);
    const handle = await fsp.open(transcriptPath, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    try {
      const opened = await handle.stat();
      if (maxBytes !== undefined && opened.size > maxBytes) throw tooLarge(opened.size);
      const content = await handle.readFile();
      // An append between the stat and the read can push it over: refuse all the same.
      if (maxBytes !== undefined && content.length > maxBytes) throw tooLarge(content.length);
      const stats = await handle.stat();
      return { content, snapshot: { size: stats.size, mtimeMs: stats.mtimeMs, sha256: sha256Hex(content) } };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fromFsError(error, transcriptPath, 'read the session');
  }
}

export async function safeSaveTranscript(options: SafeSaveOptions): Promise<SafeSaveResult> {
  const { transcriptPath, expected } = options;
  const invalid = findInvalidLine(options.content);
  if (invalid) {
    throw new TranscriptError('INVALID_JSON', `Not saved: ${invalid.reason}.`, transcriptPath, { line: invalid.line, column: invalid.column });
  }
  const content = withOneFinalNewline(options.content);
  let original: Stats;
  try {
    original = await lstatRegular(transcriptPath);
  } catch (error) {
    const mapped = fromFsError(error, transcriptPath, 'save the session');
    if (mapped.code === 'NOT_FOUND') {
      throw new TranscriptError('CHANGED_ON_DISK', `Not saved: ${transcriptPath} was deleted or moved since it was opened.`, transcriptPath);
    }
    throw mapped;
  }
  if (options.signal?.aborted) throw new TranscriptError('ABORTED', 'Cancelled before anything was written.', transcriptPath);

  const lock = await lockTranscript(transcriptPath, options);
  let tempPath: string | undefined;
  try {
    const removedLeftovers = await removeCrashLeftovers(transcriptPath, lock.lockPath);
    const verified = await verifyUnchanged(transcriptPath, expected);
    original = verified;
    tempPath = saveTempPath(transcriptPath);
    await writeDurably(tempPath, content, original);
    if (options.signal?.aborted) throw new TranscriptError('ABORTED', 'Cancelled before the transcript was replaced.', transcriptPath);
    await options.beforeCommit?.();
    await assertStillHeld(lock, transcriptPath);
    // The lock keeps OpenClaw from appending, but only OpenClaw honours it: one last cheap look.
    const now = await lstatRegular(transcriptPath).catch((error) => {
      throw fromFsError(error, transcriptPath, 'save the session');
    });
    if (now.ino !== original.ino || now.size !== original.size || now.mtimeMs !== original.mtimeMs) {
      throw changedMessage(transcriptPath, 'was written by another process while saving');
    }
    await fsp.rename(tempPath, transcriptPath);
    tempPath = undefined;
    await fsyncDirectory(dirname(transcriptPath));
    const written = await fsp.stat(transcriptPath);
    return { transcriptPath, size: written.size, mtimeMs: written.mtimeMs, sha256: sha256Hex(content), removedLeftovers };
  } catch (error) {
    throw fromFsError(error, transcriptPath, 'save the session');
  } finally {
    if (tempPath) await unlinkQuietly(tempPath);
    await lock.release().catch(() => undefined);
  }
}

function changedMessage(transcriptPath: string, what: string): TranscriptError {
  return new TranscriptError(
    'CHANGED_ON_DISK',
    `Not saved: the session ${what}. Your edit is kept in the editor; reopen the session (or compare) to see the new content, then edit again.`,
    transcriptPath,
  );
}

async function verifyUnchanged(transcriptPath: string, expected: TranscriptSnapshot): Promise<Stats> {
  let handle: fsp.FileHandle;
  try {
    await lstatRegular(transcriptPath);
    handle = await fsp.open(transcriptPath, fsc.O_RDONLY | fsc.O_NOFOLLOW);
  } catch (error) {
    const mapped = fromFsError(error, transcriptPath, 'save the session');
    if (mapped.code === 'NOT_FOUND') throw changedMessage(transcriptPath, 'was deleted or moved since it was opened');
    throw mapped;
  }
  try {
    const stats = await handle.stat();
    if (stats.size !== expected.size) {
      throw changedMessage(transcriptPath, `changed on disk since it was opened (${expected.size} bytes then, ${stats.size} now)`);
    }
    if (stats.mtimeMs !== expected.mtimeMs) {
      throw changedMessage(transcriptPath, `changed on disk since it was opened (modified ${new Date(stats.mtimeMs).toISOString()})`);
    }
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false, start: 0 })) hash.update(chunk as Buffer);
    if (hash.digest('hex') !== expected.sha256) throw changedMessage(transcriptPath, 'changed on disk since it was opened (same size, different content)');
    return stats;
  } finally {
    await handle.close();
  }
}

async function writeDurably(tempPath: string, content: Uint8Array, original: Stats): Promise<void> {
  const mode = original.mode & 0o7777;
  const handle = await fsp.open(tempPath, 'wx', mode);
  try {
    // open() applies the umask; the transcript's own mode is what the gateway expects.
    await handle.chmod(mode);
    await matchOwner(handle, original);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface ForeignActivityInput {
  /** The session's lock right now. */
  lock?: LockInspection;
  /** Whether a gateway is running for this state dir (the session model's GatewayInfo.alive). */
  gatewayAlive: boolean;
  /** The transcript's mtime as last seen. */
  transcriptMtimeMs?: number;
  now: number;
  /** How recent a write counts as "the gateway is in a run". Default 2 min. */
  recentMs?: number;
}

/**
 * Why saving now could hurt a running OpenClaw, or undefined. A run appends to the
 * transcript many times, each under the lock; a write from outside between two appends
 * makes OpenClaw abort that run, so the editor asks first.
 */
export function foreignActivityWarning(input: ForeignActivityInput): string | undefined {
  const { lock } = input;
  if (lock?.state === 'held' && lock.owner?.alive && !lock.owner.isSelf && lock.owner.isOpenClaw !== false) {
    return `${describeHolder(lock)} holds this session's write lock: OpenClaw is probably in the middle of a run. ` +
      'The save waits for the lock, but writing between two of its steps makes OpenClaw abort that run.';
  }
  const recentMs = input.recentMs ?? 120_000;
  if (input.gatewayAlive && input.transcriptMtimeMs !== undefined) {
    const ago = input.now - input.transcriptMtimeMs;
    if (ago >= 0 && ago < recentMs) {
      return `OpenClaw's gateway is running and this session was written ${Math.round(ago / 1000)} s ago: a run may still be going on. ` +
        'Writing the transcript during a run makes OpenClaw abort that run.';
    }
  }
  return undefined;
}
