// Reads the shared state database (`state/openclaw.sqlite`): which processes have an agent
// database open (`agent_database_leases`) and which expiring leases are live (`state_leases`,
// e.g. doctor's maintenance lease that blocks agent database opens).
import type { DatabaseLease, StateDatabaseFacts, StateLease } from './facts';
import type { SqliteOpen } from './driver';
import { databaseFiles } from './files';
import { num } from './values';
import { DatabaseReadError, tableColumns, withReadOnlyDatabase } from './read-database';

type Row = Record<string, unknown>;

function parseObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

export function readStateDatabase(open: SqliteOpen, path: string, now = Date.now()): StateDatabaseFacts {
  const started = performance.now();
  const facts: StateDatabaseFacts = { files: databaseFiles(path), databaseLeases: [], stateLeases: [], readMs: 0 };
  if (!facts.files.exists) {
    facts.failure = { kind: 'missing', message: `${path} does not exist` };
    facts.readMs = performance.now() - started;
    return facts;
  }
  try {
    withReadOnlyDatabase(open, path, (db) => {
      const version = num((db.prepare('PRAGMA user_version').get() as Row | undefined)?.user_version);
      if (version !== undefined) facts.schemaVersion = version;
      if (tableColumns(db, 'agent_database_leases').has('owner_pid')) {
        for (const row of db.prepare('SELECT agent_id, path, owner_pid, owner_start_time, opened_at FROM agent_database_leases ORDER BY opened_at').all() as Row[]) {
          const pid = num(row.owner_pid);
          if (pid === undefined || pid <= 0 || typeof row.agent_id !== 'string' || typeof row.path !== 'string') continue;
          const lease: DatabaseLease = { agentId: row.agent_id, path: row.path, pid, openedAt: num(row.opened_at) ?? 0 };
          const startTime = num(row.owner_start_time);
          if (startTime !== undefined) lease.startTime = startTime;
          facts.databaseLeases.push(lease);
        }
      }
      const leaseColumns = tableColumns(db, 'state_leases');
      if (leaseColumns.has('scope')) {
        const payload = leaseColumns.has('payload_json') ? 'payload_json' : 'NULL AS payload_json';
        const rows = db.prepare(`SELECT scope, lease_key, owner, expires_at, heartbeat_at, ${payload} FROM state_leases WHERE expires_at IS NULL OR expires_at > ?`).all(now) as Row[];
        for (const row of rows) {
          const lease: StateLease = { scope: String(row.scope), key: String(row.lease_key), owner: String(row.owner) };
          const expiresAt = num(row.expires_at);
          if (expiresAt !== undefined) lease.expiresAt = expiresAt;
          const heartbeatAt = num(row.heartbeat_at);
          if (heartbeatAt !== undefined) lease.heartbeatAt = heartbeatAt;
          const parsed = parseObject(row.payload_json);
          if (parsed) lease.payload = parsed;
          facts.stateLeases.push(lease);
        }
      }
    });
  } catch (error) {
    facts.failure = { kind: error instanceof DatabaseReadError ? error.kind : 'other', message: (error as Error).message };
  }
  facts.readMs = performance.now() - started;
  return facts;
}
