// The sessions tree as data: the state dir's gateway, then agents → lock files and sessions, built once per snapshot
// from memory, with parents and ids for `TreeView.reveal`. Pure (no `vscode`, no disk):
// the TreeDataProvider only adapts these nodes, and node --test covers the rules.
import type { AgentInfo, Finding, GatewayHealth, GatewayInfo, JsonlSession, LockLevel, LockView, SessionInfo, SessionsSnapshot, SqliteSession, Severity } from '../sessions/types';
import { findingsOf } from '../sessions/findings';
import { failuresBehind, type FailureCount, type FailureTally } from '../logs/tally';
import { isLiveLevel, levelRank } from '../sessions/levels';
import { findingContextValue, sqliteSessionContextValue } from './sqlite-presentation';

export interface AgentNode {
  readonly kind: 'agent';
  readonly id: string;
  readonly agent: AgentInfo;
  readonly children: readonly ChildNode[];
  /** Sessions with a lock file, lock rows included. */
  readonly lockedCount: number;
  readonly sessionCount: number;
}

/** A JSONL-era session row: its transcript's lock, free or not. */
export interface JsonlSessionNode {
  readonly kind: 'session';
  readonly id: string;
  readonly parent: AgentNode;
  readonly session: JsonlSession;
  readonly lock: LockView;
  /** SQLite era, an agent whose sessions.json awaits its import: what blocks it (its lock is free). */
  readonly findings?: readonly Finding[];
  /** Messages that failed because of this lock (OpenClaw's log), when any did. */
  readonly failures?: FailureCount;
}

/** A SQLite-era session row: no lock file, what blocks it instead. */
export interface SqliteSessionNode {
  readonly kind: 'session';
  readonly id: string;
  readonly parent: AgentNode;
  readonly session: SqliteSession;
  readonly lock?: undefined;
  /** What blocks it, as graded at scan time, most severe first. */
  readonly findings: readonly Finding[];
  readonly failures?: undefined;
}

export type SessionNode = JsonlSessionNode | SqliteSessionNode;

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
 * SQLite era: something that blocks a whole agent (its database) or the whole state dir (a
 * pending migration, a dead owner lock, a maintenance lease): a row of its own, beside the
 * sessions it blocks. `parent` is undefined for state-dir-level findings (root rows).
 */
export interface FindingNode {
  readonly kind: 'finding';
  readonly id: string;
  readonly parent?: AgentNode;
  /** As graded at scan time; the view re-grades by `finding.id` so ages and severities tick. */
  readonly finding: Finding;
}

/** SQLite era: the `.jsonl.lock` files left from before the upgrade, grouped and dimmed. */
export interface LeftoversNode {
  readonly kind: 'leftovers';
  readonly id: string;
  readonly parent: AgentNode;
  readonly children: readonly LeftoverNode[];
}

export interface LeftoverNode {
  readonly kind: 'leftover';
  readonly id: string;
  readonly parent: LeftoversNode;
  readonly lock: LockView;
}

/** A row that says why nothing else is there (SQLite era: no sessions yet), so the tree is never silently empty. */
export interface NoticeNode {
  readonly kind: 'notice';
  readonly id: string;
  readonly parent: AgentNode;
  /**
   * `no-sessions`: the database has none yet. `unused-database`: the installed openclaw is a
   * JSONL-era release (a downgrade), which does not read this database at all.
   */
  readonly notice: 'no-sessions' | 'unused-database';
}

/**
 * SQLite era: the first row names the era and the release, and says whether the gateway that
 * owns the state dir is alive, since what every other row means depends on both.
 */
export interface EraNode {
  readonly kind: 'era';
  readonly id: 'era';
  readonly parent?: undefined;
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

export type ChildNode = SessionNode | LockNode | MoreNode | FindingNode | LeftoversNode | NoticeNode;
export type TreeNode = GatewayNode | AgentNode | ChildNode | LeftoverNode | EraNode;
export type LockedNode = JsonlSessionNode | LockNode;

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
      // SQLite era: the state at scan time; the view passes the re-graded findings to sqliteSessionContextValue.
      if (!node.lock) return sqliteSessionContextValue(node.findings, node.session);
      return node.lock.level === 'free' ? 'session.free' : `session.locked.${lockStateWord(node.lock.level)}`;
    case 'lock':
      return `lock.${node.lockKind}.${lockStateWord(node.lock.level)}`;
    case 'finding':
      return findingContextValue(node.finding);
    case 'leftovers':
      return 'leftoverLocks';
    case 'leftover':
      return 'leftoverLock';
    case 'notice':
      return `notice.${node.notice}`;
    case 'era':
      return 'era.sqlite';
  }
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1, none: 0 };

