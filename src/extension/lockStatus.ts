// The decisions behind the status bar, the notifications and auto-clear.
// Pure (no `vscode`, no disk), so node --test covers every rule.
import { allLocks } from '../sessions/find';
import type { Finding, LockThresholds, LockView, SessionsSnapshot } from '../sessions/types';
import { countsAsAttention, findingRowLabel } from './sqlitePresentation';
import type { StaleReason } from '../lock/types';
import { LEVEL_PRESENTATION, formatDuration, levelRank, lockMoment, type LockMoment } from './lockPresentation';
import { titleOf, type LockedNode, type SessionsTreeModel } from './treeModel';
import { failedCell } from '../wording/failures';
import { untranslated, type Translate } from '../wording/locks';
import type { GatewayBadge } from './gatewayPresentation';

export interface LockEntry {
  node: LockedNode;
  title: string;
  moment: LockMoment;
}

/**
 * Every lock file in the model, once (two rows that share one lock file, such as a session and
 * its topic, are one lock), with its level right now, worst first.
 */
export function lockEntries(model: SessionsTreeModel, thresholds: LockThresholds, now: number): LockEntry[] {
  const scannedAt = model.snapshot?.scannedAt ?? now;
  const seen = new Set<string>();
  const entries: LockEntry[] = [];
  for (const node of model.lockedNodes()) {
    if (seen.has(node.lock.lockPath)) continue;
    seen.add(node.lock.lockPath);
    entries.push({ node, title: titleOf(node), moment: lockMoment(node.lock, thresholds, scannedAt, now) });
  }
  // A lock with failed messages behind it first (the tree's order): it is what costs the user now.
  const failed = (e: LockEntry) => e.node.failures?.count ?? 0;
  entries.sort((a, b) => failed(b) - failed(a) || levelRank(b.moment.level) - levelRank(a.moment.level) || (b.moment.ageMs ?? 0) - (a.moment.ageMs ?? 0));
  return entries;
}

/** SQLite era: a finding that needs attention, with who it is about. */
export interface FindingEntry {
  finding: Finding;
  /** The session's title, "agent <id>" or "state dir". */
  title: string;
}

/**
 * The SQLite era's count: findings at warning or error (a hung run, a tombstone, a stalled
 * queue, a large WAL…), as re-graded now, worst first. Leftover lock files are not findings,
 * so they never count; a run under the thresholds is information, not a count.
 */
export function findingEntries(model: SessionsTreeModel, findings: readonly Finding[]): FindingEntry[] {
  // One per session (its worst: findings come most severe first), as the rows show them: a hung
  // run with messages queued behind it is one blocked session, not two.
  const seen = new Set<string>();
  const entries: FindingEntry[] = [];
  for (const finding of findings) {
    if (!countsAsAttention(finding)) continue;
    if (finding.sessionKey !== undefined) {
      const session = `${finding.agentId}\0${finding.sessionKey}`;
      if (seen.has(session)) continue;
      seen.add(session);
    }
    entries.push({ finding, title: findingSubject(model, finding) });
  }
  return entries;
}

export function findingSubject(model: SessionsTreeModel, f: Pick<Finding, 'agentId' | 'sessionKey'>): string {
  if (f.agentId !== undefined && f.sessionKey !== undefined) return model.nodeForSessionKey(f.agentId, f.sessionKey)?.session.title ?? f.sessionKey;
  return f.agentId !== undefined ? `agent ${f.agentId}` : 'state dir';
}

export type StatusBackground = 'none' | 'warning' | 'error';

export interface StatusSummary {
  /** Lock files present (any level but free). 0 hides the item, unless the gateway needs attention. */
  count: number;
  /** The gateway's part, when it is down, not answering, not ready or starting. */
  gateway?: GatewayBadge;
  text: string;
  background: StatusBackground;
  tooltip: string;
  worst?: LockEntry;
  /** SQLite era: the worst finding (what the item's click reveals). */
  worstFinding?: FindingEntry;
}

const MAX_TOOLTIP_LOCKS = 15;

/**
 * The badge. `failuresLine`: what OpenClaw's log says, for the tooltip ("7 messages failed since
 * 14:20 (…)"). A gateway that is down or not ready where one is meant to run is an error state
 * of its own, shown even with no lock; one that is simply not running where nothing calls for
 * it never reaches here (its severity is info).
 */
