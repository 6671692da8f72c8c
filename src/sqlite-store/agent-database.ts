// Reads an agent database (`agents/<id>/agent/openclaw-agent.sqlite`): its sessions, what
// each has waiting, and the schema it was written with. `entry_json` is large (a skills
// snapshot per session), so only the fields this product shows are extracted, by SQLite.
import type { AgentDatabaseFacts, SqliteSessionRow } from './facts';
import type { SqliteDatabase, SqliteOpen } from './driver';
import { databaseFiles } from './files';
import { bool, num, str } from './values';
import { DatabaseReadError, tableColumns, withReadOnlyDatabase, type ReadHow } from './read-database';

/** `session_nodes` columns, each read when the database has it (2026.8.1 has fewer than 9.6). */
const NODE_COLUMNS = {
  key: 'session_key',
  sessionId: 'current_session_id',
  status: 'status',
  label: 'label',
  displayName: 'display_name',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
  archivedAt: 'archived_at',
} as const;

/** Fields of the canonical record (`entry_json`), by JSON path. */
const ENTRY_FIELDS = {
  entryStatus: '$.status',
  startedAt: '$.startedAt',
  activeWriterRunId: '$.activeWriterRunId',
  lastRunId: '$.lastRunId',
  abortedLastRun: '$.abortedLastRun',
  initializationPending: '$.initializationPending',
  entryArchivedAt: '$.archivedAt',
  tombstoneReason: '$.mainRestartRecovery.tombstone.reason',
  tombstone: '$.mainRestartRecovery.tombstone',
  lastChannel: '$.lastChannel',
  channel: '$.channel',
  chatType: '$.chatType',
  inputTokens: '$.inputTokens',
  outputTokens: '$.outputTokens',
  totalTokens: '$.totalTokens',
  contextTokens: '$.contextTokens',
  compactionCount: '$.compactionCount',
} as const;

type Row = Record<string, unknown>;


function sessionFrom(row: Row): SqliteSessionRow | undefined {
  const key = str(row.key);
  const sessionId = str(row.sessionId);
  if (!key || !sessionId) return undefined;
  const session: SqliteSessionRow = { key, sessionId, queued: 0, interrupted: 0 };
  const status = str(row.status) ?? str(row.entryStatus);
  if (status) session.status = status;
  for (const field of ['label', 'displayName', 'activeWriterRunId', 'lastRunId', 'chatType'] as const) {
    const value = str(row[field]);
    if (value) session[field] = value;
  }
  const channel = str(row.lastChannel) ?? str(row.channel) ?? str(row.windowChannel);
  if (channel) session.channel = channel;
  for (const field of ['updatedAt', 'lastActivityAt', 'startedAt', 'inputTokens', 'outputTokens', 'totalTokens', 'contextTokens', 'compactionCount'] as const) {
    const value = num(row[field]);
    if (value !== undefined) session[field] = value;
  }
  const archivedAt = num(row.archivedAt) ?? num(row.entryArchivedAt);
  if (archivedAt !== undefined) session.archivedAt = archivedAt;
  const aborted = bool(row.abortedLastRun);
  if (aborted !== undefined) session.abortedLastRun = aborted;
  if (bool(row.initializationPending) === true) session.initializationPending = true;
  if (row.tombstone !== null && row.tombstone !== undefined) {
    const reason = str(row.tombstoneReason);
    session.tombstone = reason ? { reason } : {};
  }
  return session;
}

/** What says a row's entry is unchanged since the last read: OpenClaw bumps updated_at with every entry write. */
export function rowSignature(row: { sessionId?: unknown; updatedAt?: unknown; status?: unknown }): string {
  return `${String(row.sessionId ?? '')}|${String(row.updatedAt ?? '')}|${String(row.status ?? '')}`;
}

/** Past this share of changed rows, one full pass is cheaper than lookups by key. */
const INCREMENTAL_SHARE = 0.5;
const KEY_CHUNK = 500;

