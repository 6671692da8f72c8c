// The lock commands: Clear Stale Lock, Force Release Lock…, Clear All Stale Locks, and the
// small ones around them. Every removal re-inspects right before acting and goes through the
// lock core's compare-and-delete; nothing here deletes a file by itself.
import * as vscode from 'vscode';
import { forceRemoveLock, inspectLock, removeReclaimLeftovers, removeStaleLock } from '../lock';
import type { LockInspection, RemoveResult } from '../lock/types';
import type { LockView, SessionInfo } from '../sessions/types';
import { openSqliteTranscript } from './sqlite-transcript';
import { Disposable } from './dispose';
import {
  describeClearAll,
  describeHolder,
  describeRemoval,
  forceReleaseDetail,
  removalLogLine,
  type ClearAllSummary,
} from './lock-explain';
import { describeLock, lockDetailsText } from './lock-presentation';
import { allLockViews } from './lock-verdicts';
import type { SessionsState } from './sessions-state';
import type { SessionsView } from './sessions-view';
import { createCommand, pathFromArgument } from './commands';
import { updateUserSetting } from './settings';
import { openTranscript } from './transcript-editors';
import { titleOf, type LockedNode, type SessionNode, type TreeNode } from './tree-model';
import { notStaleMessage } from '../wording/kept';

/** What a lock command acts on: a tree row, or a lock's path (tests, other commands). */
export type LockTarget = { lockPath: string; title: string; node?: LockedNode };

/** The outcome of a command, returned for tests and other callers. */
export interface LockCommandResult {
  action: 'removed' | 'kept' | 'refused' | 'cancelled' | 'none';
  message: string;
  result?: RemoveResult;
}

export const LOCK_SCHEME = 'openclaw-lock';

