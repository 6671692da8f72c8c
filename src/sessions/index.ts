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
export { SessionModel, snapshotSignature, DEFAULT_DEBOUNCE_MS, DEFAULT_RESCAN_MS } from './model';
export { CommandLineLookup } from './processes';