function readSessions(db: SqliteDatabase, known?: Record<string, string>): SqliteSessionRow[] {
  const columns = tableColumns(db, 'session_nodes');
  if (!columns.has('session_key') || !columns.has('current_session_id')) {
    throw new DatabaseReadError('unknown-schema', 'no session_nodes table with session_key and current_session_id');
  }
  const select = Object.entries(NODE_COLUMNS).map(([as, column]) => (columns.has(column) ? `n.${column} AS ${as}` : `NULL AS ${as}`));
  // One json_extract with every path parses each entry once (a call per path parsed it 17
  // times); it answers a JSON array in path order.
  const entryNames = Object.keys(ENTRY_FIELDS);
  const entryExpression = `json_extract(n.entry_json, ${Object.values(ENTRY_FIELDS).map((p) => `'${p}'`).join(', ')})`;
  const hasEntry = columns.has('entry_json');
  const windows = tableColumns(db, 'session_windows');
  const joinWindow = windows.has('session_id') && windows.has('channel');
  if (joinWindow) select.push('w.channel AS windowChannel');
  const from = ` FROM session_nodes n${joinWindow ? ' LEFT JOIN session_windows w ON w.session_id = n.current_session_id' : ''}`;
  // Reading entry_json is most of a read's cost (~9 KB a row, in overflow pages), so with the
  // signatures of the last read only changed rows' entries are read; the caller keeps the rest.
  let rows: Row[];
  if (hasEntry && known) {
    rows = db.prepare(`SELECT ${select.join(', ')}${from}`).all() as Row[];
    const changed = rows.filter((row) => known[String(row.key)] !== rowSignature(row));
    if (changed.length > rows.length * INCREMENTAL_SHARE) {
      rows = db.prepare(`SELECT ${select.join(', ')}, ${entryExpression} AS entryFields${from}`).all() as Row[];
    } else {
      const byKey = new Map(changed.map((row) => [String(row.key), row]));
      const keys = [...byKey.keys()];
      for (let i = 0; i < keys.length; i += KEY_CHUNK) {
        const chunk = keys.slice(i, i + KEY_CHUNK);
        const entries = db.prepare(`SELECT n.session_key AS key, ${entryExpression} AS entryFields FROM session_nodes n WHERE n.session_key IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as Row[];
        for (const entry of entries) {
          const row = byKey.get(String(entry.key));
          if (row) row.entryFields = entry.entryFields;
        }
      }
      for (const row of rows) if (!byKey.has(String(row.key))) row.entryReused = true;
    }
  } else {
    rows = db.prepare(`SELECT ${select.join(', ')}${hasEntry ? `, ${entryExpression} AS entryFields` : ''}${from}`).all() as Row[];
  }
  const sessions = new Map<string, SqliteSessionRow>();
  for (const row of rows) {
    if (typeof row.entryFields === 'string') {
      try {
        const values = JSON.parse(row.entryFields) as unknown[];
        entryNames.forEach((name, i) => { row[name] = values[i] ?? null; });
      } catch {
        // an entry SQLite could not extract from: its columns still tell the basics
      }
    }
    const session = sessionFrom(row);
    if (!session) continue;
    if (row.entryReused === true) session.entryReused = true;
    if (known !== undefined || hasEntry) session.signature = rowSignature(row);
    sessions.set(session.key, session);
  }
  const pending = tableColumns(db, 'session_pending_inputs');
  if (pending.has('session_key') && pending.has('state')) {
    const oldest = pending.has('accepted_at') ? 'MIN(accepted_at)' : 'NULL';
    const counts = db.prepare(`SELECT session_key AS key, state, COUNT(*) AS n, ${oldest} AS oldest FROM session_pending_inputs WHERE state IN ('queued', 'interrupted') GROUP BY session_key, state`).all() as Row[];
    for (const row of counts) {
      const session = sessions.get(String(row.key));
      if (!session) continue;
      const n = num(row.n) ?? 0;
      if (row.state === 'queued') {
        session.queued = n;
        const at = num(row.oldest);
        if (at !== undefined) session.oldestQueuedAt = at;
      } else {
        session.interrupted = n;
      }
    }
  }
  return [...sessions.values()];
}

function readMeta(db: SqliteDatabase, facts: AgentDatabaseFacts, how: ReadHow): void {
  const version = num((db.prepare('PRAGMA user_version').get() as Row | undefined)?.user_version);
  if (version !== undefined) facts.schemaVersion = version;
  // Read immutable (a WAL database nobody has open), SQLite reports "delete": the header said WAL.
  const mode = how.immutable ? 'wal' : str((db.prepare('PRAGMA journal_mode').get() as Row | undefined)?.journal_mode);
  if (mode) facts.journalMode = mode;
  if (tableColumns(db, 'schema_meta').has('app_version')) {
    const app = str((db.prepare("SELECT app_version FROM schema_meta WHERE role = 'agent' ORDER BY updated_at DESC LIMIT 1").get() as Row | undefined)?.app_version);
    if (app) facts.appVersion = app;
  }
}

export function readAgentDatabase(open: SqliteOpen, agentId: string, path: string, known?: Record<string, string>): AgentDatabaseFacts {
  const started = performance.now();
  const facts: AgentDatabaseFacts = { agentId, files: databaseFiles(path), sessions: [], readMs: 0 };
  if (!facts.files.exists) {
    facts.failure = { kind: 'missing', message: `${path} does not exist` };
  } else {
    try {
      withReadOnlyDatabase(open, path, (db, how) => {
        readMeta(db, facts, how);
        facts.sessions = readSessions(db, known);
      });
    } catch (error) {
      const kind = error instanceof DatabaseReadError ? error.kind : 'other';
      facts.failure = { kind, message: (error as Error).message };
    }
  }
  facts.readMs = performance.now() - started;
  return facts;
}
