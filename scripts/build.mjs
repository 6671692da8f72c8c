// Builds everything with esbuild: the extension bundle, the CLI, and the test and bench
// entry points. Tests are bundled too so that ESM-only dependencies (ps-list, chokidar)
// load the same way in node --test, in the extension host and in the CLI.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync, chmodSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// `--filter test/lock` builds only test/bench entries under that prefix (plus dist): in a
// shared working tree one half-written test file must not break everybody's build.
const filterIndex = process.argv.indexOf('--filter');
const filter = filterIndex >= 0 ? process.argv[filterIndex + 1] : undefined;

function walkTs(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...walkTs(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // ESM dependencies read `import.meta.url` at load time (ps-list does), which CommonJS output
  // leaves undefined and so crashes on import: give them the bundle's own URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [join(root, 'scripts/import-meta-url.js')],
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
];
if (existsSync(join(root, 'src/cli/main.ts'))) {
  builds.push({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  });
}
// The SQLite-era reader a Node without `node:sqlite` runs in a child on one that has it.
builds.push({
  ...common,
  entryPoints: ['src/sqlite-store/child-main.ts'],
  outfile: 'dist/sqlite-reader.js',
});
if (!production) {
  const entries = [...walkTs(join(root, 'test')), ...walkTs(join(root, 'bench'))].map((f) => relative(root, f))
    .filter((f) => !filter || f.startsWith(filter));
  if (entries.length > 0) {
    builds.push({
      ...common,
      entryPoints: entries,
      outbase: '.',
      outdir: 'out',
      // mocha and vscode are provided by the extension host at run time.
      external: ['vscode', 'mocha', 'playwright-core'],
    });
  }
}

if (production) rmSync(join(root, 'dist'), { recursive: true, force: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  if (existsSync(join(root, 'dist/cli.js'))) chmodSync(join(root, 'dist/cli.js'), 0o755);
}
