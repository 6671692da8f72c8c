// The public contract of the session model. The extension and the CLI depend only on what
// `src/sessions/index.ts` exports. No `vscode` import here, ever.
import type { LockInspection, StaleReason } from '../lock/types';
import type { GatewayInfo, Problem, StateDirResolution } from '../openclaw/types';

export type { GatewayInfo, Problem, StateDirResolution, StateDirSource } from '../openclaw/types';

/** `{warn, error}` in milliseconds (settings are in seconds; convert at the edge). */
export interface LockThresholds {
  /** Held longer than OpenClaw's waiters wait. Default 60 s (the acquire timeout). */
  warnMs: number;
  /** Held longer than this (or past its own maxHoldMs). Default 5 min. */
  errorMs: number;
}

export const DEFAULT_THRESHOLDS: LockThresholds = { warnMs: 60_000, errorMs: 300_000 };

/** How a lock looks to a person, derived from an inspection and the thresholds. */
export type LockLevel =
  | 'free'
  | 'initialising'
  | 'held' // live owner, under warn
  | 'held-long' // live owner, over warn
  | 'held-too-long' // live owner, over error or past maxHoldMs
  | 'stale' // provably stale (reclaimable)
  | 'suspect' // stale reasons apply but not provably (torn but young, other host, non-openclaw owner)
  | 'unreadable';

export type Severity = 'none' | 'info' | 'warning' | 'error';

export interface LockView {
  lockPath: string;
  level: LockLevel;
  severity: Severity;
  inspection: LockInspection;
  reasons: StaleReason[];
  pid?: number;
  /** Owner command line: from the inspection, else ps-list. */
  commandLine?: string;
  /** Age at scan time; UIs add (now - scannedAt) to tick without rescanning. */
  ageMs?: number;
  maxHoldMs?: number;
  createdAt?: string;
}


export interface SessionInfo {
  agentId: string;
  /** `sessions.json` key, e.g. `agent:main:main`; undefined for transcripts no entry names. */
  key?: string;
  sessionId: string;
  /** label ?? displayName ?? key ?? sessionId */
  title: string;
  label?: string;
  displayName?: string;
  chatType?: string;
  channel?: string;
  updatedAt?: number;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  contextTokens?: number;
  compactionCount?: number;
  transcriptPath: string;
  transcriptExists: boolean;
  sizeBytes?: number;
  mtimeMs?: number;
  lockPath: string;
  /** Always present; level `free` when no lock file. */
  lock: LockView;
  /** Whether `sessions.json` names it. */
  inStore: boolean;
  problems: Problem[];
}

export type SideFileKind = 'reset' | 'deleted' | 'bak' | 'checkpoint' | 'trajectory' | 'store-tmp' | 'compact-tmp' | 'other';

export interface SideFile {
  path: string;
  kind: SideFileKind;
  sizeBytes?: number;
}

export interface AgentInfo {
  id: string;
  sessionsDir: string;
  layout: 'jsonl' | 'sqlite' | 'missing';
  sessions: SessionInfo[];
  /** Lock files whose transcript is neither in the store nor on disk. */
  orphanLocks: LockView[];
  /** `sessions.json.lock` (releases up to 2026.4.x), when present. */
  storeLock?: LockView;
  sideFiles: SideFile[];
  problems: Problem[];
}


export interface SessionsSnapshot {
  resolution: StateDirResolution;
  /** `missing`: no state dir; `sqlite`: 2026.8.1+ (no .jsonl.lock files); `empty`: no sessions yet. */
  layout: 'jsonl' | 'sqlite' | 'missing' | 'empty';
  agents: AgentInfo[];
  gateway: GatewayInfo;
  problems: Problem[];
  scannedAt: number;
  scanMs: number;
}

export interface ScanOptions {
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
  /** Only these agents (default: all). */
  agents?: string[];
  thresholds?: LockThresholds;
  now?: number;
  /** Where gateway locks live. Default `<os.tmpdir()>/openclaw-<uid>`. */
  gatewayLockDir?: string;
}

export interface Disposable {
  dispose(): void;
}

export interface SessionModelOptions extends ScanOptions {
  /** Debounce for watcher events. Default 50 ms. */
  debounceMs?: number;
  /** Slow safety rescan. Default 30 s. */
  rescanMs?: number;
  /** How often live lock owners' pids are checked, so a killed owner shows as stale at once. Default 1 s; 0 turns it off. */
  ownerPollMs?: number;
  /** Watch the sessions folders (fs.watch) and agents (chokidar). Default true; false leaves only the periodic rescan. */
  watch?: boolean;
}

/**
 * The live model (implemented in `model.ts` as `class SessionModel`):
 *   new SessionModel(options)
 *   start(): Promise<SessionsSnapshot>   first scan, then watch
 *   refresh(): Promise<SessionsSnapshot> rescan now
 *   get snapshot(): SessionsSnapshot | undefined
 *   onDidChange(listener: (s: SessionsSnapshot) => void): Disposable
 *   updateOptions(partial: Partial<SessionModelOptions>): Promise<snapshot>   rescans once (state dir / thresholds changed)
 *   findSession(keyOrIdOrPath: string): SessionInfo | undefined
 *   dispose(): void
 * and the pure function `scanStateDir(options): Promise<SessionsSnapshot>`.
 */
