// Provisioning as a new user starts it: through npm, whose environment describes the outer
// npm (and the Node it runs on) to everything below it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..', '..');
const provisionScript = join(root, 'scripts/vscode/provision.mjs');
/** What `npm test` on the machine's Node 20 exports: a user agent naming another Node than the one that runs. */
const OUTER_NPM_USER_AGENT = 'npm/10.8.2 node/v20.0.0 linux x64 workspaces/false';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ocl-provision-test-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A package whose postinstall refuses, as code-server's does, when npm's user agent names
 * another Node than the one running the install.
 */
function writeNodeCheckingPackage(dir: string): string {
  const pkg = join(dir, 'node-checking-pkg');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({
    name: 'node-checking-pkg', version: '1.0.0',
    scripts: { postinstall: 'node check.js' },
  }));
  writeFileSync(join(pkg, 'check.js'), [
    "const agent = process.env.npm_config_user_agent || '';",
    "const named = (/node\\/(v[0-9.]+)/.exec(agent) || [])[1];",
    "if (named !== process.version) { console.error(`ERROR: requires node ${process.version}; we have detected that you are on node ${named}`); process.exit(1); }",
    "console.log(`postinstall saw ${agent}`);",
  ].join('\n'));
  return pkg;
}

test('a component installs under npm even when the outer npm describes another Node', () => {
  withDir((dir) => {
    const pkg = writeNodeCheckingPackage(dir);
    const cache = join(dir, 'cache');
    const prefix = join(cache, 'node-checking');
    // The way the README starts it: npm runs a script, which provisions.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'outer', private: true, scripts: { provision: 'node install.mjs' } }));
    writeFileSync(join(dir, 'install.mjs'), [
      `const { installComponent } = await import(${JSON.stringify(pathToFileURL(provisionScript).href)});`,
      `await installComponent({ name: 'node-checking-pkg', prefix: ${JSON.stringify(prefix)}, packageSpec: ${JSON.stringify(`file:${pkg}`)}, verify: () => 'ok' });`,
    ].join('\n'));
    const result = spawnSync('npm', ['run', '--silent', 'provision'], {
      cwd: dir, encoding: 'utf8',
      env: { ...process.env, OPENCLAW_LOCKS_CACHE_DIR: cache, npm_config_user_agent: OUTER_NPM_USER_AGENT },
    });
    assert.equal(result.status, 0, `provisioning under npm failed:\n${result.stdout}\n${result.stderr}`);
    assert.ok(existsSync(join(prefix, '.openclaw-installed')), 'the marker is written only after a verified install');
    assert.ok(existsSync(join(prefix, 'node_modules', 'node-checking-pkg', 'check.js')));
    const log = readFileSync(join(prefix, 'install.log'), 'utf8');
    assert.match(log, new RegExp(`node ${process.version.replace(/\./g, '\\.')}`), 'the log names the Node the install ran on');
    assert.doesNotMatch(log, /node\/v20\.0\.0/, 'the outer npm\'s user agent did not reach the nested npm');
  });
});

test('a failing install names the component, the command and the log, and writes no marker', () => {
  withDir((dir) => {
    const cache = join(dir, 'cache');
    const prefix = join(cache, 'broken');
    const pkg = join(dir, 'broken-pkg');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'broken-pkg', version: '1.0.0', scripts: { postinstall: 'node -e "process.exit(3)"' } }));
    writeFileSync(join(dir, 'install.mjs'), [
      `const { installComponent } = await import(${JSON.stringify(pathToFileURL(provisionScript).href)});`,
      `try { await installComponent({ name: 'broken thing 1.0', prefix: ${JSON.stringify(prefix)}, packageSpec: ${JSON.stringify(`file:${pkg}`)}, verify: () => 'ok' }); }`,
      'catch (error) { console.log(error.message); process.exit(7); }',
    ].join('\n'));
    const result = spawnSync(process.execPath, ['install.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, OPENCLAW_LOCKS_CACHE_DIR: cache } });
    assert.equal(result.status, 7, result.stderr);
    const firstLine = result.stdout.split('\n')[0];
    assert.match(firstLine, /^broken thing 1\.0: `npm install .*file:.*broken-pkg` on node v\d+\.\d+\.\d+ failed \(exit 3\); full log: .*install\.log$/);
    assert.equal(existsSync(join(prefix, '.openclaw-installed')), false);
  });
});

