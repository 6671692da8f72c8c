// The `openclaw-session:` file system: transcripts opened from the Sessions view are edited
// through it, so that every save goes through the session write lock (the pure safe save in
// src/transcripts/save.ts). stat reports the real mtime and size, so VS Code's own
// "file changed on disk" flow works; a failed save throws a FileSystemError, which keeps the
// editor dirty with the user's text.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectLock, lockPathFor } from '../lock';
import { foreignActivityWarning, isTranscriptError, readTranscriptSnapshot, safeSaveTranscript, TranscriptError, type TranscriptSnapshot } from '../transcripts';
import { Disposable, toDisposable } from './dispose';
import type { SessionsState } from './sessions-state';
import { withCancellableProgress } from './progress';
import { readSettings } from './settings';

export const SESSION_SCHEME = 'openclaw-session';

/**
 * The editor's URI of a transcript. The path is the transcript's own (what the file system
 * reads and writes); the query carries the session's name for the tab, which the
 * `resourceLabelFormatters` contribution appends as `${path}${query.tabName}`, so the tab
 * reads "Ops Discord" and a URI without a query still reads as its file name.
 */
export function sessionUri(transcriptPath: string, title?: string): vscode.Uri {
  const name = title?.trim();
  if (!name || name === path.basename(transcriptPath)) return vscode.Uri.from({ scheme: SESSION_SCHEME, path: transcriptPath });
  return vscode.Uri.from({ scheme: SESSION_SCHEME, path: transcriptPath, query: JSON.stringify({ tabName: `/${name.replace(/[/\\]/g, '∕')}` }) });
}

/** Maps a safe-save failure to the FileSystemError VS Code shows (and that keeps the editor dirty). */
export function toFileSystemError(error: unknown): vscode.FileSystemError {
  if (error instanceof vscode.FileSystemError) return error;
  if (!(error instanceof TranscriptError)) return vscode.FileSystemError.Unavailable(`${(error as Error)?.message ?? String(error)}`);
  switch (error.code) {
    case 'NOT_FOUND':
      return vscode.FileSystemError.FileNotFound(error.message);
    case 'NO_PERMISSION':
    case 'UNSAFE_PATH':
      return vscode.FileSystemError.NoPermissions(error.message);
    case 'CHANGED_ON_DISK':
      // VS Code's own check (stat mtime) usually catches this first; this is the backstop.
      return vscode.FileSystemError.FileExists(error.message);
    case 'INVALID_JSON':
      return vscode.FileSystemError.Unavailable(vscode.l10n.t('{0} The line is marked in the Problems panel.', error.message));
    case 'LOCK_TIMEOUT':
    case 'LOCK_LOST':
    case 'ABORTED':
    case 'INVALID_ARGUMENT':
    case 'IO':
    default:
      return vscode.FileSystemError.Unavailable(error.message);
  }
}

export function tooLargeToOpen(transcriptPath: string, size: number, maxReadBytes: number): vscode.FileSystemError {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  return vscode.FileSystemError.Unavailable(
    vscode.l10n.t(
      '{0} is {1} MB, over openclawSessions.editing.maxReadMB ({2} MB): it is not opened at all, so VS Code does not load it into memory. Use Compact Session to shrink it (the original is kept as a .bak file), then open it again.',
      path.basename(transcriptPath), mb(size), mb(maxReadBytes),
    ),
  );
}

export const SAVE_ANYWAY = 'Save Anyway';

export class SessionFileSystemProvider extends Disposable implements vscode.FileSystemProvider {
  private readonly _onDidChangeFile = this._register(new vscode.EventEmitter<vscode.FileChangeEvent[]>());
  readonly onDidChangeFile = this._onDidChangeFile.event;
  /** What the editor last read (or wrote) per transcript: a save must still match it. */
  private readonly snapshots = new Map<string, TranscriptSnapshot>();
  private readonly warnedLarge = new Set<string>();

