// Suite (picked up by scripts/test.mjs): Playwright UI cases against a real workbench.
// Cases live in test/ui/*.ui.ts (compiled to out/test/ui/*.ui.js), each exporting
// `cases: UiCase[]` (see test/ui/types.ts). One code-server per VS Code version, with the
// extension in development mode and OPENCLAW_STATE_DIR at the sample state dir; one fresh
// browser context per case. A failing case leaves artifacts/ui-<version>-<case>.png.
//
//   OPENCLAW_VSCODE_VERSIONS=1.139.1   only that version (default: all)
//   OPENCLAW_UI_GREP=palette            only cases whose name matches
//   UPDATE_SCREENSHOTS=1                passing cases on the newest version write media/screenshots/*.png
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NEWEST_VSCODE, parseVersionList, projectRoot } from './env.mjs';
import { loadFixtures } from './integration.mjs';
import { ensureProvisioned } from './provision.mjs';
import { artifactsDir, clearArtifacts, createRunDir, keepLog, launchBrowser, log, onInterrupt, startCodeServer, workbenchUrl } from './server.mjs';

const require = createRequire(import.meta.url);
const casesDir = join(projectRoot, 'out/test/ui');
const screenshotsDir = join(projectRoot, 'media/screenshots');
const updateScreenshots = process.env.UPDATE_SCREENSHOTS === '1';
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

function loadCases() {
  if (!existsSync(casesDir)) throw new Error(`${casesDir} is missing: run node scripts/build.mjs first`);
  const grep = process.env.OPENCLAW_UI_GREP ? new RegExp(process.env.OPENCLAW_UI_GREP, 'i') : undefined;
  const cases = [];
  for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.ui.js')).sort()) {
    const exported = require(join(casesDir, file)).cases;
    if (!Array.isArray(exported)) throw new Error(`${file} exports no \`cases\` array`);
    for (const uiCase of exported) {
      if (typeof uiCase?.name !== 'string' || typeof uiCase.run !== 'function') throw new Error(`${file}: every case needs a name and run(page, ctx)`);
      if (!grep || grep.test(uiCase.name)) cases.push({ ...uiCase, file });
    }
  }
  return cases;
}

async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

async function runVersion(vscodeVersion, cases, results) {
  const fixtures = loadFixtures();
  const run = createRunDir();
  let sample;
  let server;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await sample?.dispose();
    run.dispose();
  };
  const removeInterrupt = onInterrupt(cleanup);
  try {
    sample = await fixtures.buildSampleStateDir(join(run.dir, 'openclaw-state'));
    server = await startCodeServer({ vscodeVersion, run, env: { OPENCLAW_STATE_DIR: sample.stateDir } });
    log(`UI: code-server ${vscodeVersion} at ${server.url}`);
    browser = await launchBrowser(run);
    const url = workbenchUrl(server, { folder: run.workspace, extensionDevelopmentPath: projectRoot });
    for (const uiCase of cases) {
      if (uiCase.versions && !uiCase.versions.includes(vscodeVersion)) continue;
      const label = `[${vscodeVersion}] ${uiCase.name}`;
      const began = Date.now();
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message.split('\n')[0]));
      const shots = [];
      const ctx = {
        vscodeVersion,
        stateDir: sample.stateDir,
        sessions: sample.manifest().sessions,
        url,
        log: (message) => log(`  ${label}: ${message}`),
        async screenshot(name, options = {}) {
          if (!updateScreenshots || vscodeVersion !== NEWEST_VSCODE) return;
          await page.waitForTimeout(options.settleMs ?? 400); // menus and hovers fade in
          shots.push({ name: slug(name), png: await page.screenshot({ clip: options.clip }) });
        },
      };
      try {
        await withTimeout((async () => {
          await page.goto(url);
          await uiCase.run(page, ctx);
        })(), uiCase.timeoutMs ?? 120_000, 'the case');
        results.push({ label, ok: true, seconds: (Date.now() - began) / 1000 });
        for (const shot of shots) {
          mkdirSync(screenshotsDir, { recursive: true });
          writeFileSync(join(screenshotsDir, `${shot.name}.png`), shot.png);
        }
      } catch (error) {
        const shot = join(artifactsDir, `ui-${vscodeVersion}-${slug(uiCase.name)}.png`);
        mkdirSync(artifactsDir, { recursive: true });
        await page.screenshot({ path: shot }).catch(() => {});
        results.push({ label, ok: false, seconds: (Date.now() - began) / 1000, error: `${String(error.message).split('\n').slice(0, 4).join(' | ')}${pageErrors.length ? ` (page errors: ${pageErrors.slice(0, 3).join('; ')})` : ''}`, shot });
      } finally {
        await context.close().catch(() => {});
      }
    }
    if (results.some((r) => !r.ok)) keepLog(server, `ui-${vscodeVersion}-code-server.log`);
  } finally {
    removeInterrupt();
    await cleanup();
  }
}

clearArtifacts('ui-');
const results = [];
let setupFailures = 0;
try {
  const versions = parseVersionList(process.env.OPENCLAW_VSCODE_VERSIONS);
  const cases = loadCases();
  if (cases.length === 0) throw new Error('no UI case found (test/ui/*.ui.ts exporting `cases`)');
  ensureProvisioned(versions);
  for (const vscodeVersion of versions) {
    try {
      await runVersion(vscodeVersion, cases, results);
    } catch (error) {
      console.log(`UI suite on VS Code ${vscodeVersion} could not run: ${error.message}`);
      setupFailures += 1;
    }
  }
} catch (error) {
  console.log(`UI suite could not run: ${error.message}`);
  setupFailures += 1;
}
for (const result of results) {
  console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.label} (${result.seconds.toFixed(0)}s)${result.ok ? '' : `\n     ${result.error}\n     screenshot: ${result.shot}`}`);
}
if (updateScreenshots) console.log(`screenshots written to ${screenshotsDir} from the passing cases on VS Code ${NEWEST_VSCODE}`);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + setupFailures;
console.log(`suite-result: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
