// Watches the locks over time: logs every verdict change, announces a lock once when it turns
// stale or crosses the error threshold, and (when the user opted in) clears locks whose owner
// is provably gone through the lock core's safe removal.
import * as vscode from 'vscode';
import { removeStaleLock } from '../lock';
import { Disposable } from './dispose';
import { removalLogLine } from './lockExplain';
import { formatDuration } from './lockPresentation';
import {
  AlertTracker,
  VerdictTracker,
  allLockViews,
  describeVerdictChange,
  isAutoClearable,
  lockEntries,
  lockIdentity,
  type LockAlert,
} from './lockStatus';
import type { SessionsState } from './sessionsState';
import type { LockCommands } from './lockCommands';

/** More alerts than this at once become one summary notification. */
const MAX_SEPARATE_ALERTS = 3;

export interface ShownAlert {
  message: string;
  actions: string[];
}

export class LockAlerts extends Disposable {
  private readonly alerts = new AlertTracker();
  private readonly verdicts = new VerdictTracker();
  /** Identities auto-clear already tried, so a kept lock is not retried on every scan. */
  private readonly autoClearTried = new Set<string>();
  private autoClearing: Promise<void> = Promise.resolve();
  /** Every notification shown, for tests. */
  readonly shown: ShownAlert[] = [];

  constructor(
    private readonly state: SessionsState,
    private readonly log: vscode.LogOutputChannel,
    private readonly commands: LockCommands,
  ) {
    super();
    this._register(
      state.onDidChange((tree) => {
        if (tree.snapshot) this.onSnapshot();
      }),
    );
    this._register(state.onDidTick(() => this.announce()));
  }

  /** Resolves when the auto-clear pass started by the last snapshot is over. */
  whenAutoClearDone(): Promise<void> {
    return this.autoClearing;
  }

  private onSnapshot(): void {
    const snapshot = this.state.snapshot;
    if (!snapshot) return;
    const views = allLockViews(snapshot);
    for (const change of this.verdicts.update(views)) {
      const line = describeVerdictChange(change);
      if (change.view && (change.view.severity === 'error' || change.view.severity === 'warning')) this.log.warn(line);
      else this.log.info(line);
    }
    // Forget attempts on locks that are gone, so the set stays as small as the state dir.
    const present = new Set(views.map(lockIdentity));
    for (const identity of this.autoClearTried) if (!present.has(identity)) this.autoClearTried.delete(identity);
    if (this.state.settings.autoClearDeadLocks) {
      const candidates = views.filter((view) => isAutoClearable(view) && !this.autoClearTried.has(lockIdentity(view)));
      for (const view of candidates) this.autoClearTried.add(lockIdentity(view));
      if (candidates.length > 0) {
        this.autoClearing = this.autoClearing.then(async () => {
          let removedAny = false;
          for (const view of candidates) {
            try {
              const result = await removeStaleLock(view.lockPath, { expected: view.inspection });
              this.log.info(removalLogLine(result, 'auto'));
              removedAny ||= result.removed;
            } catch (error) {
              this.log.error(`auto: failed ${view.lockPath}: ${error instanceof Error ? error.message : String(error)}`);
            }
          }
          if (removedAny) await this.state.refresh().catch(() => undefined);
        });
      }
    }
    this.announce();
  }

  private announce(): void {
    const entries = lockEntries(this.state.tree, this.state.settings.thresholds, Date.now());
    let alerts = this.alerts.update(entries);
    // Locks auto-clear is about to remove need nobody's attention.
    if (this.state.settings.autoClearDeadLocks) alerts = alerts.filter((alert) => !isAutoClearable(alert.entry.node.lock));
    if (alerts.length === 0) return;
    if (alerts.length > MAX_SEPARATE_ALERTS) this.showSummary(alerts);
    else for (const alert of alerts) this.showOne(alert);
  }

  private showOne(alert: LockAlert): void {
    const { entry } = alert;
    const lock = entry.node.lock;
    const age = entry.moment.ageMs === undefined ? '' : ` ${formatDuration(entry.moment.ageMs)}`;
    const message =
      alert.kind === 'stale'
        ? vscode.l10n.t(
            'The lock of session "{0}" is stale ({1}{2}): OpenClaw cannot write to it until the lock is cleared.',
            entry.title,
            lock.reasons.join(', ') || 'stale',
            lock.pid === undefined ? '' : `, pid ${lock.pid}`,
          )
        : vscode.l10n.t('Session "{0}" has been locked for{1} by pid {2}, past its limit.', entry.title, age, String(lock.pid ?? 'unknown'));
    const clear = vscode.l10n.t('Clear Stale Lock');
    const show = vscode.l10n.t('Show');
    const actions = alert.clearable ? [clear, show] : [show];
    this.shown.push({ message, actions });
    void Promise.resolve(vscode.window.showWarningMessage(message, ...actions)).then(async (choice) => {
      if (choice === clear) await this.commands.clearStaleLock(lock.lockPath);
      else if (choice === show) await this.commands.revealLockNode(lock.lockPath);
    });
  }

  private showSummary(alerts: LockAlert[]): void {
    const stale = alerts.filter((alert) => alert.kind === 'stale').length;
    const message = vscode.l10n.t(
      '{0} OpenClaw session locks need attention: {1} stale, {2} held too long.',
      alerts.length,
      stale,
      alerts.length - stale,
    );
    const clearAll = vscode.l10n.t('Clear All Stale Locks');
    const show = vscode.l10n.t('Show');
    const actions = stale > 0 ? [clearAll, show] : [show];
    this.shown.push({ message, actions });
    void Promise.resolve(vscode.window.showWarningMessage(message, ...actions)).then(async (choice) => {
      if (choice === clearAll) await this.commands.clearAllStaleLocks();
      else if (choice === show) await this.commands.revealWorstLock();
    });
  }
}