export function summarizeStatus(entries: readonly LockEntry[], failuresLine?: string, t: Translate = untranslated, gateway?: GatewayBadge): StatusSummary {
  const count = entries.length;
  let background: StatusBackground = gateway?.severity ?? 'none';
  for (const entry of entries) {
    if (background === 'error') break;
    if (entry.moment.severity === 'error') {
      background = 'error';
      break;
    }
    if (entry.moment.severity === 'warning') background = 'warning';
  }
  const lines = entries.slice(0, MAX_TOOLTIP_LOCKS).map((entry) => {
    const parts = [LEVEL_PRESENTATION[entry.moment.level].label];
    if (entry.node.failures) parts.push(failedCell(entry.node.failures.count, t));
    if (entry.node.lock.reasons.length > 0) parts.push(entry.node.lock.reasons.join(', '));
    if (entry.moment.ageMs !== undefined) parts.push(formatDuration(entry.moment.ageMs));
    if (entry.node.lock.pid !== undefined) parts.push(`pid ${entry.node.lock.pid}`);
    return `${entry.title}: ${parts.join(', ')}`;
  });
  if (entries.length > MAX_TOOLTIP_LOCKS) lines.push(`… and ${entries.length - MAX_TOOLTIP_LOCKS} more`);
  const heading = count === 1 ? '1 OpenClaw session lock' : `${count} OpenClaw session locks`;
  const lockText = count === 0 ? 'No OpenClaw session locks' : [heading, ...lines, ...(failuresLine ? ['', failuresLine] : []), '', 'Click to show the worst lock.'].join('\n');
  return {
    count,
    text: gateway ? (count > 0 ? `$(lock) ${count}  ${gateway.text}` : gateway.text) : `$(lock) ${count}`,
    background,
    tooltip: gateway ? `${gateway.tooltip}\n\n${lockText}` : lockText,
    worst: entries[0],
    ...(gateway ? { gateway } : {}),
  };
}

/** The SQLite era's item: `$(database) N` findings that need attention, red when one is an error. */
export function summarizeFindingStatus(entries: readonly FindingEntry[], now: number): StatusSummary {
  const count = entries.length;
  const background: StatusBackground = entries.some((e) => e.finding.severity === 'error') ? 'error' : count > 0 ? 'warning' : 'none';
  const lines = entries.slice(0, MAX_TOOLTIP_LOCKS).map((e) => `${e.title}: ${findingRowLabel(e.finding, now)}`);
  if (entries.length > MAX_TOOLTIP_LOCKS) lines.push(`… and ${entries.length - MAX_TOOLTIP_LOCKS} more`);
  const heading = count === 1 ? '1 OpenClaw session blocked or at risk' : `${count} OpenClaw sessions blocked or at risk`;
  return {
    count,
    text: `$(database) ${count}`,
    background,
    tooltip: count === 0 ? 'Nothing blocks any OpenClaw session' : [heading, ...lines, '', 'Click to show the worst.'].join('\n'),
    ...(entries[0] ? { worstFinding: entries[0] } : {}),
  };
}

/**
 * Who a lock is: the same file with the same payload. A lock re-created for the same
 * session (new inode or new bytes) is a new lock and may be announced again.
 */
export function lockIdentity(view: LockView): string {
  const identity = view.inspection.identity;
  return [view.lockPath, identity?.dev ?? '', identity?.ino ?? '', view.pid ?? '', view.createdAt ?? ''].join('|');
}

export type AlertKind = 'stale' | 'held-too-long';

export interface LockAlert {
  /** `kind|identity`: the same lock in the same state; a new inode, pid or level is a new alert. */
  key: string;
  kind: AlertKind;
  entry: LockEntry;
  /** Offer "Clear Stale Lock" only when removal is provably safe. */
  clearable: boolean;
}

/**
 * Remembers which locks were already announced, so a notification appears once when a lock
 * turns stale or crosses the error threshold, not on every refresh or tick.
 */
export class AlertTracker {
  private announced = new Set<string>();

  /** The alert keys (`kind|identity`) that still describe a lock as it is now. */
  get current(): ReadonlySet<string> {
    return this.announced;
  }