export class LockCommands extends Disposable {
  constructor(
    private readonly state: SessionsState,
    private readonly view: SessionsView,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const context = { log: this.log };
    // What changes a lock rescans after a failure, so the view shows what is on disk now.
    const rescan = { afterFailure: () => this.state.refreshQuietly() };
    const register = <A extends unknown[]>(id: string, what: string, run: (...args: A) => unknown, options = {}) =>
      this._register(createCommand(context, id, what, run, options));
    register('refresh', vscode.l10n.t('Refresh'), () => {
      this.log.info('refresh requested');
      return this.state.refresh();
    });
    register('clearStaleLock', vscode.l10n.t('Clear Stale Lock'), (arg?: unknown) => this.clearStaleLock(arg), rescan);
    register('forceReleaseLock', vscode.l10n.t('Force Release Lock'), (arg?: unknown) => this.forceReleaseLock(arg), rescan);
    register('clearAllStaleLocks', vscode.l10n.t('Clear All Stale Locks'), () => this.clearAllStaleLocks(), rescan);
    register('openSession', vscode.l10n.t('Open Session'), (arg?: unknown) => this.openSession(arg));
    register('revealLockFile', vscode.l10n.t('Reveal Lock File'), (arg?: unknown) => this.revealLockFile(arg));
    register('copyLockDetails', vscode.l10n.t('Copy Lock Details'), (arg?: unknown) => this.copyLockDetails(arg));
    register('showLog', vscode.l10n.t('Show Log'), () => this.log.show());
    register('openSettings', vscode.l10n.t('Open Settings'), () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:openclaw-session-locks.openclaw-session-locks`));
    register('showLockedOnly', vscode.l10n.t('Show Locked Only'), () => this.state.setLockedOnly(true));
    register('showAllSessions', vscode.l10n.t('Show All Sessions'), () => this.state.setLockedOnly(false));
    register('showMoreSessions', vscode.l10n.t('Show More Sessions'), (agentId?: unknown) => typeof agentId === 'string' && this.state.showMoreSessions(agentId));
    register('revealWorstLock', vscode.l10n.t('Show Worst Lock'), () => this.revealWorstLock());
    register('pickStateDir', vscode.l10n.t('Pick State Dir'), () => this.pickStateDir());
    this._register(
      vscode.workspace.registerTextDocumentContentProvider(LOCK_SCHEME, {
        provideTextDocumentContent: async (uri) => {
          const inspection = await inspectLock(uri.path);
          if (inspection.state === 'free') return vscode.l10n.t('No lock file at {0} (released).', uri.path);
          return inspection.raw ? inspection.raw.toString('utf8') : (inspection.problem ?? '');
        },
      }),
    );
  }

  // ---------------------------------------------------------------- targets

  private targetFrom(arg: unknown): LockTarget | undefined {
    if (arg && typeof arg === 'object' && 'kind' in arg) {
      const node = arg as TreeNode;
      // A SQLite-era session row has no lock file to act on.
      if ((node.kind === 'session' || node.kind === 'lock') && node.lock) return { lockPath: node.lock.lockPath, title: titleOf(node), node };
      return undefined;
    }
    const named = pathFromArgument(arg);
    if (named !== undefined) {
      const tree = this.state.tree;
      const node = tree.nodeForLockPath(named) ?? tree.nodeForTranscript(named);
      if (node) return { lockPath: node.lock.lockPath, title: titleOf(node), node };
      const session = this.state.model.findSession(named);
      if (session && !session.sqlite) return { lockPath: session.lockPath, title: session.title };
      if (named.endsWith('.lock')) return { lockPath: named, title: named.split(/[\\/]/).pop()!.replace(/\.lock$/, '') };
    }
    return undefined;
  }

  /** From the palette: pick one of the current locks. */
  private async pickLock(placeHolder: string): Promise<LockTarget | undefined> {
    const entries = this.state.gradedAt(Date.now()).locks;
    if (entries.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No OpenClaw session is locked.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      entries.map((entry) => ({
        label: entry.title,
        description: describeLock(entry.node.lock, entry.moment),
        detail: entry.node.lock.lockPath,
        entry,
      })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked ? { lockPath: picked.entry.node.lock.lockPath, title: picked.entry.title, node: picked.entry.node } : undefined;
  }

  private async target(arg: unknown, placeHolder: string): Promise<LockTarget | undefined> {
    return arg === undefined ? this.pickLock(placeHolder) : this.targetFrom(arg);
  }

  // ---------------------------------------------------------------- clearing

  async clearStaleLock(arg?: unknown): Promise<LockCommandResult> {
    const target = await this.target(arg, vscode.l10n.t('Clear the stale lock of which session?'));
    if (!target) return { action: 'cancelled', message: 'no lock chosen' };
    // Judge it again now: the view may be seconds old, and only the present counts.
    const inspection = await inspectLock(target.lockPath);
    const title = target.title;
    if (inspection.state === 'free') {
      const message = vscode.l10n.t('"{0}" is not locked any more: nothing to clear.', title);
      void vscode.window.showInformationMessage(message);
      await this.state.refresh();
      return { action: 'none', message };
    }
    if (inspection.reclaimable) {
      const result = await removeStaleLock(target.lockPath, { expected: inspection });
      this.log.info(removalLogLine(result, 'clear'));
      const report = describeRemoval(title, result, false, vscode.l10n.t);
      if (report.removed) void vscode.window.showInformationMessage(report.message);
      else void vscode.window.showWarningMessage(report.message);
      await this.state.refresh();
      return { action: report.removed ? 'removed' : 'kept', message: report.message, result };
    }
    const message = notStaleMessage(title, inspection, describeHolder(inspection), vscode.l10n.t);
    this.log.info(`clear: refused ${target.lockPath} state=${inspection.state} reasons=${inspection.reasons.join(',') || 'none'}`);
    const canForce = inspection.state !== 'unreadable' && typeof inspection.payload?.pid === 'number';
    const force = vscode.l10n.t('Force Release Lock…');
    const choice = canForce
      ? await vscode.window.showWarningMessage(message, force)
      : await vscode.window.showWarningMessage(message);
    if (choice === force) return this.forceReleaseLock(target);
    return { action: 'refused', message };
  }

  async forceReleaseLock(arg?: unknown): Promise<LockCommandResult> {
    const target =
      arg && typeof arg === 'object' && 'lockPath' in arg && 'title' in arg && !('kind' in arg)
        ? (arg as LockTarget)
        : await this.target(arg, vscode.l10n.t('Force release the lock of which session?'));
    if (!target) return { action: 'cancelled', message: 'no lock chosen' };
    // What the person confirms is exactly what gets removed: this inspection's pid, inode and bytes.
    const inspection: LockInspection = await inspectLock(target.lockPath);
    const title = target.title;
    if (inspection.state === 'free') {
      const message = vscode.l10n.t('"{0}" is not locked any more: nothing to release.', title);
      void vscode.window.showInformationMessage(message);
      await this.state.refresh();
      return { action: 'none', message };
    }
    const pid = inspection.payload?.pid;
    if (inspection.state === 'unreadable' || typeof pid !== 'number') {
      const message = vscode.l10n.t(
        'The lock of "{0}" names no process, so it cannot be force-released safely: {1}',
        title,
        inspection.problem ?? (inspection.reasons.join(', ') || inspection.state),
      );
      void vscode.window.showWarningMessage(message);
      return { action: 'refused', message };
    }
    const confirm = vscode.l10n.t('Force Release Lock');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Force release the lock of "{0}" held by pid {1}?', title, pid),
      { modal: true, detail: forceReleaseDetail(inspection, vscode.l10n.t) },
      confirm,
    );
    if (choice !== confirm) {
      this.log.info(`force: cancelled by the user for ${target.lockPath} pid=${pid}`);
      return { action: 'cancelled', message: 'cancelled' };
    }
    const result = await forceRemoveLock(target.lockPath, { pid, expected: inspection });
    this.log.warn(removalLogLine(result, 'force'));
    const report = describeRemoval(title, result, true, vscode.l10n.t);
    if (report.removed) void vscode.window.showInformationMessage(report.message);
    else void vscode.window.showWarningMessage(report.message);
    await this.state.refresh();
    return { action: report.removed ? 'removed' : 'kept', message: report.message, result };
  }

  async clearAllStaleLocks(): Promise<ClearAllSummary & { message: string }> {
    await this.state.whenIdle();
    const views: LockView[] = allLockViews(this.state.snapshot);
    const summary: ClearAllSummary = { removed: [], kept: [], failed: [] };
    for (const view of views) {
      try {
        // No `expected`: the core inspects right before acting and removes only a provably stale file.
        const result = await removeStaleLock(view.lockPath);
        this.log.info(removalLogLine(result, 'clear-all'));
        (result.removed ? summary.removed : summary.kept).push(result);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.log.error(`clear-all: failed ${view.lockPath}: ${message}`);
        summary.failed.push({ lockPath: view.lockPath, error: message });
      }
    }
    // Then what processes killed mid-reclaim, mid-create or mid-release left beside the locks (only where provably abandoned).
    summary.leftovers = [];
    for (const agent of this.state.snapshot?.agents ?? []) {
      try {
        for (const result of await removeReclaimLeftovers(agent.sessionsDir)) {
          this.log.info(removalLogLine(result, 'clear-all'));
          if (result.removed) summary.leftovers.push(result);
        }
      } catch (error) {
        this.log.error(`clear-all: leftovers in ${agent.sessionsDir}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const titleFor = (lockPath: string) => {
      const node = this.state.tree.nodeForLockPath(lockPath);
      return node ? titleOf(node) : lockPath;
    };
    const message = describeClearAll(summary, titleFor, vscode.l10n.t);
    const showLog = vscode.l10n.t('Show Log');
    const show = summary.failed.length > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void Promise.resolve(show(message, showLog)).then((choice) => {
      if (choice === showLog) this.log.show();
    });
    await this.state.refresh();
    return { ...summary, message };
  }

  // ---------------------------------------------------------------- the rest

  private async sessionTarget(arg: unknown): Promise<SessionNode | { transcriptPath: string; title: string; session?: SessionInfo } | undefined> {
    if (arg && typeof arg === 'object' && 'kind' in arg && (arg as TreeNode).kind === 'session') return arg as SessionNode;
    const named = pathFromArgument(arg);
    if (named !== undefined) {
      const session = this.state.model.findSession(named);
      if (session) return { transcriptPath: session.transcriptPath, title: session.title, session };
      return undefined;
    }
    if (arg !== undefined) return undefined;
    // SQLite-era sessions have no file but open read-only from their database.
    const sessions = this.state.snapshot?.agents.flatMap((agent) => agent.sessions.filter((s) => s.transcriptExists || s.sqlite)) ?? [];
    const picked = await vscode.window.showQuickPick(
      sessions.map((session) => ({ label: session.title, description: session.key, detail: session.transcriptPath, session })),
      { placeHolder: vscode.l10n.t('Open which session?'), matchOnDescription: true, matchOnDetail: true },
    );
    return picked ? { transcriptPath: picked.session.transcriptPath, title: picked.session.title, session: picked.session } : undefined;
  }

  async openSession(arg?: unknown): Promise<void> {
    const target = await this.sessionTarget(arg);
    if (!target) return;
    const sqliteSession = target.session?.sqlite ? target.session : undefined;
    if (sqliteSession) {
      await openSqliteTranscript(sqliteSession);
      return;
    }
    const transcriptPath = 'kind' in target ? target.session.transcriptPath : target.transcriptPath;
    const title = 'kind' in target ? target.session.title : target.title;
    await openTranscript(transcriptPath, title, { preview: true });
  }

  async revealLockFile(arg?: unknown): Promise<void> {
    const target = await this.target(arg, vscode.l10n.t('Reveal the lock file of which session?'));
    if (!target) return;
    const uri = vscode.Uri.file(target.lockPath);
    if (vscode.workspace.getWorkspaceFolder(uri)) {
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return;
    }
    if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName) {
      await vscode.commands.executeCommand('revealFileInOS', uri);
      return;
    }
    // Outside the workspace and with no local file manager: show the bytes read-only, so
    // nobody can save over a held lock from an editor.
    await vscode.window.showTextDocument(uri.with({ scheme: LOCK_SCHEME }), { preview: true });
  }

