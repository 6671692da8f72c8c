// `watch` in the SQLite era: what blocks sessions appears, changes severity (a run crossing
// the warn threshold) or resolves. Findings age without any file changing, so `watch`
// re-grades them every second and reports only transitions, never the ticking age itself.
import { gradeSnapshot, type Finding, type LockThresholds, type SessionsSnapshot } from '../sessions';
import { explainFinding, findingLabel } from '../wording/findings';
import { findingSubject, findingWords } from './sqlite-status';

export interface FindingChange {
  change: 'added' | 'changed' | 'resolved';
  finding: Finding;
  previousSeverity: string | null;
  subject: string;
  label: string;
  explanation: string;
}

export class FindingChanges {
  private seen: Map<string, { finding: Finding; subject: string; label: string; explanation: string }> | undefined;

  /** Transitions since the last call; undefined on the first (the caller prints the whole state). */
  next(snapshot: SessionsSnapshot, thresholds: LockThresholds, now: number): FindingChange[] | undefined {
    const current = new Map<string, { finding: Finding; subject: string; label: string; explanation: string }>();
    if (snapshot.layout === 'sqlite') {
      for (const finding of gradeSnapshot(snapshot, thresholds, now).findings) {
        const words = findingWords(finding, now);
        current.set(finding.id, { finding, subject: findingSubject(snapshot, finding), label: findingLabel(words), explanation: explainFinding(words) });
      }
    }
    const before = this.seen;
    this.seen = current;
    if (!before) return undefined;
    const changes: FindingChange[] = [];
    for (const [id, now] of current) {
      const was = before.get(id);
      if (!was) changes.push({ change: 'added', previousSeverity: null, ...now });
      else if (was.finding.severity !== now.finding.severity || was.finding.kind !== now.finding.kind) changes.push({ change: 'changed', previousSeverity: was.finding.severity, ...now });
    }
    for (const [id, was] of before) if (!current.has(id)) changes.push({ change: 'resolved', previousSeverity: was.finding.severity, ...was });
    return changes;
  }

  /** The findings as of the last call (for a `start` object). */
  get current(): Finding[] {
    return [...(this.seen?.values() ?? [])].map((s) => s.finding);
  }
}
