// One pass over a state dir: agents, their sessions, lock files and side files. Built to stay
// cheap at 10,000 sessions: one readdir per sessions folder, locks found from that listing
// (never by stat'ing a `.lock` path per session), sessions.json parsed once, stats bounded.
import { promises as fs, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { inspectLock, lockPathFor } from '../lock';
import type { LockInspection } from '../lock/types';
import { classifyEntry, isValidSessionId, STORE_FILE, STORE_LOCK_FILE } from './classify';
import { mapLimit } from './concurrency';
import { readGatewayInfo } from '../openclaw/gateway';
import { ageLockView, freeLockView, lockViewFrom } from './levels';
import { sharedCommandLineLookup, type CommandLineLookup } from './command-lines';
import { resolveStateDir } from '../openclaw/state-dir';
import { detectEra, readInstalledVersion, type AgentDiskFacts, type EraInfo, type OpenClawVersion } from '../openclaw/era';
import { findOpenClawCli } from '../openclaw/cli';
import { agentDatabasePath } from '../sqlite-store/request';
import { gradeFindings } from './findings';
import { judgeLeases, readSqliteAgents, sqliteAgent } from './sqlite-scan';
import {
  DEFAULT_THRESHOLDS,
  type AgentInfo,
  type LockThresholds,
  type LockView,
  type Problem,
  type ScanOptions,
  type SessionInfo,
  type SessionsSnapshot,
  type SideFile,
  type StateDirResolution,
} from './types';

export const SQLITE_STORE = path.join('agent', 'openclaw-agent.sqlite');
/** Bigger than any real store (10,000 sessions is a few MB); refusing protects the editor's heap. */
export const MAX_STORE_BYTES = 256 * 1024 * 1024;
const STAT_BATCH = 500;
const INSPECT_CONCURRENCY = 8;

/** The real sessions folder each scanned agent's lock paths are based on (kept off the public type). */
const lockBases = new WeakMap<AgentInfo, string>();

export interface ScanContext {
  thresholds: LockThresholds;
  now: number;
  commandLines?: CommandLineLookup;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.message : String(error));
}

