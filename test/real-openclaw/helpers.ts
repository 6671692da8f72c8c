// Shared by the real-OpenClaw node tests (not a test file): the product's CLI pointed at a
// real gateway's state dir, /tmp hygiene, timing lines.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OpenClawWorld } from '../fixtures/real-openclaw';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
export const ROOT = repoRoot();
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'real-openclaw');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The built `openclaw-locks` CLI, as a user beside this gateway runs it: same TMPDIR (where the
 * gateway lock is), the world's HOME, the state dir passed explicitly.
 */
export function productCli(world: OpenClawWorld, args: string[], options: { node?: string; openclawOnPath?: boolean } = {}): Promise<CliRun> {
  // `openclawOnPath`: the user's PATH has their `openclaw` (the world's launcher, which runs
  // Node 24): the product then reads the installed version and finds a Node with node:sqlite.
  const PATH = options.openclawOnPath ? `${world.binDir}${path.delimiter}${process.env.PATH}` : process.env.PATH;
  return new Promise((resolve) => {
    execFile(options.node ?? process.execPath, [CLI, ...args, '--state-dir', world.stateDir, '--no-color'], {
      env: { PATH, HOME: world.home, TMPDIR: world.tmp, COLUMNS: '200' },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

export interface LockJson {
  lockPath: string;
  level: string;
  state: string;
  reasons: string[];
  reclaimable: boolean;
  pid?: number;
  ownerAlive?: boolean;
  commandLine?: string;
  isOpenClaw?: boolean;
  maxHoldMs?: number;
  sessionKey?: string;
  kind: string;
}

export async function statusJson(world: OpenClawWorld, options: Parameters<typeof productCli>[2] = {}): Promise<{ json: { locks: LockJson[]; layout: string; gateway: Record<string, unknown> } & Record<string, any>; run: CliRun }> {
  const run = await productCli(world, ['status', '--json'], options);
  assert.ok(run.code === 0 || run.code === 1, `openclaw-locks status --json exited ${run.code}: ${run.stderr}`);
  return { json: JSON.parse(run.stdout), run };
}

export async function lockFor(world: OpenClawWorld, lockPath: string): Promise<LockJson | undefined> {
  const { json } = await statusJson(world);
  return json.locks.find((l) => l.lockPath === lockPath);
}

/**
 * True once a lock file holds its whole payload: OpenClaw creates the file (open wx) and
 * writes its JSON in a second step, so a test that looks in between reads an empty file.
 */
export function lockWritten(lockPath: string): boolean {
  try {
    JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/** The session locks whose payload is written (see lockWritten). */
export function writtenLockFiles(world: OpenClawWorld, agentId = 'main'): string[] {
  return lockFiles(world, agentId).filter(lockWritten);
}

/** The `.jsonl.lock` files in an agent's sessions dir right now. */
export function lockFiles(world: OpenClawWorld, agentId = 'main'): string[] {
  try {
    return fs.readdirSync(world.sessionsDir(agentId)).filter((n) => n.endsWith('.jsonl.lock')).map((n) => path.join(world.sessionsDir(agentId), n));
  } catch {
    return [];
  }
}

/**
 * Fixed paths outside TMPDIR that real OpenClaw creates whatever the environment says:
 * /tmp/openclaw (every process: its preferred temp/log root; the worlds point the file log
 * elsewhere, so it stays empty) and, 9.6, /tmp/openclaw-state-locks-<uid>/ (its gateway
 * lifecycle coordinators, `{gateway,state}-{lifecycle,handles}.<hash>.lock.sqlite`). Removed afterwards when they
 * were not there before: the first only when empty, the second only with nothing but
 * lifecycle lock files in it.
 */
export function tmpOpenClawGuard(): { restore(): void } {
  const logDir = '/tmp/openclaw';
  const lockDir = `/tmp/openclaw-state-locks-${process.getuid?.() ?? 'user'}`;
  const before = { log: fs.existsSync(logDir), locks: fs.existsSync(lockDir) };
  return {
    restore() {
      if (!before.locks) {
        try {
          const names = fs.readdirSync(lockDir);
          if (names.every((n) => /^(gateway|state)-(lifecycle|handles)\.[0-9a-f]+\.lock(\.sqlite(-wal|-shm|-journal)?)?$/.test(n))) fs.rmSync(lockDir, { recursive: true, force: true });
        } catch { /* absent */ }
      }
      if (!before.log) {
        try {
          fs.rmdirSync(logDir); // only when empty: never anybody's log
        } catch { /* absent, or not empty: left alone */ }
      }
    },
  };
}

export function timing(label: string, began: number): void {
  process.stdout.write(`# real-openclaw timing: ${label} ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
}

export function lastLines(text: string, n = 30): string {
  return text.split('\n').slice(-n).join('\n');
}
