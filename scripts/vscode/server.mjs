// One code-server per run, in a private run dir, and a headless Chromium to look at it.
// Everything a run creates lives under one /tmp/ocl-XXXXXX dir that `dispose()` removes
// (TMPDIR must be short: VS Code puts unix sockets there and sun_path holds 107 bytes).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { VSCODE_VERSIONS, chromiumPath, nodeBinDirFor, paths, projectRoot } from './env.mjs';

const RUN_PREFIX = 'ocl-';
const runsRoot = existsSync('/tmp') ? '/tmp' : (process.env.TMPDIR ?? '/tmp');

export const log = (message) => process.stderr.write(`[vscode] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Removes run dirs left by runs that were SIGKILLed (their owner pid is gone). */
export function sweepAbandonedRuns() {
  let names = [];
  try {
    names = readdirSync(runsRoot).filter((name) => name.startsWith(RUN_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(runsRoot, name);
    let owner;
    try {
      owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8'));
    } catch {
      continue; // not ours to judge, or still being created
    }
    const pids = [owner.pid, owner.serverPid].filter((pid) => Number.isInteger(pid) && pid > 0);
    if (pids.every((pid) => !isAlive(pid))) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A private run dir: `tmp` (TMPDIR), `xdg` (XDG_*), `user` (user data, settings seeded),
 * `ext` (extensions), `ws` (the folder the workbench opens), `logs`.
 */
export function createRunDir() {
  sweepAbandonedRuns();
  const dir = mkdtempSync(join(runsRoot, RUN_PREFIX));
  const run = {
    dir,
    tmp: join(dir, 't'),
    xdg: join(dir, 'xdg'),
    userData: join(dir, 'user'),
    extensions: join(dir, 'ext'),
    workspace: join(dir, 'ws'),
    logs: join(dir, 'logs'),
    owner: { pid: process.pid },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const sub of [run.tmp, run.xdg, run.extensions, run.workspace, run.logs]) mkdirSync(sub, { recursive: true });
  writeFileSync(join(dir, 'owner.json'), JSON.stringify(run.owner));
  seedUserSettings(run.userData);
  return run;
}

export function seedUserSettings(userDataDir, extra = {}) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const file = join(userDataDir, 'User', 'settings.json');
  if (existsSync(file) && Object.keys(extra).length === 0) return;
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...extra,
  };
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

/** Environment for code-server and everything under it (the extension host inherits it). */
export function serverEnv(vscodeVersion, run, extraEnv = {}) {
  return {
    ...process.env,
    PATH: `${nodeBinDirFor(vscodeVersion)}${delimiter}${process.env.PATH}`,
    TMPDIR: run.tmp,
    XDG_CONFIG_HOME: run.xdg,
    XDG_DATA_HOME: run.xdg,
    XDG_CACHE_HOME: run.xdg,
    XDG_STATE_HOME: run.xdg,
    XDG_RUNTIME_DIR: run.tmp,
    ...extraEnv,
  };
}

/** `code-server --install-extension` into `extensionsDir` (which must exist). */
export function installExtension(vscodeVersion, run, vsixPath, extensionsDir = run.extensions) {
  return new Promise((resolve, reject) => {
    mkdirSync(extensionsDir, { recursive: true });
    const child = spawn(paths.codeServerBin(vscodeVersion), [
      '--user-data-dir', run.userData, '--extensions-dir', extensionsDir, '--install-extension', vsixPath,
    ], { env: cleanEnv(serverEnv(vscodeVersion, run)), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`--install-extension exited ${code}: ${output}`))));
  });
}

function cleanEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

/**
 * Starts code-server in its own process group (detached = setsid) and waits for /healthz.
 * Retries on another port when the chosen one was taken meanwhile by someone else.
 */
/**
 * `smokeTestDriver`: the suites need it (on 1.139 development extensions and extension tests
 * run only with it), but it also suppresses every notification toast, so the demo, which
 * is for people, runs without it and loads the extension as an installed .vsix instead.
 */
export async function startCodeServer({ vscodeVersion, run, env = {}, extensionsDir = run.extensions, userDataDir = run.userData, folder = run.workspace, port, host = '127.0.0.1', startTimeoutMs = 120_000, smokeTestDriver = true }) {
  const binary = paths.codeServerBin(vscodeVersion);
  if (!existsSync(binary)) throw new Error(`code-server for VS Code ${vscodeVersion} is not installed (${binary}); run node scripts/vscode/provision.mjs`);
  for (let attempt = 1; ; attempt += 1) {
    const chosenPort = port ?? await freePort();
    const logFile = join(run.logs, `code-server-${chosenPort}.log`);
    const out = openSync(logFile, 'a');
    const child = spawn(binary, [
      '--auth', 'none', '--bind-addr', `${host}:${chosenPort}`,
      '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--ignore-last-opened',
      ...(VSCODE_VERSIONS[vscodeVersion].newServerFlags ? [
        // Without it every closed page keeps an extension host alive for hours.
        '--reconnection-grace-time', '5',
        // Required on 1.139: otherwise extensionDevelopmentPath/extensionTestsPath are ignored.
        ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ] : []),
      folder,
    ], { env: cleanEnv(serverEnv(vscodeVersion, run, env)), detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    let exited = false;
    child.on('exit', () => { exited = true; });
    run.owner.serverPid = child.pid;
    writeFileSync(join(run.dir, 'owner.json'), JSON.stringify(run.owner));
    const server = {
      vscodeVersion,
      pid: child.pid,
      port: chosenPort,
      host,
      url: `http://${host}:${chosenPort}`,
      logFile,
      stop: () => stopProcessGroup(child.pid, () => exited),
    };
    const deadline = Date.now() + startTimeoutMs;
    while (!exited && Date.now() < deadline) {
      if (await healthy(chosenPort)) return server;
      await sleep(300);
    }
    await server.stop();
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    if (exited && port === undefined && attempt < 3 && /EADDRINUSE/.test(tail)) continue;
    throw new Error(`code-server ${vscodeVersion} did not become healthy on port ${chosenPort}${exited ? ' (it exited)' : ''}:\n${tail}`);
  }
}

