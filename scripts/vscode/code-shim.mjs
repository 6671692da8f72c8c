#!/usr/bin/env node
// The "VS Code executable" handed to @vscode/test-electron's runTests({ vscodeExecutablePath }).
// It takes the Electron-style arguments runTests passes (--extensionDevelopmentPath=,
// --extensionTestsPath=, --extensions-dir=, --user-data-dir=, [folder]), starts code-server
// for OPENCLAW_VSCODE_VERSION plus a headless Chromium, and exits with the code VS Code
// hands to `codeAutomationExit` when the mocha run ends (0 pass, 1 fail; 124 on timeout).
// Its whole environment (runTests' extensionTestsEnv included) reaches the extension host.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NEWEST_VSCODE, VSCODE_VERSIONS } from './env.mjs';
import {
  artifactsDir, createRunDir, formatConsoleArgs, keepLog, launchBrowser, log, onInterrupt, seedUserSettings,
  startCodeServer, workbenchUrl,
} from './server.mjs';

const NOISE = /Creating a socket|connection token|AgentHost|\[File Watcher/;

function parseArgs(argv) {
  const parsed = { extensionDevelopmentPath: [], extensionTestsPath: undefined, extensionsDir: undefined, userDataDir: undefined, folder: undefined };
  for (const arg of argv) {
    const value = arg.slice(arg.indexOf('=') + 1);
    if (arg.startsWith('--extensionDevelopmentPath=')) {
      if (value && value !== 'undefined') parsed.extensionDevelopmentPath.push(value);
    } else if (arg.startsWith('--extensionTestsPath=')) parsed.extensionTestsPath = value;
    else if (arg.startsWith('--extensions-dir=')) parsed.extensionsDir = value;
    else if (arg.startsWith('--user-data-dir=')) parsed.userDataDir = value;
    else if (!arg.startsWith('-')) parsed.folder = arg;
  }
  return parsed;
}

/** runTests passes a module path that may be a directory or lack `.js`, like Electron accepts. */
function resolveTestsEntry(path) {
  if (!path) throw new Error('--extensionTestsPath is required');
  if (existsSync(path) && statSync(path).isDirectory()) return join(path, 'index.js');
  if (!existsSync(path) && existsSync(`${path}.js`)) return `${path}.js`;
  return path;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const vscodeVersion = process.env.OPENCLAW_VSCODE_VERSION ?? NEWEST_VSCODE;
  if (!VSCODE_VERSIONS[vscodeVersion]) throw new Error(`OPENCLAW_VSCODE_VERSION=${vscodeVersion} is not one of ${Object.keys(VSCODE_VERSIONS).join(', ')}`);
  // Generous: mocha fails a stuck test after its own timeout; this catches a host that never
  // starts or never reports, and must not fire on a slow machine running many tests.
  const timeoutMs = Number(process.env.OPENCLAW_VSCODE_TEST_TIMEOUT_S || 600) * 1000;
  const label = process.env.OPENCLAW_VSCODE_RUN_LABEL ?? `integration-${vscodeVersion}`;
  const testsEntry = resolveTestsEntry(args.extensionTestsPath);

  // Last resort if cleanup itself hangs: the caller must always get an answer.
  const watchdog = setTimeout(() => {
    log('shim watchdog fired: exiting 124');
    process.exit(124);
  }, timeoutMs + 90_000);
  const run = createRunDir();
  let server;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    run.dispose();
  };
  const removeInterrupt = onInterrupt(cleanup);
  let code = 2;
  try {
    if (args.userDataDir) seedUserSettings(args.userDataDir);
    if (args.extensionsDir) mkdirSync(args.extensionsDir, { recursive: true });
    server = await startCodeServer({
      vscodeVersion,
      run,
      extensionsDir: args.extensionsDir ?? run.extensions,
      userDataDir: args.userDataDir ?? run.userData,
      folder: args.folder ?? run.workspace,
    });
    log(`code-server ${vscodeVersion} up at ${server.url} (pid ${server.pid})`);
    browser = await launchBrowser(run);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => log(`pageerror: ${error.message.slice(0, 300)}`));
    page.on('console', async (message) => {
      let values;
      try {
        values = await Promise.all(message.args().map((arg) => arg.jsonValue()));
      } catch {
        values = [message.text()];
      }
      const text = formatConsoleArgs(values).replace(/^\s*(INFO|ERR|WARN|TRACE|DEBUG)\s+/, '');
      if (process.env.VERBOSE || !NOISE.test(text)) process.stdout.write(`  | ${text.replace(/\n/g, '\n  | ')}\n`);
    });
    let resolveExit;
    const exited = new Promise((resolve) => { resolveExit = resolve; });
    // VS Code calls this (in the browser) when the extension tests finish.
    await page.exposeFunction('codeAutomationExit', (exitCode) => resolveExit(Number(exitCode)));
    await page.goto(workbenchUrl(server, {
      folder: args.folder ?? run.workspace,
      extensionDevelopmentPath: args.extensionDevelopmentPath,
      extensionTestsPath: testsEntry,
    }));
    let timer;
    const result = await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); })]);
    clearTimeout(timer);
    if (result === 'timeout') log(`no result after ${timeoutMs / 1000}s: the run is killed and fails`);
    code = result === 'timeout' ? 124 : result;
    if (code !== 0) {
      mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: join(artifactsDir, `${label}-failure.png`) }).catch(() => {});
      keepLog(server, `${label}-code-server.log`);
      log(`failure screenshot and server log in ${artifactsDir}/${label}-*`);
    }
  } catch (error) {
    log(`shim error: ${error.stack ?? error}`);
    if (server) keepLog(server, `${label}-code-server.log`);
    code = 2;
  } finally {
    removeInterrupt();
    await cleanup();
  }
  clearTimeout(watchdog);
  process.exit(code);
}

main();
