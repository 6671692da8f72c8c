// Owns the live session model and the tree model derived from it: one place that turns
// snapshots and settings into what every view shows, and a clock that ticks while a lock
// is held so ages and thresholds move without rescanning the disk.
import * as vscode from 'vscode';
import { SessionModel, resolveStateDir } from '../sessions';
import { FailureLogWatcher, type FailureLogOptions, type FailureLogState } from '../logs/watch';
import type { SessionsSnapshot } from '../sessions/types';
import { Disposable, toDisposable } from './dispose';
import { SessionsTreeModel, DEFAULT_FREE_SESSION_LIMIT } from './tree-model';
import { GradedEntriesClock, type GradedEntries } from './graded-entries';
import { affectsSettings, readSettings, type ExtensionSettings } from './settings';
import { modelOptionsFrom } from './settings-parse';

const TICK_MS = 1000;

export class SessionsState extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<SessionsTreeModel>());
  /** A new snapshot or a new filter: the tree model was rebuilt. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidTick = this._register(new vscode.EventEmitter<number>());
  /** Once a second while any lock or SQLite-era finding exists: ages and live levels moved. */
  readonly onDidTick = this._onDidTick.event;

  readonly model: SessionModel;
  /** OpenClaw's file log, followed beside the model: failed messages per lock and session. */
  readonly failureLog: FailureLogWatcher;
  private _settings: ExtensionSettings;
  private _tree: SessionsTreeModel;
  private _lockedOnly = false;
  private readonly freeSessionLimits = new Map<string, number>();
  private pending: Promise<unknown> = Promise.resolve();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private started = false;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._settings = readSettings();
    this.model = new SessionModel(modelOptionsFrom(this._settings, process.env));
    this._register(this.model);
    this.failureLog = new FailureLogWatcher(this.failureLogOptions(this._settings));
    this._register(toDisposable(() => this.failureLog.dispose()));
    this._tree = new SessionsTreeModel(undefined);
    this._register(this.model.onDidChange((snapshot) => this.apply(snapshot)));
    // New failures re-rank and re-describe the rows; nothing is rescanned.
    this._register(this.failureLog.onDidChange(() => {
      if (!this.isDisposed) this.rebuild(this.model.snapshot);
    }));
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsSettings(event)) this.onSettingsChanged();
      }),
    );
    this._register(toDisposable(() => this.stopTicking()));
  }

  get settings(): ExtensionSettings {
    return this._settings;
  }

  get tree(): SessionsTreeModel {
    return this._tree;
  }

  get snapshot(): SessionsSnapshot | undefined {
    return this.model.snapshot;
  }

  get lockedOnly(): boolean {
    return this._lockedOnly;
  }

  private readonly graded = new GradedEntriesClock();

  /**
   * Every lock and SQLite-era finding graded at `now` against the thresholds set now, the same
   * list within a second for the view, the badge, the decorations, the alerts and the commands.
   */
  gradedAt(now: number): GradedEntries {
    return this.graded.at(this._tree, this._settings.thresholds, now);
  }

  /** What OpenClaw's log says failed, and where the log is. */
  get failures(): FailureLogState {
    return this.failureLog.state;
  }

  /** First scan and watch; called after activate() returned. */
  start(): Promise<void> {
    if (this.started) return this.whenIdle();
    this.started = true;
    this.trackFailureLog(this.failureLog.start());
    return this.track(this.model.start());
  }

  refresh(): Promise<void> {
    if (!this.started) return this.start();
    return this.track(this.model.refresh());
  }

  /**
   * A rescan after an action (a removal, a compaction): its failure is logged, never thrown,
   * since the action itself already succeeded or failed on its own terms.
   */
  async refreshQuietly(): Promise<void> {
    await this.refresh().catch((error: unknown) => this.log.warn(`rescan failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Resolves once every scan asked for so far has been applied. */
  async whenIdle(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.pending) {
      seen = this.pending;
      await seen.catch(() => undefined);
    }
  }

  setLockedOnly(lockedOnly: boolean): void {
    if (this._lockedOnly === lockedOnly) return;
    this._lockedOnly = lockedOnly;
    this.rebuild(this.model.snapshot);
  }

  showMoreSessions(agentId: string, step = DEFAULT_FREE_SESSION_LIMIT): void {
    this.freeSessionLimits.set(agentId, (this.freeSessionLimits.get(agentId) ?? DEFAULT_FREE_SESSION_LIMIT) + step);
    this.rebuild(this.model.snapshot);
  }

  /** The log's first read (up to 16 MiB) runs beside the first scan; whenIdle() waits for it too. */
  private trackFailureLog(reading: Promise<FailureLogState>): void {
    const read = reading.then(
      (state) => {
        this.log.info(`OpenClaw's log: ${state.file} (${state.location.source}), ${state.tally.total} failed message(s) since ${new Date(state.tally.since).toISOString()}`);
        if (!this.isDisposed) this.rebuild(this.model.snapshot);
      },
      (error: unknown) => this.log.warn(`OpenClaw's log could not be read: ${error instanceof Error ? error.message : String(error)}`),
    );
    const previous = this.pending;
    this.pending = Promise.all([previous.catch(() => undefined), read]);
  }

  private failureLogOptions(settings: ExtensionSettings): FailureLogOptions {
    return { env: process.env, stateDir: resolveStateDir({ stateDir: settings.stateDir, env: process.env }).stateDir, logFile: settings.logFile };
  }

  private track(scan: Promise<SessionsSnapshot>): Promise<void> {
    const applied = scan.then(
      (snapshot) => this.apply(snapshot),
      (error: unknown) => {
        this.log.error(`scan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        throw error;
      },
    );
    const previous = this.pending;
    this.pending = Promise.all([previous.catch(() => undefined), applied.catch(() => undefined)]);
    return applied;
  }

  private apply(snapshot: SessionsSnapshot): void {
    if (this.isDisposed) return;
    // start() and refresh() resolve with the same snapshot the listener already saw.
    if (snapshot === this._tree.snapshot) return;
    this.rebuild(snapshot);
  }

  private rebuild(snapshot: SessionsSnapshot | undefined): void {
    this._tree = new SessionsTreeModel(snapshot, {
      lockedOnly: this._lockedOnly,
      freeSessionLimits: this.freeSessionLimits,
      failures: this.failureLog.state.tally,
    });
    this._onDidChange.fire(this._tree);
    if (this._tree.lockedNodes().length > 0 || (snapshot?.findings.length ?? 0) > 0) this.startTicking();
    else this.stopTicking();
  }

  private startTicking(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this._onDidTick.fire(Date.now()), TICK_MS);
  }

  private stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private onSettingsChanged(): void {
    const before = this._settings;
    this._settings = readSettings();
    const after = this._settings;
    const rescan =
      before.stateDir !== after.stateDir ||
      before.nodePath !== after.nodePath ||
      before.compaction.openclawPath !== after.compaction.openclawPath ||
      before.thresholds.warnMs !== after.thresholds.warnMs ||
      before.thresholds.errorMs !== after.thresholds.errorMs ||
      (before.agents ?? []).join('\0') !== (after.agents ?? []).join('\0') ||
      before.gateway.probe !== after.gateway.probe ||
      before.gateway.probeTimeoutMs !== after.gateway.probeTimeoutMs;
    this.log.info(
      `settings changed: stateDir=${after.stateDir ?? '(default)'} warn=${after.thresholds.warnMs / 1000}s ` +
        `error=${after.thresholds.errorMs / 1000}s autoClearDeadLocks=${after.autoClearDeadLocks} agents=${after.agents?.join(',') ?? '(all)'} ` +
        `gateway.probe=${after.gateway.probe} probeTimeout=${after.gateway.probeTimeoutMs / 1000}s`,
    );
    if (before.stateDir !== after.stateDir || before.logFile !== after.logFile) {
      if (this.started) this.trackFailureLog(this.failureLog.restart(this.failureLogOptions(after)));
    }
    if (!rescan) {
      this.rebuild(this.model.snapshot);
      return;
    }
    // updateOptions rescans by itself (new thresholds alone re-grade the snapshot it has);
    // tracking that keeps whenIdle() right without a second scan.
    const rescanning = this.model.updateOptions(modelOptionsFrom(after, process.env));
    if (this.started) void this.track(rescanning).catch(() => undefined);
  }
}
