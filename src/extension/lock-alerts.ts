// Watches the locks over time: logs every verdict change, announces a lock once when it turns
// stale or crosses the error threshold, and (when the user opted in) clears locks whose owner
// is provably gone through the lock core's safe removal.
//
// An alert lives exactly as long as what it describes. VS Code offers no way to close a
// message notification (showWarningMessage) from code, so each alert is a notification-area
// progress whose task ends when its lock is cleared, replaced or changes level; its actions
// are command links in its text, and "Dismiss" ends it by hand.
import * as vscode from 'vscode';
import { removeStaleLock } from '../lock';
import { createCommand } from './commands';
import { Disposable, toDisposable } from './dispose';
import { removalLogLine } from './lock-explain';
import { createdAtMs, formatClockTime } from './clock-time';
import { findingAlertMessage } from './sqlite-presentation';
import { AlertTracker, FindingAlertTracker, type FindingAlert, type LockAlert } from './alert-tracking';
import { isAutoClearable } from './auto-clear';
import { VerdictTracker, allLockViews, describeVerdictChange, lockIdentity } from './lock-verdicts';
import type { SessionsState } from './sessions-state';
import type { LockCommands } from './lock-commands';
import { failingMessagesNotice } from '../wording/failures';

/** More alerts than this at once become one summary notification. */
const MAX_SEPARATE_ALERTS = 3;
const DISMISS_ALERT_ID = 'dismissLockAlert';
const REVEAL_LOCK_ID = 'revealLock';
export const DISMISS_ALERT_COMMAND = `openclawSessions.${DISMISS_ALERT_ID}`;
export const REVEAL_LOCK_COMMAND = `openclawSessions.${REVEAL_LOCK_ID}`;
const SUMMARY_KEY = 'summary';

export interface AlertLink {
  title: string;
  command: string;
  args: unknown[];
}

export interface ShownAlert {
  key: string;
  message: string;
  /** The titles of the lock actions offered (links in the notification). */
  actions: string[];
  links: AlertLink[];
  /** Set once the notification is gone: its lock changed or went away, or the user dismissed it. */
  closedBecause?: 'lock-changed' | 'dismissed' | 'disposed';
}

export function commandLink(link: AlertLink): string {
  return `[${link.title}](command:${link.command}?${encodeURIComponent(JSON.stringify(link.args))})`;
}