  async copyLockDetails(arg?: unknown): Promise<string | undefined> {
    const target = await this.target(arg, vscode.l10n.t('Copy the lock details of which session?'));
    if (!target) return undefined;
    const node = target.node ?? this.state.tree.nodeForLockPath(target.lockPath);
    let text: string;
    if (node) {
      text = lockDetailsText(target.title, node.lock, this.state.gradedAt(Date.now()).momentOf(node.lock));
    } else {
      const inspection = await inspectLock(target.lockPath);
      text = [`Session: ${target.title}`, `Lock file: ${target.lockPath}`, `State: ${inspection.state}`, `Holder: ${describeHolder(inspection)}`].join('\n');
    }
    try {
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Lock details copied'), 3000);
    } catch (error) {
      // A browser workbench may refuse clipboard access: show the text instead of losing it.
      this.log.warn(`copy: clipboard refused (${error instanceof Error ? error.message : String(error)}); showing the details instead`);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' }), { preview: true });
    }
    return text;
  }

  async revealWorstLock(): Promise<TreeNode | undefined> {
    if (this.state.snapshot?.layout === 'sqlite') {
      // The SQLite era's worst is a finding: its session's row, or its own.
      const worstFinding = this.state.gradedAt(Date.now()).attention[0];
      const node = worstFinding ? this.state.tree.nodeForFinding(worstFinding.finding.id) : undefined;
      if (!node) {
        await vscode.commands.executeCommand('workbench.view.extension.openclaw');
        return undefined;
      }
      await this.view.reveal(node);
      return node;
    }
    const worst = this.state.gradedAt(Date.now()).locks[0];
    if (!worst) {
      await vscode.commands.executeCommand('workbench.view.extension.openclaw');
      return undefined;
    }
    await this.view.reveal(worst.node);
    return worst.node;
  }

  async revealLockNode(lockPath: string): Promise<void> {
    // A lock's path, or (SQLite era) a finding's id: the alerts' Show link names either.
    const node = this.state.tree.nodeForLockPath(lockPath) ?? this.state.tree.nodeForFinding(lockPath);
    if (node) await this.view.reveal(node);
    else await vscode.commands.executeCommand('workbench.view.extension.openclaw');
  }

  private async pickStateDir(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: vscode.l10n.t('Use as OpenClaw State Dir'),
      title: vscode.l10n.t('Pick the OpenClaw state dir (the folder that holds agents/)'),
    });
    if (!picked || picked.length === 0) return;
    await updateUserSetting('stateDir', picked[0].fsPath);
  }
}
