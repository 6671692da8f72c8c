// What the status bar, the alerts, the decorations, the view and the commands show: every lock
// file once with its level right now, and the SQLite era's findings that need attention, worst
// first, graded once per tick. Pure (no `vscode`, no disk), so node --test covers the order,
// the once-each rules and the once-per-tick grading.
import { gradeFindings } from '../sessions/findings';
import type { Finding, LockThresholds, LockView } from '../sessions/types';
import { countsAsAttention } from './sqlite-presentation';
import { levelRank } from '../sessions/levels';
import { lockMoment, type LockMoment } from './lock-presentation';
import { titleOf, type LockedNode, type SessionsTreeModel } from './tree-model';

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

/** Everything that moves with the clock, graded once for one tree model at one second. */
export interface GradedEntries {
  model: SessionsTreeModel;
  thresholds: LockThresholds;
  /** The second graded (epoch ms, floored). */
  second: number;
  /** Every lock once with its level right now, worst first. */
  locks: readonly LockEntry[];
  /** SQLite era: every finding re-graded now (a run crosses the thresholds with no file changing). */
  findings: readonly Finding[];
  /** SQLite era: the findings that count, one per session, worst first. */
  attention: readonly FindingEntry[];
  /** A row's lock right now: from `locks`, or (a free or leftover lock) graded alone. */
  momentOf(view: LockView): LockMoment;
}

export function gradeEntries(model: SessionsTreeModel, thresholds: LockThresholds, now: number): GradedEntries {
  const snapshot = model.snapshot;
  const scannedAt = snapshot?.scannedAt ?? now;
  const locks = lockEntries(model, thresholds, now);
  const findings = snapshot?.layout === 'sqlite' ? gradeFindings(snapshot, thresholds, now) : [];
  const graded = new Map(locks.map((entry) => [entry.node.lock, entry.moment]));
  return {
    model,
    thresholds,
    second: Math.floor(now / 1000) * 1000,
    locks,
    findings,
    attention: findingEntries(model, findings),
    momentOf: (view) => graded.get(view) ?? lockMoment(view, thresholds, scannedAt, now),
  };
}

/**
 * The one graded list per tree model and second: the view, the badge, the decorations, the
 * alerts and the commands all read the same verdicts within a tick, and new thresholds grade
 * it again without a scan.
 */
export class GradedEntriesClock {
  private last: GradedEntries | undefined;

  at(model: SessionsTreeModel, thresholds: LockThresholds, now: number): GradedEntries {
    const second = Math.floor(now / 1000) * 1000;
    const last = this.last;
    if (last && last.model === model && last.second === second && last.thresholds.warnMs === thresholds.warnMs && last.thresholds.errorMs === thresholds.errorMs) return last;
    return (this.last = gradeEntries(model, thresholds, now));
  }
}
