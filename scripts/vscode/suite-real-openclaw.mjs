// Suite (picked up by scripts/test.mjs): the product beside the real OpenClaw gateway.
//   1. node --test out/test/real-openclaw/: the CLI's side and the core (2026.7.35 scenarios,
//      the 2026.9.6 smoke test), each world a real gateway on a private state dir;
//   2. the extension's side in the real VS Code (test/extension-host/real-openclaw/, newest VS Code only).
// Provisions openclaw 2026.7.35 and 2026.9.6 into the tool cache first (from scratch in CI).
// Prints its time and exactly one `suite-result:` line; exits non-zero on any failure.
//
//   OPENCLAW_REAL_PARTS=node|vscode         one part only (default both)
//   OPENCLAW_REAL_TEST_PATTERN=<regex>      node part: only tests whose name matches (--test-name-pattern)
//   OPENCLAW_REAL_TEST_FILES=a,b            node part: only these files of out/test/real-openclaw/
//   OPENCLAW_TEST_GREP=<regex>              VS Code part: only tests whose title matches
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { NEWEST_VSCODE, OPENCLAW_RELEASES, cacheDir, projectRoot } from './env.mjs';
import { runExtensionTests, summarise } from './integration.mjs';
import { clearArtifacts } from './server.mjs';
import { ensureProvisioned } from './provision.mjs';

const parts = (process.env.OPENCLAW_REAL_PARTS ?? 'node,vscode').split(',').map((p) => p.trim());
// Real OpenClaw creates these fixed paths whatever TMPDIR says (see test/real-openclaw/helpers.ts):
// removed at the end when they were not there before and hold nothing but what it leaves.
const fixedTmp = { log: '/tmp/openclaw', locks: `/tmp/openclaw-state-locks-${process.getuid?.() ?? 'user'}` };
const fixedTmpBefore = { log: existsSync(fixedTmp.log), locks: existsSync(fixedTmp.locks) };
function restoreFixedTmp() {
  if (!fixedTmpBefore.locks) {
    try {
      if (readdirSync(fixedTmp.locks).every((n) => /^(gateway|state)-(lifecycle|handles)\.[0-9a-f]+\.lock(\.sqlite(-wal|-shm|-journal)?)?$/.test(n))) rmSync(fixedTmp.locks, { recursive: true, force: true });
    } catch { /* absent */ }
  }
  if (!fixedTmpBefore.log) {
    try {
      rmdirSync(fixedTmp.log);
    } catch { /* absent or not empty */ }
  }
}
const began = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(0);
let passed = 0;
let failed = 0;
const times = [];

function runNodeTests() {
  return new Promise((resolve) => {
    const dir = join(projectRoot, 'out/test/real-openclaw');
    if (!existsSync(dir)) {
      console.log(`real-openclaw: ${dir} is missing: run node scripts/build.mjs first`);
      resolve({ passed: 0, failed: 1 });
      return;
    }
    const only = process.env.OPENCLAW_REAL_TEST_FILES?.split(',').map((f) => f.trim()).filter(Boolean);
    const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && (!only || only.some((o) => f.startsWith(o.replace(/\.(test\.)?(ts|js)$/, '')))))
      .sort().map((f) => join(dir, f));
    const tapFile = join(projectRoot, 'artifacts/real-openclaw.tap');
    mkdirSync(join(projectRoot, 'artifacts'), { recursive: true });
    const args = ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      // One gateway at a time: two cores, shared; each file starts real gateways.
      '--test-concurrency=1',
      ...(process.env.OPENCLAW_REAL_TEST_PATTERN ? [`--test-name-pattern=${process.env.OPENCLAW_REAL_TEST_PATTERN}`] : []),
      ...files];
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, OPENCLAW_LOCKS_CACHE_DIR: cacheDir, OPENCLAW_REAL_OPENCLAW: '1' } });
    child.on('close', () => {
      const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
      const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
      // A skipped test is no pass: real-OpenClaw tests never skip, so count one as a failure.
      const result = { passed: count('pass'), failed: count('fail') + count('cancelled') + count('skipped') + count('todo') };
      if (result.passed === 0 && result.failed === 0) result.failed = 1;
      resolve(result);
    });
  });
}

try {
  const provisionBegan = Date.now();
  // Needed even for the node part alone: Node 24 and both releases (the VS Code part adds code-server and the browser).
  ensureProvisioned(parts.includes('vscode') ? [NEWEST_VSCODE] : [], { browser: parts.includes('vscode'), openclaw: Object.keys(OPENCLAW_RELEASES) });
  times.push(`provisioning ${seconds(provisionBegan)} s`);
  if (parts.includes('node')) {
    const partBegan = Date.now();
    const result = await runNodeTests();
    passed += result.passed;
    failed += result.failed;
    times.push(`node tests ${seconds(partBegan)} s`);
    console.log(`real-openclaw node tests: ${result.passed} passed, ${result.failed} failed (${seconds(partBegan)}s)`);
  }
  if (parts.includes('vscode')) {
    clearArtifacts('real-openclaw-');
    const partBegan = Date.now();
    const result = await runExtensionTests({
      vscodeVersion: NEWEST_VSCODE,
      label: `real-openclaw-${NEWEST_VSCODE}`,
      env: { OPENCLAW_REAL_OPENCLAW: '1', OPENCLAW_LOCKS_CACHE_DIR: cacheDir },
    });
    passed += result.passed;
    failed += result.failed + result.pending;
    times.push(`VS Code ${NEWEST_VSCODE} ${seconds(partBegan)} s`);
    console.log(`${summarise(`real-openclaw extension tests on VS Code ${NEWEST_VSCODE}`, result)} (${seconds(partBegan)}s)`);
  }
} catch (error) {
  console.log(`real-openclaw suite could not run: ${error.message}`);
  failed += 1;
}
restoreFixedTmp();
console.log(`real-openclaw: ${passed} passed, ${failed} failed in ${seconds(began)} s (${times.join(', ')})`);
console.log(`suite-result: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
