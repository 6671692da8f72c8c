// The SQLite era's "what blocks this session", graded: pure, from the facts a scan gathered
// (rows, leases judged alive or not, the gateway, the era) and the user's {warn, error}
// thresholds, so the CLI, the view and the badge agree and ages tick without rereading.
import { gatewayCallArgs } from '../openclaw/cli';
import type { AgentInfo, Finding, LockThresholds, Remedy, SessionInfo, SessionsSnapshot, Severity } from './types';
import { DEFAULT_THRESHOLDS } from './types';

/** OpenClaw's own checkpoint target: `journal_size_limit` and the TRUNCATE threshold. */
export const WAL_TARGET_BYTES = 64 * 1024 * 1024;
/** Reported WALs of 1.4–2.8 GB came with startups that hung: past this it is an error. */
export const WAL_ERROR_BYTES = 1024 * 1024 * 1024;
export const MAINTENANCE_SCOPE = 'core:agent-database-maintenance';

export type GradeInput = Pick<SessionsSnapshot, 'agents' | 'gateway' | 'era' | 'sqlite'>;

function gatewayCall(method: string, params: Record<string, unknown>): string[] {
  return ['openclaw', ...gatewayCallArgs(method, params)];
}

function sessionParams(session: SessionInfo): Record<string, unknown> {
  return { key: session.key, agentId: session.agentId };
}

export function abortRemedy(session: SessionInfo, clearQueued: boolean): Remedy {
  const params = { ...sessionParams(session), ...(clearQueued ? { clearQueued: true } : {}) };
  return { action: clearQueued ? 'abort-clear-queued' : 'abort', rpc: { method: 'sessions.abort', params }, command: gatewayCall('sessions.abort', params) };
}

export function recoverRemedy(session: SessionInfo): Remedy {
  const params = sessionParams(session);
  return { action: 'recover', rpc: { method: 'sessions.recover', params }, command: gatewayCall('sessions.recover', params) };
}

export function compactRemedy(session: SessionInfo, maxLines?: number): Remedy {
  const params = { ...sessionParams(session), ...(maxLines !== undefined ? { maxLines } : {}) };
  return { action: 'compact', rpc: { method: 'sessions.compact', params }, command: gatewayCall('sessions.compact', params) };
}

const startGateway: Remedy = { action: 'start-gateway', command: ['openclaw', 'gateway', 'start'] };

function byAge(ageMs: number, thresholds: LockThresholds, below: Severity): Severity {
  return ageMs > thresholds.errorMs ? 'error' : ageMs > thresholds.warnMs ? 'warning' : below;
}

/** Whether something alive owns the state dir: a gateway, or `openclaw agent --local` and the like. */
function ownerAlive(input: GradeInput): boolean {
  return input.gateway.alive;
}

function sessionFindings(agent: AgentInfo, session: SessionInfo, input: GradeInput, thresholds: LockThresholds, now: number): Finding[] {
  const row = session.sqlite!.row;
  const key = session.key ?? session.sessionId;
  const base = { agentId: agent.id, sessionKey: key };
  const found: Finding[] = [];
  const id = (kind: string) => `${kind}:${agent.id}:${key}`;
  if (row.status === 'running') {
    const since = row.startedAt ?? row.updatedAt;
    const age = since !== undefined ? Math.max(0, now - since) : 0;
    const facts = { ...(row.activeWriterRunId ? { runId: row.activeWriterRunId } : {}), ageMs: age, queued: row.queued };
    if (ownerAlive(input)) {
      const severity = byAge(age, thresholds, 'info');
      const remedies = [abortRemedy(session, false), ...(row.queued > 0 ? [abortRemedy(session, true)] : [])];
      found.push({ id: id('run'), kind: severity === 'info' ? 'run-active' : 'run-hung', severity, ...base, ...(since !== undefined ? { since } : {}), facts, remedies });
    } else {
      found.push({ id: id('run'), kind: 'run-orphaned', severity: 'warning', ...base, ...(since !== undefined ? { since } : {}), facts, remedies: [startGateway] });
    }
  }
  if (row.tombstone) {
    found.push({
      id: id('tombstone'), kind: 'tombstone', severity: 'error', ...base,
      facts: row.tombstone.reason ? { reason: row.tombstone.reason } : {},
      remedies: [recoverRemedy(session), { action: 'new-session' }],
    });
  }
  if (row.queued > 0 && row.oldestQueuedAt !== undefined) {
    const age = Math.max(0, now - row.oldestQueuedAt);
    const severity = byAge(age, thresholds, 'none');
    if (severity !== 'none') {
      found.push({
        id: id('queue'), kind: 'queue-stalled', severity, ...base, since: row.oldestQueuedAt,
        facts: { queued: row.queued, ageMs: age },
        remedies: row.status === 'running' ? [abortRemedy(session, true)] : ownerAlive(input) ? [] : [startGateway],
      });
    }
  }
  if (row.initializationPending) found.push({ id: id('init'), kind: 'initialization-pending', severity: 'info', ...base, facts: {}, remedies: [{ action: 'wait' }] });
  if (row.archivedAt !== undefined) found.push({ id: id('archived'), kind: 'archived', severity: 'info', ...base, since: row.archivedAt, facts: {}, remedies: [] });
  return found;
}

