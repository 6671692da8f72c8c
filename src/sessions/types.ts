// The public contract of the session model. The extension and the CLI depend only on what
// `src/sessions/index.ts` exports. No `vscode` import here, ever.
import type { LockInspection, StaleReason } from '../lock/types';
import type { GatewayHealth } from '../openclaw/gateway-health';
import type { GatewayProbe, ProbeOptions } from '../openclaw/health';
import type { GatewayInfo, Problem, StateDirResolution } from '../openclaw/types';
import type { EraInfo } from '../openclaw/era';
import type { AgentDatabaseFacts, DatabaseLease, SqliteSessionRow, SqliteStoreFacts, StateDatabaseFacts } from '../sqlite-store/facts';

export type { GatewayInfo, Problem, StateDirResolution, StateDirSource } from '../openclaw/types';
export type { EraInfo, StorageEra, OpenClawVersion } from '../openclaw/era';
export type { AgentDatabaseFacts, SqliteSessionRow, SqliteStoreFacts, StateDatabaseFacts, DatabaseLease, StateLease } from '../sqlite-store/facts';
export type { GatewayHealth, GatewayState, GatewaySeverity, GatewayExpectation } from '../openclaw/gateway-health';
export type { GatewayProbe, ProbeError, ProbeOptions } from '../openclaw/health';

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


/** What every session has, whichever store keeps it. */
interface SessionFacts {
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
  /** Whether `sessions.json` names it. */
  inStore: boolean;
  problems: Problem[];
}

/** A session kept in a `.jsonl` transcript, guarded by its `.jsonl.lock` write lock. */
export interface JsonlSession extends SessionFacts {
  lockPath: string;
  /** Always present; level `free` when no lock file. */
  lock: LockView;
  sqlite?: undefined;
}

/**
 * SQLite era (2026.8+): the session's row in its agent database. It has no transcript file and
 * no write lock; what blocks it is graded into `Finding`s instead.
 */
export interface SqliteSession extends SessionFacts {
  sqlite: { row: SqliteSessionRow; databasePath: string };
  lockPath?: undefined;
  lock?: undefined;
}

export type SessionInfo = JsonlSession | SqliteSession;

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
  /** SQLite era: the agent database as read (files, schema, failure). */
  database?: AgentDatabaseFacts;
  /**
   * SQLite era: `.jsonl.lock` files left from before the upgrade. Nothing reads them any more,
   * so they are neither stale alarms nor counted; they can be removed safely.
   */
  leftoverLocks?: LockView[];
}

/** A process that has an agent database open, with its owner judged (pid and start time) at scan time. */
export type JudgedLease = DatabaseLease & { alive: boolean };

/** Something that blocks a session (or every session of an agent) in the SQLite era, graded. */
export type FindingKind =
  | 'run-active' // running, under the warn threshold: informational
  | 'run-hung' // running past the thresholds while the gateway is alive: the session lane is busy
  | 'run-orphaned' // left running by a gateway that is gone: marked interrupted at its next start
  | 'tombstone' // restart recovery gave up: refuses new messages ("Use /new or /reset")
  | 'queue-stalled' // inputs queued and not moving
  | 'initialization-pending'
  | 'archived'
  | 'maintenance-lease' // doctor maintenance blocks agent database opens
  | 'database-held-open' // a live process other than the state dir's owner has the database open
  | 'database-busy' // a writer held the database past our short read
  | 'database-unreadable'
  | 'wal-large' // the WAL far above OpenClaw's 64 MiB checkpoint target
  | 'migration-pending' // a legacy sessions.json a 2026.8+ gateway refuses to start with
  | 'owner-lock-dead' // the state-dir owner lock names a dead process
  | 'no-sqlite-reader'; // nothing here can read the databases

export type RemedyAction =
  | 'abort'
  | 'abort-clear-queued'
  | 'recover'
  | 'compact'
  | 'doctor-compact'
  | 'doctor-import'
  | 'start-gateway'
  | 'wait'
  | 'install-node'
  | 'new-session';