/** SQLite era: sessions with what blocks them first (worst first, then oldest), then by last activity. */
function compareSqliteSessions(a: { session: SessionInfo; findings: readonly Finding[] }, b: { session: SessionInfo; findings: readonly Finding[] }): number {
  const rank = (f: readonly Finding[]) => (f[0] ? SEVERITY_RANK[f[0].severity] + 1 : 0);
  const bySeverity = rank(b.findings) - rank(a.findings);
  if (bySeverity !== 0) return bySeverity;
  const bySince = (a.findings[0]?.since ?? Infinity) - (b.findings[0]?.since ?? Infinity);
  if (bySince !== 0 && Number.isFinite(bySince)) return bySince;
  const activity = (s: SessionInfo) => s.sqlite?.row.lastActivityAt ?? s.updatedAt ?? 0;
  const byActivity = activity(b.session) - activity(a.session);
  if (byActivity !== 0) return byActivity;
  return a.session.title.localeCompare(b.session.title);
}

/** Failed messages behind a row's lock, for ranking (0 for a free session). */
const failedCount = (node: { lock: LockView; failures?: FailureCount }) => (node.lock.level === 'free' ? 0 : node.failures?.count ?? 0);

function compareSessions(a: JsonlSession, b: JsonlSession, failed: (s: JsonlSession) => number): number {
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
  /** SQLite era: state-dir-level findings, shown above the agents. */
  readonly topFindings: readonly FindingNode[] = [];
  /** SQLite era: the era's own row, first. */
  readonly eraNode: EraNode | undefined;
  private readonly sqliteRows: (SessionNode | FindingNode)[] = [];
  private readonly bySessionKey = new Map<string, SessionNode>();
  private readonly byFindingId = new Map<string, FindingNode | SessionNode>();
  readonly gateway: GatewayNode | undefined;
  private readonly byId = new Map<string, TreeNode>();
  private readonly byLockPath = new Map<string, LockedNode>();
  private readonly byTranscript = new Map<string, JsonlSessionNode>();
  private readonly locked: LockedNode[] = [];

  constructor(
    readonly snapshot: SessionsSnapshot | undefined,
    readonly options: TreeModelOptions = {},
  ) {
    this.roots =
      snapshot && (snapshot.layout === 'jsonl' || snapshot.layout === 'empty')
        ? this.build(snapshot)
        : snapshot?.layout === 'sqlite'
          ? this.buildSqlite(snapshot)
          : [];
    this.gateway = snapshot && (snapshot.layout === 'jsonl' || snapshot.layout === 'empty') ? gatewayNodeOf(snapshot) : undefined;
    if (this.gateway) this.byId.set(this.gateway.id, this.gateway);
  }

  /**
   * The SQLite era: per agent, its database's findings, then its sessions (blocked first), then
   * the old era's leftover lock files, grouped and collapsed. Sessions have no lock here, so
   * `lockedOnly` keeps the sessions that have a finding.
   */
  private buildSqlite(snapshot: SessionsSnapshot): AgentNode[] {
    const lockedOnly = this.options.lockedOnly === true;
    const findings = snapshot.findings;
    (this as { eraNode: EraNode | undefined }).eraNode = { kind: 'era', id: 'era' };
    this.byId.set('era', this.eraNode!);
    const top: FindingNode[] = findings.filter((f) => f.agentId === undefined).map((finding) => ({ kind: 'finding', id: `finding:${finding.id}`, finding }));
    (this as { topFindings: readonly FindingNode[] }).topFindings = top;
    for (const node of top) this.rememberFinding(node);
    const roots: AgentNode[] = [];
    for (const agent of snapshot.agents) {
      if (agent.layout === 'missing' && agent.sessions.length === 0 && !agent.database && (agent.leftoverLocks ?? []).length === 0) continue;
      const children: ChildNode[] = [];
      const node: AgentNode = { kind: 'agent', id: `agent:${agent.id}`, agent, children, lockedCount: 0, sessionCount: agent.sessions.length };
      for (const finding of findings) {
        if (finding.agentId !== agent.id || finding.sessionKey !== undefined) continue;
        const child: FindingNode = { kind: 'finding', id: `finding:${finding.id}`, parent: node, finding };
        children.push(child);
        this.rememberFinding(child);
      }
      const sessions = agent.sessions.map((session) => ({ session, findings: findingsOf(findings, session) })).sort(compareSqliteSessions);
      const limit = this.options.freeSessionLimits?.get(agent.id) ?? this.options.freeSessionLimit ?? DEFAULT_FREE_SESSION_LIMIT;
      let plainShown = 0;
      let hidden = 0;
      let blocked = 0;
      for (const { session, findings: own } of sessions) {
        const plain = own.length === 0;
        if (plain && (lockedOnly || plainShown >= limit)) {
          if (!lockedOnly) hidden++;
          continue;
        }
        if (plain) plainShown++;
        if (own.some((f) => f.severity === 'warning' || f.severity === 'error')) blocked++;
        const key = session.key ?? session.sessionId;
        const id = `session:${agent.id}:${key}`;
        const child: SessionNode = session.sqlite ? { kind: 'session', id, parent: node, session, findings: own } : { kind: 'session', id, parent: node, session, lock: session.lock, findings: own };
        children.push(child);
        this.sqliteRows.push(child);
        this.bySessionKey.set(`${agent.id}\0${key}`, child);
        for (const f of own) this.byFindingId.set(f.id, child);
      }
      if (hidden > 0) children.push({ kind: 'more', id: `more:${agent.id}`, parent: node, hiddenCount: hidden });
      const leftovers = agent.leftoverLocks ?? [];
      if (leftovers.length > 0 && !lockedOnly) {
        const group: LeftoversNode = { kind: 'leftovers', id: `leftovers:${agent.id}`, parent: node, children: [] };
        (group as { children: readonly LeftoverNode[] }).children = leftovers.map((lock) => ({ kind: 'leftover', id: `leftover:${lock.lockPath}`, parent: group, lock }));
        children.push(group);
      }
      if (snapshot.era.unusedDatabases.includes(agent.id) && !lockedOnly) {
        children.push({ kind: 'notice', id: `notice:${agent.id}:unused-database`, parent: node, notice: 'unused-database' });
      } else if (agent.sessions.length === 0 && !agent.database?.failure && !lockedOnly) {
        children.push({ kind: 'notice', id: `notice:${agent.id}:no-sessions`, parent: node, notice: 'no-sessions' });
      }
      (node as { lockedCount: number }).lockedCount = blocked;
      if (lockedOnly && children.length === 0) continue;
      roots.push(node);
      this.byId.set(node.id, node);
      for (const child of children) {
        this.byId.set(child.id, child);
        if (child.kind === 'leftovers') for (const leftover of child.children) this.byId.set(leftover.id, leftover);
      }
    }
    for (const node of top) this.byId.set(node.id, node);
    return roots;
  }

  private rememberFinding(node: FindingNode): void {
    this.sqliteRows.push(node);
    this.byFindingId.set(node.finding.id, node);
  }

  /** SQLite era: every session and finding row, whose words tick with the clock. */
  sqliteNodes(): readonly (SessionNode | FindingNode)[] {
    return this.sqliteRows;
  }

  /** SQLite era: the row that shows a finding (its session's row, or its own). */
  nodeForFinding(findingId: string): FindingNode | SessionNode | undefined {
    return this.byFindingId.get(findingId);
  }

  /** SQLite era: a session's row by agent and key. */
  nodeForSessionKey(agentId: string, key: string): SessionNode | undefined {
    return this.bySessionKey.get(`${agentId}\0${key}`);
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
      const failuresOf = (s: JsonlSession) => (s.lock.level === 'free' ? undefined : failuresBehind(tally, s.lock.lockPath, s.key));
      const failed = (s: JsonlSession) => failuresOf(s)?.count ?? 0;
      // A JSONL-layout agent holds JSONL sessions only.
      const sessions = agent.sessions.filter((s): s is JsonlSession => !s.sqlite).sort((a, b) => compareSessions(a, b, failed));
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
        const child: JsonlSessionNode = {
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
    if (!node) return this.eraNode ? [this.eraNode, ...this.topFindings, ...this.roots] : this.gateway ? [this.gateway, ...this.roots] : this.roots;
    return node.kind === 'agent' || node.kind === 'leftovers' ? node.children : [];
  }

  parent(node: TreeNode): AgentNode | LeftoversNode | undefined {
    return node.kind === 'agent' || node.kind === 'era' || node.kind === 'gateway' ? undefined : node.parent;
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

  nodeForTranscript(transcriptPath: string): JsonlSessionNode | undefined {
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
