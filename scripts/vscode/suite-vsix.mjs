// Suite (picked up by scripts/test.mjs): the shipped artifact. Builds the .vsix with
// `npm run package` (on a private copy of the working tree), checks it is warning-free,
// small and holds only what it should, then installs it with `code-server
// --install-extension` into a fresh extensions dir on every VS Code version under test and
// runs the activation tests against the installed copy (the development path is an empty
// test-host extension).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseVersionList, projectRoot } from './env.mjs';
import { runExtensionTests, summarise } from './integration.mjs';
import { ensureProvisioned } from './provision.mjs';
import { clearArtifacts, createRunDir, installExtension } from './server.mjs';
import { createChecks } from './checks.mjs';
import { checkVsixContents, packageVsix } from './vsix.mjs';

clearArtifacts('vsix-');
const { check, add, finish } = createChecks();

let packaging;
try {
  const versions = parseVersionList(process.env.OPENCLAW_VSCODE_VERSIONS);
  packaging = createRunDir();
  let vsixPath;
  try {
    const packaged = packageVsix(packaging.dir);
    const { warnings } = packaged;
    vsixPath = packaged.vsixPath;
    check(warnings.length === 0, `npm run package builds the .vsix without warnings${warnings.length ? `:\n     ${warnings.join('\n     ')}` : ''}`);
  } catch (error) {
    check(false, `npm run package: ${error.message}`);
  }
  if (vsixPath) {
    const { entries, bytes, problems } = checkVsixContents(vsixPath);
    check(problems.length === 0, `the .vsix holds only the bundle, media and docs (${entries.length} files, ${(bytes / 1024).toFixed(1)} KiB)${problems.length ? `:\n     ${problems.join('\n     ')}` : ''}`);
    ensureProvisioned(versions);
    for (const vscodeVersion of versions) {
      const run = createRunDir();
      try {
        const extensionsDir = join(run.dir, 'installed-extensions');
        mkdirSync(extensionsDir, { recursive: true });
        await installExtension(vscodeVersion, run, vsixPath, extensionsDir);
        const result = await runExtensionTests({
          vscodeVersion,
          // VS Code runs extension tests only in development mode: an empty extension
          // provides it, and the extension under test is the installed one beside it.
          extensionDevelopmentPath: join(projectRoot, 'scripts/vscode/test-host'),
          extensionsDir,
          label: `vsix-${vscodeVersion}`,
          // Only the activation suite: other suites stub `vscode.window`, which reaches the
          // extension only when the tests live inside its folder (VS Code hands each
          // extension its own API object), as in the development run, not for an installed copy.
          env: { OPENCLAW_EXPECT_EXTENSION_UNDER: extensionsDir, OPENCLAW_TEST_GREP: '^extension activation' },
        });
        add(result.passed, result.failed + result.pending);
        console.log(summarise(`installed .vsix on VS Code ${vscodeVersion}`, result));
      } catch (error) {
        check(false, `installed .vsix on VS Code ${vscodeVersion}: ${error.message}`);
      } finally {
        run.dispose();
      }
    }
  }
} catch (error) {
  check(false, `vsix suite could not run: ${error.message}`);
} finally {
  packaging?.dispose();
}
finish();
