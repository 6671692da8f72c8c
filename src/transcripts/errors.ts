// Errors of the transcript operations (safe save, compaction). Each carries a code so the
// extension can map it to a FileSystemError or a message without parsing text.

export type TranscriptErrorCode =
  /** The lock was not acquired in time; the message names the holder. */
  | 'LOCK_TIMEOUT'
  /** The caller cancelled (AbortSignal) before anything was changed. */
  | 'ABORTED'
  /** The lock stopped being ours (taken over, deleted, watchdog) before the rename. */
  | 'LOCK_LOST'
  /** The transcript on disk is no longer what the editor read. */
  | 'CHANGED_ON_DISK'
  /** A non-empty line is not a JSON object; `line` is 1-based. */
  | 'INVALID_JSON'
  /** Larger than the caller's read limit; nothing was read. `size` is the file's size. */
  | 'TOO_LARGE'
  | 'NOT_FOUND'
  /** A symlink, directory or other non-regular file where a transcript should be. */
  | 'UNSAFE_PATH'
  | 'NO_PERMISSION'
  | 'INVALID_ARGUMENT'
  | 'IO';

export class TranscriptError extends Error {
  override readonly name = 'TranscriptError';
  constructor(
    readonly code: TranscriptErrorCode,
    message: string,
    readonly path: string,
    readonly details: { line?: number; column?: number; size?: number; cause?: unknown } = {},
  ) {
    super(message);
  }

  get line(): number | undefined {
    return this.details.line;
  }
}

export function isTranscriptError(error: unknown, code?: TranscriptErrorCode): error is TranscriptError {
  return error instanceof TranscriptError && (code === undefined || error.code === code);
}

/** Turns a Node fs error into a TranscriptError with a code a UI can act on. */
export function fromFsError(error: unknown, path: string, doing: string): TranscriptError {
  if (error instanceof TranscriptError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (error as Error | undefined)?.message ?? String(error);
  if (code === 'ENOENT') return new TranscriptError('NOT_FOUND', `Cannot ${doing}: ${path} does not exist.`, path, { cause: error });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new TranscriptError('NO_PERMISSION', `Cannot ${doing}: permission denied (${code}) on ${path}.`, path, { cause: error });
  }
  if (code === 'ELOOP' || code === 'EISDIR' || code === 'ENOTDIR') {
    // Our own checks (no syscall) already say what is wrong in words.
    const ours = !(error as NodeJS.ErrnoException).syscall;
    const text = ours ? reason : `${path} is not a regular file (${code})`;
    return new TranscriptError('UNSAFE_PATH', `Cannot ${doing}: ${text}`, path, { cause: error });
  }
  return new TranscriptError('IO', `Cannot ${doing} ${path}: ${reason}`, path, { cause: error });
}

/** Compaction's cancel points: nothing has been changed yet when this throws. */
export function checkAborted(signal: AbortSignal | undefined, path: string): void {
  if (signal?.aborted) throw new TranscriptError('ABORTED', 'Compaction cancelled; the transcript was not changed.', path);
}
