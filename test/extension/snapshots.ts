// Synthetic snapshots for the extension's pure logic: shaped exactly like the session
// model's output, without touching the disk.
import type { LockInspection, StaleReason } from '../../src/lock/types';
import type { AgentInfo, JsonlSession, LockLevel, LockThresholds, LockView, SessionInfo, SessionsSnapshot, SqliteSession, SqliteSessionRow } from '../../src/sessions/types';
import { DEFAULT_THRESHOLDS } from '../../src/sessions/types';
import { levelSeverity } from '../../src/sessions/levels';
import { gradeFindings } from '../../src/sessions/findings';

let nextIno = 1000;

export interface LockSpec {
  level: LockLevel;
  pid?: number;
  ageMs?: number;
  maxHoldMs?: number;
  reasons?: StaleReason[];
  reclaimable?: boolean;
  createdAt?: string;
  commandLine?: string;
  ino?: number;
  problem?: string;
}

export function lockView(lockPath: string, spec: LockSpec): LockView {
  const state: LockInspection['state'] =
    spec.level === 'free'
      ? 'free'
      : spec.level === 'stale'
        ? 'stale'
        : spec.level === 'initialising'
          ? 'initialising'
          : spec.level === 'unreadable'
            ? 'unreadable'
            : 'held';
  const inspection: LockInspection = {
    lockPath,
    state,
    reasons: spec.reasons ?? [],
    reclaimable: spec.reclaimable ?? spec.level === 'stale',
  };
  if (spec.level !== 'free') {
    inspection.identity = { dev: 1, ino: spec.ino ?? nextIno++, size: 100, mtimeMs: 0 };
    inspection.raw = Buffer.from(JSON.stringify({ pid: spec.pid, createdAt: spec.createdAt }));
    if (spec.pid !== undefined) {
      inspection.payload = { pid: spec.pid, createdAt: spec.createdAt ?? '2026-11-22T10:00:00.000Z' };
      inspection.owner = { pid: spec.pid, alive: spec.level !== 'stale', isSelf: false, commandLine: spec.commandLine };
    }
    inspection.ageMs = spec.ageMs;
    inspection.maxHoldMs = spec.maxHoldMs;
    inspection.problem = spec.problem;
  }
  return {
    lockPath,
    level: spec.level,
    severity: levelSeverity(spec.level),
    inspection,
    reasons: spec.reasons ?? [],
    pid: spec.pid,
    commandLine: spec.commandLine,
    ageMs: spec.ageMs,
    maxHoldMs: spec.maxHoldMs,
    createdAt: spec.level === 'free' ? undefined : (spec.createdAt ?? '2026-11-22T10:00:00.000Z'),
  };
}

export function session(agentId: string, id: string, lock: LockSpec = { level: 'free' }, extra: Partial<JsonlSession> = {}): JsonlSession {
  const transcriptPath = `/state/agents/${agentId}/sessions/${id}.jsonl`;
  return {
    agentId,
    key: `agent:${agentId}:${id}`,
    sessionId: id,
    title: extra.title ?? `agent:${agentId}:${id}`,
    transcriptPath,
    transcriptExists: true,
    lockPath: `${transcriptPath}.lock`,
    lock: lockView(`${transcriptPath}.lock`, lock),
    inStore: true,
    problems: [],
    ...extra,
  };
}

export function agent(id: string, sessions: SessionInfo[], extra: Partial<AgentInfo> = {}): AgentInfo {
  return {
    id,
    sessionsDir: `/state/agents/${id}/sessions`,
    layout: 'jsonl',
    sessions,
    orphanLocks: [],
    sideFiles: [],
    problems: [],
    ...extra,
  };
}

export function snapshot(agents: AgentInfo[], extra: Partial<SessionsSnapshot> = {}): SessionsSnapshot {
  return {
    resolution: { stateDir: '/state', source: 'env', exists: true },
    layout: agents.some((a) => a.sessions.length > 0) ? 'jsonl' : 'empty',
    agents,
    gateway: { alive: false },
    problems: [],
    scannedAt: 1_000_000,
    scanMs: 1,
    era: { era: 'jsonl', decidedBy: 'disk', migrationPending: [], unusedDatabases: [] },
    findings: [],
    ...extra,
  };
}

// ------------------------------------------------------------------ SQLite era (2026.8+)

export function sqliteRow(key: string, extra: Partial<SqliteSessionRow> = {}): SqliteSessionRow {
  return { key, sessionId: `sid-${key.split(':').pop()}`, queued: 0, interrupted: 0, ...extra };
}

/** A SQLite-era session as the model makes it: no lock, the database as its path. */
export function sqliteSession(agentId: string, row: SqliteSessionRow, extra: Partial<SqliteSession> = {}): SqliteSession {
  const databasePath = `/state/agents/${agentId}/agent/openclaw-agent.sqlite`;
  return {
    agentId,
    key: row.key,
    sessionId: row.sessionId,
    title: row.label ?? row.displayName ?? row.key,
    ...(row.channel ? { channel: row.channel } : {}),
    ...(row.updatedAt !== undefined ? { updatedAt: row.updatedAt } : {}),
    transcriptPath: databasePath,
    transcriptExists: false,
    inStore: true,
    problems: [],
    sqlite: { row, databasePath },
    ...extra,
  };
}

export function sqliteAgent(id: string, sessions: SessionInfo[], extra: Partial<AgentInfo> = {}): AgentInfo {
  const path = `/state/agents/${id}/agent/openclaw-agent.sqlite`;
  return agent(id, sessions, {
    layout: 'sqlite',
    database: { agentId: id, files: { path, exists: true, sizeBytes: 4096, walBytes: 0 }, schemaVersion: 23, sessions: sessions.map((s) => s.sqlite!.row), readMs: 1 },
    leftoverLocks: [],
    ...extra,
  });
}

/** A SQLite-era snapshot with its findings graded at `scannedAt`, as a scan grades them. */
export function sqliteSnapshot(agents: AgentInfo[], extra: Partial<SessionsSnapshot> = {}, thresholds: LockThresholds = DEFAULT_THRESHOLDS): SessionsSnapshot {
  const base = snapshot(agents, {
    layout: 'sqlite',
    gateway: { alive: true, pid: 4242 },
    era: { era: 'sqlite', decidedBy: 'version-and-disk', version: { version: '2026.9.6', year: 2026, month: 9, patch: 6 }, migrationPending: [], unusedDatabases: [] },
    sqlite: { reader: { kind: 'in-process', nodeVersion: '24.21.0' }, leases: [] },
    ...extra,
  });
  return { ...base, findings: extra.findings ?? gradeFindings(base, thresholds, base.scannedAt) };
}
