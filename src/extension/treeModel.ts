// The sessions tree as data: the state dir's gateway, then agents → lock files and sessions, built once per snapshot
// from memory, with parents and ids for `TreeView.reveal`. Pure (no `vscode`, no disk):
// the TreeDataProvider only adapts these nodes, and node --test covers the rules.
import type { AgentInfo, GatewayHealth, GatewayInfo, LockLevel, LockView, SessionInfo, SessionsSnapshot } from '../sessions/types';
import { failuresBehind, type FailureCount, type FailureTally } from '../logs/tally';
import { isLiveLevel, levelRank } from './lockPresentation';

export interface AgentNode {
  readonly kind: 'agent';
  readonly id: string;
  readonly agent: AgentInfo;
  readonly children: readonly ChildNode[];
  /** Sessions with a lock file, lock rows included. */
  readonly lockedCount: number;
  readonly sessionCount: number;
}

export interface SessionNode {
  readonly kind: 'session';
  readonly id: string;
  readonly parent: AgentNode;
  readonly session: SessionInfo;
  readonly lock: LockView;
  /** Messages that failed because of this lock (OpenClaw's log), when any did. */
  readonly failures?: FailureCount;
}

/** A lock file that is not a session's: an orphan `.jsonl.lock` or `sessions.json.lock`. */
export interface LockNode {
  readonly kind: 'lock';
  readonly id: string;
  readonly parent: AgentNode;
  readonly lockKind: 'orphan' | 'store';
  readonly lock: LockView;
  readonly failures?: FailureCount;
}

/** Stands in for the free sessions past the display limit. */
export interface MoreNode {
  readonly kind: 'more';
  readonly id: string;
  readonly parent: AgentNode;
  readonly hiddenCount: number;
}

/**
 * The state dir's gateway, above its agents: whether it runs and answers. Shown where a
 * gateway is meant to run or one answers; a machine that never runs one (`openclaw agent
 * --local` only) gets no row, and no nagging.
 */
export interface GatewayNode {
  readonly kind: 'gateway';
  readonly id: string;
  readonly stateDir: string;
  readonly gateway: GatewayInfo;
  readonly health: GatewayHealth;
}

export type ChildNode = SessionNode | LockNode | MoreNode;
export type TreeNode = GatewayNode | AgentNode | ChildNode;
export type LockedNode = SessionNode | LockNode;

export interface TreeModelOptions {
  /** Hide free sessions (lock rows always show). */
  lockedOnly?: boolean;
  /** Free sessions shown per agent before a "more" row; locked ones always show. */
  freeSessionLimit?: number;
  /** Per-agent overrides of freeSessionLimit (raised by the "more" row). */
  freeSessionLimits?: ReadonlyMap<string, number>;
  /** What OpenClaw's log says failed: a lock with failed messages behind it ranks above one without. */
  failures?: FailureTally;
}

export const DEFAULT_FREE_SESSION_LIMIT = 1000;

/** Suffix of a contextValue, shared by sessions and lock rows; menus match on it. */
export function lockStateWord(level: LockLevel): 'free' | 'stale' | 'live' | 'suspect' | 'initialising' | 'unreadable' {
  if (level === 'free') return 'free';
  if (level === 'stale') return 'stale';
  if (isLiveLevel(level)) return 'live';
  if (level === 'initialising' || level === 'suspect' || level === 'unreadable') return level;
  return 'live';
}

/**
 * `session.free`, `session.locked.stale`, `session.locked.live`, `session.locked.suspect`, …,
 * `lock.orphan.stale`, `lock.store.live`, …, `agent`, `more`.
 */
export function contextValueFor(node: TreeNode): string {
  switch (node.kind) {
    case 'gateway':
      return `gateway.${node.health.state}`;
    case 'agent':
      return node.agent.layout === 'sqlite' ? 'agent.sqlite' : 'agent';
    case 'more':
      return 'more';
    case 'session':
      return node.lock.level === 'free' ? 'session.free' : `session.locked.${lockStateWord(node.lock.level)}`;
    case 'lock':
      return `lock.${node.lockKind}.${lockStateWord(node.lock.level)}`;
  }
}

/** Failed messages behind a row's lock, for ranking (0 for a free session). */
const failedCount = (node: { lock: LockView; failures?: FailureCount }) => (node.lock.level === 'free' ? 0 : node.failures?.count ?? 0);

function compareSessions(a: SessionInfo, b: SessionInfo, failed: (s: SessionInfo) => number): number {
  const aLocked = a.lock.level !== 'free';
  const bLocked = b.lock.level !== 'free';
  if (aLocked !== bLocked) return aLocked ? -1 : 1;
  if (aLocked) {
    // What a lock costs comes first: messages are failing behind it.
    const byFailures = failed(b) - failed(a);
    if (byFailures !== 0) return byFailures;
    const byLevel = levelRank(b.lock.level) - levelRank(a.lock.level);
    if (byLevel !== 0) return byLevel;
    const byAge = (b.lock.ageMs ?? 0) - (a.lock.ageMs ?? 0);
    if (byAge !== 0) return byAge;
  }
  const byUpdate = (b.updatedAt ?? b.mtimeMs ?? 0) - (a.updatedAt ?? a.mtimeMs ?? 0);
  if (byUpdate !== 0) return byUpdate;
  return a.title.localeCompare(b.title);
}

export class SessionsTreeModel {
  /** The agent rows (the gateway row, when there is one, comes before them in `children()`). */
  readonly roots: readonly AgentNode[];
  readonly gateway: GatewayNode | undefined;
  private readonly byId = new Map<string, TreeNode>();
  private readonly byLockPath = new Map<string, LockedNode>();
  private readonly byTranscript = new Map<string, SessionNode>();
  private readonly locked: LockedNode[] = [];

