// Every setting of the extension, parsed from whatever settings.json holds: pure (no vscode),
// so the rules are tested with node --test. package.json's minimums and types advise the
// settings editor only; a hand-edited settings.json can hold anything, so each value is
// type-guarded here and falls back to its default.
import { DEFAULT_MAX_LINES } from '../transcripts/trim';
import { thresholdsFromSeconds } from '../sessions/levels';
import { DEFAULT_THRESHOLDS, type LockThresholds, type SessionModelOptions } from '../sessions/types';

export const SECTION = 'openclawSessions';
/** Settings: `{warn, error}` in seconds, with minimums, to milliseconds. */
export const MIN_THRESHOLD_SECONDS = 5;

export interface EditingSettings {
  lockTimeoutMs: number;
  largeFileBytes: number;
  /** Above this readFile refuses outright: even read-only, VS Code would hold the whole file in memory (several times over). */
  maxReadBytes: number;
  warnOnUnsafeOpen: boolean;
}

export interface CompactionSettings {
  maxLines: number;
  /** The openclaw CLI to run; undefined: look on PATH. */
  openclawPath?: string;
}

export interface GatewaySettings {
  /** Probe the gateway (GET /health, /ready on 127.0.0.1); false judges its lock file only. */
  probe: boolean;
  probeTimeoutMs: number;
}

/** OpenClaw's health endpoints answer a local caller in a few ms; past 10 s a probe only holds things up. */
export const MAX_PROBE_TIMEOUT_SECONDS = 10;

export interface ExtensionSettings {
  /** Explicit state dir; undefined defers to OPENCLAW_STATE_DIR and OpenClaw's defaults. */
  stateDir?: string;
  thresholds: LockThresholds;
  autoClearDeadLocks: boolean;
  /** Only these agents; undefined shows all. */
  agents?: string[];
  editing: EditingSettings;
  compaction: CompactionSettings;
  /**
   * A Node that has `node:sqlite`, to read OpenClaw 2026.8+'s databases when the extension
   * host's own Node has none (VS Code 1.100); undefined: beside openclaw, then PATH.
   */
  nodePath?: string;
  /** OpenClaw's file log; undefined: found as OpenClaw finds it (logging.file, else /tmp/openclaw/openclaw-<date>.log). */
  logFile?: string;
  gateway: GatewaySettings;
}

/** Reads one raw value by its name under the section ("editing.largeFileMB"). */
export type RawSettings = (name: string) => unknown;

export function parseSettings(raw: RawSettings): ExtensionSettings {
  const stateDir = typeof raw('stateDir') === 'string' ? (raw('stateDir') as string).trim() : '';
  const openclawPath = typeof raw('openclawPath') === 'string' ? (raw('openclawPath') as string).trim() : '';
  const nodePath = typeof raw('nodePath') === 'string' ? (raw('nodePath') as string).trim() : '';
  const logFile = typeof raw('logFile') === 'string' ? (raw('logFile') as string).trim() : '';
  return {
    stateDir: stateDir === '' ? undefined : stateDir,
    thresholds: thresholdsFromSetting(raw('thresholds'), DEFAULT_THRESHOLDS),
    autoClearDeadLocks: raw('autoClearDeadLocks') === true,
    agents: agentsFromSetting(raw('agents')),
    editing: {
      lockTimeoutMs: positiveNumber(raw('editing.lockTimeoutSeconds'), 60) * 1000,
      largeFileBytes: positiveNumber(raw('editing.largeFileMB'), 50) * 2 ** 20,
      maxReadBytes: positiveNumber(raw('editing.maxReadMB'), 512) * 2 ** 20,
      warnOnUnsafeOpen: raw('editing.warnOnUnsafeOpen') !== false,
    },
    compaction: {
      maxLines: wholeNumberAtLeast(raw('compaction.maxLines'), 1, DEFAULT_MAX_LINES),
      openclawPath: openclawPath === '' ? undefined : openclawPath,
    },
    ...(nodePath === '' ? {} : { nodePath }),
    logFile: logFile === '' ? undefined : logFile,
    gateway: {
      probe: raw('gateway.probe') !== false,
      probeTimeoutMs: Math.min(positiveNumber(raw('gateway.probeTimeoutSeconds'), 1.5), MAX_PROBE_TIMEOUT_SECONDS) * 1000,
    },
  };
}

/** The `{warn, error}` setting as the user may have typed it; the rules are the model's. */
export function thresholdsFromSetting(raw: unknown, defaults: LockThresholds): LockThresholds {
  const seconds = (value: unknown): number | undefined => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    return Number.isFinite(n) ? Math.max(MIN_THRESHOLD_SECONDS, n) : undefined;
  };
  const object = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return thresholdsFromSeconds({ warn: seconds(object.warn), error: seconds(object.error) }, defaults);
}

export function agentsFromSetting(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const ids = raw.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v !== '');
  return ids.length > 0 ? [...new Set(ids)] : undefined;
}

function positiveNumber(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function wholeNumberAtLeast(value: unknown, minimum: number, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isInteger(n) && n >= minimum ? n : fallback;
}

/** What the session model is given of the settings; `SessionModel.updateOptions` merges it over the last. */
export function modelOptionsFrom(settings: ExtensionSettings, env: NodeJS.ProcessEnv): Partial<SessionModelOptions> {
  return {
    stateDir: settings.stateDir,
    env,
    agents: settings.agents,
    thresholds: settings.thresholds,
    // The SQLite era's reader: a Node with node:sqlite when this host has none, and the
    // openclaw launcher whose version names the era and beside which such a Node lives.
    // Undefined, not omitted, like the probe below: a cleared setting must replace the old path.
    nodePath: settings.nodePath,
    openclawPath: settings.compaction.openclawPath,
    // undefined (not omitted): turning probing back on must replace an earlier `false`.
    probe: settings.gateway.probe ? undefined : (false as const),
    probeTimeoutMs: settings.gateway.probeTimeoutMs,
  };
}
