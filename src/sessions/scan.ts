// One scan of a state dir, whichever era it is in: its agents listed, the era named from the
// disk and the installed version, then the era's own backend (`jsonl/`, `sqlite/`) lays its
// sessions into the one snapshot shape, and the gateway lock is read beside them.
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { STORE_FILE } from './classify';
import { agentLocks } from './find';
import { describeFsError, errorCode, pathExists } from './fs-errors';
import { readGatewayInfo } from '../openclaw/gateway';
import { sharedCommandLineLookup, type CommandLineLookup } from './command-lines';
import { resolveStateDir } from '../openclaw/state-dir';
import { detectEra, readInstalledVersion, type AgentDiskFacts, type EraInfo, type OpenClawVersion } from '../openclaw/era';
import { findOpenClawCli } from '../openclaw/cli';
import { agentDatabasePath } from '../sqlite-store/request';
import { gradeFindings } from './findings';
import type { ScanContext } from './jsonl/scan-agent';
import { scanJsonlAgents, type IncrementalOptions } from './jsonl/update';
import { scanSqliteAgents } from './sqlite/scan';
import {
  DEFAULT_THRESHOLDS,
  type AgentInfo,
  type Problem,
  type ScanOptions,
  type SessionsSnapshot,
  type StateDirResolution,
} from './types';

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

export function snapshotLayout(resolution: StateDirResolution, agents: AgentInfo[], era?: EraInfo): SessionsSnapshot['layout'] {
  if (!resolution.exists) return 'missing';
  if (era?.era === 'sqlite') return 'sqlite';
  if (agents.some((a) => a.layout === 'sqlite') && !agents.some((a) => a.layout === 'jsonl' && agentLocks(a).length > 0)) return 'sqlite';
  if (agents.every((a) => a.sessions.length === 0 && agentLocks(a).length === 0)) return 'empty';
  return 'jsonl';
}

export interface InternalScanOptions extends ScanOptions, IncrementalOptions {
  commandLines?: CommandLineLookup;
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
      const withDatabase = disk.filter((d) => d.hasDatabase).map((d) => d.agentId);
      ({ agents, sqlite } = await scanSqliteAgents(resolution.stateDir, ids, withDatabase, {
        ...(options.nodePath ? { nodePath: options.nodePath } : {}),
        ...(installed.cliPath ? { openclawPath: installed.cliPath } : {}),
        ...(options.env ? { env: options.env } : {}),
      }, ctx));
    } else {
      agents = await scanJsonlAgents(resolution.stateDir, ids, options, ctx);
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
