// Which alerts are news: a lock that turned stale or crossed the error threshold, a SQLite-era
// finding that became an error, each announced once. Pure (no `vscode`, no disk).
import type { FindingEntry, LockEntry } from './graded-entries';
import { lockIdentity } from './lock-verdicts';

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
 * Remembers which alerts were announced, by key, so each appears once while what it describes
 * lasts, not on every refresh or tick; once it goes away (or its key changes) it may come again.
 */
export class AnnouncedOnce<E, A extends { key: string }> {
  private announced = new Set<string>();

  constructor(private readonly alertOf: (entry: E) => A | undefined) {}

  /** The keys that still describe something as it is now. */
  get current(): ReadonlySet<string> {
    return this.announced;
  }

  update(entries: readonly E[]): A[] {
    const present = new Set<string>();
    const alerts: A[] = [];
    for (const entry of entries) {
      const alert = this.alertOf(entry);
      if (!alert) continue;
      present.add(alert.key);
      if (!this.announced.has(alert.key)) alerts.push(alert);
    }
    // Forget what went away, keep the rest.
    this.announced = present;
    return alerts;
  }
}

function lockAlertOf(entry: LockEntry): LockAlert | undefined {
  const kind: AlertKind | undefined =
    entry.moment.level === 'stale' ? 'stale' : entry.moment.level === 'held-too-long' ? 'held-too-long' : undefined;
  if (!kind) return undefined;
  // Messages starting to fail behind an announced lock is news: the alert is replaced by one that says so.
  const key = `${kind}|${lockIdentity(entry.node.lock)}${entry.node.failures ? '|failing' : ''}`;
  return { key, kind, entry, clearable: kind === 'stale' && entry.node.lock.inspection.reclaimable };
}

/** A lock announced once when it turns stale or crosses the error threshold; its keys are `kind|identity`. */
export class AlertTracker extends AnnouncedOnce<LockEntry, LockAlert> {
  constructor() {
    super(lockAlertOf);
  }
}

/** SQLite era: a finding announced once, when it becomes an error (a hung run past the error threshold, a tombstone…). */
export interface FindingAlert {
  key: string;
  entry: FindingEntry;
}

/**
 * A finding announced once, as `id|kind`: the same hung run once, not on every tick; once it
 * ends (or turns into another kind) it may be announced again.
 */
export class FindingAlertTracker extends AnnouncedOnce<FindingEntry, FindingAlert> {
  constructor() {
    super((entry) => (entry.finding.severity === 'error' ? { key: `finding|${entry.finding.id}|${entry.finding.kind}`, entry } : undefined));
  }
}
