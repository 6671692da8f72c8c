// Grading a whole snapshot. A snapshot keeps the facts (lock inspections with their ages at
// `scannedAt`, a SQLite era's rows and leases) beside its verdicts at the thresholds it was
// scanned with; here they are judged at another moment (what the CLI prints, the extension's
// tick) or against other thresholds: a changed setting re-grades the snapshot at hand instead
// of reading the disk again. The rules themselves are levels.ts's and findings.ts's.
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
