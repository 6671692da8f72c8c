// The session model's public surface (no `vscode` here): the extension and the CLI import
// only from this file.
export * from './types';
export { resolveStateDir, resolveHome, expandTilde, describeStateDirSource, STATE_DIR_NAME, LEGACY_STATE_DIR_NAMES } from './state-dir';
export { classifyEntry, isValidSessionId, SESSION_ID_PATTERN } from './classify';
export {
  lockLevel,
  levelSeverity,
  lockViewFrom,
  freeLockView,
  ageLockView,
  thresholdsFromSeconds,
  needsAttention,
  maxSeverity,
  severityRank,
} from './levels';
export { scanStateDir, scanAgent, agentLocks, describeFsError } from './scan';
export { readGatewayInfo, defaultGatewayLockDir } from './gateway';
export { findSession, findLock, allLocks, type FoundLock, type LockEntry } from './find';
export { SessionModel, snapshotSignature, snapshotChanged, DEFAULT_DEBOUNCE_MS, DEFAULT_RESCAN_MS } from './model';
export { CommandLineLookup } from './processes';
// Editing and compaction of transcripts (safe save, trim, the openclaw CLI route).
export { trimTranscript, validateMaxLines, DEFAULT_MAX_LINES, type TrimOptions, type TrimResult, type CompactStep, type CompactProgress } from './compact';
export { safeSaveTranscript, readTranscriptSnapshot, foreignActivityWarning, sha256Hex, type TranscriptSnapshot, type SafeSaveOptions, type SafeSaveResult } from './transcript-save';
export { TranscriptError, isTranscriptError, type TranscriptErrorCode } from './transcript-errors';
export { findInvalidLine, type InvalidLine } from './transcript-validate';
export { formatWaitMessage, describeHolder as describeLockHolder, type LockWaitInfo } from './transcript-lock';
export {
  findOpenClawCli,
  getGatewayStatus,
  compactWithOpenClaw,
  describeCompactTokens,
  OpenClawCliError,
  type GatewayStatus,
  type OpenClawCompactResult,
} from './openclaw-cli';