/** SIGTERM the whole group, wait, then SIGKILL what is left; resolves once the group is gone. */
export async function stopProcessGroup(pid, hasExited = () => false) {
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 40 && groupAlive(); i += 1) await sleep(250);
  if (groupAlive()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch { /* already gone */ }
    for (let i = 0; i < 40 && (groupAlive() || !hasExited()); i += 1) await sleep(100);
  }
}

/** playwright-core from the cache (never from the project's node_modules). */
export function loadPlaywright() {
  const require = createRequire(join(paths.playwrightModules, 'noop.js'));
  return require('playwright-core');
}

/** Chromium with HOME and XDG_* inside the run dir: it writes crash-report settings and dconf files there. */
export async function launchBrowser(run) {
  const { chromium } = loadPlaywright();
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: cleanEnv({ ...process.env, HOME: run.dir, XDG_CONFIG_HOME: run.xdg, XDG_CACHE_HOME: run.xdg, XDG_DATA_HOME: run.xdg, TMPDIR: run.tmp }),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * The workbench URL. code-server's command line rejects --extensionDevelopmentPath and
 * --extensionTestsPath, so they travel in the `payload` query parameter as remote URIs.
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const remote = (path) => `vscode-remote://${server.host}:${server.port}${path}`;
  const payload = [];
  for (const path of [extensionDevelopmentPath ?? []].flat()) payload.push(['extensionDevelopmentPath', remote(path)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(folder)}`);
  if (payload.length) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.url}/${query.length ? `?${query.join('&')}` : ''}`;
}

/** Applies console format strings (%s %d %c ...) the way the browser console does. */
export function formatConsoleArgs(args) {
  const show = (value) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
  const rest = args.slice();
  const out = [];
  while (rest.length) {
    const first = rest.shift();
    if (typeof first === 'string' && /%[sdifoOc]/.test(first)) {
      out.push(first.replace(/%[sdifoOc]/g, (m) => {
        const value = rest.shift();
        return m === '%c' ? '' : show(value);
      }));
    } else out.push(show(first));
  }
  return out.join(' ');
}

export const artifactsDir = join(projectRoot, 'artifacts');

/** Removes a suite's artifacts from earlier runs, so what is there belongs to this run. */
export function clearArtifacts(prefix) {
  let names = [];
  try {
    names = readdirSync(artifactsDir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(prefix)) rmSync(join(artifactsDir, name), { force: true });
}

/** Copies a server log into artifacts/ so a failure can be read after the run dir is gone. */
export function keepLog(server, name) {
  try {
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, name), readFileSync(server.logFile));
  } catch { /* best effort */ }
}

/**
 * Cleans up on Ctrl-C/SIGTERM: runs `cleanup` once, then exits with 130/143.
 * Returns a function that removes the handlers.
 */
export function onInterrupt(cleanup) {
  let running = false;
  const handler = (signal) => {
    if (running) return;
    running = true;
    Promise.resolve().then(cleanup).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    process.off('SIGHUP', handler);
  };
}
