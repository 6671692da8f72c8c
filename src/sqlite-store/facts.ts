// What the SQLite era's databases say, as plain data: the reader fills these in one short
// read-only transaction per database, and they cross a process boundary as JSON unchanged
// (the child reader on a Node that has `node:sqlite`). No grading here: the session model
// turns facts into levels.

/** One `session_nodes` row, with only the `entry_json` fields this product looks at. */
export interface SqliteSessionRow {
  key: string;
  sessionId: string;
  /** `running|done|failed|killed|timeout`, or undefined when never run. */
  status?: string;
  label?: string;
  displayName?: string;
  channel?: string;
  chatType?: string;
  updatedAt?: number;
  lastActivityAt?: number;
  /** When the current run started (`entry_json.startedAt`). */
  startedAt?: number;
  archivedAt?: number;
  activeWriterRunId?: string;
  lastRunId?: string;
  abortedLastRun?: boolean;
  initializationPending?: boolean;
  /** `entry_json.mainRestartRecovery.tombstone` is set: the session refuses new messages. */
  tombstone?: { reason?: string; at?: number };
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  contextTokens?: number;
  compactionCount?: number;
  /** Inputs waiting in `session_pending_inputs`, by state. */
  queued: number;
  interrupted: number;
  /** The oldest queued input's `accepted_at`. */
  oldestQueuedAt?: number;
  /**
   * Only in transit: the entry was unchanged since the read whose signatures the request
   * carried, so its entry-only fields were not read; the caller fills them from that read.
   */
  entryReused?: true;
  /** Only in transit: the row's signature as the reader computed it from the columns. */
  signature?: string;
}

export interface DatabaseFiles {
  path: string;
  exists: boolean;
  sizeBytes?: number;
  mtimeMs?: number;
  walBytes?: number;
  walMtimeMs?: number;
}

export type ReadFailure =
  /** Another connection holds a write lock past our short busy timeout: a fact, not an error. */
  | 'busy'
  /** Not a database OpenClaw wrote (no session_nodes) or a schema this reader does not know. */
  | 'unknown-schema'
  | 'corrupt'
  | 'permission'
  | 'missing'
  /** This Node has no `node:sqlite` and no other Node was found to read it. */
  | 'no-sqlite'
  | 'other';

export interface AgentDatabaseFacts {
  agentId: string;
  files: DatabaseFiles;
  /** `PRAGMA user_version` (19 in 2026.8.1, 23 in 2026.9.6). */
  schemaVersion?: number;
  /** `schema_meta.app_version`: the OpenClaw release that created the database. */
  appVersion?: string;
  journalMode?: string;
  sessions: SqliteSessionRow[];
  failure?: { kind: ReadFailure; message: string };
  readMs: number;
}

/** A row of `agent_database_leases`: a process that has an agent database open. */
export interface DatabaseLease {
  agentId: string;
  path: string;
  pid: number;
  /** Linux clock ticks since boot, as OpenClaw reads /proc/<pid>/stat. */
  startTime?: number;
  openedAt: number;
}

/** A live row of `state_leases` (expiry in the future, or none). */
export interface StateLease {
  scope: string;
  key: string;
  owner: string;
  expiresAt?: number;
  heartbeatAt?: number;
  payload?: Record<string, unknown>;
}

export interface StateDatabaseFacts {
  files: DatabaseFiles;
  schemaVersion?: number;
  databaseLeases: DatabaseLease[];
  stateLeases: StateLease[];
  failure?: { kind: ReadFailure; message: string };
  readMs: number;
}

/** Everything one read of a SQLite-era state dir returns. */
export interface SqliteStoreFacts {
  agents: AgentDatabaseFacts[];
  state?: StateDatabaseFacts;
  /** How it was read: in this process, or by a child on another Node (its path and version). */
  reader: { kind: 'in-process'; nodeVersion: string } | { kind: 'child'; nodePath: string; nodeVersion: string } | { kind: 'none'; reason: string };
}
