// The SQLite era's actions (OpenClaw 2026.8+): Abort Run, Recover Session, Compact Session,
// Copy Command and Remove Leftover Lock Files. Every change to a session goes through OpenClaw
// itself (`openclaw gateway call …`, whose CLI finds the gateway and its credentials): this
// extension never writes OpenClaw's databases and never asks for or keeps a token.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { removeStaleLock } from '../lock';
import { OpenClawCliError, callGateway, findOpenClawCli, type GatewayCallResult } from '../openclaw/cli';
import { abortRemedy, compactRemedy, findingsOf, recoverRemedy } from '../sessions/findings';
import type { Finding, Remedy, SessionInfo } from '../sessions/types';
import { readSqliteTranscript } from '../sqlite-store/read-store';
import { remedyLabel } from '../wording/findings';
import { keptBecause } from '../wording/kept';
import { createCommand } from './commands';
import { Disposable } from './dispose';
import { withCancellableProgress } from './progress';
import type { SessionsState } from './sessions-state';
import { readSettings } from './settings';
import { commandRemedies, remedyCommandLine } from './sqlite-presentation';
import { openSqliteTranscript, transcriptReadOptions } from './sqlite-transcript';
import type { FindingNode, SessionNode, TreeNode } from './tree-model';

export interface SqliteActionResult {
  outcome: 'done' | 'refused' | 'cancelled' | 'none' | 'failed';
  message: string;
  response?: Record<string, unknown>;
}

export interface SqliteCompactOptions {
  /** Truncate to this many lines (permanent, no backup); undefined: a model summary. */
  maxLines?: number;
  method?: 'summary' | 'truncate';
}

/** A modal question: resolves to the button picked, or undefined. Replaceable for tests. */
export type Confirm = (message: string, detail: string, buttons: string[]) => Promise<string | undefined>;

