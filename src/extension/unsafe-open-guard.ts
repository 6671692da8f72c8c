// Transcripts opened through the Explorer (`file:`) are saved by VS Code's own file service,
// which knows nothing of the session write lock: such a save can land between two of the
// gateway's appends. This guard notices those documents (from the model's snapshot, no disk
// scan), warns once per opened document and offers to reopen it through `openclaw-session:`.
// A save cannot be vetoed from onWillSaveTextDocument, so that one is warned about too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectLock, lockPathFor } from '../lock';
import { describeLockHolder, foreignActivityWarning } from '../transcripts';
import { Disposable } from './dispose';
import { openTranscript } from './transcript-editors';
import type { SessionsState } from './sessions-state';
import { readSettings } from './settings';
import { matchTranscript, type TranscriptMatch } from './transcript-match';

export const REOPEN_SAFELY = 'Reopen Safely';

/** What the guard decided for one document event; kept for the log and for tests. */
export interface GuardDecision {
  uri: string;
  event: 'open' | 'save';
  verdict: 'warned' | 'not-a-transcript' | 'disabled' | 'already-warned';
  match?: TranscriptMatch;
}

export class UnsafeOpenGuard extends Disposable {
  private readonly warned = new Set<string>();
  private readonly _decisions: GuardDecision[] = [];
  private readonly _onDidDecide = this._register(new vscode.EventEmitter<GuardDecision>());
  readonly onDidDecide = this._onDidDecide.event;

