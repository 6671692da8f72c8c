// The "Sessions" view: a TreeDataProvider that adapts SessionsTreeModel nodes. Children come
// from the in-memory model only (no disk access here); tooltips are built lazily in
// resolveTreeItem so that ten thousand rows stay cheap.
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { gatewayRow } from './gatewayPresentation';
import {
  LEVEL_PRESENTATION,
  describeFreeSession,
  describeLock,
  lockMoment,
  lockTooltipMarkdown,
  sessionTooltipMarkdown,
} from './lockPresentation';
import type { SessionsState } from './sessionsState';
import { lockFailuresText, sessionFailuresText, stuckText } from '../wording/failures';
import { contextValueFor, titleOf, type LockedNode, type SessionsTreeModel, type TreeNode } from './treeModel';

export const VIEW_ID = 'openclawSessions.sessions';

/** An untrusted tooltip: no command links, no HTML, no theme icons, whatever the text says. */
export function untrustedMarkdown(markdown: string): vscode.MarkdownString {
  const result = new vscode.MarkdownString(markdown, false);
  result.isTrusted = false;
  result.supportHtml = false;
  return result;
}

function rowKeyOf(level: string, description: string): string {
  return `${level}|${description}`;
}

export class SessionsTreeDataProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(private readonly state: SessionsState) {
    super();
    this._register(state.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
    this._register(state.onDidChange(() => this.shown.clear()));
    // On a tick only rows whose text or level actually changed are redrawn: a redraw closes
    // the row's tooltip, so redrawing every locked row every second made tooltips unreadable.
    this._register(
      state.onDidTick((now) => {
        const changed = state.tree.lockedNodes().filter((node) => {
          const shown = this.shown.get(node.id);
          return shown !== undefined && shown !== this.rowKey(node, now);
        });
        if (changed.length > 0) this._onDidChangeTreeData.fire(changed);
      }),
    );
  }

  /** What each locked row showed when last drawn, by node id. */
  private readonly shown = new Map<string, string>();

  /** Everything a locked row shows that moves with the clock. */
  private rowKey(node: LockedNode, now: number): string {
    const moment = lockMoment(node.lock, this.state.settings.thresholds, this.tree.snapshot?.scannedAt ?? now, now);
    return rowKeyOf(moment.level, describeLock(node.lock, moment, node.failures?.count, vscode.l10n.t));
  }

