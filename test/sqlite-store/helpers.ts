// Shared by the sqlite-store tests (not a test file): temp state dirs, the request for one, the
// reader pointed at the provisioned Node 24, and the Node 24 probe (node24-probe.ts).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { node24Binary } from '../fixtures/real-openclaw';
import type { WrittenSqliteStateDir } from '../fixtures/sqlite-state-dir';
import type { StoreReadOptions } from '../../src/sqlite-store/read-store';
import type { StoreReadRequest } from '../../src/sqlite-store/request';

const roots: string[] = [];
after(() => { for (const root of roots) fs.rmSync(root, { recursive: true, force: true }); });

export function tempDir(prefix = 'ocl-sqlite-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

export function requestFor(written: WrittenSqliteStateDir, now = Date.now()): StoreReadRequest {
  return { agents: written.agents.map((a) => ({ agentId: a.agentId, path: a.path })), statePath: written.statePath, now };
}

/** The child reader on the provisioned Node 24, found the way a user's is: first on PATH. */
export function viaNode24(): StoreReadOptions {
  return { env: { PATH: `${path.dirname(node24Binary())}:/usr/bin:/bin` }, readerScript: readerScript() };
}

export function readerScript(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'sqlite-reader.js');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('dist/sqlite-reader.js is missing: run node scripts/build.mjs');
}

/** Names, sizes and mtimes of a folder's files: what a reader must leave exactly as it found. */
export function listing(dir: string): Record<string, { size: number; mtimeMs: number }> {
  const out: Record<string, { size: number; mtimeMs: number }> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const stat = fs.statSync(path.join(dir, name));
    out[name] = { size: stat.size, mtimeMs: stat.mtimeMs };
  }
  return out;
}

export const probeScript = () => path.join(__dirname, 'node24-probe.js');

/** Runs node24-probe.js on Node 24; resolves with its first JSON line and a handle to end it. */
export function runProbe(args: string[]): Promise<{ value: Record<string, unknown>; pid: number; end(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node24Binary(), ['--no-warnings', probeScript(), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const closed = new Promise<void>((done) => child.on('close', () => done()));
    child.stderr.setEncoding('utf8').on('data', (t: string) => { err += t; });
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve({ value: JSON.parse(out.slice(0, newline)) as Record<string, unknown>, pid: child.pid!, end: async () => { child.stdin.end(); await closed; } });
    });
    child.on('close', (code) => reject(new Error(`node24-probe ${args[0]} exited ${code} without an answer: ${err.trim().slice(-1500)}`)));
  });
}

export function writeRequestFile(dir: string, request: StoreReadRequest): string {
  const file = path.join(dir, `request-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(request));
  return file;
}