  /**
   * Called between a save's durable temp file and its last lock check: the one moment at which
   * another process can still take the lock. The in-host tests race it there.
   */
  readonly saveSteps: { beforeCommit?: (transcriptPath: string) => Promise<void> | void } = {};

  /**
   * Asks before a save that could abort a running OpenClaw. Replaceable for tests;
   * resolves true to go on.
   */
  confirmForeignWrite: (message: string, uri: vscode.Uri) => Promise<boolean> = async (message) =>
    (await vscode.window.showWarningMessage(message, { modal: true, detail: vscode.l10n.t('Save anyway, or cancel and keep your edit unsaved?') }, SAVE_ANYWAY)) === SAVE_ANYWAY;

  constructor(
    private readonly state: SessionsState | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(vscode.workspace.registerFileSystemProvider(SESSION_SCHEME, this, { isCaseSensitive: true }));
  }

  // ----------------------------------------------------------------- reading

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    let stats: fs.Stats;
    try {
      stats = await fs.promises.lstat(uri.path);
    } catch (error) {
      throw this.fsError(error, uri);
    }
    if (stats.isDirectory()) {
      return { type: vscode.FileType.Directory, ctime: stats.ctimeMs, mtime: stats.mtimeMs, size: stats.size, permissions: vscode.FilePermission.Readonly };
    }
    const readonly = this.readonlyReason(uri, stats);
    return {
      type: stats.isSymbolicLink() ? vscode.FileType.File | vscode.FileType.SymbolicLink : vscode.FileType.File,
      ctime: stats.ctimeMs,
      mtime: stats.mtimeMs,
      size: stats.size,
      ...(readonly ? { permissions: vscode.FilePermission.Readonly } : {}),
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { maxReadBytes } = readSettings().editing;
    try {
      const { content, snapshot } = await readTranscriptSnapshot(uri.path, { maxBytes: maxReadBytes });
      this.snapshots.set(uri.path, snapshot);
      if (snapshot.size > readSettings().editing.largeFileBytes && !this.warnedLarge.has(uri.path)) {
        this.warnedLarge.add(uri.path);
        void vscode.window.showInformationMessage(
          vscode.l10n.t('{0} is {1} MB, over the editing limit (openclawSessions.editing.largeFileMB): it opens read-only. Compact the session to make it smaller.', path.basename(uri.path), (snapshot.size / 2 ** 20).toFixed(0)),
        );
      }
      return content;
    } catch (error) {
      if (isTranscriptError(error, 'TOO_LARGE')) throw tooLargeToOpen(uri.path, error.details.size ?? 0, maxReadBytes);
      throw toFileSystemError(error);
    }
  }

