// The one test command (`npm test`, and what .ci/run calls): builds, type-checks, runs the
// unit and cross-process suites with node's test runner, then every real-VS-Code suite,
// and closes with one line that counts them all.
//   --only unit     node --test suites only
//   --only vscode   real VS Code suites only
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const totals = { passed: 0, failed: 0, skipped: 0 };
const startedAt = Date.now();

function run(label, command, args, options = {}) {
  const began = Date.now();
  console.log(`\n=== ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  console.log(`=== ${label}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status ?? result.signal})`} in ${seconds}s`);
  return result.status === 0;
}

function runStreaming(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (status, signal) => resolve({ status, signal, stdout }));
  });
}

function fail(message) {
  console.error(message);
  totals.failed += 1;
}

mkdirSync(join(root, 'artifacts'), { recursive: true });
if (!run('build', process.execPath, ['scripts/build.mjs'])) fail('build failed');
if (!run('typecheck', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.'])) fail('type-check failed');

if (only !== 'vscode') {
  // The SQLite-era fixtures are written by Node 24's node:sqlite (this Node may have none):
  // provisioned here, into the tool cache, before the first suite needs it.
  // The lock tests' mixed runs drive the real OpenClaw 2026.7.35 lock: the real-OpenClaw suites'
  // release, provisioned here rather than later so that those tests run instead of skipping.
  if (!run('provision Node 24 and OpenClaw 2026.7.35 for the unit suites', process.execPath, ['scripts/vscode/provision.mjs', '--vscode', 'none', '--no-browser', '--node24', '--openclaw', '2026.7.35'])) fail('could not provision Node 24 and OpenClaw 2026.7.35: the SQLite-era and mixed-lock tests need them');
  const tapFile = join(root, 'artifacts/unit.tap');
  const suites = ['lock', 'openclaw', 'logs', 'sqlite-store', 'sessions', 'transcripts', 'cli', 'wording', 'bench', 'extension', 'fixtures', 'scripts', 'architecture'].map((d) => join('out/test', d)).filter((d) => existsSync(join(root, d)));
  run('unit and cross-process suites (node --test)', process.execPath, [
    '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...suites,
  ]);
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped') + count('todo');
  if (count('pass') === 0) fail('node --test ran no test');
}

if (only !== 'unit') {
  // Each real-VS-Code suite is a script that prints one line `suite-result: N passed, N failed`.
  const dir = join(root, 'scripts/vscode');
  const suites = existsSync(dir) ? readdirSync(dir).filter((f) => /^suite-.*\.mjs$/.test(f)).sort() : [];
  for (const suite of suites) {
    // Streamed, not buffered: a suite that hangs in CI must show how far it got.
    const result = await runStreaming(process.execPath, [join(dir, suite)]);
    const match = /^suite-result: (\d+) passed, (\d+) failed/m.exec(result.stdout);
    if (match) {
      totals.passed += Number(match[1]);
      totals.failed += Number(match[2]);
    }
    if (result.status !== 0 && (!match || Number(match[2]) === 0)) fail(`${suite} exited ${result.status ?? result.signal}`);
  }
}

const minutes = ((Date.now() - startedAt) / 60000).toFixed(1);
console.log(`\nAll suites finished in ${minutes} min.`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
