// Suite (picked up by scripts/test.mjs): the mocha integration tests in the real extension
// host, on every VS Code version under test (OPENCLAW_VSCODE_VERSIONS=1.139.1 for one).
// Prints exactly one `suite-result:` line; exits non-zero on any failure.
import { parseVersionList } from './env.mjs';
import { runExtensionTests, summarise } from './integration.mjs';
import { clearArtifacts } from './server.mjs';
import { ensureProvisioned } from './provision.mjs';

const versions = parseVersionList(process.env.OPENCLAW_VSCODE_VERSIONS);
clearArtifacts('integration-');
let passed = 0;
let failed = 0;
try {
  ensureProvisioned(versions);
  for (const vscodeVersion of versions) {
    const began = Date.now();
    const result = await runExtensionTests({ vscodeVersion });
    passed += result.passed;
    failed += result.failed + result.pending;
    console.log(`${summarise(`integration tests on VS Code ${vscodeVersion}`, result)} (${((Date.now() - began) / 1000).toFixed(0)}s)`);
  }
} catch (error) {
  console.log(`integration suite could not run: ${error.message}`);
  failed += 1;
}
console.log(`suite-result: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
