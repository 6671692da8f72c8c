// The JSONL era across scans: agents the watcher saw change are rescanned, the rest reused
// from the previous snapshot with their ages moved on, and a lock that came or went costs one
// inspection, not a rescan of 10,000 sessions.
import * as path from 'node:path';
import { STORE_LOCK_FILE } from '../classify';
import { mapLimit } from '../concurrency';
import { agentLocks } from '../find';
import { ageLockView, lockViewFrom } from '../levels';
import { inspectSafely, keepLockBase, lockBaseOf, scanAgent, type ScanContext } from './scan-agent';
import type { AgentInfo, LockThresholds, LockView, SessionsSnapshot } from '../types';

/** What a partial update reuses and re-inspects (from the model's watcher plan). */
export interface IncrementalOptions {
  /** Re-scan only these agents and reuse the rest from `previous`. */
  onlyAgents?: string[];
  /** For reused agents: lock file names (in the sessions folder) to re-inspect alone. */
  lockChanges?: ReadonlyMap<string, ReadonlySet<string>>;
  previous?: SessionsSnapshot;
}

/**
 * Re-inspects only the named lock files of an agent: a lock coming or going costs one
 * inspection, not a rescan of 10,000 sessions. Returns a new AgentInfo; `agent` is untouched.
 */
export async function updateAgentLocks(agent: AgentInfo, lockNames: ReadonlySet<string>, ctx: ScanContext): Promise<AgentInfo> {
  const base = lockBaseOf(agent) ?? agent.sessionsDir;
  const copy: AgentInfo = { ...agent, sessions: agent.sessions.slice(), orphanLocks: agent.orphanLocks.slice() };
  for (const name of lockNames) {
    const lockPath = base + path.sep + name;
    const view = lockViewFrom(await inspectSafely(lockPath, ctx), ctx.thresholds);
    if (name === STORE_LOCK_FILE) {
      if (view.level === 'free') delete copy.storeLock;
      else copy.storeLock = view;
      continue;
    }
    let matched = false;
    for (let i = 0; i < copy.sessions.length; i++) {
      const session = copy.sessions[i]!;
      if (session.sqlite || session.lockPath !== lockPath) continue;
      copy.sessions[i] = { ...session, lock: view };
      matched = true;
    }
    copy.orphanLocks = copy.orphanLocks.filter((v) => v.lockPath !== lockPath);
    if (!matched && view.level !== 'free') {
      copy.orphanLocks.push(view);
      copy.orphanLocks.sort((a, b) => a.lockPath.localeCompare(b.lockPath));
    }
  }
  keepLockBase(copy, base);
  return copy;
}

/**
 * An agent with each of its lock views replaced by `redo(view)` (a lock two sessions share is
 * redone once), its lock base kept. The agent itself is left untouched (subscribers may hold it).
 */
export function mapAgentLocks(agent: AgentInfo, redo: (view: LockView) => LockView): AgentInfo {
  const redone = new Map<LockView, LockView>();
  const map = (view: LockView): LockView => {
    let fresh = redone.get(view);
    if (!fresh) redone.set(view, (fresh = redo(view)));
    return fresh;
  };
  const copy: AgentInfo = {
    ...agent,
    sessions: agent.sessions.map((s) => (s.sqlite || s.lock.level === 'free' ? s : { ...s, lock: map(s.lock) })),
    orphanLocks: agent.orphanLocks.map(map),
  };
  if (agent.storeLock) copy.storeLock = map(agent.storeLock);
  if (agent.leftoverLocks) copy.leftoverLocks = agent.leftoverLocks.map(map);
  keepLockBase(copy, lockBaseOf(agent));
  return copy;
}

/**
 * An agent reused from an earlier scan: its locks are `delta` ms older now, which may move
 * them past a threshold.
 */
export function reageAgent(agent: AgentInfo, delta: number, thresholds: LockThresholds): AgentInfo {
  if (delta <= 0 || agentLocks(agent).length === 0) return agent;
  return mapAgentLocks(agent, (view) => ageLockView(view, delta, thresholds));
}

/** Fills command lines the inspections could not read, with one process listing per scan. */
export async function fillCommandLines(agents: AgentInfo[], ctx: ScanContext): Promise<void> {
  const missing: LockView[] = [];
  for (const agent of agents) {
    for (const view of agentLocks(agent)) {
      if (view.commandLine === undefined && view.pid !== undefined && view.inspection.owner?.alive) missing.push(view);
    }
  }
  if (missing.length === 0 || !ctx.commandLines) return;
  const table = await ctx.commandLines.table(ctx.now);
  for (const view of missing) {
    const commandLine = table.get(view.pid!);
    if (commandLine !== undefined) view.commandLine = commandLine;
  }
}

export async function scanJsonlAgents(stateDir: string, ids: string[], options: IncrementalOptions, ctx: ScanContext): Promise<AgentInfo[]> {
  const reuse = new Map<string, AgentInfo>();
  // A previous snapshot of the other era is no base for a partial update.
  const previous = options.previous?.era?.era === 'sqlite' ? undefined : options.previous;
  if (options.onlyAgents && previous) {
    const rescan = new Set(options.onlyAgents);
    for (const agent of previous.agents) if (!rescan.has(agent.id)) reuse.set(agent.id, agent);
  }
  const delta = previous ? ctx.now - previous.scannedAt : 0;
  const touched = new Set<string>();
  const agents = await mapLimit(ids, 4, async (id) => {
    const kept = reuse.get(id);
    if (!kept) {
      touched.add(id);
      return scanAgent(stateDir, id, ctx);
    }
    const aged = reageAgent(kept, delta, ctx.thresholds);
    const lockNames = options.lockChanges?.get(id);
    if (!lockNames || lockNames.size === 0) return aged;
    touched.add(id);
    // A lock in a folder not seen as jsonl (sqlite era, missing) changes the layout: rescan.
    return kept.layout === 'jsonl' ? updateAgentLocks(aged, lockNames, ctx) : scanAgent(stateDir, id, ctx);
  });
  await fillCommandLines(agents.filter((a) => touched.has(a.id)), ctx);
  return agents;
}
