// Runs the mocha integration tests (out/test/extension-host/index.js) inside a real VS Code
// extension host through @vscode/test-electron's runTests, with code-shim.mjs as the
// "VS Code executable". Builds the sample OpenClaw state dir first (live and dead lock
// holders included) and points the extension at it with OPENCLAW_STATE_DIR.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from './env.mjs';
import { createRunDir, log } from './server.mjs';

const require = createRequire(import.meta.url);
export const shimPath = join(projectRoot, 'scripts/vscode/code-shim.mjs');
export const testsEntry = join(projectRoot, 'out/test/extension-host/index.js');

/** The compiled fixtures (test/fixtures/*.ts, built by scripts/build.mjs). */
export function loadFixtures() {
  const compiled = join(projectRoot, 'out/test/fixtures/index.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run node scripts/build.mjs first`);
  return require(compiled);
}

/**
 * @param {object} options
 * @param {string} options.vscodeVersion
 * @param {string} [options.extensionDevelopmentPath]  default: the project root
 * @param {string} [options.extensionsDir]  an extensions dir to use (e.g. with the .vsix installed)
 * @param {Record<string,string>} [options.env]  extra environment for the extension host
 * @param {string} [options.label]  names artifacts/<label>-*
 * @returns {Promise<{passed:number, failed:number, pending:number, failures:{title:string,error:string}[], exitCode:number}>}
 */
export async function runExtensionTests({ vscodeVersion, extensionDevelopmentPath = projectRoot, extensionsDir, env = {}, label = `integration-${vscodeVersion}` }) {
  if (!existsSync(testsEntry)) throw new Error(`${testsEntry} is missing: run node scripts/build.mjs first`);
  const { runTests } = require('@vscode/test-electron');
  const fixtures = loadFixtures();
  const run = createRunDir();
  let sample;
  try {
    const stateDir = join(run.dir, 'openclaw-state');
    sample = await fixtures.buildSampleStateDir(stateDir);
    const manifestFile = join(run.dir, 'fixture-manifest.json');
    writeFileSync(manifestFile, JSON.stringify(sample.manifest(), null, 2));
    const resultFile = join(run.dir, 'mocha-result.json');
    const userData = join(run.dir, 'user');
    const extensions = extensionsDir ?? run.extensions;
    mkdirSync(extensions, { recursive: true });
    let exitCode = 0;
    try {
      await runTests({
        vscodeExecutablePath: shimPath,
        extensionDevelopmentPath,
        extensionTestsPath: testsEntry,
        launchArgs: [`--user-data-dir=${userData}`, `--extensions-dir=${extensions}`],
        extensionTestsEnv: {
          OPENCLAW_VSCODE_VERSION: vscodeVersion,
          OPENCLAW_VSCODE_RUN_LABEL: label,
          OPENCLAW_STATE_DIR: stateDir,
          OPENCLAW_FIXTURE_MANIFEST: manifestFile,
          OPENCLAW_FIXTURES_DIR: join(projectRoot, 'out/test/fixtures'),
          OPENCLAW_TEST_RESULT_FILE: resultFile,
          ...(env.OPENCLAW_EXPECT_EXTENSION_UNDER ? {} : { OPENCLAW_EXPECT_EXTENSION_PATH: extensionDevelopmentPath }),
          ...env,
        },
      });
    } catch (error) {
      exitCode = error?.code ?? 1;
      log(`${label}: ${error.message}`);
    }
    let result;
    try {
      result = JSON.parse(readFileSync(resultFile, 'utf8'));
    } catch {
      // The host never finished mocha (crash, hang killed by the timeout, tests not loaded).
      result = { passed: 0, failed: 0, pending: 0, failures: [] };
    }
    if (exitCode !== 0 && result.failed === 0) {
      result.failed = 1;
      result.failures.push({ title: `${label}: run`, error: `the extension host run ended with exit code ${exitCode} and no mocha failure was recorded` });
    }
    return { ...result, exitCode };
  } finally {
    await sample?.dispose();
    run.dispose();
  }
}

export function summarise(label, result) {
  const lines = [`${label}: ${result.passed} passed, ${result.failed} failed${result.pending ? `, ${result.pending} skipped` : ''}`];
  for (const failure of result.failures ?? []) lines.push(`  FAILED ${failure.title}\n    ${String(failure.error).split('\n').slice(0, 6).join('\n    ')}`);
  return lines.join('\n');
}
