// Grading in one place: a snapshot's facts (lock inspections and their ages at `scannedAt`, a
// SQLite era's rows and leases) judged against the {warn, error} thresholds at a moment. The
// CLI grades each snapshot it prints through here, the extension once per tick, and a changed
// setting re-grades the snapshot it has instead of reading the disk again.
import { allLocks, type LockEntry } from './find';
import { gradeFindings } from './findings';
import { ageLockView, regradeLockView } from './levels';
import { mapAgentLocks } from './jsonl/update';
import type { Finding, LockThresholds, SessionsSnapshot } from './types';

/** Everything that needs a verdict, graded at `at`. */
export interface GradedSnapshot {
  snapshot: SessionsSnapshot;
  at: number;
  thresholds: LockThresholds;
  /** Every lock file (any level but free), once each, in agent order, aged to `at`. */
  locks: LockEntry[];
  /** What blocks sessions (the SQLite era's rows and leases, the gateway), most severe first. */
  findings: Finding[];
}

export function gradeSnapshot(snapshot: SessionsSnapshot, thresholds: LockThresholds, at = snapshot.scannedAt): GradedSnapshot {
  return { snapshot, at, thresholds, locks: gradeLocks(snapshot, thresholds, at), findings: gradeFindings(snapshot, thresholds, at) };
}

/** Every lock file (any level but free), once each, as it is at `at`: ages tick from the scan without rereading the disk. */
export function gradeLocks(snapshot: SessionsSnapshot, thresholds: LockThresholds, at = snapshot.scannedAt): LockEntry[] {
  const delta = at - snapshot.scannedAt;
  return allLocks(snapshot).map((entry) => ({ ...entry, view: ageLockView(entry.view, delta, thresholds) }));
}

/**
 * The same snapshot judged against other thresholds: every lock's level afresh from its
 * inspection, the findings again at `scannedAt`. No disk is read; the scan's facts stand.
 */
export function regradeSnapshot(snapshot: SessionsSnapshot, thresholds: LockThresholds): SessionsSnapshot {
  const regraded: SessionsSnapshot = {
    ...snapshot,
    agents: snapshot.agents.map((agent) => mapAgentLocks(agent, (view) => regradeLockView(view, thresholds))),
  };
  regraded.findings = snapshot.era.era === 'sqlite' ? gradeFindings(regraded, thresholds, snapshot.scannedAt) : [];
  return regraded;
}