  update(entries: readonly LockEntry[]): LockAlert[] {
    const present = new Set<string>();
    const alerts: LockAlert[] = [];
    for (const entry of entries) {
      const identity = lockIdentity(entry.node.lock);
      const kind: AlertKind | undefined =
        entry.moment.level === 'stale' ? 'stale' : entry.moment.level === 'held-too-long' ? 'held-too-long' : undefined;
      if (kind) {
        // Messages starting to fail behind an announced lock is news: the alert is replaced by one that says so.
        const key = `${kind}|${identity}${entry.node.failures ? '|failing' : ''}`;
        present.add(key);
        if (!this.announced.has(key)) {
          alerts.push({ key, kind, entry, clearable: kind === 'stale' && entry.node.lock.inspection.reclaimable });
        }
      }
    }
    // Forget locks that went away, keep the rest: an alert is shown once per lock.
    this.announced = present;
    return alerts;
  }
}

/** Reasons auto-clear acts on: the owner is provably gone. */
const AUTO_CLEAR_REASONS: readonly StaleReason[] = ['dead-pid', 'recycled-pid'];

export function isAutoClearable(view: LockView): boolean {
  return (
    view.level === 'stale' &&
    view.inspection.reclaimable &&
    view.inspection.state === 'stale' &&
    view.reasons.some((reason) => AUTO_CLEAR_REASONS.includes(reason))
  );
}

/** Every lock file in a snapshot, once each, whatever the view's filters: the session model's list. */
export function allLockViews(snapshot: SessionsSnapshot | undefined): LockView[] {
  return snapshot ? allLocks(snapshot).map((entry) => entry.view) : [];
}

/** A verdict change worth a log line: a lock appeared, changed level, or went away. */
export interface VerdictChange {
  lockPath: string;
  from?: string;
  to?: string;
  view?: LockView;
}

export class VerdictTracker {
  private last = new Map<string, { level: string; identity: string }>();

  update(views: readonly LockView[]): VerdictChange[] {
    const next = new Map<string, { level: string; identity: string }>();
    const changes: VerdictChange[] = [];
    for (const view of views) {
      const identity = lockIdentity(view);
      const before = this.last.get(view.lockPath);
      next.set(view.lockPath, { level: view.level, identity });
      if (!before || before.level !== view.level || before.identity !== identity) {
        changes.push({ lockPath: view.lockPath, from: before?.level, to: view.level, view });
      }
    }
    for (const [lockPath, before] of this.last) {
      if (!next.has(lockPath)) changes.push({ lockPath, from: before.level, to: undefined });
    }
    this.last = next;
    return changes;
  }
}

export function describeVerdictChange(change: VerdictChange): string {
  if (!change.view) return `lock gone (was ${change.from}): ${change.lockPath}`;
  const view = change.view;
  const details = [
    view.pid !== undefined ? `pid=${view.pid}` : undefined,
    view.inspection.owner ? `alive=${view.inspection.owner.alive}` : undefined,
    view.ageMs !== undefined ? `ageMs=${Math.round(view.ageMs)}` : undefined,
    view.maxHoldMs !== undefined ? `maxHoldMs=${view.maxHoldMs}` : undefined,
    view.reasons.length > 0 ? `reasons=${view.reasons.join(',')}` : undefined,
    view.inspection.problem ? `problem=${JSON.stringify(view.inspection.problem)}` : undefined,
  ].filter((part) => part !== undefined);
  const transition = change.from ? `${change.from} → ${view.level}` : `new lock, ${view.level}`;
  return `${transition} ${details.join(' ')}: ${view.lockPath}`;
}

/** SQLite era: a finding announced once, when it becomes an error (a hung run past the error threshold, a tombstone…). */
export interface FindingAlert {
  key: string;
  entry: FindingEntry;
}

/**
 * Remembers which findings were announced, as `id|kind`: the same hung run is announced once,
 * not on every tick; once it ends (or turns into another kind) it may be announced again.
 */
export class FindingAlertTracker {
  private announced = new Set<string>();

  get current(): ReadonlySet<string> {
    return this.announced;
  }

  update(entries: readonly FindingEntry[]): FindingAlert[] {
    const present = new Set<string>();
    const alerts: FindingAlert[] = [];
    for (const entry of entries) {
      if (entry.finding.severity !== 'error') continue;
      const key = `finding|${entry.finding.id}|${entry.finding.kind}`;
      present.add(key);
      if (!this.announced.has(key)) alerts.push({ key, entry });
    }
    this.announced = present;
    return alerts;
  }
}