  constructor(
    private readonly state: SessionsState,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((document) => this.onOpen(document)));
    this._register(vscode.workspace.onDidCloseTextDocument((document) => this.warned.delete(document.uri.toString())));
    this._register(vscode.workspace.onWillSaveTextDocument((event) => this.onWillSave(event.document)));
    // Documents restored before the first scan (or opened while another state dir was
    // shown) are judged again once a snapshot is there.
    this._register(state.onDidChange(() => this.checkOpenDocuments()));
    this.checkOpenDocuments();
  }

  get decisions(): readonly GuardDecision[] {
    return this._decisions;
  }

  /** The transcript a `file:` document is, if any; undefined for everything else. */
  transcriptOf(document: vscode.TextDocument): TranscriptMatch | undefined {
    if (document.uri.scheme !== 'file') return undefined;
    const filePath = document.uri.fsPath;
    if (!filePath.endsWith('.jsonl')) return undefined;
    const snapshot = this.state.snapshot;
    const direct = matchTranscript(snapshot, filePath);
    if (direct || !snapshot) return direct;
    // A state dir reached through a symlink (e.g. /tmp on macOS): two realpath calls, no scan.
    try {
      return matchTranscript(snapshot, filePath, {
        realPath: fs.realpathSync(filePath),
        realStateDir: fs.realpathSync(snapshot.resolution.stateDir),
      });
    } catch {
      return undefined;
    }
  }

  private checkOpenDocuments(): void {
    if (!this.state.snapshot) return;
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === 'file' && !this.warned.has(document.uri.toString())) this.onOpen(document, true);
    }
  }

  private onOpen(document: vscode.TextDocument, recheck = false): void {
    if (document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    const match = this.transcriptOf(document);
    if (!match) {
      // A recheck after every scan would flood the record with the same non-transcripts.
      if (!recheck) this.decide({ uri: key, event: 'open', verdict: 'not-a-transcript' });
      return;
    }
    if (this.warned.has(key)) return this.decide({ uri: key, event: 'open', verdict: 'already-warned', match });
    if (!readSettings().editing.warnOnUnsafeOpen) return this.decide({ uri: key, event: 'open', verdict: 'disabled', match });
    this.warned.add(key);
    const name = path.basename(match.transcriptPath);
    const named = match.title && match.title !== name ? vscode.l10n.t('{0} ("{1}")', name, match.title) : name;
    const message = vscode.l10n.t(
      "{0} is an OpenClaw session opened as a plain file: saving it here bypasses the session write lock and can interleave with the gateway's appends. Reopen it through the OpenClaw session editor to save under the lock.",
      named,
    );
    this.log.warn(`${match.transcriptPath} opened through file:, which bypasses the session write lock`);
    this.decide({ uri: key, event: 'open', verdict: 'warned', match });
    void Promise.resolve(vscode.window.showWarningMessage(message, REOPEN_SAFELY)).then((choice) => {
      if (choice === REOPEN_SAFELY) return this.reopenSafely(document.uri, match.transcriptPath, match.title);
      return undefined;
    });
  }

  private onWillSave(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    const match = this.transcriptOf(document);
    if (!match) return;
    if (!readSettings().editing.warnOnUnsafeOpen) return this.decide({ uri: key, event: 'save', verdict: 'disabled', match });
    this.decide({ uri: key, event: 'save', verdict: 'warned', match });
    // Not through event.waitUntil: holding the save up would not make it safe, and a lock
    // taken here could not be released if VS Code's write then failed.
    void this.warnAboutSave(document.uri, match);
  }

  private async warnAboutSave(uri: vscode.Uri, match: TranscriptMatch): Promise<void> {
    const name = path.basename(match.transcriptPath);
    let activity: string | undefined;
    try {
      const lock = await inspectLock(await lockPathFor(match.transcriptPath));
      const stats = await fs.promises.stat(match.transcriptPath).catch(() => undefined);
      if (lock.state === 'held' && lock.owner?.alive && !lock.owner.isSelf) {
        activity = `${describeLockHolder(lock)} holds this session's write lock right now, and this save did not wait for it.`;
      } else {
        activity = foreignActivityWarning({
          lock,
          gatewayAlive: this.state.snapshot?.gateway.alive === true,
          transcriptMtimeMs: stats?.mtimeMs,
          now: Date.now(),
        });
      }
    } catch (error) {
      this.log.warn(`cannot inspect the lock of ${match.transcriptPath}: ${(error as Error).message}`);
    }
    const message = activity
      ? vscode.l10n.t('{0} was saved as a plain file, without the session write lock (VS Code cannot stop a save from an extension). {1} If the gateway was appending, check the end of the file. Reopen it through the OpenClaw session editor so later saves take the lock.', name, activity)
      : vscode.l10n.t('{0} was saved as a plain file, without the session write lock (VS Code cannot stop a save from an extension). If the gateway was appending, check the end of the file. Reopen it through the OpenClaw session editor so later saves take the lock.', name);
    this.log.warn(`${match.transcriptPath} saved through file:, without the session write lock${activity ? `: ${activity}` : ''}`);
    const choice = await vscode.window.showWarningMessage(message, REOPEN_SAFELY);
    if (choice === REOPEN_SAFELY) await this.reopenSafely(uri, match.transcriptPath, match.title);
  }

  /** Closes the `file:` editors of the transcript and opens it through `openclaw-session:`; a dirty document stays open. */
  async reopenSafely(fileUri: vscode.Uri, transcriptPath: string, title?: string): Promise<'reopened' | 'dirty'> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === fileUri.toString());
    if (document?.isDirty) {
      this.log.info(`not reopening ${transcriptPath}: it has unsaved changes in its file: editor`);
      void Promise.resolve(
        vscode.window.showWarningMessage(
          vscode.l10n.t('{0} has unsaved changes, so its plain-file editor was left open (closing it would lose them). Revert it, or copy your edit aside, then choose {1}.', path.basename(transcriptPath), REOPEN_SAFELY),
          REOPEN_SAFELY,
        ),
      ).then((choice) => (choice === REOPEN_SAFELY ? this.reopenSafely(fileUri, transcriptPath, title) : undefined));
      return 'dirty';
    }
    const tabs = vscode.window.tabGroups.all.flatMap((group) =>
      group.tabs.filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === fileUri.toString()),
    );
    const viewColumn = tabs[0]?.group.viewColumn;
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
    await openTranscript(transcriptPath, title, { viewColumn, preview: false });
    this.log.info(`reopened ${transcriptPath} through the session file system`);
    return 'reopened';
  }

  private decide(decision: GuardDecision): void {
    this._decisions.push(decision);
    if (this._decisions.length > 200) this._decisions.splice(0, this._decisions.length - 200);
    this._onDidDecide.fire(decision);
  }
}
