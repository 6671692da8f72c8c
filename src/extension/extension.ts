import * as vscode from 'vscode';
import { configureWatchdog } from '../lock';
import type { SessionsSnapshot } from '../sessions/types';
import { LockAlerts, type ShownAlert } from './lock-alerts';
import { LockCommands } from './lock-commands';
import { LockFileDecorations } from './file-decorations';
import type { StatusSummary } from './lock-status';
import { SessionsState } from './sessions-state';
import { SessionsView, type SessionsTreeDataProvider } from './sessions-view';
import { LockStatusBar } from './status-bar';
import { SessionFileSystemProvider } from './session-file-system';
import { CompactCommand } from './compact-command';
import { UnsafeOpenGuard } from './unsafe-open-guard';
import { TranscriptEditors } from './transcript-editors';
import type { SessionsTreeModel, TreeNode } from './tree-model';
import { SqliteCommands } from './sqlite-commands';
import { SqliteTranscriptProvider } from './sqlite-transcript';

/** What activate() returns: a small surface for integration tests and other extensions. */
export interface OpenClawSessionsApi {
  /** Milliseconds activate() took (scanning starts after it returns). */
  readonly activationMs: number;
  readonly state: SessionsState;
  readonly commands: LockCommands;
  readonly provider: SessionsTreeDataProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly decorations: LockFileDecorations;
  readonly log: vscode.LogOutputChannel;
  /** Warns about transcripts opened or saved through plain `file:` (outside the session write lock). */
  readonly unsafeOpenGuard: UnsafeOpenGuard;
  /** The `openclaw-session:` file system (its saveSteps let tests race a save's last lock check). */
  readonly sessionFileSystem: SessionFileSystemProvider;
  /** Compact Session (its trimSteps let tests pause a trim). */
  readonly compactCommand: CompactCommand;
  /** Language, tab names and Problems-panel marks of `openclaw-session:` editors. */
  readonly transcriptEditors: TranscriptEditors;
  /** SQLite era: Abort Run, Recover Session, Compact through the gateway, Copy Command, leftovers (its confirm is replaceable for tests). */
  readonly sqliteCommands: SqliteCommands;
  /** SQLite era: read-only transcripts rendered from the agent database. */
  readonly sqliteTranscripts: SqliteTranscriptProvider;
  treeModel(): SessionsTreeModel;
  snapshot(): SessionsSnapshot | undefined;
  status(): StatusSummary & { visible: boolean };
  alertsShown(): readonly ShownAlert[];
  /** The lock alerts still on screen (they close themselves when their lock changes). */
  openAlerts(): readonly ShownAlert[];
  /** Resolves once every scan asked for so far, and any auto-clear it started, is over. */
  whenIdle(): Promise<void>;
}

function readerWords(snapshot: SessionsSnapshot): string {
  const reader = snapshot.sqlite?.reader;
  if (!reader) return 'none';
  return reader.kind === 'in-process' ? `in-process(node ${reader.nodeVersion})` : reader.kind === 'child' ? `child(${reader.nodePath}, node ${reader.nodeVersion})` : `none(${reader.reason})`;
}

export function activate(context: vscode.ExtensionContext): OpenClawSessionsApi {
  const began = performance.now();
  const log = vscode.window.createOutputChannel('OpenClaw Session Locks', { log: true });
  context.subscriptions.push(log);

  // Locks this extension holds past their maxHoldMs are reported in its log, not on a console nobody reads.
  const previousWatchdog = configureWatchdog({ logger: (line) => log.warn(line) });
  context.subscriptions.push({ dispose: () => configureWatchdog({ logger: previousWatchdog.logger }) });

  const state = new SessionsState(log);
  const view = new SessionsView(state);
  const statusBar = new LockStatusBar(state);
  const commands = new LockCommands(state, view, log);
  const alerts = new LockAlerts(state, log, commands);
  const decorations = new LockFileDecorations(state);
  // Transcripts open through openclaw-session: so every save takes the session write lock.
  const transcriptEditors = new TranscriptEditors();
  const sessionFileSystem = new SessionFileSystemProvider(state, log);
  const sqliteCommands = new SqliteCommands(state, log);
  const sqliteTranscripts = new SqliteTranscriptProvider(log);
  const compactCommand = new CompactCommand(state, log, sqliteCommands);
  context.subscriptions.push(sessionFileSystem, transcriptEditors, compactCommand, sqliteCommands, sqliteTranscripts);
  const unsafeOpenGuard = new UnsafeOpenGuard(state, log);
  context.subscriptions.push(unsafeOpenGuard);
  // Any disposal order is safe: the parts only listen to state, and state stops the model.
  context.subscriptions.push(state, view, statusBar, commands, alerts, decorations);

  state.onDidChange(() => {
    const snapshot = state.snapshot;
    if (!snapshot) return;
    const sessions = snapshot.agents.reduce((sum, agent) => sum + agent.sessions.length, 0);
    log.info(
      `scanned ${snapshot.resolution.stateDir} (${snapshot.resolution.source}${snapshot.resolution.exists ? '' : ', missing'}): ` +
        `layout=${snapshot.layout} agents=${snapshot.agents.length} sessions=${sessions} ` +
        `locks=${state.tree.lockedNodes().length}` +
        (snapshot.layout === 'sqlite' ? ` era=sqlite${snapshot.era.version ? ` ${snapshot.era.version.version}` : ''} reader=${readerWords(snapshot)} findings=${snapshot.findings.length}` : '') +
        ` in ${snapshot.scanMs.toFixed(0)} ms`,
    );
    for (const problem of snapshot.problems) log.warn(`problem: ${problem.message}: ${problem.path}`);
  }, undefined, context.subscriptions);

  const activationMs = performance.now() - began;
  log.info(`activated in ${activationMs.toFixed(1)} ms; scanning starts now`);
  // The first scan runs after activate() returns, so startup never waits on the disk.
  const startTimer = setTimeout(() => {
    const scanBegan = performance.now();
    state.start().then(
      () => log.info(`first scan applied ${(performance.now() - scanBegan).toFixed(0)} ms after activation`),
      () => undefined,
    );
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startTimer) });

  return {
    activationMs,
    state,
    commands,
    provider: view.provider,
    treeView: view.treeView,
    decorations,
    log,
    unsafeOpenGuard,
    sessionFileSystem,
    compactCommand,
    transcriptEditors,
    sqliteCommands,
    sqliteTranscripts,
    treeModel: () => state.tree,
    snapshot: () => state.snapshot,
    status: () => statusBar.summary,
    alertsShown: () => alerts.shown,
    openAlerts: () => alerts.openAlerts(),
    async whenIdle() {
      await state.whenIdle();
      await alerts.whenAutoClearDone();
      await state.whenIdle();
    },
  };
}

export function deactivate(): void {}
