// The live session model: a scan, then a watcher on each agent's sessions folder (depth 0)
// and chokidar on the state dir's agent skeleton, debounced into one update (a changed lock is
// re-inspected alone; anything else rescans its agent), plus a slow unref'd rescan as a
// backstop for locks that come and go between events, and a cheap liveness poll of the live
// owners' pids: a SIGKILLed gateway leaves its lock unchanged, so no file event tells of it.
// The gateway's health (its lock and a probe of its port) is looked at on every full scan and
// every 10 s, off the scan's path: a scan never waits on the network except the very first.
import { existsSync, watch as watchFolder, type FSWatcher as FolderWatcher } from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isProcessAlive } from '../lock/process';
import { readGatewayInfo } from '../openclaw/gateway';
import type { GatewayHealth } from '../openclaw/gateway-health';
import type { GatewayInfo } from '../openclaw/types';
import { observeGatewayHealth } from './gateway-health';
import { allLocks, findSession } from './find';
import { CommandLineLookup } from './command-lines';
import { scanStateDir } from './scan';
import { regradeSnapshot } from './grade';
import { snapshotChanged } from './signature';
import { databaseFiles, filesSignature } from '../sqlite-store/files';
import { stateDatabasePath } from '../sqlite-store/request';
import { DEFAULT_THRESHOLDS, type Disposable, type LockThresholds, type SessionInfo, type SessionModelOptions, type SessionsSnapshot } from './types';

export const DEFAULT_DEBOUNCE_MS = 50;
export const DEFAULT_RESCAN_MS = 30_000;
/** A torn lock's rescan comes this long after its grace, so that the scan finds it past it. */
const TORN_RESCAN_MARGIN_MS = 100;
/** Debounce when only lock files changed. */
export const LOCK_DEBOUNCE_MS = 10;

type Listener = (snapshot: SessionsSnapshot) => void;

/**
 * The lock a folder entry is about: the lock itself, or the lock core's transient
 * `<lock>.reclaim` guard and `<lock>.reclaim.<pid>.<n>` swap files while it clears one, and
 * the `<lock>.new.<pid>.<starttime>.<n>` copy it links into place while it creates one.
 */
export function lockNameOf(name: string): string | undefined {
  if (name.endsWith('.lock')) return name;
  const at = name.indexOf('.jsonl.lock.');
  return at > 0 ? name.slice(0, at + '.jsonl.lock'.length) : undefined;
}

const sameThresholds = (a: LockThresholds | undefined, b: LockThresholds | undefined) =>
  (a ?? DEFAULT_THRESHOLDS).warnMs === (b ?? DEFAULT_THRESHOLDS).warnMs && (a ?? DEFAULT_THRESHOLDS).errorMs === (b ?? DEFAULT_THRESHOLDS).errorMs;

/** Whether `partial` changes the thresholds and nothing a scan reads (an agent list by its ids). */
function onlyThresholdsChanged(before: SessionModelOptions, partial: Partial<SessionModelOptions>): boolean {
  if (!('thresholds' in partial) || sameThresholds(before.thresholds, partial.thresholds)) return false;
  return Object.entries(partial).every(([key, value]) => {
    if (key === 'thresholds') return true;
    const was: unknown = before[key as keyof SessionModelOptions];
    if (Array.isArray(value) && Array.isArray(was)) return value.join('\0') === was.join('\0');
    return value === was;
  });
}

interface ScanPlan {
  /** Rescan these agents fully. */
  onlyAgents: string[];
  /** Re-inspect only these lock files (by name) of other agents. */
  lockChanges: Map<string, Set<string>>;
}

/** How often the pids of live lock owners are checked (kill(pid, 0) and /proc state each). */
export const DEFAULT_OWNER_POLL_MS = 1000;
/**
 * How often a SQLite-era state dir's database files are stat'ed. A commit changes the WAL's
 * size or mtime, so metadata says when to read again, and no query polls OpenClaw's databases.
 */
export const DEFAULT_DATABASE_POLL_MS = 1000;

