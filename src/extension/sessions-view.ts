// The "Sessions" view: a TreeDataProvider that adapts SessionsTreeModel nodes. Children come
// from the in-memory model only (no disk access here); tooltips are built lazily in
// resolveTreeItem so that ten thousand rows stay cheap.
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { gatewayRow } from './gateway-presentation';
import {
  LEVEL_PRESENTATION,
  describeFreeSession,
  describeLock,
  lockTooltipMarkdown,
  sessionTooltipMarkdown,
} from './lock-presentation';
import type { SessionsState } from './sessions-state';
import { findingsOf } from '../sessions/findings';
import type { Finding } from '../sessions/types';
import { eraDescription, eraRowDescription, eraTooltip, findingPresentation, findingRowDescription, findingRowLabel, findingTooltip, leftoversLabel, sqliteSessionContextValue, sqliteSessionDescription, sqliteSessionTooltip } from './sqlite-presentation';
import { lockFailuresText, sessionFailuresText, stuckText } from '../wording/failures';
import { contextValueFor, titleOf, type FindingNode, type LockedNode, type SessionNode, type SessionsTreeModel, type TreeNode } from './tree-model';

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
        const changed: TreeNode[] = state.tree.lockedNodes().filter((node) => {
          const shown = this.shown.get(node.id);
          return shown !== undefined && shown !== this.rowKey(node, now);
        });
        for (const node of state.tree.sqliteNodes()) {
          const shown = this.shown.get(node.id);
          if (shown !== undefined && shown !== this.sqliteRowKey(node, now)) changed.push(node);
        }
        if (changed.length > 0) this._onDidChangeTreeData.fire(changed);
      }),
    );
  }

  /** What each locked row showed when last drawn, by node id. */
  private readonly shown = new Map<string, string>();

  /** Everything a locked row shows that moves with the clock. */
  private rowKey(node: LockedNode, now: number): string {
    const moment = this.state.gradedAt(now).momentOf(node.lock);
    return rowKeyOf(moment.level, describeLock(node.lock, moment, node.failures?.count, vscode.l10n.t));
  }

  /** A SQLite-era row's findings right now (re-graded once a second), by the row. */
  private currentFindings(node: SessionNode | FindingNode, now: number): Finding[] {
    const findings = this.state.gradedAt(now).findings;
    if (node.kind === 'finding') {
      const current = findings.find((f) => f.id === node.finding.id);
      return current ? [current] : [node.finding];
    }
    return findingsOf(findings, node.session);
  }

  private sqliteRowKey(node: SessionNode | FindingNode, now: number): string {
    const findings = this.currentFindings(node, now);
    if (node.kind === 'finding') return rowKeyOf(findings[0]!.severity, findingRowLabel(findings[0]!, now, vscode.l10n.t));
    return rowKeyOf(findings[0]?.severity ?? 'none', sqliteSessionDescription(node.session, findings, now, vscode.l10n.t) + sqliteSessionContextValue(findings, node.session));
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
    // A SQLite-era session has no lock: it is drawn by what blocks it.
    if (node.kind === 'session' && !node.lock) return this.sqliteSessionItem(node, now);
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
            ? node.lockedCount > 0
              ? vscode.l10n.t('{0} sessions · {1} blocked', node.sessionCount, node.lockedCount)
              : vscode.l10n.t('{0} sessions', node.sessionCount)
            : node.lockedCount > 0
              ? vscode.l10n.t('{0} sessions · {1} locked', node.sessionCount, node.lockedCount)
              : vscode.l10n.t('{0} sessions', node.sessionCount);
        item.contextValue = contextValueFor(node);
        item.tooltip = node.agent.database ? node.agent.database.files.path : node.agent.sessionsDir;
        return item;
      }
      case 'finding': {
        const finding = this.currentFindings(node, now)[0]!;
        const item = new vscode.TreeItem(findingRowLabel(finding, now, vscode.l10n.t), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const presentation = findingPresentation(finding);
        item.iconPath = new vscode.ThemeIcon(presentation.icon, presentation.color ? new vscode.ThemeColor(presentation.color) : undefined);
        item.description = findingRowDescription(finding, vscode.l10n.t);
        item.contextValue = contextValueFor(node);
        this.shown.set(node.id, this.sqliteRowKey(node, now));
        return item;
      }
      case 'leftovers': {
        const item = new vscode.TreeItem(leftoversLabel(node.children.length, vscode.l10n.t), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('lock', new vscode.ThemeColor('disabledForeground'));
        item.description = vscode.l10n.t('leftover from the JSONL era · inert');
        item.contextValue = contextValueFor(node);
        item.tooltip = vscode.l10n.t('These .jsonl.lock files were written before this OpenClaw moved its sessions to SQLite (2026.8). Nothing reads them any more: they block nothing and are not counted. Remove Leftover Lock Files deletes those whose owner is provably gone.');
        return item;
      }
      case 'leftover': {
        const base = node.lock.lockPath.split(/[\\/]/).pop() ?? node.lock.lockPath;
        const item = new vscode.TreeItem(base, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('lock', new vscode.ThemeColor('disabledForeground'));
        item.description = node.lock.inspection.reclaimable
          ? vscode.l10n.t('leftover from the JSONL era · owner gone')
          : vscode.l10n.t('leftover from the JSONL era · pid {0} alive', String(node.lock.pid ?? '?'));
        item.contextValue = contextValueFor(node);
        item.tooltip = node.lock.lockPath;
        return item;
      }
      case 'era': {
        const snapshot = this.tree.snapshot!;
        const item = new vscode.TreeItem(eraDescription(snapshot, vscode.l10n.t) ?? '', vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const alive = snapshot.gateway.alive;
        item.iconPath = new vscode.ThemeIcon(alive ? 'vm-running' : 'vm-outline', alive ? new vscode.ThemeColor('charts.green') : undefined);
        item.description = eraRowDescription(snapshot, vscode.l10n.t);
        item.contextValue = contextValueFor(node);
        item.tooltip = untrustedMarkdown(eraTooltip(snapshot, vscode.l10n.t));
        return item;
      }
      case 'notice': {
        const unused = node.notice === 'unused-database';
        const version = this.tree.snapshot?.era.version?.version ?? '?';
        const item = new vscode.TreeItem(unused ? vscode.l10n.t('Database not used by this OpenClaw') : vscode.l10n.t('No sessions yet'), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(unused ? 'warning' : 'info');
        item.description = unused ? vscode.l10n.t('OpenClaw {0} is a JSONL-era release', version) : vscode.l10n.t('the agent database has no sessions');
        if (unused) {
          item.tooltip = vscode.l10n.t('The installed openclaw ({0}) keeps sessions in .jsonl files and does not read this agent database (left by a 2026.8+ release before a downgrade). Sessions written there are not seen by this OpenClaw.', version);
        }
        item.contextValue = contextValueFor(node);
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
        const moment = this.state.gradedAt(now).momentOf(node.lock);
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

  private sqliteSessionItem(node: SessionNode, now: number): vscode.TreeItem {
    const findings = this.currentFindings(node, now);
    const item = new vscode.TreeItem(node.session.title, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const top = findings[0];
    if (top) {
      const presentation = findingPresentation(top);
      item.iconPath = new vscode.ThemeIcon(presentation.icon, presentation.color ? new vscode.ThemeColor(presentation.color) : undefined);
    } else {
      item.iconPath = new vscode.ThemeIcon('comment-discussion');
    }
    item.description = sqliteSessionDescription(node.session, findings, now, vscode.l10n.t);
    item.contextValue = sqliteSessionContextValue(findings, node.session);
    item.command = { command: 'openclawSessions.openSession', title: vscode.l10n.t('Open Session'), arguments: [node] };
    this.shown.set(node.id, this.sqliteRowKey(node, now));
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    const now = Date.now();
    const snapshot = this.tree.snapshot;
    if (node.kind === 'session' && !node.lock) {
      if (snapshot) item.tooltip = untrustedMarkdown(sqliteSessionTooltip(snapshot, node.session, this.currentFindings(node, now), now, vscode.l10n.t));
    } else if (node.kind === 'finding' && snapshot) {
      item.tooltip = untrustedMarkdown(findingTooltip(snapshot, this.currentFindings(node, now)[0]!, now, vscode.l10n.t));
    } else if (node.kind === 'session' || node.kind === 'lock') {
      item.tooltip = this.tooltipFor(node);
    }
    return item;
  }

  /** The row's tooltip (untrusted Markdown); public for tests. */
  tooltipFor(node: LockedNode): vscode.MarkdownString {
    const now = Date.now();
    if (node.kind === 'session' && node.lock.level === 'free') return untrustedMarkdown(sessionTooltipMarkdown(node.session, now, vscode.l10n.t));
    const moment = this.state.gradedAt(now).momentOf(node.lock);
    const tally = this.state.failures.tally;
    const sessionKey = node.kind === 'session' ? node.session.key : undefined;
    const byLock = node.failures !== undefined && tally.failuresOfLock(node.lock.lockPath) === node.failures;
    const stuck = sessionKey !== undefined ? tally.stuck.get(sessionKey) : undefined;
    return untrustedMarkdown(
      lockTooltipMarkdown(titleOf(node), node.lock, moment, {
        sessionKey,
        transcriptPath: node.kind === 'session' ? node.session.transcriptPath : undefined,
        kind: node.kind === 'lock' ? node.lockKind : undefined,
        failures: node.failures ? (byLock ? lockFailuresText(node.failures, now, vscode.l10n.t) : sessionFailuresText(node.failures, now, vscode.l10n.t)) : undefined,
        lastError: node.failures?.lastError,
        stuck: stuck ? stuckText(stuck, now, vscode.l10n.t) : undefined,
      }, vscode.l10n.t),
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
    this._register(state.onDidTick(() => this.updateBadge()));
    this.update();
  }

  private update(): void {
    const snapshot = this.state.snapshot;
    // Drive viewsWelcome: which empty-view message applies.
    void vscode.commands.executeCommand('setContext', 'openclawSessions.scanned', snapshot !== undefined);
    void vscode.commands.executeCommand('setContext', 'openclawSessions.layout', snapshot?.layout ?? 'unknown');
    void vscode.commands.executeCommand('setContext', 'openclawSessions.lockedOnly', this.state.lockedOnly);
    void vscode.commands.executeCommand('setContext', 'openclawSessions.hasLocks', this.state.tree.lockedNodes().length > 0);
    void vscode.commands.executeCommand('setContext', 'openclawSessions.hasLeftovers', (snapshot?.agents ?? []).some((a) => (a.leftoverLocks ?? []).length > 0));
    // The era is named where the view's title is: what a row means depends on it.
    const era = snapshot ? eraDescription(snapshot, vscode.l10n.t) : undefined;
    const filter = this.state.lockedOnly ? (era ? vscode.l10n.t('blocked only') : vscode.l10n.t('locked only')) : undefined;
    this.treeView.description = [era, filter].filter(Boolean).join(' · ') || undefined;
    this.treeView.message =
      snapshot && snapshot.problems.length > 0 ? vscode.l10n.t('{0} problem(s) while scanning: see the log', snapshot.problems.length) : undefined;
    this.updateBadge();
  }

  /** Lock files in the JSONL era; findings that need attention (re-graded, so it ticks) in the SQLite era. Leftovers never count. */
  private updateBadge(): void {
    if (this.state.snapshot?.layout === 'sqlite') {
      const count = this.state.gradedAt(Date.now()).attention.length;
      this.treeView.badge = count > 0 ? { value: count, tooltip: vscode.l10n.t('{0} blocked or at risk (SQLite era)', count) } : undefined;
      return;
    }
    const count = this.state.tree.lockedNodes().length;
    this.treeView.badge = count > 0 ? { value: count, tooltip: vscode.l10n.t('{0} session locks', count) } : undefined;
  }

  async reveal(node: TreeNode): Promise<void> {
    await this.treeView.reveal(node, { select: true, focus: true, expand: true });
  }
}
