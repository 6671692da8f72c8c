// The SQLite era's half of a scan: sessions from each agent database, read by the store
// backend, laid into the same AgentInfo shape the JSONL era fills (as SqliteSessions, which
// have no lock), so one model and one view serve both. The sessions folder's `.jsonl.lock` files are kept as leftovers.
import * as path from 'node:path';
import { judgeOwner } from '../../lock';
import { readSqliteStore } from '../../sqlite-store/read-store';
import { agentDatabasePath, stateDatabasePath } from '../../sqlite-store/request';
import type { AgentDatabaseFacts, SqliteSessionRow, SqliteStoreFacts } from '../../sqlite-store/facts';
import { mapLimit } from '../concurrency';
import { agentLocks } from '../find';
import { freeLockView } from '../levels';
import { scanAgent, type ScanContext } from '../jsonl/scan-agent';
import type { AgentInfo, JudgedLease, SessionsSnapshot, SqliteSession } from '../types';

export interface SqliteReadOptions {
  nodePath?: string;
  openclawPath?: string;
  env?: NodeJS.ProcessEnv;
  now: number;
}

function sessionFromRow(agentId: string, row: SqliteSessionRow, databasePath: string): SqliteSession {
  const info: SqliteSession = {
    agentId,
    key: row.key,
    sessionId: row.sessionId,
    title: row.label ?? row.displayName ?? row.key,
    // No transcript file in this era: the database holds it.
    transcriptPath: databasePath,
    transcriptExists: false,
    inStore: true,
    problems: [],
    sqlite: { row, databasePath },
  };
  if (row.label) info.label = row.label;
  if (row.displayName) info.displayName = row.displayName;
  if (row.channel) info.channel = row.channel;
  if (row.chatType) info.chatType = row.chatType;
  const updatedAt = row.lastActivityAt ?? row.updatedAt;
  if (updatedAt !== undefined) info.updatedAt = updatedAt;
  for (const field of ['inputTokens', 'outputTokens', 'totalTokens', 'contextTokens', 'compactionCount'] as const) {
    if (row[field] !== undefined) info[field] = row[field];
  }
  return info;
}

/**
 * An agent as the SQLite era shows it: sessions from its database (when it has one), every
 * lock file of its sessions folder as a leftover, side files (archives) as found.
 */
export function sqliteAgent(scanned: AgentInfo, facts: AgentDatabaseFacts | undefined, leftoverLocks: AgentInfo['orphanLocks']): AgentInfo {
  const agent: AgentInfo = { ...scanned, orphanLocks: [], leftoverLocks, problems: [...scanned.problems] };
  delete agent.storeLock;
  if (!facts) {
    // No database yet (its sessions.json awaits the doctor's import): its sessions as the file lists them, lock-free.
    agent.sessions = scanned.sessions.map((s) => (s.sqlite || s.lock.level === 'free' ? s : { ...s, lock: freeLockView(s.lockPath) }));
    return agent;
  }
  agent.layout = 'sqlite';
  agent.database = facts;
  agent.sessions = facts.sessions.map((row) => sessionFromRow(scanned.id, row, facts.files.path));
  agent.sessions.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0) || a.title.localeCompare(b.title));
  return agent;
}

export async function readSqliteAgents(stateDir: string, agentIds: string[], options: SqliteReadOptions): Promise<SqliteStoreFacts> {
  return readSqliteStore(
    { agents: agentIds.map((agentId) => ({ agentId, path: agentDatabasePath(stateDir, agentId) })), statePath: stateDatabasePath(stateDir), now: options.now },
    { ...(options.nodePath ? { configured: options.nodePath } : {}), ...(options.openclawPath ? { openclawPath: options.openclawPath } : {}), ...(options.env ? { env: options.env } : {}) },
  );
}

/** Whether each lease's process still lives: pid and start time, as the lock core judges owners. */
export function judgeLeases(facts: SqliteStoreFacts): JudgedLease[] {
  return (facts.state?.databaseLeases ?? []).map((lease) => {
    const starttime = process.platform === 'linux' && lease.startTime !== undefined ? lease.startTime : undefined;
    const judged = judgeOwner({ pid: lease.pid, ...(starttime !== undefined ? { starttime } : {}) });
    return { ...lease, path: path.resolve(lease.path), alive: judged.gone === undefined || judged.unprovable !== undefined };
  });
}

/**
 * Every agent of a SQLite-era state dir: its sessions folder scanned as the JSONL era would
 * (its lock files become leftovers), its database read beside it. Every read is whole: one
 * database read costs milliseconds, and a partial update's bookkeeping is the JSONL era's
 * answer to 10,000 stat calls.
 */
export async function scanSqliteAgents(
  stateDir: string,
  ids: string[],
  withDatabase: string[],
  options: Omit<SqliteReadOptions, 'now'>,
  ctx: ScanContext,
): Promise<{ agents: AgentInfo[]; sqlite: NonNullable<SessionsSnapshot['sqlite']> }> {
  const [scanned, facts] = await Promise.all([
    mapLimit(ids, 4, (id) => scanAgent(stateDir, id, ctx)),
    readSqliteAgents(stateDir, withDatabase, { ...options, now: ctx.now }),
  ]);
  const byAgent = new Map(facts.agents.map((a) => [a.agentId, a]));
  const agents = scanned.map((agent) => sqliteAgent(agent, byAgent.get(agent.id), agentLocks(agent)));
  return { agents, sqlite: { reader: facts.reader, leases: judgeLeases(facts), ...(facts.state ? { state: facts.state } : {}) } };
}
