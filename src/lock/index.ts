// The lock core's public surface. No `vscode` import anywhere under src/lock.
export * from './types';
export { SessionLockError, isSessionLockError } from './errors';
export { lockPathFor, lockPathForSync } from './path';
export { formatLockPayload, parseLockPayload, validPid, validCreatedAtMs, isWrittenBySessionLocks } from './payload';
export { isProcessAlive, readProcessStartTime, readCommandLine, isOpenClawCommandLine, readProcessState } from './process';
export { inspectLock, inspectLockSync } from './inspect';
export { judgeOwner, visibleOwnerPid, defaultOwnerEnvironment, INSIDE_CONTAINER_PROBLEM, type OwnerClaim, type OwnerEnvironment, type OwnerJudgement } from './owner';
export { selfPidNamespace, detectPidNamespace, type PidNamespaceView } from './pid-namespace';
export { describeNestedHolder } from './nested-holders';
export { removeStaleLock, forceRemoveLock, sweepStaleLocks, removeReclaimLeftovers, removeReclaimLeftoversOfLock } from './remove';
export { listHeldLocks, type HeldLockInfo } from './registry';
export { acquireSessionWriteLock } from './acquire';
export { installExitCleanup, releaseAllHeldLocksSync } from './exit';
export { configureWatchdog, runWatchdogOnce, type WatchdogSettings } from './watchdog';
export {
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  DEFAULT_STALE_MS,
  DEFAULT_MAX_HOLD_MS,
  DEFAULT_TORN_GRACE_MS,
  DEFAULT_WATCHDOG_INTERVAL_MS,
  defaultAcquireTimeoutMs,
  defaultStaleMs,
  defaultMaxHoldMs,
} from './config';