test('nestedNpmEnv drops what describes the outer npm and keeps the rest', async () => {
  const { nestedNpmEnv } = await import(pathToFileURL(provisionScript).href);
  const env = nestedNpmEnv({
    PATH: '/bin', HOME: '/root', npm_config_user_agent: OUTER_NPM_USER_AGENT, npm_config_cache: '/x',
    npm_lifecycle_event: 'test', npm_package_name: 'outer', npm_execpath: '/npm-cli.js', npm_node_execpath: '/node', INIT_CWD: '/w',
  }, { npm_config_nodedir: '/node24' });
  assert.deepEqual(env, { PATH: '/bin', HOME: '/root', npm_config_nodedir: '/node24' });
});

test('--check on an empty cache lists what the demo needs (one VS Code, no browser) apart from what the suites need', () => {
  withDir((dir) => {
    const check = (...args: string[]) => spawnSync(process.execPath, [provisionScript, '--check', ...args], {
      encoding: 'utf8', env: { ...process.env, OPENCLAW_LOCKS_CACHE_DIR: join(dir, 'cache') },
    });
    const demo = check('--vscode', '1.139.1', '--no-browser');
    assert.equal(demo.status, 1);
    assert.match(demo.stdout, /missing: node 24\.\d+\.\d+, code-server 4\.139\.1 \(VS Code 1\.139\.1\)\n/);
    assert.doesNotMatch(demo.stdout, /playwright|4\.100\.3|chromium/);
    const suites = check();
    assert.match(suites.stdout, /playwright-core/);
    assert.match(suites.stdout, /code-server 4\.100\.3/);
  });
});

test('--check --openclaw lists the real OpenClaw releases (and the Node 24 they run on), nothing of VS Code with --vscode none', () => {
  withDir((dir) => {
    const check = (...args: string[]) => spawnSync(process.execPath, [provisionScript, '--check', ...args], {
      encoding: 'utf8', env: { ...process.env, OPENCLAW_LOCKS_CACHE_DIR: join(dir, 'cache') },
    });
    const real = check('--vscode', 'none', '--no-browser', '--openclaw', 'all');
    assert.equal(real.status, 1, real.stdout + real.stderr);
    assert.match(real.stdout, /missing: node 24\.\d+\.\d+, openclaw 2026\.7\.35, openclaw 2026\.9\.6\n/);
    assert.doesNotMatch(real.stdout, /code-server|playwright/);
    const unknown = check('--vscode', 'none', '--openclaw', '2026.1.1');
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /unknown OpenClaw release 2026\.1\.1/);
    // A complete install (its marker) is reused: --check then reports it as there.
    for (const prefix of ['node-24.21.0', 'openclaw-2026.7.35']) {
      mkdirSync(join(dir, 'cache', prefix), { recursive: true });
      writeFileSync(join(dir, 'cache', prefix, '.openclaw-installed'), '{}\n');
    }
    assert.equal(check('--vscode', 'none', '--no-browser', '--openclaw', '2026.7.35').status, 0);
  });
});

test('--node24 alone (what npm test provisions before the unit suites, for the SQLite-era fixtures) lists only Node 24', () => {
  withDir((dir) => {
    const check = spawnSync(process.execPath, [provisionScript, '--check', '--vscode', 'none', '--no-browser', '--node24'], {
      encoding: 'utf8', env: { ...process.env, OPENCLAW_LOCKS_CACHE_DIR: join(dir, 'cache') },
    });
    assert.equal(check.status, 1, check.stdout + check.stderr);
    assert.match(check.stdout, /missing: node 24\.\d+\.\d+\n/);
    assert.doesNotMatch(check.stdout, /code-server|playwright|openclaw 20/);
    const without = spawnSync(process.execPath, [provisionScript, '--check', '--vscode', 'none', '--no-browser'], {
      encoding: 'utf8', env: { ...process.env, OPENCLAW_LOCKS_CACHE_DIR: join(dir, 'cache') },
    });
    assert.equal(without.status, 0, 'nothing is needed without it');
  });
});
