// The mocha entry VS Code loads inside the real extension host (extensionTestsPath).
// It runs every out/test/extension-host/**/*.test.js, so adding a `*.test.ts` file under
// test/extension-host/ is all it takes to add integration tests. Both mocha interfaces are
// bound: `suite`/`test` (as in VS Code's own extensions) and `describe`/`it`.
//
// Environment (set by scripts/vscode/integration.mjs through runTests' extensionTestsEnv):
//   OPENCLAW_TEST_RESULT_FILE  where to write {passed, failed, pending, failures} as JSON
//   OPENCLAW_TEST_GREP         run only tests whose full title matches this regex
//   OPENCLAW_REAL_OPENCLAW=1   run only real-openclaw/ (the real gateway's tests, which
//                              scripts/vscode/suite-real-openclaw.mjs runs); without it they are left out
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface ExtensionTestResult {
  passed: number;
  failed: number;
  pending: number;
  files: string[];
  failures: { title: string; error: string }[];
}

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  mocha.ui('bdd');
  if (process.env.OPENCLAW_TEST_GREP) mocha.grep(new RegExp(process.env.OPENCLAW_TEST_GREP));
  const realOpenClaw = process.env.OPENCLAW_REAL_OPENCLAW === '1';
  const files = findTestFiles(__dirname).filter((f) => path.relative(__dirname, f).startsWith(`real-openclaw${path.sep}`) === realOpenClaw);
  for (const file of files) mocha.addFile(file);

  const result: ExtensionTestResult = { passed: 0, failed: 0, pending: 0, files: files.map((f) => path.relative(__dirname, f)), failures: [] };
  const writeResult = () => {
    const target = process.env.OPENCLAW_TEST_RESULT_FILE;
    if (target) fs.writeFileSync(target, JSON.stringify(result, null, 2));
  };

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        writeResult();
        if (failures > 0 || result.pending > 0) {
          reject(new Error(`${failures} test(s) failed${result.pending ? `, ${result.pending} skipped (skipping is not allowed)` : ''}`));
        } else if (result.passed === 0) {
          reject(new Error(`no extension test ran (files: ${result.files.join(', ') || 'none'})`));
        } else resolve();
      });
      runner.on('pass', () => { result.passed += 1; });
      runner.on('pending', () => { result.pending += 1; });
      runner.on('fail', (test, error: Error) => {
        result.failed += 1;
        result.failures.push({ title: test.fullTitle(), error: String(error?.stack ?? error) });
      });
    } catch (error) {
      result.failed += 1;
      result.failures.push({ title: 'loading test files', error: String((error as Error)?.stack ?? error) });
      writeResult();
      reject(error);
    }
  });
}
