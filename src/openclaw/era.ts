// Which storage era a state dir is in. The installed release's version line decides when it
// is known (2026.7.x stays JSONL even when published after 2026.9.x); otherwise what is on
// disk does: an agent database means the SQLite era (2026.8+). A legacy `sessions.json` that a
// 2026.8+ install has not imported is its own state: that gateway refuses to start until the
// doctor migrates it.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';

export type StorageEra = 'jsonl' | 'sqlite';

export interface OpenClawVersion {
  /** `2026.9.6` */
  version: string;
  year: number;
  month: number;
  patch: number;
  /** The launcher it was read from. */
  cliPath?: string;
}

export interface AgentDiskFacts {
  agentId: string;
  hasDatabase: boolean;
  /** `sessions/sessions.json` exists (the JSONL era's store). */
  hasLegacyStore: boolean;
}

export interface EraInfo {
  era: StorageEra;
  /** What decided: the installed release, the files on disk, or both agreeing. */
  decidedBy: 'version' | 'disk' | 'version-and-disk' | 'default';
  version?: OpenClawVersion;
  /** Agents whose `sessions.json` a 2026.8+ OpenClaw has yet to import (its gateway will not start). */
  migrationPending: string[];
  /** Agents with an agent database while the installed release is a JSONL-era one (a downgrade): not read by it. */
  unusedDatabases: string[];
}

/** `OpenClaw 2026.9.6 (eb377ac)` → 2026.9.6; anything else → undefined. */
export function parseVersionLine(text: string): OpenClawVersion | undefined {
  const match = /\b(\d{4})\.(\d{1,2})\.(\d{1,3})\b/.exec(text);
  if (!match) return undefined;
  const [year, month, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return { version: `${year}.${month}.${patch}`, year, month, patch };
}

export function eraOfVersion(version: OpenClawVersion): StorageEra {
  return version.year > 2026 || (version.year === 2026 && version.month >= 8) ? 'sqlite' : 'jsonl';
}

export function detectEra(agents: AgentDiskFacts[], version?: OpenClawVersion): EraInfo {
  const withDatabase = agents.filter((a) => a.hasDatabase);
  const diskEra: StorageEra | undefined = withDatabase.length > 0 ? 'sqlite' : agents.some((a) => a.hasLegacyStore) ? 'jsonl' : undefined;
  const era = version ? eraOfVersion(version) : diskEra ?? 'jsonl';
  const decidedBy: EraInfo['decidedBy'] = version ? (diskEra === undefined || diskEra === era ? (diskEra ? 'version-and-disk' : 'version') : 'version') : diskEra ? 'disk' : 'default';
  const info: EraInfo = { era, decidedBy, migrationPending: [], unusedDatabases: [] };
  if (version) info.version = version;
  if (era === 'sqlite') {
    // 2026.8+'s doctor moves sessions.json into the import archive; one still here was not imported.
    info.migrationPending = agents.filter((a) => a.hasLegacyStore).map((a) => a.agentId);
  } else if (version) {
    info.unusedDatabases = withDatabase.map((a) => a.agentId);
  }
  return info;
}

const versionCache = new Map<string, OpenClawVersion | undefined>();

/**
 * `openclaw --version` (about 0.15 s), remembered per launcher file and its mtime and size,
 * so an upgrade in place is noticed and a long-running editor asks once per install.
 */
export async function readInstalledVersion(cliPath: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<OpenClawVersion | undefined> {
  let key = cliPath;
  try {
    const stat = statSync(cliPath);
    key = `${cliPath}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return undefined;
  }
  if (versionCache.has(key)) return versionCache.get(key);
  const version = await new Promise<OpenClawVersion | undefined>((resolve) => {
    execFile(cliPath, ['--version'], { env, timeout: timeoutMs, maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout) => {
      resolve(error ? undefined : parseVersionLine(String(stdout)));
    });
  });
  if (version) version.cliPath = cliPath;
  versionCache.set(key, version);
  return version;
}