export class SqliteCommands extends Disposable {
  confirm: Confirm = async (message, detail, buttons) => vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  /** Where an export is written; replaceable for tests (the real one is a save dialog). */
  pickExportPath: (suggested: string) => Promise<string | undefined> = async (suggested) =>
    (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(suggested), filters: { JSONL: ['jsonl'] }, title: vscode.l10n.t('Export the transcript before it is truncated') }))?.fsPath;

  constructor(
    private readonly state: SessionsState,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const context = { log };
    const rescan = { afterFailure: () => this.state.refreshQuietly() };
    this._register(createCommand(context, 'abortRun', vscode.l10n.t('Abort Run'), (arg?: unknown, options?: { clearQueued?: boolean }) => this.abort(arg, options), rescan));
    this._register(createCommand(context, 'recoverSession', vscode.l10n.t('Recover Session'), (arg?: unknown) => this.recover(arg), rescan));
    this._register(createCommand(context, 'copyRemedyCommand', vscode.l10n.t('Copy Command'), (arg?: unknown) => this.copyCommand(arg)));
    this._register(createCommand(context, 'removeLeftoverLocks', vscode.l10n.t('Remove Leftover Lock Files'), () => this.removeLeftovers(), rescan));
  }

  // ---------------------------------------------------------------- targets

  /** A SQLite-era session from a tree row, a key (alert links) or, from the palette, a pick. */
  async sessionFrom(arg: unknown, placeHolder: string, filter: (s: SessionInfo, findings: Finding[]) => boolean): Promise<SessionInfo | undefined> {
    if (arg && typeof arg === 'object' && 'kind' in arg && (arg as TreeNode).kind === 'session') {
      const node = arg as SessionNode;
      // The row may be seconds old: act on the session as the latest scan has it.
      return this.state.model.findSession(node.session.key ?? node.session.sessionId) ?? node.session;
    }
    if (typeof arg === 'string') {
      const found = this.state.model.findSession(arg);
      if (found?.sqlite) return found;
      void vscode.window.showErrorMessage(vscode.l10n.t('No SQLite-era OpenClaw session matches "{0}".', arg));
      return undefined;
    }
    if (arg !== undefined) return undefined;
    const findings = this.state.gradedAt(Date.now()).findings;
    const sessions = (this.state.snapshot?.agents ?? []).flatMap((a) => a.sessions).filter((s) => s.sqlite && filter(s, findingsOf(findings, s)));
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No OpenClaw session needs this now.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      sessions.map((session) => ({ label: session.title, description: session.key, detail: session.sqlite?.databasePath, session })),
      { placeHolder, matchOnDescription: true },
    );
    return picked?.session;
  }

  private async openclaw(): Promise<string | undefined> {
    const cliPath = await findOpenClawCli({ configuredPath: readSettings().compaction.openclawPath });
    if (!cliPath) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The openclaw CLI was not found on PATH or at openclawSessions.openclawPath; this action runs through it.'));
    }
    return cliPath;
  }

  /** OpenClaw's CLI aimed at the state dir the view shows, with its own ways of finding credentials. */
  private openclawEnv(): NodeJS.ProcessEnv {
    const stateDir = this.state.snapshot?.resolution.stateDir;
    return stateDir ? { ...process.env, OPENCLAW_STATE_DIR: stateDir } : { ...process.env };
  }

  /** Runs one gateway RPC with a cancellable progress, logs it, shows OpenClaw's answer, rescans. */
  private async call(title: string, remedy: Remedy, done: (result: GatewayCallResult) => string, refused: (problem: string) => string): Promise<SqliteActionResult> {
    const cliPath = await this.openclaw();
    if (!cliPath) return { outcome: 'failed', message: 'openclaw not found' };
    const rpc = remedy.rpc!;
    this.log.info(`${rpc.method}: ${cliPath} gateway call ${rpc.method} --params ${JSON.stringify(rpc.params)}`);
    let result: GatewayCallResult;
    try {
      result = await withCancellableProgress(title, (report, signal) => {
        report(vscode.l10n.t('asking the gateway'));
        return callGateway(cliPath, rpc.method, rpc.params, { env: this.openclawEnv(), signal });
      });
    } catch (error) {
      if (error instanceof OpenClawCliError && error.code === 'ABORTED') {
        const message = vscode.l10n.t('Stopped waiting for OpenClaw; the gateway may still carry it out.');
        this.log.info(`${rpc.method}: ${message}`);
        return { outcome: 'cancelled', message };
      }
      throw error;
    }
    await this.state.refreshQuietly();
    if (!result.ok) {
      // OpenClaw's own words, verbatim: "…has an active run; retry after it finishes".
      const message = refused(result.problem ?? 'unknown reason');
      this.log.warn(`${rpc.method}: refused in ${result.ms} ms: ${result.problem}`);
      void vscode.window.showErrorMessage(message);
      return { outcome: 'refused', message, ...(result.response ? { response: result.response } : {}) };
    }
    const message = done(result);
    this.log.info(`${rpc.method}: done in ${result.ms} ms: ${JSON.stringify(result.response)}`);
    void vscode.window.showInformationMessage(message);
    return { outcome: 'done', message, ...(result.response ? { response: result.response } : {}) };
  }

  // ---------------------------------------------------------------- abort, recover

  async abort(arg?: unknown, options: { clearQueued?: boolean } = {}): Promise<SqliteActionResult> {
    const session = await this.sessionFrom(arg, vscode.l10n.t('Abort the run of which session?'), (s) => s.sqlite?.row.status === 'running');
    if (!session) return { outcome: 'cancelled', message: 'no session chosen' };
    const row = session.sqlite!.row;
    if (row.status !== 'running') {
      const message = vscode.l10n.t('"{0}" has no running turn now: nothing to abort.', session.title);
      void vscode.window.showInformationMessage(message);
      return { outcome: 'none', message };
    }
    if (!this.state.snapshot?.gateway.alive) {
      const message = vscode.l10n.t('"{0}" was left running by a gateway that is gone: it blocks nothing now, and the next gateway start marks it interrupted. Start the gateway (openclaw gateway start).', session.title);
      void vscode.window.showInformationMessage(message);
      return { outcome: 'none', message };
    }
    let clearQueued = options.clearQueued;
    if (clearQueued === undefined) {
      const abort = vscode.l10n.t('Abort Run');
      const abortAndDrop = row.queued === 1 ? vscode.l10n.t('Abort and Drop 1 Queued Message') : vscode.l10n.t('Abort and Drop {0} Queued Messages', row.queued);
      const detail = [
        vscode.l10n.t('OpenClaw stops the turn now; what it had not written yet is lost, and the session takes the next message.'),
        row.activeWriterRunId ? vscode.l10n.t('Run: {0}', row.activeWriterRunId) : undefined,
        row.queued > 0 ? vscode.l10n.t('{0} message(s) wait behind it. "Abort Run" lets them run next; the other choice drops them.', row.queued) : undefined,
      ].filter(Boolean).join('\n\n');
      const choice = await this.confirm(vscode.l10n.t('Abort the running turn of "{0}"?', session.title), detail, row.queued > 0 ? [abort, abortAndDrop] : [abort]);
      if (choice === undefined) return { outcome: 'cancelled', message: 'cancelled' };
      clearQueued = choice === abortAndDrop;
    }
    return this.call(
      vscode.l10n.t('Aborting the run of "{0}"', session.title),
      abortRemedy(session, clearQueued),
      () => (clearQueued ? vscode.l10n.t('OpenClaw aborted the run of "{0}" and dropped its queued messages.', session.title) : vscode.l10n.t('OpenClaw aborted the run of "{0}".', session.title)),
      (problem) => vscode.l10n.t('OpenClaw did not abort the run of "{0}": {1}', session.title, problem),
    );
  }

  async recover(arg?: unknown): Promise<SqliteActionResult> {
    const session = await this.sessionFrom(arg, vscode.l10n.t('Recover which session?'), (s) => s.sqlite?.row.tombstone !== undefined);
    if (!session) return { outcome: 'cancelled', message: 'no session chosen' };
    if (!session.sqlite?.row.tombstone) {
      const message = vscode.l10n.t('"{0}" does not refuse messages: nothing to recover.', session.title);
      void vscode.window.showInformationMessage(message);
      return { outcome: 'none', message };
    }
    return this.call(
      vscode.l10n.t('Recovering "{0}"', session.title),
      recoverRemedy(session),
      () => vscode.l10n.t('OpenClaw recovered "{0}": it takes messages again.', session.title),
      (problem) => vscode.l10n.t('OpenClaw did not recover "{0}": {1}', session.title, problem),
    );
  }

  // ---------------------------------------------------------------- compact

  /** Compact Session for a SQLite-era session (Compact Session's command hands it here). */
  async compact(session: SessionInfo, options: SqliteCompactOptions = {}): Promise<SqliteActionResult> {
    let method = options.method ?? (options.maxLines !== undefined ? 'truncate' : undefined);
    const maxLines = options.maxLines ?? readSettings().compaction.maxLines;
    if (!method) {
      const picked = await vscode.window.showQuickPick(
        [
          {
            method: 'summary' as const,
            label: vscode.l10n.t('$(sparkle) Summarize with OpenClaw'),
            description: vscode.l10n.t('the gateway\'s model summarizes older turns'),
            detail: vscode.l10n.t('Runs sessions.compact on the gateway; the summary is written into the transcript.'),
          },
          {
            method: 'truncate' as const,
            label: vscode.l10n.t('$(trash) Truncate to the last {0} lines', maxLines),
            description: vscode.l10n.t('permanent: OpenClaw keeps no backup in this era'),
            detail: vscode.l10n.t('Runs sessions.compact with maxLines {0}; older events are deleted from the database.', maxLines),
          },
        ],
        { placeHolder: vscode.l10n.t('Compact "{0}" how?', session.title) },
      );
      if (!picked) return { outcome: 'cancelled', message: 'no method picked' };
      method = picked.method;
    }
    if (method === 'truncate') {
      const confirmed = await this.confirmTruncate(session, maxLines);
      if (!confirmed) return { outcome: 'cancelled', message: 'cancelled' };
    }
    const remedy = compactRemedy(session, method === 'truncate' ? maxLines : undefined);
    return this.call(
      vscode.l10n.t('OpenClaw is compacting "{0}"', session.title),
      remedy,
      (result) => {
        const r = result.response ?? {};
        const inner = (r.result && typeof r.result === 'object' ? r.result : {}) as Record<string, unknown>;
        if (r.compacted === false) return vscode.l10n.t('OpenClaw did not compact "{0}" (nothing to compact).', session.title);
        if (typeof r.kept === 'number') return vscode.l10n.t('OpenClaw truncated "{0}" to its last {1} lines.', session.title, r.kept);
        if (typeof inner.tokensBefore === 'number' && typeof inner.tokensAfter === 'number') {
          return vscode.l10n.t('OpenClaw compacted "{0}": {1} → {2} tokens.', session.title, inner.tokensBefore, inner.tokensAfter);
        }
        return vscode.l10n.t('OpenClaw compacted "{0}".', session.title);
      },
      (problem) => vscode.l10n.t('OpenClaw did not compact "{0}": {1}', session.title, problem),
    );
  }

  /** The truncation is permanent in this era: say so, and offer to keep a copy first. */
  private async confirmTruncate(session: SessionInfo, maxLines: number): Promise<boolean> {
    const exportFirst = vscode.l10n.t('Export Transcript First…');
    const openFirst = vscode.l10n.t('Open Read-Only First');
    const truncate = vscode.l10n.t('Truncate Permanently');
    const message = vscode.l10n.t('Truncate "{0}" to its last {1} lines, permanently?', session.title, maxLines);
    const detail = vscode.l10n.t(
      'OpenClaw keeps the header and the last {0} events and deletes the rest from its database in one transaction. In this era (2026.8+) it keeps NO backup: the deleted events cannot be restored. Export the transcript first if you may want them.',
      maxLines - 1,
    );
    for (;;) {
      const choice = await this.confirm(message, detail, [exportFirst, openFirst, truncate]);
      if (choice === truncate) return true;
      if (choice === openFirst) {
        // Read-only; Save As from there keeps a copy. The user runs Compact again after.
        await openSqliteTranscript(session);
        return false;
      }
      if (choice !== exportFirst) return false;
      const written = await this.exportTranscript(session);
      if (written === undefined) return false;
    }
  }

  /** Writes the transcript as JSONL where the user picks; the path, or undefined when not written. */
  async exportTranscript(session: SessionInfo): Promise<string | undefined> {
    const suggested = `${session.sessionId}.jsonl`;
    const target = await this.pickExportPath(suggested);
    if (!target) return undefined;
    const settings = readSettings();
    const read = await readSqliteTranscript(session.sqlite!.databasePath, session.sqlite!.row.sessionId ?? session.sessionId, transcriptReadOptions(settings));
    if ('failure' in read) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not read the transcript of "{0}": {1}', session.title, read.failure.message));
      return undefined;
    }
    await fs.promises.writeFile(target, read.jsonl, { flag: 'w' });
    this.log.info(`exported ${read.events} events of ${session.key} to ${target}${read.truncated ? ' (truncated)' : ''}`);
    void vscode.window.showInformationMessage(
      read.truncated
        ? vscode.l10n.t('Exported the first {0} events of "{1}" to {2}; the transcript has more than that.', read.events, session.title, target)
        : vscode.l10n.t('Exported {0} events of "{1}" to {2}.', read.events, session.title, target),
    );
    return target;
  }

  // ---------------------------------------------------------------- copy command

  /**
   * What OpenClaw runs only with the gateway stopped (doctor compact, the migration) is never
   * run from here by itself: the ready command goes on the clipboard, and into a terminal only
   * when the user clicks for it.
   */
  async copyCommand(arg?: unknown): Promise<string | undefined> {
    const snapshot = this.state.snapshot;
    if (!snapshot) return undefined;
    const findings = this.state.gradedAt(Date.now()).findings;
    let finding: Finding | undefined;
    if (arg && typeof arg === 'object' && 'kind' in arg && (arg as TreeNode).kind === 'finding') finding = (arg as FindingNode).finding;
    else if (typeof arg === 'string') finding = findings.find((f) => f.id === arg);
    const candidates = finding ? commandRemedies(finding) : findings.flatMap(commandRemedies);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No OpenClaw command to copy right now.'));
      return undefined;
    }
    let remedy: Remedy | undefined = candidates[0];
    if (candidates.length > 1) {
      const picked = await vscode.window.showQuickPick(
        candidates.map((r) => ({ label: remedyLabel(r, vscode.l10n.t), detail: remedyCommandLine(snapshot, r), remedy: r })),
        { placeHolder: vscode.l10n.t('Copy which command?') },
      );
      remedy = picked?.remedy;
    }
    if (!remedy) return undefined;
    const line = remedyCommandLine(snapshot, remedy);
    try {
      await vscode.env.clipboard.writeText(line);
    } catch (error) {
      this.log.warn(`copy: clipboard refused (${error instanceof Error ? error.message : String(error)})`);
    }
    const runIt = vscode.l10n.t('Run in Terminal');
    void Promise.resolve(
      vscode.window.showInformationMessage(vscode.l10n.t('Copied: {0}. OpenClaw runs it only with the gateway stopped (openclaw gateway stop).', line), runIt),
    ).then((choice) => {
      if (choice !== runIt) return;
      const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('OpenClaw doctor') });
      terminal.show();
      // Typed, not run: the user presses Enter once the gateway is stopped.
      terminal.sendText(line, false);
    });
    return line;
  }

  // ---------------------------------------------------------------- leftovers

  /**
   * Removes the old era's `.jsonl.lock` files through the lock core's verified removal, each
   * only if it is still the file inspected and its owner is provably gone (a live pid keeps it:
   * it could be an OpenClaw 2026.7 still running against this state dir).
   */
  async removeLeftovers(): Promise<{ removed: string[]; kept: { lockPath: string; reason: string }[]; message: string }> {
    await this.state.whenIdle();
    const leftovers = (this.state.snapshot?.agents ?? []).flatMap((a) => a.leftoverLocks ?? []);
    const removed: string[] = [];
    const kept: { lockPath: string; reason: string }[] = [];
    if (leftovers.length === 0) {
      const message = vscode.l10n.t('No leftover .jsonl.lock files.');
      void vscode.window.showInformationMessage(message);
      return { removed, kept, message };
    }
    const remove = vscode.l10n.t('Remove');
    const choice = await this.confirm(
      leftovers.length === 1 ? vscode.l10n.t('Remove the leftover lock file?') : vscode.l10n.t('Remove {0} leftover lock files?', leftovers.length),
      vscode.l10n.t('They are from before this OpenClaw moved sessions to SQLite; nothing reads them. Each is removed only if its owner is provably gone and it is still the file inspected.'),
      [remove],
    );
    if (choice !== remove) return { removed, kept, message: 'cancelled' };
    for (const view of leftovers) {
      try {
        const result = await removeStaleLock(view.lockPath, { expected: view.inspection });
        if (result.removed) removed.push(view.lockPath);
        else kept.push({ lockPath: view.lockPath, reason: keptBecause(result) });
        this.log.info(`leftovers: ${result.removed ? 'removed' : `kept (${keptBecause(result)})`} ${view.lockPath}`);
      } catch (error) {
        kept.push({ lockPath: view.lockPath, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    await this.state.refreshQuietly();
    const message =
      kept.length === 0
        ? vscode.l10n.t('Removed {0} leftover lock file(s).', removed.length)
        : vscode.l10n.t('Removed {0} leftover lock file(s); kept {1}: {2}', removed.length, kept.length, kept.map((k) => `${k.lockPath.split(/[\\/]/).pop()} (${k.reason})`).join('; '));
    if (kept.length > 0) void vscode.window.showWarningMessage(message);
    else void vscode.window.showInformationMessage(message);
    return { removed, kept, message };
  }
}
