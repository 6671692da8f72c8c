// The session model's public surface (no `vscode` here): discovery, verdicts and watching of
// every session. Transcript editing lives in src/transcripts, OpenClaw's own facts and CLI in
// src/openclaw.
export * from './types';
export { resolveStateDir, resolveHome, expandTilde, describeStateDirSource, STATE_DIR_NAME, LEGACY_STATE_DIR_NAMES } from '../openclaw/state-dir';
export { classifyEntry, isValidSessionId, SESSION_ID_PATTERN } from './classify';
export {
  lockLevel,
  levelSeverity,
  lockViewFrom,
  freeLockView,
  ageLockView,
  regradeLockView,
  levelRank,
  isLiveLevel,
  thresholdsFromSeconds,
  needsAttention,
  maxSeverity,
  severityRank,
} from './levels';
export { scanStateDir } from './scan';
export { scanAgent } from './jsonl/scan-agent';
export { describeFsError } from './fs-errors';
export { readGatewayInfo, defaultGatewayLockDir } from '../openclaw/gateway';
export { findSession, findLock, sessionsOfLock, allLocks, agentLocks, type FoundLock, type LockEntry } from './find';
export { SessionModel, DEFAULT_DEBOUNCE_MS, DEFAULT_RESCAN_MS, DEFAULT_HEALTH_POLL_MS } from './model';
export { snapshotSignature, snapshotChanged } from './signature';
export { observeGatewayHealth, withGatewayHealth, gatewayWorthProbing } from './gateway-health';
export { nextGatewayHealth, gatewayHealthKey, STARTUP_GRACE_MS } from '../openclaw/gateway-health';
export { probeGateway, PROBE_HOST, DEFAULT_PROBE_TIMEOUT_MS } from '../openclaw/health';
export { CommandLineLookup } from './command-lines';
export { gradeSnapshot, gradeLocks, regradeSnapshot, type GradedSnapshot } from './grade';
export { gradeFindings, findingsOf, abortRemedy, recoverRemedy, compactRemedy, WAL_TARGET_BYTES, MAINTENANCE_SCOPE } from './findings';
export { detectEra, parseVersionLine, eraOfVersion, readInstalledVersion } from '../openclaw/era';
