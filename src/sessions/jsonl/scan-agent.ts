// One JSONL-era agent in one pass: its sessions folder listed once, locks found from that
// listing (never by stat'ing a `.lock` path per session), sessions.json parsed once, stats
// bounded. Built to stay cheap at 10,000 sessions.
import { promises as fs, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { inspectLock, lockPathFor } from '../../lock';
import type { LockInspection } from '../../lock/types';
import { classifyEntry, STORE_FILE } from '../classify';
import { mapLimit } from '../concurrency';
import { describeFsError, errorCode, pathExists } from '../fs-errors';
import { freeLockView, lockViewFrom } from '../levels';
import type { CommandLineLookup } from '../command-lines';
import { readStore, sessionFromEntry, type PendingSession } from './store-file';
import type { AgentInfo, LockThresholds, LockView, Problem, JsonlSession, SessionInfo, SideFile } from '../types';

export const SQLITE_STORE = path.join('agent', 'openclaw-agent.sqlite');
const STAT_BATCH = 500;
const INSPECT_CONCURRENCY = 8;

/** The real sessions folder each scanned agent's lock paths are based on (kept off the public type). */
const lockBases = new WeakMap<AgentInfo, string>();

export function lockBaseOf(agent: AgentInfo): string | undefined {
  return lockBases.get(agent);
}

/** A copy of an agent keeps its original's lock base. */
export function keepLockBase(agent: AgentInfo, base: string | undefined): void {
  if (base !== undefined) lockBases.set(agent, base);
}

export interface ScanContext {
  thresholds: LockThresholds;
  now: number;
  commandLines?: CommandLineLookup;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function statTranscript(info: JsonlSession): void {
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

export async function inspectSafely(lockPath: string, ctx: ScanContext): Promise<LockInspection> {
  try {
    return await inspectLock(lockPath, { now: ctx.now, readCommandLine: true });
  } catch (error) {
    return { lockPath, state: 'unreadable', reasons: [], reclaimable: false, problem: describeFsError(error, 'the lock file') };
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
  type LockTarget = { lockPath: string; sessions: JsonlSession[]; orphan: boolean; store: boolean };
  const targets = new Map<string, LockTarget>();
  const target = (lockPath: string) => {
    let t = targets.get(lockPath);
    if (!t) targets.set(lockPath, (t = { lockPath, sessions: [], orphan: false, store: false }));
    return t;
  };
  const external: JsonlSession[] = [];
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
  keepLockBase(agent, lockBase);
  return agent;
}

function compareSessions(a: SessionInfo, b: SessionInfo): number {
  const at = a.updatedAt ?? a.mtimeMs ?? 0;
  const bt = b.updatedAt ?? b.mtimeMs ?? 0;
  return bt - at || a.title.localeCompare(b.title);
}