function agentFindings(agent: AgentInfo, input: GradeInput): Finding[] {
  const db = agent.database;
  if (!db) return [];
  const found: Finding[] = [];
  const base = { agentId: agent.id };
  if (db.failure) {
    const kind = db.failure.kind === 'busy' ? 'database-busy' : db.failure.kind === 'no-sqlite' ? 'no-sqlite-reader' : 'database-unreadable';
    found.push({
      id: `${kind}:${agent.id}`, kind, severity: kind === 'no-sqlite-reader' ? 'error' : 'warning', ...base,
      facts: { path: db.files.path, failure: db.failure.kind, message: db.failure.message },
      remedies: kind === 'no-sqlite-reader' ? [{ action: 'install-node' }] : [],
    });
  }
  const wal = db.files.walBytes ?? 0;
  if (wal > WAL_TARGET_BYTES) {
    found.push({
      id: `wal:${agent.id}`, kind: 'wal-large', severity: wal > WAL_ERROR_BYTES ? 'error' : 'warning', ...base,
      facts: { walBytes: wal, targetBytes: WAL_TARGET_BYTES, path: `${db.files.path}-wal` },
      remedies: [{ action: 'doctor-compact', command: ['openclaw', 'doctor', '--session-sqlite', 'compact', '--session-sqlite-agent', agent.id], gatewayMustBeStopped: true }],
    });
  }
  const ownerPid = input.gateway.alive ? input.gateway.pid : undefined;
  for (const lease of input.sqlite?.leases ?? []) {
    if (lease.agentId !== agent.id || !lease.alive || lease.pid === ownerPid) continue;
    found.push({
      id: `held-open:${agent.id}:${lease.pid}`, kind: 'database-held-open', severity: 'info', ...base, since: lease.openedAt,
      facts: { pid: lease.pid, path: lease.path }, remedies: [],
    });
  }
  return found;
}

/** Every finding of a SQLite-era snapshot at `now`, most severe first. */
export function gradeFindings(input: GradeInput, thresholds: LockThresholds = DEFAULT_THRESHOLDS, now = Date.now()): Finding[] {
  const found: Finding[] = [];
  if (input.era.migrationPending.length > 0) {
    // Found by running 2026.9.6: its gateway imports a plain legacy store itself at startup and
    // refuses only a store it cannot import. A live gateway beside one means that import failed.
    found.push({
      id: 'migration-pending', kind: 'migration-pending', severity: input.gateway.alive && input.gateway.role === undefined ? 'error' : 'warning',
      facts: { agents: input.era.migrationPending.join(', ') },
      remedies: [
        { action: 'doctor-import', command: ['openclaw', 'doctor', '--fix'], gatewayMustBeStopped: true },
        { action: 'doctor-import', command: ['openclaw', 'doctor', '--session-sqlite', 'import', '--session-sqlite-all-agents'], gatewayMustBeStopped: true },
      ],
    });
  }
  const gateway = input.gateway;
  if (gateway.stateLock && !gateway.alive && gateway.pid !== undefined) {
    found.push({
      id: 'owner-lock-dead', kind: 'owner-lock-dead', severity: 'warning',
      facts: { pid: gateway.pid, ...(gateway.lockPath ? { path: gateway.lockPath } : {}) }, remedies: [startGateway],
    });
  }
  for (const lease of input.sqlite?.state?.stateLeases ?? []) {
    if (lease.scope !== MAINTENANCE_SCOPE) continue;
    found.push({
      id: `maintenance:${lease.key}`, kind: 'maintenance-lease', severity: 'warning',
      ...(lease.heartbeatAt !== undefined ? { since: lease.heartbeatAt } : {}),
      facts: { key: lease.key, owner: lease.owner, ...(lease.expiresAt !== undefined ? { expiresAt: lease.expiresAt } : {}) },
      remedies: [{ action: 'wait' }],
    });
  }
  for (const agent of input.agents) {
    found.push(...agentFindings(agent, input));
    for (const session of agent.sessions) if (session.sqlite) found.push(...sessionFindings(agent, session, input, thresholds, now));
  }
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2, none: 3 };
  return found.sort((a, b) => rank[a.severity] - rank[b.severity] || (a.since ?? Infinity) - (b.since ?? Infinity));
}

/** The findings about one session (the row's state), most severe first. */
export function findingsOf(findings: readonly Finding[], session: Pick<SessionInfo, 'agentId' | 'key' | 'sessionId'>): Finding[] {
  const key = session.key ?? session.sessionId;
  return findings.filter((f) => f.agentId === session.agentId && f.sessionKey === key);
}
