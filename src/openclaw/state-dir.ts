// Finds the OpenClaw state dir exactly the way OpenClaw does (see shared/openclaw-interop.md),
// with every input injectable so tests never depend on the real home directory.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StateDirResolution } from './types';

export const STATE_DIR_NAME = '.openclaw';
/** Older product names, checked in OpenClaw's order when `.openclaw` does not exist. */
export const LEGACY_STATE_DIR_NAMES: readonly string[] = ['.clawdbot', '.moltbot', '.moldbot'];

export interface StateDirInputs {
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
  /** Injectable for tests. */
  exists?: (p: string) => boolean;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function expandTilde(input: string, home: string): string {
  if (input === '~') return home;
  if (input.startsWith('~/') || input.startsWith('~\\')) return path.join(home, input.slice(2));
  return input;
}

/** `$OPENCLAW_HOME`, else `$HOME`, else `os.homedir()`. */
export function resolveHome(inputs: Pick<StateDirInputs, 'env' | 'homedir'> = {}): string {
  const env = inputs.env ?? process.env;
  const fallback = inputs.homedir ?? os.homedir();
  const fromEnv = nonEmpty(env.OPENCLAW_HOME) ?? nonEmpty(env.HOME);
  return path.resolve(fromEnv ? expandTilde(fromEnv, fallback) : fallback);
}

export function resolveStateDir(inputs: StateDirInputs = {}): StateDirResolution {
  const env = inputs.env ?? process.env;
  const exists = inputs.exists ?? existsSync;
  const home = resolveHome(inputs);
  const explicit = nonEmpty(inputs.stateDir);
  if (explicit) {
    const stateDir = path.resolve(expandTilde(explicit, home));
    return { stateDir, source: 'explicit', exists: exists(stateDir) };
  }
  const fromEnv = nonEmpty(env.OPENCLAW_STATE_DIR);
  if (fromEnv) {
    const stateDir = path.resolve(expandTilde(fromEnv, home));
    return { stateDir, source: 'env', exists: exists(stateDir) };
  }
  const preferred = path.join(home, STATE_DIR_NAME);
  if (exists(preferred)) return { stateDir: preferred, source: 'home', exists: true };
  for (const name of LEGACY_STATE_DIR_NAMES) {
    const legacy = path.join(home, name);
    if (exists(legacy)) return { stateDir: legacy, source: 'legacy', exists: true };
  }
  return { stateDir: preferred, source: 'default', exists: false };
}

export function describeStateDirSource(resolution: StateDirResolution): string {
  switch (resolution.source) {
    case 'explicit': return 'given explicitly';
    case 'env': return 'from OPENCLAW_STATE_DIR';
    case 'home': return 'default location';
    case 'legacy': return 'legacy location';
    case 'default': return 'default location, not created yet';
  }
}
