// The status bar badge: `$(lock) N`, hidden when no lock exists, yellow past the warning
// threshold, red when a lock is stale or held past the error threshold or its maxHoldMs, and
// red too (with no lock) when the gateway is down or not ready where one is meant to run.
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { gatewayBadge } from './gateway-presentation';
import { summarizeFindingStatus, summarizeStatus, type StatusSummary } from './lock-status';
import type { SessionsState } from './sessions-state';
import { failuresSummaryText } from '../wording/failures';

export const STATUS_ITEM_ID = 'openclawSessions.status';

export class LockStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private _summary: StatusSummary = summarizeStatus([]);

  constructor(private readonly state: SessionsState) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 50));
    this.item.name = vscode.l10n.t('OpenClaw Session Locks');
    this.item.command = 'openclawSessions.revealWorstLock';
    this._register(state.onDidChange(() => this.update()));
    this._register(state.onDidTick(() => this.update()));
    this.update();
  }

  /** What the item shows now; read by tests through the extension's API. */
  get summary(): StatusSummary & { visible: boolean } {
    return { ...this._summary, visible: this.visible(this._summary) };
  }

  private visible(summary: StatusSummary): boolean {
    return summary.count > 0 || summary.gateway !== undefined;
  }

  private update(): void {
    const now = Date.now();
    const { tally, file } = this.state.failures;
    // Only when messages failed: "no failed messages" on every lock's tooltip would be noise.
    const failuresLine = tally.total > 0 ? failuresSummaryText({ total: tally.total, since: tally.since, firstAt: tally.firstAt, file, found: true }, now, vscode.l10n.t) : undefined;
    const gateway = gatewayBadge(this.state.tree.snapshot?.gatewayHealth, now, vscode.l10n.t);
    // The SQLite era has no session locks: what it counts is what blocks sessions, re-graded each tick.
    const summary =
      this.state.snapshot?.layout === 'sqlite'
        ? summarizeFindingStatus(this.state.gradedAt(now).attention, now)
        : summarizeStatus(this.state.gradedAt(now).locks, failuresLine, vscode.l10n.t, gateway);
    this._summary = summary;
    if (!this.visible(summary)) {
      this.item.hide();
      return;
    }
    this.item.text = summary.text;
    this.item.tooltip = summary.tooltip;
    this.item.backgroundColor =
      summary.background === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : summary.background === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = {
      label: summary.worstFinding
        ? vscode.l10n.t('{0} OpenClaw sessions blocked or at risk, worst: {1}', summary.count, summary.worstFinding.finding.kind)
        : summary.gateway
          ? vscode.l10n.t('{0} OpenClaw session locks, worst: {1}; {2}', summary.count, summary.worst?.moment.level ?? 'none', summary.gateway.tooltip)
        : vscode.l10n.t('{0} OpenClaw session locks, worst: {1}', summary.count, summary.worst?.moment.level ?? 'none'),
    };
    this.item.show();
  }
}