/** The files whose metadata tells that a SQLite-era snapshot is out of date. */
function databaseSignature(snapshot: SessionsSnapshot): string {
  if (snapshot.layout !== 'sqlite') return '';
  const paths = snapshot.agents.map((a) => a.database?.files.path).filter((p): p is string => p !== undefined);
  paths.push(stateDatabasePath(snapshot.resolution.stateDir));
  return paths.map((p) => filesSignature(databaseFiles(p))).join(';');
}
/** How often the gateway is probed between scans. */
export const DEFAULT_HEALTH_POLL_MS = 10_000;
/** Scans closer together than this (a burst of lock events) share one probe. */
const MIN_PROBE_GAP_MS = 1000;

export class SessionModel implements Disposable {
  private options: SessionModelOptions;
  private current: SessionsSnapshot | undefined;
  /** The last snapshot subscribers were told about. */
  private announced: SessionsSnapshot | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly sessionWatchers = new Map<string, FolderWatcher>();
  private structureWatcher: { stateDir: string; watcher: FSWatcher } | undefined;
  private readonly pendingAgents = new Set<string>();
  private readonly pendingLocks = new Map<string, Set<string>>();
  private pendingFull = false;
  private debounceTimer: NodeJS.Timeout | undefined;
  private periodicTimer: NodeJS.Timeout | undefined;
  private ownerTimer: NodeJS.Timeout | undefined;
  private ownerPids: number[] = [];
  private databaseTimer: NodeJS.Timeout | undefined;
  private tornTimer: NodeJS.Timeout | undefined;
  private databaseSeen = '';
  private healthTimer: NodeJS.Timeout | undefined;
  /** The last verdict on the gateway, for the state dir it was made for (its history: since when). */
  private health: { stateDir: string; value: GatewayHealth } | undefined;
  private probing: Promise<void> | undefined;
  private lastProbeAt = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly commandLines = new CommandLineLookup();
  private started = false;
  private disposed = false;
  private markDisposed!: () => void;
  private readonly disposedSignal = new Promise<void>((resolve) => { this.markDisposed = resolve; });

  constructor(options: SessionModelOptions = {}) {
    this.options = { ...options };
  }

  get snapshot(): SessionsSnapshot | undefined {
    return this.current;
  }

  /** First scan, then watching. */
  async start(): Promise<SessionsSnapshot> {
    this.started = true;
    const snapshot = await this.refresh();
    this.restartPeriodic();
    return snapshot;
  }

  /** Rescans everything now; resolves with the new snapshot. */
  refresh(): Promise<SessionsSnapshot> {
    return this.enqueue(undefined);
  }