  constructor(
    readonly snapshot: SessionsSnapshot | undefined,
    readonly options: TreeModelOptions = {},
  ) {
    this.roots = snapshot && (snapshot.layout === 'jsonl' || snapshot.layout === 'empty') ? this.build(snapshot) : [];
    this.gateway = snapshot && (snapshot.layout === 'jsonl' || snapshot.layout === 'empty') ? gatewayNodeOf(snapshot) : undefined;
    if (this.gateway) this.byId.set(this.gateway.id, this.gateway);
  }

  /** Ids are stable across snapshots so that the tree keeps expansion and selection. */
  private build(snapshot: SessionsSnapshot): AgentNode[] {
    const roots: AgentNode[] = [];
    const lockedOnly = this.options.lockedOnly === true;
    for (const agent of snapshot.agents) {
      if (agent.layout === 'missing' && agent.sessions.length === 0 && agent.orphanLocks.length === 0 && !agent.storeLock) continue;
      const children: ChildNode[] = [];
      const node: AgentNode = {
        kind: 'agent',
        id: `agent:${agent.id}`,
        agent,
        children,
        lockedCount: 0,
        sessionCount: agent.sessions.length,
      };
      let lockedCount = 0;
      const addLock = (lockKind: 'orphan' | 'store', lock: LockView) => {
        const failures = failuresBehind(this.options.failures, lock.lockPath);
        const child: LockNode = { kind: 'lock', id: `lock:${lock.lockPath}`, parent: node, lockKind, lock, ...(failures ? { failures } : {}) };
        children.push(child);
        this.remember(child);
        lockedCount++;
      };
      if (agent.storeLock && agent.storeLock.level !== 'free') addLock('store', agent.storeLock);
      for (const orphan of agent.orphanLocks) if (orphan.level !== 'free') addLock('orphan', orphan);

      const tally = this.options.failures;
      const failuresOf = (s: SessionInfo) => (s.lock.level === 'free' ? undefined : failuresBehind(tally, s.lock.lockPath, s.key));
      const failed = (s: SessionInfo) => failuresOf(s)?.count ?? 0;
      const sessions = [...agent.sessions].sort((a, b) => compareSessions(a, b, failed));
      const limit = this.options.freeSessionLimits?.get(agent.id) ?? this.options.freeSessionLimit ?? DEFAULT_FREE_SESSION_LIMIT;
      let freeShown = 0;
      let hidden = 0;
      for (const session of sessions) {
        const isLocked = session.lock.level !== 'free';
        if (!isLocked && (lockedOnly || freeShown >= limit)) {
          if (!lockedOnly) hidden++;
          continue;
        }
        if (!isLocked) freeShown++;
        else lockedCount++;
        const failures = failuresOf(session);
        const child: SessionNode = {
          kind: 'session',
          id: `session:${session.transcriptPath}`,
          parent: node,
          session,
          lock: session.lock,
          ...(failures ? { failures } : {}),
        };
        children.push(child);
        this.remember(child);
      }
      if (hidden > 0) children.push({ kind: 'more', id: `more:${agent.id}`, parent: node, hiddenCount: hidden });
      (node as { lockedCount: number }).lockedCount = lockedCount;
      if (lockedOnly && children.length === 0) continue;
      roots.push(node);
      this.byId.set(node.id, node);
      for (const child of children) this.byId.set(child.id, child);
    }
    // Worst first, so the status bar and "reveal worst" agree with the tree's order.
    this.locked.sort((a, b) => failedCount(b) - failedCount(a) || levelRank(b.lock.level) - levelRank(a.lock.level) || (b.lock.ageMs ?? 0) - (a.lock.ageMs ?? 0));
    return roots;
  }

  private remember(node: LockedNode): void {
    if (node.lock.level !== 'free') {
      this.locked.push(node);
      this.byLockPath.set(node.lock.lockPath, node);
    }
    if (node.kind === 'session') this.byTranscript.set(node.session.transcriptPath, node);
  }

  children(node?: TreeNode): readonly TreeNode[] {
    if (!node) return this.gateway ? [this.gateway, ...this.roots] : this.roots;
    return node.kind === 'agent' ? node.children : [];
  }

  parent(node: TreeNode): AgentNode | undefined {
    return node.kind === 'agent' || node.kind === 'gateway' ? undefined : node.parent;
  }

  find(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  /** Every row with a lock file, worst first. */
  lockedNodes(): readonly LockedNode[] {
    return this.locked;
  }

  nodeForLockPath(lockPath: string): LockedNode | undefined {
    return this.byLockPath.get(lockPath);
  }

  nodeForTranscript(transcriptPath: string): SessionNode | undefined {
    return this.byTranscript.get(transcriptPath);
  }
}

function gatewayNodeOf(snapshot: SessionsSnapshot): GatewayNode | undefined {
  const health = snapshot.gatewayHealth;
  if (!health || health.state === 'not-running') return undefined;
  const stateDir = snapshot.resolution.stateDir;
  return { kind: 'gateway', id: `gateway:${stateDir}`, stateDir, gateway: snapshot.gateway, health };
}

export function titleOf(node: LockedNode): string {
  if (node.kind === 'session') return node.session.title;
  if (node.lockKind === 'store') return `sessions.json (${node.parent.agent.id})`;
  const base = node.lock.lockPath.split(/[\\/]/).pop() ?? node.lock.lockPath;
  return base.replace(/\.lock$/, '');
}
