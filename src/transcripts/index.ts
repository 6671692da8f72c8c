// Transcripts as files: validation, lock-guarded safe save and trim compaction, each under
// the session write lock (no vscode).
export { trimTranscript, validateMaxLines, DEFAULT_MAX_LINES, type TrimOptions, type TrimResult, type CompactStep, type CompactProgress } from './trim';
export { safeSaveTranscript, readTranscriptSnapshot, foreignActivityWarning, sha256Hex, type TranscriptSnapshot, type SafeSaveOptions, type SafeSaveResult } from './save';
export { TranscriptError, isTranscriptError, type TranscriptErrorCode } from './errors';
export { findInvalidLine, withOneFinalNewline, type InvalidLine } from './validate';
export { formatWaitMessage, describeHolder as describeLockHolder, type LockWaitInfo } from './write-lock';
