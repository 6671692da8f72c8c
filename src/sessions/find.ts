// Looks a session or lock up the way a person names it: session key, session id, transcript
// path or lock path.
import * as path from 'node:path';
import type { AgentInfo, JsonlSession, LockView, SessionInfo, SessionsSnapshot } from './types';

export function findSession(snapshot: SessionsSnapshot, query: string): SessionInfo | undefined {
  const asPath = path.resolve(query);
  let byId: SessionInfo | undefined;
  let byPath: SessionInfo | undefined;
  for (const agent of snapshot.agents) {
    for (const session of agent.sessions) {
      if (session.key === query) return session;
      if (!byId && session.sessionId === query) byId = session;
      if (!byPath && (session.transcriptPath === asPath || session.lockPath === asPath)) byPath = session;
    }
  }
  return byId ?? byPath;
}

export interface FoundLock {
  agent: AgentInfo;
  view: LockView;
  /** Sessions whose transcript this lock guards (empty for orphans and the store lock). */
  sessions: JsonlSession[];
  kind: 'session' | 'orphan' | 'store';
}

/** The sessions of an agent whose transcript `lockPath` guards (a session and its topic share one). */
export function sessionsOfLock(agent: AgentInfo, lockPath: string): JsonlSession[] {
  return agent.sessions.filter((s): s is JsonlSession => !s.sqlite && s.lockPath === lockPath);
}

/** A lock by its path, or the lock of the JSONL session a query names (even when the lock is free). */
export function findLock(snapshot: SessionsSnapshot, query: string): FoundLock | undefined {
  const asPath = path.resolve(query);
  for (const agent of snapshot.agents) {
    const orphan = agent.orphanLocks.find((v) => v.lockPath === asPath);
    if (orphan) return { agent, view: orphan, sessions: [], kind: 'orphan' };
    if (agent.storeLock?.lockPath === asPath) return { agent, view: agent.storeLock, sessions: [], kind: 'store' };
  }
  const session = findSession(snapshot, query);
  // A SQLite-era session has no lock file to find.
  if (!session || session.sqlite) return undefined;
  const agent = snapshot.agents.find((a) => a.id === session.agentId)!;
  return { agent, view: session.lock, sessions: sessionsOfLock(agent, session.lockPath), kind: 'session' };
}

export interface LockEntry {
  agent: AgentInfo;
  view: LockView;
  session?: SessionInfo;
  kind: 'session' | 'orphan' | 'store';
}

/** Every lock file in the snapshot (any level but free), once each, in agent order: the one list. */
export function allLocks(snapshot: SessionsSnapshot): LockEntry[] {
  const entries: LockEntry[] = [];
  for (const agent of snapshot.agents) {
    for (const view of agentLocks(agent)) {
      const session = agent.sessions.find((s) => s.lockPath === view.lockPath);
      const kind = session ? 'session' : view === agent.storeLock ? 'store' : 'orphan';
      entries.push({ agent, view, ...(session ? { session } : {}), kind });
    }
  }
  return entries;
}

/**
 * An agent's lock files (any level but free), once each: a lock two sessions share (a session
 * and its topic) is one lock; then orphan locks and `sessions.json.lock`.
 */
export function agentLocks(agent: AgentInfo): LockView[] {
  const seen = new Set<string>();
  const locks: LockView[] = [];
  for (const view of [...agent.sessions.flatMap((s) => (s.lock ? [s.lock] : [])), ...agent.orphanLocks, ...(agent.storeLock ? [agent.storeLock] : [])]) {
    if (view.level === 'free' || seen.has(view.lockPath)) continue;
    seen.add(view.lockPath);
    locks.push(view);
  }
  return locks;
}
