// Which Node can read OpenClaw's databases when this one cannot: the one that runs the user's
// `openclaw` (OpenClaw 2026.9 itself requires Node >= 24.16, so it has `node:sqlite`), else any
// `node` on PATH. Only candidates are listed here; the child reader proves one works.
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';

function isExecutable(file: string): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && (process.platform === 'win32' || (stat.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

function head(file: string, bytes = 512): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const NODE_NAME = process.platform === 'win32' ? 'node.exe' : 'node';

/** Nodes an `openclaw` launcher names: its shebang, a wrapper's `exec '<node>'`, or a node beside it (npm's global bin). */
export function nodesForOpenClaw(openclawPath: string): string[] {
  const found: string[] = [];
  const text = head(openclawPath);
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  if (shebang && path.basename(shebang[1]!) === 'node') found.push(shebang[1]!);
  for (const match of text.matchAll(/(?:^|[\s'"])(\/[^\s'"]*\/node)(?=['"\s])/g)) found.push(match[1]!);
  const dirs = [path.dirname(openclawPath)];
  try {
    dirs.push(path.dirname(realpathSync(openclawPath)));
  } catch {
    // a dangling link: its own folder only
  }
  for (const dir of dirs) found.push(path.join(dir, NODE_NAME));
  return found;
}

export interface NodeCandidateInputs {
  /** A setting or flag naming the Node to use. */
  configured?: string;
  openclawPath?: string;
  env?: NodeJS.ProcessEnv;
}

/** Candidates in the order they are tried, existing executables only, each once. */
export function nodeCandidates(inputs: NodeCandidateInputs): string[] {
  const env = inputs.env ?? process.env;
  const list: string[] = [];
  if (inputs.configured?.trim()) list.push(inputs.configured.trim());
  if (env.OPENCLAW_LOCKS_NODE?.trim()) list.push(env.OPENCLAW_LOCKS_NODE.trim());
  if (inputs.openclawPath) list.push(...nodesForOpenClaw(inputs.openclawPath));
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir) list.push(path.join(dir, NODE_NAME));
  // /bin and /usr/bin are often one folder: a Node is tried once, by its real path.
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const file of list) {
    const resolved = path.resolve(file);
    if (!isExecutable(resolved)) continue;
    let real = resolved;
    try {
      real = realpathSync(resolved);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    unique.push(resolved);
  }
  return unique;
}
