// Taking the session write lock for a transcript operation, with errors and wait messages
// in the words the editor and the CLI show.
import { acquireSessionWriteLock, inspectLock } from '../lock';
import type { AcquireOptions, LockInspection, SessionWriteLock } from '../lock/types';
import { TranscriptError } from './errors';
import { holderName } from '../wording/locks';

export interface LockWaitInfo {
  waitedMs: number;
  holder: LockInspection;
  /** "waiting for pid 4242 (openclaw gateway), 12 s" */
  message: string;
}

export interface TranscriptLockOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onWait?: (info: LockWaitInfo) => void;
  /** Passed through to the lock core (staleMs, maxHoldMs, tornGraceMs...). */
  lockOptions?: Partial<Omit<AcquireOptions, 'sessionFile' | 'timeoutMs' | 'signal' | 'onWait'>>;
}

/** "pid 4242 (openclaw gateway)": the shared wording's holder name. */
export const describeHolder = holderName;

export function formatWaitMessage(waitedMs: number, holder: LockInspection | undefined): string {
  return `waiting for ${describeHolder(holder)}, ${Math.round(waitedMs / 1000)} s`;
}

/** Takes the lock or throws a TranscriptError (LOCK_TIMEOUT naming the holder, ABORTED, ...). */
export async function lockTranscript(transcriptPath: string, options: TranscriptLockOptions): Promise<SessionWriteLock> {
  let lastHolder: LockInspection | undefined;
  try {
    return await acquireSessionWriteLock({
      ...options.lockOptions,
      sessionFile: transcriptPath,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onWait: (info) => {
        lastHolder = info.holder;
        options.onWait?.({ ...info, message: formatWaitMessage(info.waitedMs, info.holder) });
      },
    });
  } catch (error) {
    const lockPath = (error as { lockPath?: string }).lockPath;
    if (!lastHolder && lockPath && (error as { code?: string }).code === 'SESSION_LOCK_TIMEOUT') {
      // A timeout shorter than the first onWait: look at the holder once, for the message.
      lastHolder = await inspectLock(lockPath).catch(() => undefined);
    }
    throw lockErrorToTranscriptError(error, transcriptPath, lastHolder);
  }
}

export function lockErrorToTranscriptError(error: unknown, transcriptPath: string, holder?: LockInspection): TranscriptError {
  if (error instanceof TranscriptError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? String(error);
  switch (code) {
    case 'SESSION_LOCK_TIMEOUT':
      return new TranscriptError(
        'LOCK_TIMEOUT',
        `The session is locked by ${describeHolder(holder)}; gave up waiting. Nothing was written. (${message})`,
        transcriptPath,
        { cause: error },
      );
    case 'SESSION_LOCK_ABORTED':
    case 'ABORT_ERR':
      return new TranscriptError('ABORTED', 'Cancelled before anything was written.', transcriptPath, { cause: error });
    case 'SESSION_LOCK_LOST':
      return new TranscriptError(
        'LOCK_LOST',
        `The session write lock was taken by another process before the write; nothing was written. (${message})`,
        transcriptPath,
        { cause: error },
      );
    case 'SESSION_LOCK_UNSAFE_PATH':
      return new TranscriptError('UNSAFE_PATH', message, transcriptPath, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new TranscriptError('NO_PERMISSION', `Cannot take the session write lock: ${message}`, transcriptPath, { cause: error });
    case 'SESSION_LOCK_IO': {
      const errno = ((error as { cause?: { code?: string } }).cause)?.code ?? /\b(EACCES|EPERM|EROFS)\b/.exec(message)?.[1];
      const denied = errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS';
      return new TranscriptError(
        denied ? 'NO_PERMISSION' : 'IO',
        `Cannot take the session write lock${denied ? ' (permission denied: the session folder must be writable)' : ''}: ${message}`,
        transcriptPath,
        { cause: error },
      );
    }
    default:
      return new TranscriptError('IO', `Cannot take the session write lock: ${message}`, transcriptPath, { cause: error });
  }
}

/** assertHeld() with the error mapped; the caller has not renamed anything yet. */
export async function assertStillHeld(lock: SessionWriteLock, transcriptPath: string): Promise<void> {
  try {
    await lock.assertHeld();
  } catch (error) {
    throw lockErrorToTranscriptError(
      (error as { code?: string }).code ? error : Object.assign(new Error(String(error)), { code: 'SESSION_LOCK_LOST' }),
      transcriptPath,
    );
  }
}