  onDidChange(listener: Listener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * A changed state dir or agent filter: rewatch as needed and rescan. Resolves with that
   * rescan's snapshot, so a caller waits on it instead of scanning a second time. New
   * thresholds alone re-grade the snapshot at hand: the facts on disk did not change.
   */
  updateOptions(partial: Partial<SessionModelOptions>): Promise<SessionsSnapshot> {
    const before = this.options;
    this.options = { ...before, ...partial };
    // Once disposed, refresh() answers with the last snapshot without scanning.
    if (!this.disposed && partial.rescanMs !== undefined && partial.rescanMs !== before.rescanMs && this.started) this.restartPeriodic();
    if (this.current && !this.disposed && onlyThresholdsChanged(before, partial)) return this.serialize(async () => this.regrade());
    const rescan = this.refresh();
    // Handled here so that callers who ignore the result cannot leave a rejection unhandled.
    rescan.catch(() => undefined);
    return rescan;
  }

  findSession(keyOrIdOrPath: string): SessionInfo | undefined {
    return this.current ? findSession(this.current, keyOrIdOrPath) : undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.markDisposed();
    this.listeners.clear();
    clearTimeout(this.debounceTimer);
    clearInterval(this.periodicTimer);
    clearInterval(this.ownerTimer);
    clearInterval(this.databaseTimer);
    clearTimeout(this.tornTimer);
    clearInterval(this.healthTimer);
    for (const watcher of this.sessionWatchers.values()) watcher.close();
    this.sessionWatchers.clear();
    if (this.structureWatcher) void this.structureWatcher.watcher.close().catch(() => undefined);
    this.structureWatcher = undefined;
  }

  private restartPeriodic(): void {
    clearInterval(this.periodicTimer);
    const every = this.options.rescanMs ?? DEFAULT_RESCAN_MS;
    this.periodicTimer = setInterval(() => void this.refresh().catch(() => undefined), every);
    this.periodicTimer.unref();
    clearInterval(this.healthTimer);
    const healthEvery = this.options.healthPollMs ?? DEFAULT_HEALTH_POLL_MS;
    if (healthEvery > 0) {
      this.healthTimer = setInterval(() => this.probeSoon(true), healthEvery);
      this.healthTimer.unref();
    }
  }

  /**
   * A probe in the background, unless one runs or ran a moment ago (`force`: the gateway's
   * lock changed, so the last verdict is out of date).
   */
  private probeSoon(force = false): void {
    if (this.disposed || this.probing || !this.current) return;
    if (!force && Date.now() - this.lastProbeAt < MIN_PROBE_GAP_MS) return;
    this.lastProbeAt = Date.now();
    const base = this.current;
    const stateDir = base.resolution.stateDir;
    const look = async () => {
      // The gateway's lock is read again with each probe (a few hundred bytes): a restarted
      // gateway answers with a new pid, and "up" must not be shown beside the old, dead one.
      const gateway = base.layout === 'missing' ? base.gateway : await readGatewayInfo(stateDir, this.options.gatewayLockDir, []);
      const health = await observeGatewayHealth({ ...base, gateway }, this.options, this.health?.stateDir === stateDir ? this.health.value : undefined);
      // Applied in the scan queue, so that it never races a scan's snapshot.
      await this.serialize(async () => this.applyHealth(stateDir, gateway, health));
    };
    this.probing = look().catch(() => undefined).finally(() => { this.probing = undefined; });
  }

  private applyHealth(stateDir: string, gateway: GatewayInfo, health: GatewayHealth): void {
    const current = this.current;
    if (this.disposed || !current || current.resolution.stateDir !== stateDir) return;
    this.health = { stateDir, value: health };
    this.current = { ...current, gateway, gatewayHealth: health };
    if (this.started) this.watchOwners(this.current);
    this.announce(this.current);
  }

  /**
   * Found by running the real gateway: SIGKILLed mid-reply, its lock stays byte for byte, so
   * the view said "held" by a dead pid until the 30 s rescan. While a lock has a live local
   * owner, its pid is checked every second; a death rescans.
   */
  private watchOwners(snapshot: SessionsSnapshot): void {
    const every = this.options.ownerPollMs ?? DEFAULT_OWNER_POLL_MS;
    // The gateway too: SIGKILLed, its lock stays, and only a probe or its pid tells (and a dead
    // gateway turns a running SQLite-era session from hung into interrupted).
    const gatewayPid = snapshot.gateway.alive && snapshot.gateway.uncertain === undefined ? snapshot.gateway.nested?.hostPid ?? snapshot.gateway.pid : undefined;
    const pids = every > 0
      ? [...new Set([...allLocks(snapshot).filter((e) => e.view.inspection.owner?.alive === true && !e.view.inspection.owner.isSelf)
        .map((e) => e.view.pid), gatewayPid].filter((pid): pid is number => pid !== undefined))]
      : [];
    this.ownerPids = pids;
    if (pids.length === 0) {
      clearInterval(this.ownerTimer);
      this.ownerTimer = undefined;
      return;
    }
    if (this.ownerTimer) return;
    this.ownerTimer = setInterval(() => {
      if (this.ownerPids.some((pid) => !isProcessAlive(pid))) {
        this.ownerPids = [];
        void this.refresh().catch(() => undefined);
      }
    }, every);
    this.ownerTimer.unref();
  }

  /**
   * Found by running the real gateway: SIGKILLed mid-reply between its open(wx) and the write
   * after it, it leaves an empty lock naming nobody, "being written" until its mtime is 30 s old
   * (OpenClaw's own rule). No file event tells when that passes: the rescan is due then, not at
   * the next periodic one up to 30 s later.
   */
  private watchTornLocks(snapshot: SessionsSnapshot): void {
    clearTimeout(this.tornTimer);
    this.tornTimer = undefined;
    // The inspection's own deadline (its grace, from the file's mtime): right for an inspection a
    // partial scan reused, where an age measured back then would not be.
    const endsAtMs = allLocks(snapshot).flatMap((e) => (e.view.inspection.graceEndsAtMs === undefined ? [] : [e.view.inspection.graceEndsAtMs]));
    if (endsAtMs.length === 0) return;
    this.tornTimer = setTimeout(() => void this.refresh().catch(() => undefined), Math.max(0, Math.min(...endsAtMs) - Date.now()) + TORN_RESCAN_MARGIN_MS);
    this.tornTimer.unref();
  }

  private watchDatabases(snapshot: SessionsSnapshot): void {
    const every = this.options.databasePollMs ?? DEFAULT_DATABASE_POLL_MS;
    if (snapshot.layout !== 'sqlite' || every <= 0 || this.options.watch === false) {
      clearInterval(this.databaseTimer);
      this.databaseTimer = undefined;
      return;
    }
    this.databaseSeen = databaseSignature(snapshot);
    if (this.databaseTimer) return;
    this.databaseTimer = setInterval(() => {
      const current = this.current;
      if (!current || current.layout !== 'sqlite') return;
      const now = databaseSignature(current);
      if (now === this.databaseSeen) return;
      this.databaseSeen = now;
      void this.refresh().catch(() => undefined);
    }, every);
    this.databaseTimer.unref();
  }

  /** The current snapshot judged against the thresholds now set, announced like a scan's. */
  private regrade(): SessionsSnapshot {
    const current = this.current!;
    if (this.disposed) return current;
    this.current = regradeSnapshot(current, this.options.thresholds ?? DEFAULT_THRESHOLDS);
    this.announce(this.current);
    return this.current;
  }

  private enqueue(plan: ScanPlan | undefined): Promise<SessionsSnapshot> {
    return this.serialize(() => this.scanNow(plan));
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async scanNow(plan: ScanPlan | undefined): Promise<SessionsSnapshot> {
    if (this.disposed && this.current) return this.current;
    const previous = this.current;
    const partial = plan !== undefined && previous !== undefined;
    const snapshot = await scanStateDir({
      ...this.options,
      commandLines: this.commandLines,
      ...(partial ? { onlyAgents: plan.onlyAgents, lockChanges: plan.lockChanges, previous } : {}),
    });
    if (this.disposed) return snapshot;
    const stateDir = snapshot.resolution.stateDir;
    const known = this.health?.stateDir === stateDir ? this.health.value : undefined;
    if (known) {
      snapshot.gatewayHealth = known;
    } else if (snapshot.layout !== 'missing') {
      // The first look at this state dir's gateway is waited for, so that the first snapshot
      // says how it is; bounded by the probe's deadlines (1.5 s each).
      this.lastProbeAt = Date.now();
      const health = await observeGatewayHealth(snapshot, this.options).catch(() => undefined);
      if (this.disposed) return snapshot;
      if (health) {
        this.health = { stateDir, value: health };
        snapshot.gatewayHealth = health;
      }
    }
    const gatewayMoved = previous !== undefined && JSON.stringify(previous.gateway) !== JSON.stringify(snapshot.gateway);
    this.current = snapshot;
    if (this.started) {
      this.watchOwners(snapshot);
      this.watchDatabases(snapshot);
      this.watchTornLocks(snapshot);
    }
    if (known && (!partial || gatewayMoved)) this.probeSoon(gatewayMoved);
    // Events before a watcher's `ready` count as initial and are dropped, so wait for it.
    if (this.started && this.options.watch !== false) await this.reconcileWatchers(snapshot);
    this.announce(snapshot);
    return snapshot;
  }

  /** Tells subscribers, when the snapshot shows anything the last one they saw did not. */
  private announce(snapshot: SessionsSnapshot): void {
    if (!snapshotChanged(this.announced, snapshot)) return;
    this.announced = snapshot;
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot);
      } catch {
        // one faulty subscriber must not starve the others
      }
    }
  }

  /** `lockName`: only this lock file changed, so re-inspecting it is enough. */
  private schedule(agentId: string | undefined, lockName?: string): void {
    if (this.disposed) return;
    if (agentId === undefined) this.pendingFull = true;
    else if (lockName === undefined) this.pendingAgents.add(agentId);
    else {
      let names = this.pendingLocks.get(agentId);
      if (!names) this.pendingLocks.set(agentId, (names = new Set()));
      names.add(lockName);
    }
    clearTimeout(this.debounceTimer);
    // A lock alone is cheap to re-inspect and OpenClaw writes its payload right after creating
    // it, so a short window suffices; anything else waits for the burst to settle.
    const onlyLocks = !this.pendingFull && this.pendingAgents.size === 0;
    const debounceMs = this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.debounceTimer = setTimeout(() => {
      const plan: ScanPlan | undefined = this.pendingFull
        ? undefined
        : { onlyAgents: [...this.pendingAgents], lockChanges: new Map(this.pendingLocks) };
      this.pendingFull = false;
      this.pendingAgents.clear();
      this.pendingLocks.clear();
      void this.enqueue(plan).catch(() => undefined);
    }, onlyLocks ? Math.min(debounceMs, LOCK_DEBOUNCE_MS) : debounceMs);
  }

  private async reconcileWatchers(snapshot: SessionsSnapshot): Promise<void> {
    const fresh: FSWatcher[] = [];
    const stateDir = snapshot.resolution.stateDir;
    if (this.structureWatcher && this.structureWatcher.stateDir !== stateDir) {
      void this.structureWatcher.watcher.close().catch(() => undefined);
      this.structureWatcher = undefined;
    }
    if (!this.structureWatcher && snapshot.resolution.exists) {
      this.structureWatcher = { stateDir, watcher: this.watchStructure(stateDir) };
      fresh.push(this.structureWatcher.watcher);
    }
    const wanted = new Map<string, string>();
    for (const agent of snapshot.agents) {
      if (existsSync(agent.sessionsDir)) wanted.set(agent.sessionsDir, agent.id);
    }
    for (const [dir, watcher] of this.sessionWatchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.sessionWatchers.delete(dir);
      }
    }
    for (const [dir, agentId] of wanted) {
      if (this.sessionWatchers.has(dir)) continue;
      const watcher = this.watchSessions(dir, agentId);
      if (watcher) this.sessionWatchers.set(dir, watcher);
    }
    await Promise.race([
      this.disposedSignal,
      Promise.all(fresh.map((w) => new Promise<void>((resolve) => {
        w.once('ready', () => resolve());
        w.once('error', () => resolve());
      }))),
    ]);
  }

  /**
   * A sessions folder is watched with the platform watcher (inotify, FSEvents) directly, not
   * chokidar: on every event chokidar re-reads the whole folder, which with 10,000 transcripts
   * cost 150-400 ms of CPU per lock and delayed events by seconds (bench/scan.bench.ts). The
   * kernel names the file that changed, which is all the model needs.
   */
  private watchSessions(dir: string, agentId: string): FolderWatcher | undefined {
    let watcher: FolderWatcher;
    try {
      watcher = watchFolder(dir, { persistent: true }, (event, filename) => {
        if (!filename) return this.schedule(agentId);
        const name = filename.toString();
        // Appends to transcripts are frequent and change no lock; the periodic rescan refreshes sizes.
        if (event === 'change' && name.endsWith('.jsonl')) return;
        this.schedule(agentId, lockNameOf(name));
      });
    } catch {
      this.schedule(agentId);
      return undefined;
    }
    watcher.on('error', () => {
      // The folder went away (or was replaced): forget the watcher, rescan, rewatch if it is back.
      watcher.close();
      if (this.sessionWatchers.get(dir) === watcher) this.sessionWatchers.delete(dir);
      this.schedule(agentId);
    });
    return watcher;
  }

  /**
   * Notices agents and sessions folders appearing, not their contents. A SQLite store appearing
   * (an OpenClaw upgrade) is left to the periodic rescan.
   */
  private watchStructure(stateDir: string): FSWatcher {
    const ignored = (candidate: string): boolean => {
      const rel = path.relative(stateDir, candidate);
      if (rel === '') return false;
      const parts = rel.split(path.sep);
      if (parts[0] !== 'agents') return true;
      if (parts.length <= 2) return false;
      if (parts.length === 3) return parts[2] !== 'sessions' && parts[2] !== 'agent';
      return true;
    };
    // depth 2 reaches agents/<id>/sessions itself but not its (possibly 10,000) entries.
    const watcher = watch(stateDir, { depth: 2, ignoreInitial: true, usePolling: false, atomic: false, persistent: true, ignored });
    watcher.on('all', (event, changed) => {
      if (event === 'change') return;
      // A sessions folder removed or recreated: its old watcher follows a dead inode.
      const stale = this.sessionWatchers.get(changed);
      if (stale && (event === 'unlinkDir' || event === 'addDir')) {
        stale.close();
        this.sessionWatchers.delete(changed);
      }
      this.schedule(undefined);
    });
    watcher.on('error', () => this.schedule(undefined));
    return watcher;
  }
}
