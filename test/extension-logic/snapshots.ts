// Synthetic snapshots for the extension's pure logic: shaped exactly like the session
// model's output, without touching the disk.
import type { LockInspection, StaleReason } from '../../src/lock/types';
import type { AgentInfo, LockLevel, LockView, SessionInfo, SessionsSnapshot } from '../../src/sessions/types';
import { levelSeverity } from '../../src/sessions/levels';

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

export function session(agentId: string, id: string, lock: LockSpec = { level: 'free' }, extra: Partial<SessionInfo> = {}): SessionInfo {
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
