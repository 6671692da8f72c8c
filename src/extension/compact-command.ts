// Compact Session (palette and the Sessions view's context menu): pick a session, pick a
// method (Summarize with OpenClaw when its CLI is found; Trim locally always), run it with a
// cancellable progress notification, and report what changed. Trimming takes the session
// write lock, so the view shows the session locked while it runs, and its new size after.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compactWithOpenClaw, describeCompactTokens, findOpenClawCli, getGatewayStatus, OpenClawCliError, type OpenClawCompactResult } from '../openclaw';
import { type SessionInfo } from '../sessions';
import { TranscriptError, trimTranscript, type CompactStep, type TrimResult } from '../transcripts';
import { LEVEL_PRESENTATION, formatBytes } from './lock-presentation';
import { Disposable } from './dispose';
import type { SessionsState } from './sessions-state';
import { createCommand, pathFromArgument } from './commands';
import { withCancellableProgress } from './progress';
import { SECTION, readSettings } from './settings';
import type { TreeNode } from './tree-model';
import type { SqliteActionResult, SqliteCommands } from './sqlite-commands';

export type CompactMethod = 'openclaw' | 'trim';

/** Options a caller (a test, another command) may pass instead of answering the pickers. */
export interface CompactCommandOptions {
  /** SQLite era: `trim` is OpenClaw's permanent truncation (sessions.compact with maxLines), `openclaw` its summary. */
  method?: CompactMethod;
  maxLines?: number;
}

export interface CompactCommandResult {
  outcome: 'compacted' | 'unchanged' | 'cancelled' | 'failed';
  method?: CompactMethod;
  message: string;
  session?: SessionInfo;
  trim?: TrimResult;
  openclaw?: OpenClawCompactResult;
  /** SQLite era: the gateway's answer. */
  sqlite?: SqliteActionResult;
}

function formatCount(n: number | undefined): string {
  return n === undefined ? '?' : n.toLocaleString('en-US');
}

export class CompactCommand extends Disposable {
  /** Called at each step of a trim (the in-host tests pause one to look at the view meanwhile). */
  readonly trimSteps: { onStep?: (step: CompactStep, transcriptPath: string) => Promise<void> | void } = {};

  constructor(
    private readonly state: SessionsState,
    private readonly log: vscode.LogOutputChannel,
    private readonly sqlite?: SqliteCommands,
  ) {
    super();
    this._register(
      createCommand({ log }, 'compactSession', vscode.l10n.t('Compact Session'), (arg?: unknown, options?: CompactCommandOptions) => this.run(arg, options)),
    );
  }

  async run(arg?: unknown, options: CompactCommandOptions = {}): Promise<CompactCommandResult> {
    const session = await this.pickSession(arg);
    if (!session) return { outcome: 'cancelled', message: 'No session picked.' };
    // The SQLite era has no file to trim: only OpenClaw compacts, through its gateway.
    if (session.sqlite && this.sqlite) {
      const method = options.method === 'trim' ? 'truncate' : options.method === 'openclaw' ? 'summary' : undefined;
      const result = await this.sqlite.compact(session, { ...(options.maxLines !== undefined ? { maxLines: options.maxLines } : {}), ...(method ? { method } : {}) });
      const outcome = result.outcome === 'done' ? 'compacted' : result.outcome === 'cancelled' ? 'cancelled' : result.outcome === 'none' ? 'unchanged' : 'failed';
      return { outcome, method: method === 'truncate' ? 'trim' : 'openclaw', message: result.message, session, sqlite: result };
    }
    const settings = readSettings().compaction;
    const cliPath = await findOpenClawCli({ configuredPath: settings.openclawPath });
    const maxLines = options.maxLines ?? settings.maxLines;
    const method = options.method ?? (await this.pickMethod(session, cliPath, maxLines));
    if (!method) return { outcome: 'cancelled', message: 'No method picked.', session };
    if (method === 'openclaw') return this.summarize(session, cliPath);
    return this.trim(session, maxLines);
  }

