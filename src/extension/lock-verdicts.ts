// Which lock is which across scans, and the log line when one's verdict changes: a lock
// appeared, changed level, or went away. Pure (no `vscode`, no disk).
import { allLocks } from '../sessions/find';
import type { LockView, SessionsSnapshot } from '../sessions/types';

/**
 * Who a lock is: the same file with the same payload. A lock re-created for the same
 * session (new inode or new bytes) is a new lock and may be announced again.
 */
export function lockIdentity(view: LockView): string {
  const identity = view.inspection.identity;
  return [view.lockPath, identity?.dev ?? '', identity?.ino ?? '', view.pid ?? '', view.createdAt ?? ''].join('|');
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