  private get tree(): SessionsTreeModel {
    return this.state.tree;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    return [...this.tree.children(element)];
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return this.tree.parent(element);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const now = Date.now();
    const thresholds = this.state.settings.thresholds;
    const scannedAt = this.tree.snapshot?.scannedAt ?? now;
    switch (node.kind) {
      case 'gateway': {
        const row = gatewayRow(node.gateway, node.health, now, vscode.l10n.t);
        const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = row.description;
        item.iconPath = new vscode.ThemeIcon(row.icon, row.color ? new vscode.ThemeColor(row.color) : undefined);
        item.contextValue = contextValueFor(node);
        item.tooltip = untrustedMarkdown(row.tooltip);
        return item;
      }
      case 'agent': {
        const item = new vscode.TreeItem(node.agent.id, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.agent.layout === 'sqlite' ? 'database' : 'hubot');
        item.description =
          node.agent.layout === 'sqlite'
            ? vscode.l10n.t('SQLite sessions: no lock files')
            : node.lockedCount > 0
              ? vscode.l10n.t('{0} sessions · {1} locked', node.sessionCount, node.lockedCount)
              : vscode.l10n.t('{0} sessions', node.sessionCount);
        item.contextValue = contextValueFor(node);
        item.tooltip = node.agent.sessionsDir;
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(vscode.l10n.t('{0} more sessions…', node.hiddenCount), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = contextValueFor(node);
        item.command = { command: 'openclawSessions.showMoreSessions', title: vscode.l10n.t('Show More Sessions'), arguments: [node.parent.agent.id] };
        return item;
      }
      case 'session':
      case 'lock': {
        const moment = lockMoment(node.lock, thresholds, scannedAt, now);
        const item = new vscode.TreeItem(titleOf(node), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const presentation = LEVEL_PRESENTATION[moment.level];
        const icon = node.kind === 'lock' && moment.level === 'held' ? 'lock-small' : presentation.icon;
        item.iconPath = new vscode.ThemeIcon(icon, presentation.color ? new vscode.ThemeColor(presentation.color) : undefined);
        item.contextValue = contextValueFor(node);
        if (node.kind === 'session' && node.lock.level === 'free') {
          item.description = describeFreeSession(node.session, now);
        } else {
          item.description = describeLock(node.lock, moment, node.failures?.count, vscode.l10n.t);
          this.shown.set(node.id, rowKeyOf(moment.level, item.description));
        }
        if (node.kind === 'session' && node.session.transcriptExists) {
          item.resourceUri = vscode.Uri.file(node.session.transcriptPath);
          item.command = {
            command: 'openclawSessions.openSession',
            title: vscode.l10n.t('Open Session'),
            arguments: [node],
          };
        }
        return item;
      }
    }
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (node.kind === 'session' || node.kind === 'lock') item.tooltip = this.tooltipFor(node);
    return item;
  }

  /** The row's tooltip (untrusted Markdown); public for tests. */
  tooltipFor(node: LockedNode): vscode.MarkdownString {
    const now = Date.now();
    if (node.kind === 'session' && node.lock.level === 'free') return untrustedMarkdown(sessionTooltipMarkdown(node.session, now));
    const moment = lockMoment(node.lock, this.state.settings.thresholds, this.tree.snapshot?.scannedAt ?? now, now);
    const tally = this.state.failures.tally;
    const sessionKey = node.kind === 'session' ? node.session.key : undefined;
    const byLock = node.failures !== undefined && tally.locks.get(node.lock.lockPath) === node.failures;
    const stuck = sessionKey !== undefined ? tally.stuck.get(sessionKey) : undefined;
    return untrustedMarkdown(
      lockTooltipMarkdown(titleOf(node), node.lock, moment, {
        sessionKey,
        transcriptPath: node.kind === 'session' ? node.session.transcriptPath : undefined,
        kind: node.kind === 'lock' ? node.lockKind : undefined,
        failures: node.failures ? (byLock ? lockFailuresText(node.failures, now, vscode.l10n.t) : sessionFailuresText(node.failures, now, vscode.l10n.t)) : undefined,
        lastError: node.failures?.lastError,
        stuck: stuck ? stuckText(stuck, now, vscode.l10n.t) : undefined,
      }),
    );
  }
}

/** Owns the TreeView, its welcome context keys, its title and "locked only" toggle. */
export class SessionsView extends Disposable {
  readonly provider: SessionsTreeDataProvider;
  readonly treeView: vscode.TreeView<TreeNode>;

  constructor(private readonly state: SessionsState) {
    super();
    this.provider = this._register(new SessionsTreeDataProvider(state));
    this.treeView = this._register(
      vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true }),
    );
    this._register(state.onDidChange(() => this.update()));
    this.update();
  }

  private update(): void {
    const snapshot = this.state.snapshot;
    // Drive viewsWelcome: which empty-view message applies.
    void vscode.commands.executeCommand('setContext', 'openclawSessions.scanned', snapshot !== undefined);
    void vscode.commands.executeCommand('setContext', 'openclawSessions.layout', snapshot?.layout ?? 'unknown');
    void vscode.commands.executeCommand('setContext', 'openclawSessions.lockedOnly', this.state.lockedOnly);
    void vscode.commands.executeCommand('setContext', 'openclawSessions.hasLocks', this.state.tree.lockedNodes().length > 0);
    this.treeView.description = this.state.lockedOnly ? vscode.l10n.t('locked only') : undefined;
    this.treeView.message =
      snapshot && snapshot.problems.length > 0 ? vscode.l10n.t('{0} problem(s) while scanning: see the log', snapshot.problems.length) : undefined;
    const count = this.state.tree.lockedNodes().length;
    this.treeView.badge = count > 0 ? { value: count, tooltip: vscode.l10n.t('{0} session locks', count) } : undefined;
  }

  async reveal(node: TreeNode): Promise<void> {
    await this.treeView.reveal(node, { select: true, focus: true, expand: true });
  }
}
