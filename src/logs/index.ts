// OpenClaw's file log as this project reads it (no `vscode` here): where it is, following it,
// and the failures it tells of, counted once each per session, lock and agent.
export { resolveLogLocation, resolveLogDir, logFileFor, rotatedLogFile, loggingFileFromConfig, encodeProfileSegment, localDate, configPathFor, PREFERRED_LOG_DIR, MAX_ROTATED, type LocationInputs, type LogLocation } from './location';
export { parseRecord, type LogRecord } from './records';
export { classify, mightBeFailure, type FailureEvent, type FailureKind } from './failures';
export { FailurePairing, PAIR_WINDOW_MS } from './pairing';
export { FailureTally, MESSAGE_FAILURES, failureCountJson, failuresBehind, type FailureCount, type StuckSession, type RemovedLock } from './tally';
export { LogFollower, DEFAULT_FIRST_WINDOW_BYTES, DEFAULT_FIRST_WINDOW_MS, DEFAULT_MAX_LINE_BYTES, type FollowOptions, type PollResult } from './follow';
export { readFailureLog, FailureLogWatcher, DEFAULT_LOG_POLL_MS, type FailureLogOptions, type FailureLogState } from './watch';
