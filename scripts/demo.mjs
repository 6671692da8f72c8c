// `npm run demo`: a real VS Code (code-server) in your browser with this extension loaded,
// looking at a sample OpenClaw state dir: healthy sessions, one locked by a live process
// standing in for the gateway, one whose lock names a dead process (the incident where
// messages vanished for 22 minutes) and one held far too long.
//
//   npm run demo                                 sample data, a free port
//   npm run demo -- --port 8080                  choose the port
//   npm run demo -- --state-dir ~/.openclaw      your real OpenClaw data instead of the sample
//   npm run demo -- --vscode 1.100.3             the oldest supported VS Code
//
// Ctrl-C stops everything it started (code-server's process group, the lock holders) and
// removes its private temp dir; nothing is left in $HOME except the provisioning cache.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { NEWEST_VSCODE, VSCODE_VERSIONS, projectRoot } from './vscode/env.mjs';
import { loadFixtures } from './vscode/integration.mjs';
import { ensureProvisioned } from './vscode/provision.mjs';
import { createRunDir, installExtension, onInterrupt, startCodeServer, workbenchUrl } from './vscode/server.mjs';
import { packageVsix } from './vscode/vsix.mjs';

function parseArgs(argv) {
  const options = { port: undefined, stateDir: undefined, vscodeVersion: NEWEST_VSCODE, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (flag === '--port') options.port = Number(value());
    else if (flag === '--state-dir') options.stateDir = value();
    else if (flag === '--vscode') options.vscodeVersion = value();
    else if (flag === '--help' || flag === '-h') options.help = true;
    else throw new Error(`unknown option ${argv[i]} (try --help)`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) throw new Error('--port needs a number between 1 and 65535');
  if (!VSCODE_VERSIONS[options.vscodeVersion]) throw new Error(`--vscode must be one of ${Object.keys(VSCODE_VERSIONS).join(', ')}`);
  return options;
}

const expandHome = (path) => (path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);

function describeSample(sample) {
  const lines = [];
  for (const session of sample.sessions) {
    const where = `${session.agentId}/${session.title}`;
    if (session.role === 'live-lock') lines.push(`  locked   ${where}: held right now by live pid ${session.holderPid} (the gateway stand-in)`);
    else if (session.role === 'dead-lock') lines.push(`  STALE    ${where}: lock left by dead pid ${session.holderPid}, 22 minutes old (the incident)`);
    else if (session.role === 'held-too-long') lines.push(`  too long ${where}: live pid ${session.holderPid} has held it since ${session.lockCreatedAt} (maxHoldMs 5 min)`);
    else {
      const count = readFileSync(session.transcriptPath, 'utf8').trimEnd().split('\n').length;
      lines.push(`  healthy  ${where}${count > 400 ? ` (${count} lines: right-click, Compact Session, Trim locally keeps the header and the last 399)` : ''}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log('usage: npm run demo -- [--port N] [--state-dir DIR] [--vscode 1.139.1|1.100.3]');
    return;
  }
  ensureProvisioned([options.vscodeVersion], { browser: false });
  const run = createRunDir();
  let sample;
  let server;
  let stopping = false;
  const cleanup = async () => {
    stopping = true;
    await server?.stop();
    await sample?.dispose();
    run.dispose();
  };
  onInterrupt(async () => {
    console.log('\nstopping: code-server, lock holders, temp files ...');
    await cleanup();
    console.log('stopped.');
  });
  try {
    let stateDir;
    if (options.stateDir) {
      stateDir = resolve(expandHome(options.stateDir));
      if (!existsSync(stateDir)) console.log(`note: ${stateDir} does not exist; the extension will say so.`);
    } else {
      sample = await loadFixtures().buildSampleStateDir(join(run.dir, 'openclaw-state'));
      stateDir = sample.stateDir;
    }
    // Installed from a freshly built .vsix, as a user has it: a development extension would
    // need the smoke-test driver on 1.139, and that driver hides every notification toast.
    const staging = join(run.dir, 'package');
    mkdirSync(staging);
    console.log('packaging the extension (.vsix) ...');
    const { vsixPath } = packageVsix(staging);
    await installExtension(options.vscodeVersion, run, vsixPath);
    server = await startCodeServer({ vscodeVersion: options.vscodeVersion, run, port: options.port, host: options.host, env: { OPENCLAW_STATE_DIR: stateDir }, smokeTestDriver: false });
    // The sample is opened as the workspace so its lock files show in the Explorer too; real data is not.
    const folder = sample ? stateDir : run.workspace;
    const url = workbenchUrl(server, { folder });
    console.log(`\nOpenClaw Session Locks demo: VS Code ${options.vscodeVersion} (code-server ${VSCODE_VERSIONS[options.vscodeVersion].codeServer})`);
    console.log(`state dir: ${stateDir}${sample ? ' (sample)' : ''}`);
    if (sample) console.log(describeSample(sample));
    console.log(`\nOpen this URL in your browser (the extension is installed from a .vsix built from ${projectRoot}):\n\n  ${url}\n`);
    console.log('Click the OpenClaw icon in the activity bar. Ctrl-C here stops everything.');
    // Stay up until Ctrl-C; if code-server dies on its own, clean up and say so.
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      if (stopping) return;
      try {
        process.kill(server.pid, 0);
      } catch {
        console.error(`code-server exited unexpectedly; the end of its log:\n${readFileSync(server.logFile, 'utf8').split('\n').slice(-20).join('\n')}`);
        await cleanup();
        process.exit(1);
      }
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
}

main().catch((error) => {
  console.error(`demo: ${error.message}`);
  process.exit(1);
});
