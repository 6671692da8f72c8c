// Runs the built CLI (`node dist/cli.js ...`) as users do, in its own process (not a test file).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
export const ROOT = repoRoot();
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean environment: no HOME state dir, no COLUMNS from the test runner's terminal. */
export function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: '/nonexistent-home', ...env };
}

export function cli(args: string[], env: NodeJS.ProcessEnv = {}, options: { uid?: number; gid?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], {
      env: cliEnv(env),
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
      ...options,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface PipeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The lines read before the pipe was closed. */
  read: string[];
  stderr: string;
}

/**
 * Runs the CLI with stdout into a pipe whose read end is closed after `lines` lines (0: before
 * the CLI writes anything), as `| head -n` does. `whileClosed` runs after the close, e.g. to make
 * `watch` write again.
 */
export function cliIntoClosedPipe(args: string[], env: NodeJS.ProcessEnv, lines: number, whileClosed?: () => void): Promise<PipeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${args.join(' ')} did not exit after its pipe closed`)); }, 30_000);
    let stderr = '';
    let buffered = '';
    const read: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const closeReadEnd = () => {
      child.stdout.destroy();
      whileClosed?.();
    };
    if (lines === 0) closeReadEnd();
    else {
      child.stdout.on('data', (chunk: Buffer) => {
        if (child.stdout.destroyed) return;
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        read.push(...parts);
        if (read.length >= lines) {
          read.length = lines;
          closeReadEnd();
        }
      });
    }
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, read, stderr });
    });
  });
}

/** Gateway locks live under $TMPDIR/openclaw-<uid>; tests give each run its own TMPDIR. */
export function gatewayTmp(root: string, payload?: Record<string, unknown>): string {
  const tmp = path.join(root, 'tmp');
  const dir = path.join(tmp, `openclaw-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });
  if (payload) writeFileSync(path.join(dir, 'gateway.1a2b3c4d.lock'), JSON.stringify(payload));
  return tmp;
}

export interface DecisionBlock {
  /** `removed`, `would remove`, `kept`, `error`. */
  verb: string;
  /** The first line after the verb: agent and session name. */
  head: string;
  /** The indented lines, unwrapped into one text. */
  body: string;
  lockPath: string | undefined;
  /** A printed command, its ` \` continuations joined, as a shell would read it. */
  command: string | undefined;
}

/** clear-stale's human output as one block per lock. */
export function decisionBlocks(stdout: string): DecisionBlock[] {
  const blocks: DecisionBlock[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const [first, ...rest] = lines;
    const detail = rest.map((l) => l.trim());
    const commandStart = detail.findIndex((l) => l.startsWith('openclaw-locks '));
    const command = commandStart < 0 ? undefined : detail.slice(commandStart).join(' ').replace(/ \\ /g, ' ');
    blocks.push({
      verb: first!.slice(0, 14).trim(),
      head: first!.slice(14),
      body: detail.join(' '),
      lockPath: detail.find((l) => l.startsWith('/') && l.endsWith('.lock')),
      command,
    });
    lines = [];
  };
  for (const line of stdout.split('\n')) {
    if (/^(removed|would remove|kept|error) /.test(line)) {
      flush();
      lines.push(line);
    } else if (line.startsWith(' ') && lines.length > 0) lines.push(line);
    else flush();
  }
  flush();
  return blocks;
}

/** A directory with an `openclaw-locks` on it that runs this checkout's CLI: for pasting printed commands. */
export function cliShimDir(root: string): string {
  const bin = path.join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'openclaw-locks'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`, { mode: 0o755 });
  return bin;
}

/** Runs a printed command line through /bin/sh, as pasting it into a terminal would. */
export function pasteIntoShell(commandText: string, env: NodeJS.ProcessEnv, shimDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', commandText], { env: { ...cliEnv(env), PATH: `${shimDir}:${process.env.PATH ?? ''}` }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}
