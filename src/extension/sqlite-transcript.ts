// Open Session in the SQLite era: a session's `transcript_events`, rendered as the JSONL it
// would have been, in a read-only editor. Its own scheme so that VS Code itself marks the
// whole scheme read-only with our sentence: a user who types or saves is told why, instead of
// a write failing obscurely. Nothing here writes; OpenClaw owns the database.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { readSqliteTranscript, type StoreReadOptions } from '../sqlite-store/read-store';
import type { SessionInfo } from '../sessions/types';
import { Disposable } from './dispose';
import { readSettings, type ExtensionSettings } from './settings';
import { TRANSCRIPT_LANGUAGE } from './transcript-editors';

export const SQLITE_SESSION_SCHEME = 'openclaw-session-db';

export const READ_ONLY_MESSAGE = (): string => vscode.l10n.t('Editing SQLite-era transcripts is not supported; OpenClaw owns this database.');

interface SqliteTranscriptQuery {
  sessionId: string;
  key?: string;
  /** The tab's name (the `resourceLabelFormatters` contribution shows `${query.tabName}`). */
  tabName: string;
}

/** The editor's URI: the database's path, and which session window in the query. */
export function sqliteTranscriptUri(session: SessionInfo): vscode.Uri {
  const query: SqliteTranscriptQuery = {
    sessionId: session.sqlite?.row.sessionId ?? session.sessionId,
    ...(session.key ? { key: session.key } : {}),
    tabName: `${session.title.replace(/[/\\]/g, '∕')} (read-only)`,
  };
  return vscode.Uri.from({ scheme: SQLITE_SESSION_SCHEME, path: session.sqlite!.databasePath, query: JSON.stringify(query) });
}

function queryOf(uri: vscode.Uri): SqliteTranscriptQuery {
  try {
    const parsed = JSON.parse(uri.query) as Partial<SqliteTranscriptQuery>;
    if (typeof parsed.sessionId === 'string') return { sessionId: parsed.sessionId, tabName: String(parsed.tabName ?? parsed.sessionId), ...(parsed.key ? { key: parsed.key } : {}) };
  } catch {
    // fall through
  }
  throw vscode.FileSystemError.FileNotFound(uri);
}

/**
 * How a transcript is read: the reader's own option names (`configured` is the Node a setting
 * names), so the read runs where the scan's does, in-process or on that Node.
 */
export function transcriptReadOptions(settings: ExtensionSettings): StoreReadOptions {
  return {
    ...(settings.nodePath ? { configured: settings.nodePath } : {}),
    ...(settings.compaction.openclawPath ? { openclawPath: settings.compaction.openclawPath } : {}),
    env: process.env,
  };
}

export async function openSqliteTranscript(session: SessionInfo, options: vscode.TextDocumentShowOptions = { preview: true }): Promise<vscode.TextEditor> {
  let document = await vscode.workspace.openTextDocument(sqliteTranscriptUri(session));
  if (document.languageId !== TRANSCRIPT_LANGUAGE) document = await vscode.languages.setTextDocumentLanguage(document, TRANSCRIPT_LANGUAGE);
  return vscode.window.showTextDocument(document, options);
}

export class SqliteTranscriptProvider extends Disposable implements vscode.FileSystemProvider {
  private readonly _onDidChangeFile = this._register(new vscode.EventEmitter<vscode.FileChangeEvent[]>());
  readonly onDidChangeFile = this._onDidChangeFile.event;
  /** The bytes last rendered per URI: stat's size must match what readFile returns. */
  private readonly rendered = new Map<string, { bytes: Uint8Array; mtime: number }>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    const readonlyMessage = new vscode.MarkdownString(READ_ONLY_MESSAGE());
    this._register(vscode.workspace.registerFileSystemProvider(SQLITE_SESSION_SCHEME, this, { isCaseSensitive: true, isReadonly: readonlyMessage }));
  }

  /** The database's and its WAL's newest mtime: a new event moves it, so VS Code rereads. */
  private mtimeOf(databasePath: string): number {
    const mtime = (p: string) => {
      try {
        return fs.statSync(p).mtimeMs;
      } catch {
        return 0;
      }
    };
    return Math.max(mtime(databasePath), mtime(`${databasePath}-wal`));
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    queryOf(uri);
    if (!fs.existsSync(uri.path)) throw vscode.FileSystemError.FileNotFound(uri);
    const mtime = this.mtimeOf(uri.path);
    const cached = this.rendered.get(uri.toString());
    return { type: vscode.FileType.File, ctime: mtime, mtime, size: cached?.bytes.byteLength ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { sessionId, tabName } = queryOf(uri);
    const settings = readSettings();
    const read = await readSqliteTranscript(uri.path, sessionId, transcriptReadOptions(settings));
    if ('failure' in read) {
      this.log.warn(`open ${uri.path} ${sessionId}: ${read.failure.kind}: ${read.failure.message} (reader ${read.reader})`);
      throw vscode.FileSystemError.Unavailable(vscode.l10n.t('Could not read the transcript from {0}: {1}', uri.path, read.failure.message));
    }
    this.log.info(`opened ${read.events} events of ${sessionId} read-only from ${uri.path} (${read.reader})`);
    if (read.truncated) {
      void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" shows its first {1} events only; the transcript has more.', tabName, read.events));
    }
    const bytes = Buffer.from(read.jsonl, 'utf8');
    this.rendered.set(uri.toString(), { bytes, mtime: this.mtimeOf(uri.path) });
    return bytes;
  }

  watch(uri: vscode.Uri): vscode.Disposable {
    // By file metadata only (the database and its WAL), never by polling queries.
    let last = this.mtimeOf(uri.path);
    const timer = setInterval(() => {
      const now = this.mtimeOf(uri.path);
      if (now !== last) {
        last = now;
        this._onDidChangeFile.fire([{ type: vscode.FileChangeType.Changed, uri }]);
      }
    }, 2000);
    return new vscode.Disposable(() => clearInterval(timer));
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_MESSAGE());
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_MESSAGE());
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_MESSAGE());
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions(READ_ONLY_MESSAGE());
  }
}
