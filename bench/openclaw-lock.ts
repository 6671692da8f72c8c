// The real OpenClaw session write lock (a published release, from its compiled dist), for the
// lock benchmark and the mixed-exclusion tests. The release is the one the real-OpenClaw suites
// run, from the same provisioning (scripts/vscode/provision.mjs, integrity-pinned, in the tool
// cache); the lock module is found by its content, since chunk names change between builds.
//   node out/bench/openclaw-lock.js install     provisions openclaw@2026.7.35 (if missing)
//   node out/bench/openclaw-lock.js where       prints the module it would drive
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSONL_ERA_RELEASE, toolCacheDir } from '../test/fixtures/real-openclaw';

export const OPENCLAW_LOCK_VERSION = JSONL_ERA_RELEASE;


/** Where OpenClaw lives: $OPENCLAW_BENCH_DIR, else the real-OpenClaw provisioning's <cache>/openclaw-<version>. */
export function openclawBenchDir(): string {
  return process.env.OPENCLAW_BENCH_DIR || join(toolCacheDir(), `openclaw-${OPENCLAW_LOCK_VERSION}`);
}

export const INSTALL_HINT = `run \`node scripts/vscode/provision.mjs --vscode none --no-browser --openclaw ${OPENCLAW_LOCK_VERSION}\` (npm test and npm run bench do it themselves), or set OPENCLAW_BENCH_DIR to a directory holding node_modules/openclaw@${OPENCLAW_LOCK_VERSION}`;

/**
 * The compiled module that holds OpenClaw's session write lock and the export name of its
 * acquireSessionWriteLock (chunk names and export letters change between builds), or a reason.
 */
export function findOpenClawLockModule(dir = openclawBenchDir()): { file: string; exportName: string; version: string } | { missing: string } {
  const pkg = join(dir, 'node_modules', 'openclaw', 'package.json');
  if (!existsSync(pkg)) return { missing: `OpenClaw ${OPENCLAW_LOCK_VERSION} is not installed in ${dir}: ${INSTALL_HINT}` };
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
  const found = findDistExport(dir, { namePrefix: 'session-write-lock', region: 'src/agents/session-write-lock.ts', exportName: 'acquireSessionWriteLock', mustInclude: '.lock`' });
  if (found) return { ...found, version };
  return { missing: `no session-write-lock module with acquireSessionWriteLock in ${join(dir, 'node_modules', 'openclaw', 'dist')} (OpenClaw ${version}); ${INSTALL_HINT}` };
}

/**
 * The compiled dist module (a file name starting `namePrefix`) holding the source `region` and
 * exporting `exportName`, with the letter it is exported as; undefined when none does.
 */
export function findDistExport(dir: string, wanted: { namePrefix: string; region: string; exportName: string; mustInclude?: string }): { file: string; exportName: string } | undefined {
  const dist = join(dir, 'node_modules', 'openclaw', 'dist');
  if (!existsSync(dist)) return undefined;
  for (const name of readdirSync(dist).filter((n) => n.startsWith(wanted.namePrefix) && n.endsWith('.js')).sort()) {
    const text = readFileSync(join(dist, name), 'utf8');
    if (!text.includes(`//#region ${wanted.region}`) || (wanted.mustInclude !== undefined && !text.includes(wanted.mustInclude))) continue;
    const exported = /export\s*\{([^}]*)\}/.exec(text)?.[1] ?? '';
    const alias = new RegExp(`\\b${wanted.exportName}\\s+as\\s+([A-Za-z_$][\\w$]*)`).exec(exported)?.[1] ?? (new RegExp(`\\b${wanted.exportName}\\b`).test(exported) ? wanted.exportName : undefined);
    if (alias) return { file: join(dist, name), exportName: alias };
  }
  return undefined;
}

export type OpenClawAcquire = (sessionFile: string, timeoutMs: number) => Promise<{ release: () => Promise<void> }>;

// esbuild would turn a plain import() into require(); OpenClaw's dist is ESM.
export const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

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

/**
 * Provisions the release through the project's provisioning (the one the real-OpenClaw suites
 * use), when it is missing. Returns why it is still missing, or undefined.
 */
export function provisionOpenClawLock(): string | undefined {
  const before = findOpenClawLockModule();
  if (!('missing' in before)) return undefined;
  if (process.env.OPENCLAW_BENCH_DIR) return before.missing;
  // out/bench/ (built) or bench/ (sources): the project root is two or one levels up.
  const root = [join(__dirname, '..', '..'), join(__dirname, '..')].find((dir) => existsSync(join(dir, 'scripts', 'vscode', 'provision.mjs')));
  if (!root) return `cannot find scripts/vscode/provision.mjs from ${__dirname}`;
  console.log(`provisioning OpenClaw ${OPENCLAW_LOCK_VERSION} (the real-OpenClaw suites' release) into the tool cache`);
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'vscode', 'provision.mjs'), '--vscode', 'none', '--no-browser', '--openclaw', OPENCLAW_LOCK_VERSION], { cwd: root, stdio: 'inherit' });
  const found = findOpenClawLockModule();
  if (!('missing' in found)) return undefined;
  return `${found.missing} (provisioning exited ${result.status ?? result.signal})`;
}

// Bundled into lock.bench.js too: only the script itself is the command.
if (require.main === module && /openclaw-lock\.js$/.test(__filename)) {
  const command = process.argv[2];
  if (command === 'install') {
    const missing = provisionOpenClawLock();
    console.log(missing ?? `OpenClaw ${OPENCLAW_LOCK_VERSION}: ${JSON.stringify(findOpenClawLockModule())}`);
    process.exitCode = missing ? 1 : 0;
  }
  else if (command === 'where') {
    const found = findOpenClawLockModule();
    console.log('missing' in found ? found.missing : `${found.file} (export ${found.exportName}, OpenClaw ${found.version})`);
    process.exitCode = 'missing' in found ? 1 : 0;
  } else {
    console.error('usage: node out/bench/openclaw-lock.js install|where');
    process.exitCode = 2;
  }
}
