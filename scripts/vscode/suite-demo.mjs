// Suite (picked up by scripts/test.mjs): `npm run demo` as a person runs it. Started through
// npm (so the nested provisioning sees an outer npm's environment), in its own process group;
// a real browser opens the URL it prints and checks what a user sees: the stale-lock alert as
// a toast (the demo runs without the smoke-test driver, which would hide every toast), its
// "Clear Stale Lock" link clearing the lock, the alert closing itself and the removal report
// showing as a toast too. Ctrl-C (SIGINT to the group) must stop everything and leave no run dir.
//
//   UPDATE_SCREENSHOTS=1   also writes media/screenshots/demo-alert.png
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NEWEST_VSCODE, projectRoot } from './env.mjs';
import { ensureProvisioned } from './provision.mjs';
import { createChecks } from './checks.mjs';
import { artifactsDir, clearArtifacts, createRunDir, freePort, launchBrowser, log, stopProcessGroup } from './server.mjs';

const WAIT_MS = 90_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const { check, tally, finish } = createChecks();

function startDemo(port) {
  const child = spawn('npm', ['run', 'demo', '--', '--port', String(port)], { cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const demo = { child, output: '', exited: undefined };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { demo.output += chunk; });
  child.stderr.on('data', (chunk) => { demo.output += chunk; });
  child.on('exit', (code, signal) => { demo.exited = { code, signal }; });
  return demo;
}

async function waitForOutput(demo, pattern, what) {
  const deadline = Date.now() + 10 * 60_000; // a cold cache provisions code-server first
  for (;;) {
    const match = pattern.exec(demo.output);
    if (match) return match;
    if (demo.exited) throw new Error(`the demo exited (${JSON.stringify(demo.exited)}) before ${what}:\n${demo.output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`no ${what} from the demo:\n${demo.output.slice(-3000)}`);
    await sleep(200);
  }
}

clearArtifacts('demo-');
let demo;
let run;
let browser;
try {
  ensureProvisioned([NEWEST_VSCODE]);
  const port = await freePort();
  demo = startDemo(port);
  const [url] = await waitForOutput(demo, new RegExp(`http://127\\.0\\.0\\.1:${port}/\\S*`), 'workbench URL');
  const [, stateDir] = await waitForOutput(demo, /^state dir: (\S+) \(sample\)$/m, 'state dir line');
  check(!url.includes('payload='), 'the demo loads the extension installed from a .vsix, not in development mode');
  run = createRunDir();
  browser = await launchBrowser(run);
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').first().waitFor({ timeout: WAIT_MS });
  const toasts = page.locator('.notifications-toasts');
  const staleToast = toasts.locator('.notification-list-item', { hasText: /"Ops Discord" is stale/ }).first();
  const shown = await staleToast.waitFor({ timeout: WAIT_MS }).then(() => true, () => false);
  if (!check(shown, 'the stale-lock alert appears as a toast, not only in the notification center')) {
    await page.screenshot({ path: join(artifactsDir, 'demo-no-toast.png') }).catch(() => {});
  } else {
    await sleep(500);
    const shot = await page.screenshot();
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, 'demo-alert.png'), shot);
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const box = await toasts.boundingBox();
      const clip = box ? { x: Math.max(0, box.x - 8), y: Math.max(0, box.y - 8), width: Math.min(1400, box.width + 16), height: box.height + 16 } : undefined;
      writeFileSync(join(projectRoot, 'media/screenshots/demo-alert.png'), await page.screenshot({ clip }));
    }
    await staleToast.locator('a', { hasText: 'Clear Stale Lock' }).first().click();
    const removedToast = toasts.locator('.notification-list-item', { hasText: 'Removed the lock of "Ops Discord"' }).first();
    check(await removedToast.waitFor({ timeout: WAIT_MS }).then(() => true, () => false), 'Clear Stale Lock in the toast removes the lock, and the report shows as a toast');
    const gone = await staleToast.waitFor({ state: 'detached', timeout: WAIT_MS }).then(() => true, () => false);
    check(gone, 'the stale-lock alert closes itself once its lock is gone');
  }
  // Ctrl-C in the terminal: SIGINT to the whole foreground process group.
  const runDir = stateDir.replace(/\/openclaw-state$/, '');
  process.kill(-demo.child.pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (!demo.exited && Date.now() < deadline) await sleep(200);
  check(demo.exited !== undefined, `Ctrl-C stops the demo (${JSON.stringify(demo.exited ?? 'still running')})`);
  check(!existsSync(runDir), `Ctrl-C leaves no run dir behind (${runDir})`);
} catch (error) {
  check(false, `demo suite: ${error.message}`);
} finally {
  await browser?.close().catch(() => {});
  if (demo && !demo.exited) await stopProcessGroup(demo.child.pid, () => demo.exited !== undefined);
  run?.dispose();
  if (tally.failed > 0 && demo) {
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, 'demo-output.log'), demo.output);
  }
}
finish();
