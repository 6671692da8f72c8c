// Explorer badges: when a sessions folder is open in the workspace, locked transcripts carry
// a lock badge coloured by how worrying the lock is. Answers from the in-memory model only.
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { SESSION_SCHEME } from './session-file-system';
import { createdAtMs, formatClockTime } from './clock-time';
import { LEVEL_PRESENTATION } from './lock-presentation';
import type { SessionsState } from './sessions-state';

const SEVERITY_COLOR: Record<string, string | undefined> = {
  info: 'charts.blue',
  warning: 'list.warningForeground',
  error: 'list.errorForeground',
};

export class LockFileDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly _onDidChangeFileDecorations = this._register(new vscode.EventEmitter<vscode.Uri[]>());
  readonly onDidChangeFileDecorations = this._onDidChangeFileDecorations.event;
  /** transcript path → level last reported, to announce only what changed. */
  private decorated = new Map<string, string>();

  constructor(private readonly state: SessionsState) {
    super();
    this._register(vscode.window.registerFileDecorationProvider(this));
    this._register(state.onDidChange(() => this.announceChanges()));
    this._register(state.onDidTick(() => this.announceChanges()));
  }

  private currentLevels(): Map<string, string> {
    const levels = new Map<string, string>();
    const graded = this.state.gradedAt(Date.now());
    for (const node of this.state.tree.lockedNodes()) {
      if (node.kind !== 'session') continue;
      levels.set(node.session.transcriptPath, graded.momentOf(node.lock).level);
    }
    return levels;
  }

  private announceChanges(): void {
    const next = this.currentLevels();
    const changed: vscode.Uri[] = [];
    // Editors of openclaw-session: carry the tab name in their query: tell those URIs too.
    const openSessionUris = vscode.workspace.textDocuments.map((d) => d.uri).filter((u) => u.scheme === SESSION_SCHEME);
    const uris = (path: string) => [vscode.Uri.file(path), vscode.Uri.from({ scheme: SESSION_SCHEME, path }), ...openSessionUris.filter((u) => u.path === path && u.query)];
    for (const [path, level] of next) if (this.decorated.get(path) !== level) changed.push(...uris(path));
    for (const path of this.decorated.keys()) if (!next.has(path)) changed.push(...uris(path));
    this.decorated = next;
    if (changed.length > 0) this._onDidChangeFileDecorations.fire(changed);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    // Transcripts open as file: or, for safe editing, as openclaw-session: (same path).
    if (uri.scheme !== 'file' && uri.scheme !== SESSION_SCHEME) return undefined;
    const node = this.state.tree.nodeForTranscript(uri.scheme === 'file' ? uri.fsPath : uri.path);
    if (!node || node.lock.level === 'free') return undefined;
    const now = Date.now();
    const moment = this.state.gradedAt(now).momentOf(node.lock);
    const color = SEVERITY_COLOR[moment.severity];
    // A decoration's tooltip is not redrawn as time passes: say since when, not for how long.
    const since = createdAtMs(node.lock.createdAt);
    const level = LEVEL_PRESENTATION[moment.level].label;
    const pid = node.lock.pid;
    const tooltip = since === undefined
      ? pid === undefined ? vscode.l10n.t('OpenClaw lock: {0}', level) : vscode.l10n.t('OpenClaw lock: {0}, pid {1}', level, pid)
      : pid === undefined
        ? vscode.l10n.t('OpenClaw lock: {0} since {1}', level, formatClockTime(since, now))
        : vscode.l10n.t('OpenClaw lock: {0} since {1}, pid {2}', level, formatClockTime(since, now), pid);
    return {
      // A letter, as git's decorations use: it renders in every font, unlike an emoji.
      badge: moment.level === 'stale' ? 'S' : moment.level === 'suspect' || moment.level === 'unreadable' ? '?' : 'L',
      color: color ? new vscode.ThemeColor(color) : undefined,
      tooltip,
      propagate: false,
    };
  }
}