  /** Breadcrumbs list a transcript's siblings: show the folders and transcripts only. */
  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    try {
      const entries = await fs.promises.readdir(uri.path, { withFileTypes: true });
      return entries
        .filter((entry) => entry.isDirectory() || (entry.isFile() && entry.name.endsWith('.jsonl')))
        .map((entry) => [entry.name, entry.isDirectory() ? vscode.FileType.Directory : vscode.FileType.File]);
    } catch (error) {
      throw this.fsError(error, uri);
    }
  }

  // ----------------------------------------------------------------- writing

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    const transcriptPath = uri.path;
    const stats = await fs.promises.lstat(transcriptPath).catch(() => undefined);
    if (!stats) {
      throw vscode.FileSystemError.NoPermissions(
        options.create ? vscode.l10n.t('New transcripts are created by OpenClaw, not from the editor.') : vscode.l10n.t('{0} no longer exists; your edit is kept in the editor.', transcriptPath),
      );
    }
    const readonly = this.readonlyReason(uri, stats);
    if (readonly) throw vscode.FileSystemError.NoPermissions(readonly);
    const expected = this.snapshots.get(transcriptPath);
    if (!expected) throw vscode.FileSystemError.Unavailable(vscode.l10n.t('This transcript was not read through the session file system; reopen it before saving.'));

    const warning = await this.foreignActivity(transcriptPath, stats.mtimeMs);
    if (warning) {
      this.log.warn(`save of ${transcriptPath}: asking first: ${warning}`);
      if (!(await this.confirmForeignWrite(warning, uri))) {
        throw vscode.FileSystemError.Unavailable(vscode.l10n.t('Save cancelled; your edit is kept in the editor.'));
      }
    }

    const { lockTimeoutMs } = readSettings().editing;
    try {
      const result = await withCancellableProgress(vscode.l10n.t('Saving {0}', path.basename(transcriptPath)), (report, signal) =>
        safeSaveTranscript({
          transcriptPath,
          content,
          expected,
          timeoutMs: lockTimeoutMs,
          signal,
          beforeCommit: () => this.saveSteps.beforeCommit?.(transcriptPath),
          onWait: (info) => {
            report(info.message);
            this.log.info(`save of ${transcriptPath}: ${info.message}`);
          },
        }));
      this.snapshots.set(transcriptPath, { size: result.size, mtimeMs: result.mtimeMs, sha256: result.sha256 });
      for (const leftover of result.removedLeftovers) this.log.info(`removed a leftover temp file of a crashed save or compaction: ${leftover}`);
      this.log.info(`saved ${transcriptPath} under the session write lock (${result.size} bytes)`);
    } catch (error) {
      this.log.warn(`save of ${transcriptPath} refused: ${(error as Error).message}`);
      throw toFileSystemError(error);
    }
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Folders cannot be created in the OpenClaw session file system.'));
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Sessions are not deleted from the editor; OpenClaw archives them itself (`/reset`, `sessions delete`).'));
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Sessions cannot be renamed: OpenClaw finds them by their file name.'));
  }

  // ----------------------------------------------------------------- watching

  watch(uri: vscode.Uri): vscode.Disposable {
    // Watch the folder, not the file: a save or compaction renames a new inode into place,
    // which a watch on the old inode would never report.
    const dir = path.dirname(uri.path);
    const base = path.basename(uri.path);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let watcher: fs.FSWatcher | undefined;
    try {
      watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
        if (name !== null && name !== undefined && name.toString() !== base) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          const type = fs.existsSync(uri.path) ? vscode.FileChangeType.Changed : vscode.FileChangeType.Deleted;
          this._onDidChangeFile.fire([{ type, uri }]);
        }, 50);
      });
      watcher.on('error', () => watcher?.close());
    } catch (error) {
      this.log.warn(`cannot watch ${dir}: ${(error as Error).message}`);
    }
    return toDisposable(() => {
      if (timer) clearTimeout(timer);
      watcher?.close();
    });
  }

  // ----------------------------------------------------------------- helpers

  private readonlyReason(uri: vscode.Uri, stats: fs.Stats): string | undefined {
    if (stats.isSymbolicLink()) return `${uri.path} is a symbolic link; open the file it points to to edit it.`;
    const { largeFileBytes } = readSettings().editing;
    if (stats.size > largeFileBytes) {
      return `${path.basename(uri.path)} is ${(stats.size / 2 ** 20).toFixed(0)} MB, over openclawSessions.editing.largeFileMB (${(largeFileBytes / 2 ** 20).toFixed(0)} MB): read-only. Use Compact Session to shrink it.`;
    }
    return undefined;
  }

  private async foreignActivity(transcriptPath: string, mtimeMs: number): Promise<string | undefined> {
    const lock = await inspectLock(await lockPathFor(transcriptPath)).catch(() => undefined);
    return foreignActivityWarning({
      lock,
      gatewayAlive: this.state?.snapshot?.gateway.alive === true,
      transcriptMtimeMs: mtimeMs,
      now: Date.now(),
    });
  }

  private fsError(error: unknown, uri: vscode.Uri): vscode.FileSystemError {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return vscode.FileSystemError.FileNotFound(uri);
    if (code === 'EACCES' || code === 'EPERM') return vscode.FileSystemError.NoPermissions(uri);
    return vscode.FileSystemError.Unavailable(`${uri.path}: ${(error as Error).message}`);
  }
}