export class LockAlerts extends Disposable {
  private readonly alerts = new AlertTracker();
  private readonly findingAlerts = new FindingAlertTracker();
  private readonly verdicts = new VerdictTracker();
  /** Identities auto-clear already tried, so a kept lock is not retried on every scan. */
  private readonly autoClearTried = new Set<string>();
  private autoClearing: Promise<void> = Promise.resolve();
  /** Notifications on screen (toast or notification center), by alert key. */
  private readonly open = new Map<string, { shown: ShownAlert; close: () => void }>();
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
    this._register(createCommand({ log }, DISMISS_ALERT_ID, vscode.l10n.t('Dismiss Lock Alert'), (key: unknown) => this.close(String(key), 'dismissed')));
    this._register(createCommand({ log }, REVEAL_LOCK_ID, vscode.l10n.t('Show Lock'), (lockPath: unknown) => this.commands.revealLockNode(String(lockPath))));
    this._register(toDisposable(() => {
      for (const key of [...this.open.keys()]) this.close(key, 'disposed');
    }));
  }

  /** Resolves when the auto-clear pass started by the last snapshot is over. */
  whenAutoClearDone(): Promise<void> {
    return this.autoClearing;
  }

  /** The alerts still on screen. */
  openAlerts(): ShownAlert[] {
    return [...this.open.values()].map((entry) => entry.shown);
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
          if (removedAny) await this.state.refreshQuietly();
        });
      }
    }
    this.announce();
  }

  private announce(): void {
    const now = Date.now();
    const graded = this.state.gradedAt(now);
    let alerts = this.alerts.update(graded.locks);
    const findingAlerts = this.findingAlerts.update(graded.attention);
    // What no longer describes a lock (or a finding) as it is goes away; the summary, once no alert is left.
    const current = this.alerts.current;
    const currentFindings = this.findingAlerts.current;
    for (const key of [...this.open.keys()]) {
      const stillTrue = key === SUMMARY_KEY ? current.size > 0 : current.has(key) || currentFindings.has(key);
      if (!stillTrue) this.close(key, 'lock-changed');
    }
    for (const alert of findingAlerts.slice(0, MAX_SEPARATE_ALERTS)) this.showFinding(alert, now);
    // Locks auto-clear is about to remove need nobody's attention.
    if (this.state.settings.autoClearDeadLocks) alerts = alerts.filter((alert) => !isAutoClearable(alert.entry.node.lock));
    if (alerts.length === 0) return;
    if (alerts.length > MAX_SEPARATE_ALERTS) this.showSummary(alerts);
    else for (const alert of alerts) this.showOne(alert);
  }

  private showOne(alert: LockAlert): void {
    const { entry } = alert;
    const lock = entry.node.lock;
    const message =
      alert.kind === 'stale'
        ? lock.pid === undefined
          ? vscode.l10n.t('The lock of session "{0}" is stale ({1}): OpenClaw cannot write to it until the lock is cleared.', entry.title, lock.reasons.join(', ') || 'stale')
          : vscode.l10n.t('The lock of session "{0}" is stale ({1}, pid {2}): OpenClaw cannot write to it until the lock is cleared.', entry.title, lock.reasons.join(', ') || 'stale', lock.pid)
        : vscode.l10n.t(
            // A time, not an age: a notification's text does not tick.
            'Session "{0}" has been locked by pid {1} since {2}, past its limit.',
            entry.title,
            String(lock.pid ?? 'unknown'),
            formatClockTime(createdAtMs(lock.createdAt) ?? Date.now() - (entry.moment.ageMs ?? 0), Date.now()),
          );
    // What the lock costs, when OpenClaw's log says: "7 messages to "Ops Discord" are failing (since 14:20)."
    const failing = entry.node.failures ? ` ${failingMessagesNotice(entry.node.failures, entry.title, Date.now(), vscode.l10n.t)}` : '';
    const actions: AlertLink[] = [
      ...(alert.clearable ? [{ title: vscode.l10n.t('Clear Stale Lock'), command: 'openclawSessions.clearStaleLock', args: [lock.lockPath] }] : []),
      { title: vscode.l10n.t('Show'), command: REVEAL_LOCK_COMMAND, args: [lock.lockPath] },
    ];
    this.show(alert.key, message + failing, actions);
  }

  /** "Ops Discord: a run has been hung for 7m; messages queue behind it", with OpenClaw's remedy as the action. */
  private showFinding(alert: FindingAlert, now: number): void {
    const { finding, title } = alert.entry;
    const message = findingAlertMessage(title, finding, now, vscode.l10n.t);
    const key = finding.sessionKey;
    const actions: AlertLink[] = [];
    if (key !== undefined && (finding.kind === 'run-hung' || finding.kind === 'queue-stalled') && finding.remedies.some((r) => r.action === 'abort' || r.action === 'abort-clear-queued')) {
      actions.push({ title: vscode.l10n.t('Abort Run'), command: 'openclawSessions.abortRun', args: [key] });
    }
    if (key !== undefined && finding.kind === 'tombstone') actions.push({ title: vscode.l10n.t('Recover Session'), command: 'openclawSessions.recoverSession', args: [key] });
    if (finding.remedies.some((r) => r.gatewayMustBeStopped && r.command)) actions.push({ title: vscode.l10n.t('Copy Command'), command: 'openclawSessions.copyRemedyCommand', args: [finding.id] });
    actions.push({ title: vscode.l10n.t('Show'), command: REVEAL_LOCK_COMMAND, args: [finding.id] });
    this.log.warn(`alert: ${message}`);
    this.show(alert.key, message, actions);
  }

  private showSummary(alerts: LockAlert[]): void {
    const stale = alerts.filter((alert) => alert.kind === 'stale').length;
    const message = vscode.l10n.t(
      '{0} OpenClaw session locks need attention: {1} stale, {2} held too long.',
      alerts.length,
      stale,
      alerts.length - stale,
    );
    const actions: AlertLink[] = [
      ...(stale > 0 ? [{ title: vscode.l10n.t('Clear All Stale Locks'), command: 'openclawSessions.clearAllStaleLocks', args: [] }] : []),
      { title: vscode.l10n.t('Show'), command: 'openclawSessions.revealWorstLock', args: [] },
    ];
    this.close(SUMMARY_KEY, 'lock-changed');
    this.show(SUMMARY_KEY, message, actions);
  }

  private show(key: string, message: string, actions: AlertLink[]): void {
    const shown: ShownAlert = { key, message, actions: actions.map((a) => a.title), links: actions };
    this.shown.push(shown);
    let close!: () => void;
    const closed = new Promise<void>((resolve) => { close = resolve; });
    this.open.set(key, { shown, close });
    // Cancellable: its button keeps the toast expanded (links visible) and dismisses it by hand.
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => this.close(key, 'dismissed'));
      // A tiny increment turns the endless progress animation into an empty, still bar: nothing is "running".
      progress.report({ message: `${message} ${actions.map(commandLink).join(' · ')}`, increment: 0.001 });
      return closed;
    });
  }

  private close(key: string, why: NonNullable<ShownAlert['closedBecause']>): void {
    const entry = this.open.get(key);
    if (!entry) return;
    this.open.delete(key);
    entry.shown.closedBecause = why;
    entry.close();
  }
}