  private async pickSession(arg: unknown): Promise<SessionInfo | undefined> {
    if (arg && typeof arg === 'object' && 'kind' in arg && (arg as TreeNode).kind === 'session') {
      return (arg as Extract<TreeNode, { kind: 'session' }>).session;
    }
    const named = pathFromArgument(arg);
    if (named !== undefined) {
      const found = this.state.model.findSession(named);
      if (!found) void vscode.window.showErrorMessage(vscode.l10n.t('No OpenClaw session matches "{0}".', named));
      return found;
    }
    const sessions = (this.state.snapshot?.agents ?? []).flatMap((agent) => agent.sessions.filter((s) => s.transcriptExists || s.sqlite));
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no OpenClaw session to compact.'));
      return undefined;
    }
    // Largest first: those are the ones worth compacting.
    sessions.sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0));
    const picked = await vscode.window.showQuickPick(
      sessions.map((session) => this.sessionItem(session)),
      { placeHolder: vscode.l10n.t('Compact which session?'), matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.session;
  }

  /** Size first, then whether it is locked right now (a trim waits for that lock), then the key. */
  private sessionItem(session: SessionInfo): vscode.QuickPickItem & { session: SessionInfo } {
    const node = this.state.tree.nodeForTranscript(session.transcriptPath);
    const level = node?.lock.level ?? 'free';
    const lockWords = level === 'free' ? undefined : vscode.l10n.t('{0} lock', LEVEL_PRESENTATION[level].label);
    const description = [formatBytes(session.sizeBytes ?? 0), lockWords, session.key && session.key !== session.title ? session.key : undefined]
      .filter(Boolean)
      .join(' · ');
    return {
      label: level === 'free' ? session.title : `$(${LEVEL_PRESENTATION[level].icon.replace(/~spin$/, '')}) ${session.title}`,
      description,
      detail: session.transcriptPath,
      session,
    };
  }

  private async pickMethod(session: SessionInfo, cliPath: string | undefined, maxLines: number): Promise<CompactMethod | undefined> {
    type Item = vscode.QuickPickItem & { method?: CompactMethod };
    const items: Item[] = [];
    if (cliPath && session.key) {
      items.push({
        method: 'openclaw',
        label: vscode.l10n.t('$(sparkle) Summarize with OpenClaw'),
        description: vscode.l10n.t('the gateway summarizes older turns with its model'),
        detail: vscode.l10n.t('Runs `openclaw sessions compact {0}`; needs a running gateway.', session.key),
      });
    }
    items.push({
      method: 'trim',
      label: vscode.l10n.t('$(fold) Trim locally'),
      description: vscode.l10n.t('keep the header and the last {0} lines', maxLines - 1),
      detail: vscode.l10n.t('Works without a gateway. The original is kept as <file>.bak.<timestamp>.'),
    });
    if (!cliPath || !session.key) {
      // An explanation the user can read whole, and act on: picking it opens the setting.
      items.push({
        label: vscode.l10n.t('$(info) Summarize with OpenClaw is not available'),
        detail: !cliPath
          ? vscode.l10n.t('The openclaw CLI was not found on PATH or at openclawSessions.openclawPath. Pick this to set its path.')
          : vscode.l10n.t('"{0}" is not in sessions.json, so OpenClaw cannot compact it by key.', session.title),
      });
    }
    const placeHolder = vscode.l10n.t('Compact "{0}" ({1}) how?', session.title, formatBytes(session.sizeBytes ?? 0));
    const picked = await vscode.window.showQuickPick(items, { placeHolder });
    if (picked && !picked.method && !cliPath) {
      await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.openclawPath`);
    }
    return picked?.method;
  }

  private async trim(session: SessionInfo, maxLines: number): Promise<CompactCommandResult> {
    const transcriptPath = session.transcriptPath;
    this.log.info(`compact (trim to ${maxLines} lines): ${transcriptPath}`);
    try {
      let lastPercent = 0;
      const trim = await withCancellableProgress(vscode.l10n.t('Compacting "{0}"', session.title), (report, signal) =>
        trimTranscript({
          transcriptPath,
          maxLines,
          onStep: (step) => this.trimSteps.onStep?.(step, transcriptPath),
          // The same patience as a save from the editor: both wait for the gateway's turn.
          timeoutMs: readSettings().editing.lockTimeoutMs,
          signal,
          onProgress: (p) => {
            if (p.message) report(p.message);
            else if (p.bytesTotal > 0) {
              const percent = Math.floor((p.bytesDone / p.bytesTotal) * 100);
              if (percent !== lastPercent) {
                report(`${p.phase} ${percent}%`);
                lastPercent = percent;
              }
            }
          },
        }));
      await this.state.refreshQuietly();
      for (const leftover of trim.removedLeftovers) this.log.info(`removed a leftover of a crashed run: ${leftover}`);
      if (!trim.compacted) {
        const message = vscode.l10n.t('"{0}" has {1} lines, no more than {2}: nothing to trim.', session.title, formatCount(trim.linesBefore), maxLines);
        this.log.info(message);
        void vscode.window.showInformationMessage(message);
        return { outcome: 'unchanged', method: 'trim', message, session, trim };
      }
      const facts = [session.title, formatCount(trim.linesBefore), formatCount(trim.linesAfter), formatBytes(trim.bytesBefore), formatBytes(trim.bytesAfter), path.basename(trim.archivePath!)];
      const message = trim.droppedTornLine
        ? vscode.l10n.t('Compacted "{0}": {1} → {2} lines, {3} → {4}. Original kept as {5}. Its cut-off last line is only in the archive.', ...facts)
        : vscode.l10n.t('Compacted "{0}": {1} → {2} lines, {3} → {4}. Original kept as {5}.', ...facts);
      this.log.info(`${message} (${trim.archivePath})`);
      void vscode.window.showInformationMessage(message);
      return { outcome: 'compacted', method: 'trim', message, session, trim };
    } catch (error) {
      const cancelled = error instanceof TranscriptError && error.code === 'ABORTED';
      const message = cancelled
        ? vscode.l10n.t('Compaction of "{0}" cancelled; the transcript was not changed.', session.title)
        : vscode.l10n.t('Could not compact "{0}": {1}', session.title, (error as Error).message);
      this.log.warn(message);
      if (cancelled) void vscode.window.showInformationMessage(message);
      else void vscode.window.showErrorMessage(message);
      await this.state.refreshQuietly();
      return { outcome: cancelled ? 'cancelled' : 'failed', method: 'trim', message, session };
    }
  }

  private async summarize(session: SessionInfo, cliPath: string | undefined): Promise<CompactCommandResult> {
    const fail = (message: string): CompactCommandResult => {
      this.log.warn(message);
      void vscode.window.showErrorMessage(message);
      return { outcome: 'failed', method: 'openclaw', message, session };
    };
    if (!cliPath) return fail(vscode.l10n.t('The openclaw CLI was not found (PATH or openclawSessions.openclawPath); use Trim locally instead.'));
    if (!session.key) return fail(vscode.l10n.t('"{0}" is not in sessions.json, so OpenClaw cannot compact it by key; use Trim locally instead.', session.title));
    const key = session.key;
    try {
      const result = await withCancellableProgress(vscode.l10n.t('OpenClaw is compacting "{0}"', session.title), async (report, signal) => {
        report(vscode.l10n.t('checking the gateway'));
        const gateway = await getGatewayStatus(cliPath, { signal });
        if (!gateway.reachable) throw new OpenClawCliError('GATEWAY_UNREACHABLE', `OpenClaw's gateway does not answer: ${gateway.problem ?? 'unknown reason'}. Start it, or use Trim locally.`);
        report(vscode.l10n.t('summarizing (this can take a while)'));
        this.log.info(`compact (openclaw): ${cliPath} sessions compact ${key}${session.agentId !== 'main' ? ` --agent ${session.agentId}` : ''}`);
        return compactWithOpenClaw({ cliPath, key, agentId: session.agentId, signal });
      });
      await this.state.refreshQuietly();
      const tokens = describeCompactTokens(result);
      const message = result.compacted === false
        ? vscode.l10n.t('OpenClaw did not compact "{0}"{1}.', session.title, tokens)
        : vscode.l10n.t('OpenClaw compacted "{0}"{1}.', session.title, tokens);
      this.log.info(message);
      void vscode.window.showInformationMessage(message);
      return { outcome: result.compacted === false ? 'unchanged' : 'compacted', method: 'openclaw', message, session, openclaw: result };
    } catch (error) {
      if (error instanceof OpenClawCliError && error.code === 'ABORTED') {
        const message = vscode.l10n.t('Stopped waiting for OpenClaw to compact "{0}".', session.title);
        this.log.info(message);
        return { outcome: 'cancelled', method: 'openclaw', message, session };
      }
      return fail((error as Error).message);
    }
  }
}