export interface Remedy {
  action: RemedyAction;
  /** A ready-to-run command, program first (`openclaw …`). */
  command?: string[];
  /** The gateway RPC behind it (`openclaw gateway call <method> --params <json>`). */
  rpc?: { method: string; params: Record<string, unknown> };
  /** OpenClaw only runs it with the gateway stopped. */
  gatewayMustBeStopped?: boolean;
}

export interface Finding {
  /** Stable across scans: kind, agent and session key. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  agentId?: string;
  sessionKey?: string;
  /** When the condition began (epoch ms): ages tick from it between scans. */
  since?: number;
  /** The facts behind it, for wording and `--json`. */
  facts: Record<string, string | number | boolean>;
  remedies: Remedy[];
}


export interface SessionsSnapshot {
  resolution: StateDirResolution;
  /** `missing`: no state dir; `sqlite`: 2026.8.1+ (no .jsonl.lock files); `empty`: no sessions yet. */
  layout: 'jsonl' | 'sqlite' | 'missing' | 'empty';
  agents: AgentInfo[];
  gateway: GatewayInfo;
  /**
   * The gateway's health: its lock and a probe of its port together, with since when. Set by
   * the live model (kept across scans) and by `observeGatewayHealth`; a bare scan leaves it out.
   */
  gatewayHealth?: GatewayHealth;
  problems: Problem[];
  scannedAt: number;
  scanMs: number;
  /** Which storage era, and why. */
  era: EraInfo;
  /** SQLite era: how the databases were read, the shared state database, its leases judged. */
  sqlite?: { reader: SqliteStoreFacts['reader']; state?: StateDatabaseFacts; leases: JudgedLease[] };
  /** SQLite era: what blocks sessions, graded at `scannedAt` (`gradeSnapshot` grades at another time, `regradeSnapshot` against other thresholds). */
  findings: Finding[];
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
  /** The `openclaw` launcher (a setting); default `openclaw` on PATH. Its version line names the era. */
  openclawPath?: string;
  /** A Node that has `node:sqlite`, for reading SQLite-era databases when this one has none. */
  nodePath?: string;
  /** Ask the installed `openclaw --version` (default true; about 0.15 s once per install). */
  readVersion?: boolean;
}

/** Probes a gateway port on 127.0.0.1 (`probeGateway`, or a stand-in). */
export type GatewayProber = (port: number, options: ProbeOptions) => Promise<GatewayProbe>;

export interface HealthOptions {
  /** false: never connect to the gateway's port (its lock alone is judged). Default: `probeGateway`. */
  probe?: GatewayProber | false;
  /** Per request, connect and whole answer. Default 1.5 s. */
  probeTimeoutMs?: number;
}

export interface Disposable {
  dispose(): void;
}

export interface SessionModelOptions extends ScanOptions, HealthOptions {
  /** How often the gateway is probed between scans, while one is worth probing. Default 10 s; 0: only on scans. */
  healthPollMs?: number;
  /** Debounce for watcher events. Default 50 ms. */
  debounceMs?: number;
  /** Slow safety rescan. Default 30 s. */
  rescanMs?: number;
  /** How often live lock owners' pids are checked, so a killed owner shows as stale at once. Default 1 s; 0 turns it off. */
  ownerPollMs?: number;
  /** SQLite era: how often the database files' size and mtime are checked (a change rereads). Default 1 s; 0 turns it off. */
  databasePollMs?: number;
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
 *   updateOptions(partial: Partial<SessionModelOptions>): Promise<snapshot>   rescans once (state dir changed); new thresholds alone re-grade
 *   findSession(keyOrIdOrPath: string): SessionInfo | undefined
 *   dispose(): void
 * and the pure function `scanStateDir(options): Promise<SessionsSnapshot>`.
 */
