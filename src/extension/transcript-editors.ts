// Editors of `openclaw-session:` transcripts: their own language (so `files.autoSave` is off
// for them by a language default, whatever the user's global setting: a save of a
// transcript writes under the session write lock and happens only when the user asks),
// their session's name on the tab, and the first invalid line marked in the Problems panel
// while the user types, so a refused save points at the line to fix.
import * as vscode from 'vscode';
import { findInvalidLine } from '../transcripts';
import { Disposable } from './dispose';
import { SESSION_SCHEME, sessionUri } from './session-file-system';

/** Contributed in package.json, with `"[openclaw-transcript]": { "files.autoSave": "off" }`. */
export const TRANSCRIPT_LANGUAGE = 'openclaw-transcript';
const VALIDATE_DELAY_MS = 250;

export const isTranscriptDocument = (document: vscode.TextDocument): boolean => document.uri.scheme === SESSION_SCHEME;

/** Opens a transcript through the session file system, in its language, named by its session. */
export async function openTranscript(transcriptPath: string, title: string | undefined, options: vscode.TextDocumentShowOptions): Promise<vscode.TextEditor> {
  let document = await vscode.workspace.openTextDocument(sessionUri(transcriptPath, title));
  // Before the editor shows, so the workbench never sees it as a plain .jsonl with autosave.
  if (document.languageId !== TRANSCRIPT_LANGUAGE) document = await vscode.languages.setTextDocumentLanguage(document, TRANSCRIPT_LANGUAGE);
  return vscode.window.showTextDocument(document, options);
}

export class TranscriptEditors extends Disposable {
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection(TRANSCRIPT_LANGUAGE));
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((document) => this.adopt(document)));
    this._register(vscode.workspace.onDidChangeTextDocument((event) => this.scheduleValidation(event.document)));
    this._register(vscode.workspace.onDidCloseTextDocument((document) => this.forget(document)));
    this._register({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
    for (const document of vscode.workspace.textDocuments) this.adopt(document);
  }

  /** The diagnostics of a document, for tests. */
  problemsOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.diagnostics.get(uri) ?? [];
  }

  private adopt(document: vscode.TextDocument): void {
    if (!isTranscriptDocument(document)) return;
    // Editors restored from an earlier window, or opened by other means, get the language too.
    if (document.languageId !== TRANSCRIPT_LANGUAGE) {
      void vscode.languages.setTextDocumentLanguage(document, TRANSCRIPT_LANGUAGE).then(undefined, () => undefined);
      return;
    }
    this.validate(document);
  }

  private scheduleValidation(document: vscode.TextDocument): void {
    if (!isTranscriptDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.validate(document);
    }, VALIDATE_DELAY_MS));
  }

  private validate(document: vscode.TextDocument): void {
    if (document.isClosed) return;
    const invalid = findInvalidLine(document.getText());
    if (!invalid) {
      this.diagnostics.delete(document.uri);
      return;
    }
    const line = invalid.line - 1;
    const range = new vscode.Range(line, invalid.column - 1, line, Math.max(invalid.endColumn - 1, invalid.column));
    const diagnostic = new vscode.Diagnostic(
      range,
      vscode.l10n.t('Not a transcript entry: {0}. Every line must be one JSON object; the session cannot be saved until this line is fixed or removed.', invalid.problem),
      vscode.DiagnosticSeverity.Error,
    );
    diagnostic.source = 'OpenClaw';
    this.diagnostics.set(document.uri, [diagnostic]);
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    if (isTranscriptDocument(document)) this.diagnostics.delete(document.uri);
  }
}