export function describeFsError(error: unknown, what: string): string {
  const code = errorCode(error);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied reading ${what}; run as the user that runs OpenClaw`;
    case 'ENOTDIR':
      return `${what} is not a folder`;
    case 'ELOOP':
      return `${what} is a symlink loop`;
    default:
      return `cannot read ${what} (${code})`;
  }
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

async function readStore(storePath: string, problems: Problem[]): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    const stat = await fs.stat(storePath);
    if (!stat.isFile()) {
      problems.push({ path: storePath, message: 'sessions.json is not a file; sessions listed from transcripts only' });
      return undefined;
    }
    if (stat.size > MAX_STORE_BYTES) {
      problems.push({ path: storePath, message: `sessions.json is ${stat.size} bytes, larger than any real store; sessions listed from transcripts only` });
      return undefined;
    }
    text = await fs.readFile(storePath, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined; // vanished mid-scan
    problems.push({ path: storePath, message: describeFsError(error, 'sessions.json') + '; sessions listed from transcripts only' });
    return undefined;
  }
  if (text.trim() === '') {
    problems.push({ path: storePath, message: 'sessions.json is empty; sessions listed from transcripts only' });
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push({ path: storePath, message: 'sessions.json is not a JSON object; sessions listed from transcripts only' });
      return undefined;
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    problems.push({
      path: storePath,
      message: `sessions.json is not valid JSON (${(error as Error).message}); sessions listed from transcripts only`,
    });
    return undefined;
  }
}

interface PendingSession {
  info: SessionInfo;
  /** File name inside the sessions folder, when the transcript lives there. */
  localName?: string;
}

const NUMERIC_FIELDS = ['updatedAt', 'inputTokens', 'outputTokens', 'totalTokens', 'contextTokens', 'compactionCount'] as const;

// Paths below are built by concatenation: both halves are already normal, and path.join's
// normalisation is a measurable share of a 10,000-session scan.
function sessionFromEntry(
  agentId: string,
  key: string,
  entry: Record<string, unknown>,
  sessionsDir: string,
  lockBase: string,
  problems: Problem[],
): PendingSession | undefined {
  const storePath = sessionsDir + path.sep + STORE_FILE;
  const sessionId = nonEmptyString(entry.sessionId);
  const sessionFile = nonEmptyString(entry.sessionFile);
  if (!sessionId) {
    problems.push({ path: storePath, message: `entry "${key}" has no sessionId; skipped` });
    return undefined;
  }
  let transcriptPath: string;
  let localName: string | undefined;
  if (sessionFile) {
    transcriptPath = path.resolve(sessionsDir, sessionFile);
    if (path.dirname(transcriptPath) === sessionsDir || path.dirname(transcriptPath) === lockBase) {
      localName = path.basename(transcriptPath);
    }
  } else if (isValidSessionId(sessionId)) {
    localName = `${sessionId}.jsonl`;
    transcriptPath = sessionsDir + path.sep + localName;
  } else {
    problems.push({ path: storePath, message: `entry "${key}" has an invalid sessionId ${JSON.stringify(sessionId)}; skipped` });
    return undefined;
  }
  const label = nonEmptyString(entry.label);
  const displayName = nonEmptyString(entry.displayName);
  const info: SessionInfo = {
    agentId,
    key,
    sessionId,
    title: label ?? displayName ?? key ?? sessionId,
    transcriptPath,
    transcriptExists: false,
    lockPath: localName ? `${lockBase}${path.sep}${localName}.lock` : `${transcriptPath}.lock`,
    lock: undefined as unknown as LockView, // filled once locks are inspected
    inStore: true,
    problems: [],
  };
  if (label) info.label = label;
  if (displayName) info.displayName = displayName;
  const chatType = nonEmptyString(entry.chatType);
  if (chatType) info.chatType = chatType;
  const channel = nonEmptyString(entry.lastChannel) ?? nonEmptyString(entry.channel);
  if (channel) info.channel = channel;
  for (const field of NUMERIC_FIELDS) {
    const value = finiteNumber(entry[field]);
    if (value !== undefined) info[field] = value;
  }
  return localName ? { info, localName } : { info };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function statTranscript(info: SessionInfo): void {
  try {
    const stat = statSync(info.transcriptPath, { throwIfNoEntry: false });
    if (!stat) return; // vanished since the listing: shown as missing
    info.transcriptExists = stat.isFile();
    if (!info.transcriptExists) info.problems.push({ path: info.transcriptPath, message: 'transcript path is not a regular file' });
    info.sizeBytes = stat.size;
    info.mtimeMs = stat.mtimeMs;
  } catch (error) {
    info.problems.push({ path: info.transcriptPath, message: describeFsError(error, 'the transcript') });
  }
}

async function inspectSafely(lockPath: string, ctx: ScanContext): Promise<LockInspection> {
  try {
    return await inspectLock(lockPath, { now: ctx.now, readCommandLine: true });
  } catch (error) {
    return { lockPath, state: 'unreadable', reasons: [], reclaimable: false, problem: describeFsError(error, 'the lock file') };
  }
}

async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

export async function scanAgent(stateDir: string, agentId: string, ctx: ScanContext): Promise<AgentInfo> {
  const agentDir = path.join(stateDir, 'agents', agentId);
  const sessionsDir = path.join(agentDir, 'sessions');
  const problems: Problem[] = [];
  const agent: AgentInfo = { id: agentId, sessionsDir, layout: 'missing', sessions: [], orphanLocks: [], sideFiles: [], problems };
  const hasSqlite = await pathExists(path.join(agentDir, SQLITE_STORE));

  let entries: Dirent[];
  try {
    entries = await fs.readdir(sessionsDir, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') problems.push({ path: sessionsDir, message: describeFsError(error, 'the sessions folder') });
    if (hasSqlite) agent.layout = 'sqlite';
    return agent;
  }
  // OpenClaw names a lock after realpath(dirname); a symlinked sessions folder is fine.
  let lockBase = sessionsDir;
  try {
    lockBase = await fs.realpath(sessionsDir);
  } catch {
    // vanished mid-scan: keep the plain path
  }

  const transcripts = new Map<string, Dirent>();
  const lockNames = new Map<string, string>(); // transcript name -> lock file name
  let storeLockName: string | undefined;
  let storePresent = false;
  for (const entry of entries) {
    const name = entry.name;
    const kind = classifyEntry(name);
    if (kind.type === 'transcript-lock') {
      // Directories and symlinks at a lock path are kept: the inspection reports them as unreadable.
      lockNames.set(kind.transcript, name);
      continue;
    }
    if (kind.type === 'store-lock') {
      storeLockName = name;
      continue;
    }
    if (entry.isDirectory()) continue;
    switch (kind.type) {
      case 'store':
        storePresent = true;
        break;
      case 'transcript':
        transcripts.set(name, entry);
        break;
      case 'side':
        agent.sideFiles.push({ path: path.join(sessionsDir, name), kind: kind.kind } satisfies SideFile);
        break;
    }
  }
  agent.layout = hasSqlite && lockNames.size === 0 && storeLockName === undefined ? 'sqlite' : 'jsonl';

  const pending: PendingSession[] = [];
  const claimed = new Set<string>();
  if (storePresent) {
    const store = await readStore(path.join(sessionsDir, STORE_FILE), problems);
    if (store) {
      for (const [key, value] of Object.entries(store)) {
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
          problems.push({ path: path.join(sessionsDir, STORE_FILE), message: `entry "${key}" is not an object; skipped` });
          continue;
        }
        const session = sessionFromEntry(agentId, key, value as Record<string, unknown>, sessionsDir, lockBase, problems);
        if (!session) continue;
        if (session.localName) claimed.add(session.localName);
        pending.push(session);
      }
    }
  }
  for (const [name] of transcripts) {
    if (claimed.has(name)) continue;
    const sessionId = name.slice(0, -'.jsonl'.length);
    pending.push({
      localName: name,
      info: {
        agentId,
        sessionId,
        title: sessionId,
        transcriptPath: sessionsDir + path.sep + name,
        transcriptExists: true,
        lockPath: `${lockBase}${path.sep}${name}.lock`,
        lock: undefined as unknown as LockView,
        inStore: false,
        problems: [],
      },
    });
    claimed.add(name);
  }

  // Transcript sizes: only files the listing showed. Synchronous stats in small batches are
  // several times cheaper than 10,000 thread-pool round trips, and yielding between batches
  // keeps the caller's event loop (the extension host) responsive.
  for (let start = 0; start < pending.length; start += STAT_BATCH) {
    if (start > 0) await yieldToEventLoop();
    for (const { info, localName } of pending.slice(start, start + STAT_BATCH)) {
      if (localName !== undefined && !transcripts.has(localName)) continue;
      statTranscript(info);
    }
  }

  // Locks: those the listing showed, plus those of transcripts kept outside the folder.
  type LockTarget = { lockPath: string; sessions: SessionInfo[]; orphan: boolean; store: boolean };
  const targets = new Map<string, LockTarget>();
  const target = (lockPath: string) => {
    let t = targets.get(lockPath);
    if (!t) targets.set(lockPath, (t = { lockPath, sessions: [], orphan: false, store: false }));
    return t;
  };
  const external: SessionInfo[] = [];
  for (const { info, localName } of pending) {
    if (localName === undefined) external.push(info);
    else if (lockNames.has(localName)) target(info.lockPath).sessions.push(info);
  }
  for (const [transcriptName, lockName] of lockNames) {
    if (!claimed.has(transcriptName)) target(path.join(lockBase, lockName)).orphan = true;
  }
  if (storeLockName) target(path.join(lockBase, storeLockName)).store = true;
  await mapLimit(external, INSPECT_CONCURRENCY, async (info) => {
    try {
      info.lockPath = await lockPathFor(info.transcriptPath);
    } catch {
      // folder missing: keep `<transcript>.lock`
    }
    try {
      await fs.lstat(info.lockPath);
      target(info.lockPath).sessions.push(info);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') info.problems.push({ path: info.lockPath, message: describeFsError(error, 'the lock file') });
    }
  });

  const views = new Map<string, LockView>();
  await mapLimit([...targets.values()], INSPECT_CONCURRENCY, async (t) => {
    const inspection = await inspectSafely(t.lockPath, ctx);
    const view = lockViewFrom(inspection, ctx.thresholds);
    views.set(t.lockPath, view);
    if (t.orphan) agent.orphanLocks.push(view);
    if (t.store) agent.storeLock = view;
  });

  for (const { info } of pending) {
    info.lock = views.get(info.lockPath) ?? freeLockView(info.lockPath);
    agent.sessions.push(info);
  }
  agent.sessions.sort(compareSessions);
  agent.orphanLocks.sort((a, b) => a.lockPath.localeCompare(b.lockPath));
  agent.sideFiles.sort((a, b) => a.path.localeCompare(b.path));
  lockBases.set(agent, lockBase);
  return agent;
}

function compareSessions(a: SessionInfo, b: SessionInfo): number {
  const at = a.updatedAt ?? a.mtimeMs ?? 0;
  const bt = b.updatedAt ?? b.mtimeMs ?? 0;
  return bt - at || a.title.localeCompare(b.title);
}

/**
 * Re-inspects only the named lock files of an agent: a lock coming or going costs one
 * inspection, not a rescan of 10,000 sessions. Returns a new AgentInfo; `agent` is untouched.
 */
export async function updateAgentLocks(agent: AgentInfo, lockNames: ReadonlySet<string>, ctx: ScanContext): Promise<AgentInfo> {
  const base = lockBases.get(agent) ?? agent.sessionsDir;
  const copy: AgentInfo = { ...agent, sessions: agent.sessions.slice(), orphanLocks: agent.orphanLocks.slice() };
  for (const name of lockNames) {
    const lockPath = base + path.sep + name;
    const view = lockViewFrom(await inspectSafely(lockPath, ctx), ctx.thresholds);
    if (name === STORE_LOCK_FILE) {
      if (view.level === 'free') delete copy.storeLock;
      else copy.storeLock = view;
      continue;
    }
    let matched = false;
    for (let i = 0; i < copy.sessions.length; i++) {
      const session = copy.sessions[i]!;
      if (session.lockPath !== lockPath) continue;
      copy.sessions[i] = { ...session, lock: view };
      matched = true;
    }
    copy.orphanLocks = copy.orphanLocks.filter((v) => v.lockPath !== lockPath);
    if (!matched && view.level !== 'free') {
      copy.orphanLocks.push(view);
      copy.orphanLocks.sort((a, b) => a.lockPath.localeCompare(b.lockPath));
    }
  }
  lockBases.set(copy, base);
  return copy;
}

/** Every lock view of an agent: session locks (once each), orphans and the store lock. */
/**
 * An agent's lock files (any level but free), once each: a lock two sessions share (a session
 * and its topic) is one lock; then orphan locks and `sessions.json.lock`.
 */
export function agentLocks(agent: AgentInfo): LockView[] {
  const seen = new Set<string>();
  const locks: LockView[] = [];
  for (const view of [...agent.sessions.map((s) => s.lock), ...agent.orphanLocks, ...(agent.storeLock ? [agent.storeLock] : [])]) {
    if (view.level === 'free' || seen.has(view.lockPath)) continue;
    seen.add(view.lockPath);
    locks.push(view);
  }
  return locks;
}

export async function listAgentIds(stateDir: string, problems: Problem[]): Promise<string[]> {
  const agentsDir = path.join(stateDir, 'agents');
  let entries: Dirent[];
  try {
    entries = await fs.readdir(agentsDir, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') problems.push({ path: agentsDir, message: describeFsError(error, 'the agents folder') });
    return [];
  }
  const ids: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) ids.push(entry.name);
    else if (entry.isSymbolicLink() && (await fs.stat(path.join(agentsDir, entry.name)).then((s) => s.isDirectory(), () => false))) {
      ids.push(entry.name);
    }
  }
  return ids.sort();
}

/**
 * An agent reused from an earlier scan: its locks are `delta` ms older now, which may move
 * them past a threshold. The earlier snapshot is left untouched (subscribers may hold it).
 */
export function reageAgent(agent: AgentInfo, delta: number, thresholds: LockThresholds): AgentInfo {
  if (delta <= 0 || agentLocks(agent).length === 0) return agent;
  const redone = new Map<LockView, LockView>();
  const reage = (view: LockView): LockView => {
    let fresh = redone.get(view);
    if (!fresh) redone.set(view, (fresh = ageLockView(view, delta, thresholds)));
    return fresh;
  };
  const copy: AgentInfo = {
    ...agent,
    sessions: agent.sessions.map((s) => (s.lock.level === 'free' ? s : { ...s, lock: reage(s.lock) })),
    orphanLocks: agent.orphanLocks.map(reage),
  };
  if (agent.storeLock) copy.storeLock = reage(agent.storeLock);
  const base = lockBases.get(agent);
  if (base !== undefined) lockBases.set(copy, base);
  return copy;
}

/** Fills command lines the inspections could not read, with one process listing per scan. */
export async function fillCommandLines(agents: AgentInfo[], ctx: ScanContext): Promise<void> {
  const missing: LockView[] = [];
  for (const agent of agents) {
    for (const view of agentLocks(agent)) {
      if (view.commandLine === undefined && view.pid !== undefined && view.inspection.owner?.alive) missing.push(view);
    }
  }
  if (missing.length === 0 || !ctx.commandLines) return;
  const table = await ctx.commandLines.table(ctx.now);
  for (const view of missing) {
    const commandLine = table.get(view.pid!);
    if (commandLine !== undefined) view.commandLine = commandLine;
  }
}

export function snapshotLayout(resolution: StateDirResolution, agents: AgentInfo[], era?: EraInfo): SessionsSnapshot['layout'] {
  if (!resolution.exists) return 'missing';
  if (era?.era === 'sqlite') return 'sqlite';
  if (agents.some((a) => a.layout === 'sqlite') && !agents.some((a) => a.layout === 'jsonl' && agentLocks(a).length > 0)) return 'sqlite';
  if (agents.every((a) => a.sessions.length === 0 && agentLocks(a).length === 0)) return 'empty';
  return 'jsonl';
}

export interface InternalScanOptions extends ScanOptions {
  commandLines?: CommandLineLookup;
  /** Re-scan only these agents and reuse the rest from `previous`. */
  onlyAgents?: string[];
  /** For reused agents: lock file names (in the sessions folder) to re-inspect alone. */
  lockChanges?: ReadonlyMap<string, ReadonlySet<string>>;
  previous?: SessionsSnapshot;
}

async function diskFacts(stateDir: string, ids: string[]): Promise<AgentDiskFacts[]> {
  return Promise.all(ids.map(async (agentId) => ({
    agentId,
    hasDatabase: await pathExists(agentDatabasePath(stateDir, agentId)),
    hasLegacyStore: await pathExists(path.join(stateDir, 'agents', agentId, 'sessions', STORE_FILE)),
  })));
}

async function installedVersion(options: ScanOptions): Promise<{ version?: OpenClawVersion; cliPath?: string }> {
  if (options.readVersion === false) return {};
  const cliPath = await findOpenClawCli({ ...(options.openclawPath ? { configuredPath: options.openclawPath } : {}), ...(options.env ? { env: options.env } : {}) });
  if (!cliPath) return {};
  const version = await readInstalledVersion(cliPath, options.env);
  return version ? { version, cliPath } : { cliPath };
}

export async function scanStateDir(options: InternalScanOptions = {}): Promise<SessionsSnapshot> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const resolution = resolveStateDir(options);
  const problems: Problem[] = [];
  const ctx: ScanContext = {
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    now,
    commandLines: options.commandLines ?? sharedCommandLineLookup,
  };
  let agents: AgentInfo[] = [];
  let era: EraInfo = detectEra([]);
  let sqlite: SessionsSnapshot['sqlite'];
  if (resolution.exists) {
    let ids = await listAgentIds(resolution.stateDir, problems);
    if (options.agents && options.agents.length > 0) {
      const wanted = new Set(options.agents);
      ids = ids.filter((id) => wanted.has(id));
    }
    const [disk, installed] = await Promise.all([diskFacts(resolution.stateDir, ids), installedVersion(options)]);
    era = detectEra(disk, installed.version);
    if (era.era === 'sqlite') {
      // Every read is whole: one database read costs milliseconds, and a partial update's
      // bookkeeping is the JSONL era's answer to 10,000 stat calls.
      const withDatabase = disk.filter((d) => d.hasDatabase).map((d) => d.agentId);
      const [scanned, facts] = await Promise.all([
        mapLimit(ids, 4, (id) => scanAgent(resolution.stateDir, id, ctx)),
        readSqliteAgents(resolution.stateDir, withDatabase, { now, ...(options.nodePath ? { nodePath: options.nodePath } : {}), ...(installed.cliPath ? { openclawPath: installed.cliPath } : {}), ...(options.env ? { env: options.env } : {}) }),
      ]);
      const byAgent = new Map(facts.agents.map((a) => [a.agentId, a]));
      agents = scanned.map((agent) => sqliteAgent(agent, byAgent.get(agent.id), agentLocks(agent)));
      sqlite = { reader: facts.reader, leases: judgeLeases(facts), ...(facts.state ? { state: facts.state } : {}) };
    } else {
      agents = await scanJsonlAgents(resolution.stateDir, ids, options, ctx, now);
    }
  }
  const gateway = await readGatewayInfo(resolution.stateDir, options.gatewayLockDir, problems);
  const snapshot: SessionsSnapshot = {
    resolution,
    layout: snapshotLayout(resolution, agents, era),
    agents,
    gateway,
    problems,
    scannedAt: now,
    scanMs: 0,
    era,
    ...(sqlite ? { sqlite } : {}),
    findings: [],
  };
  if (era.era === 'sqlite') snapshot.findings = gradeFindings(snapshot, ctx.thresholds, now);
  snapshot.scanMs = performance.now() - started;
  return snapshot;
}

async function scanJsonlAgents(stateDir: string, ids: string[], options: InternalScanOptions, ctx: ScanContext, now: number): Promise<AgentInfo[]> {
  const reuse = new Map<string, AgentInfo>();
  // A previous snapshot of the other era is no base for a partial update.
  const previous = options.previous?.era?.era === 'sqlite' ? undefined : options.previous;
  if (options.onlyAgents && previous) {
    const rescan = new Set(options.onlyAgents);
    for (const agent of previous.agents) if (!rescan.has(agent.id)) reuse.set(agent.id, agent);
  }
  const delta = previous ? now - previous.scannedAt : 0;
  const touched = new Set<string>();
  const agents = await mapLimit(ids, 4, async (id) => {
    const kept = reuse.get(id);
    if (!kept) {
      touched.add(id);
      return scanAgent(stateDir, id, ctx);
    }
    const aged = reageAgent(kept, delta, ctx.thresholds);
    const lockNames = options.lockChanges?.get(id);
    if (!lockNames || lockNames.size === 0) return aged;
    touched.add(id);
    // A lock in a folder not seen as jsonl (sqlite era, missing) changes the layout: rescan.
    return kept.layout === 'jsonl' ? updateAgentLocks(aged, lockNames, ctx) : scanAgent(stateDir, id, ctx);
  });
  await fillCommandLines(agents.filter((a) => touched.has(a.id)), ctx);
  return agents;
}
