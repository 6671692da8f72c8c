// Which Node the child reader runs on: the one an `openclaw` launcher names (a sh wrapper's
// exec, a shebang, npm's global bin with `node` beside the linked `openclaw`), then PATH, each
// real Node once, executables only.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { nodeCandidates, nodesForOpenClaw } from '../../src/sqlite-store/node-finder';
import { tempDir } from './helpers';

/** A stand-in Node: only its path and mode matter to the finder. */
function fakeNode(dir: string, name = 'node', mode = 0o755): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode });
  fs.chmodSync(file, mode);
  return file;
}

describe('nodesForOpenClaw', () => {
  test('a sh wrapper that execs a Node by absolute path (as the test harness and installers write)', () => {
    const root = tempDir();
    const node = fakeNode(path.join(root, 'opt', 'node-24', 'bin'));
    const launcher = path.join(root, 'bin', 'openclaw');
    fs.mkdirSync(path.dirname(launcher));
    fs.writeFileSync(launcher, `#!/bin/sh\nexec '${node}' '/opt/openclaw/openclaw.mjs' "$@"\n`, { mode: 0o755 });
    const found = nodesForOpenClaw(launcher);
    assert.equal(found[0], node);
    assert.ok(!found.includes('/bin/sh'), 'the shell is no Node');
    assert.equal(nodeCandidates({ openclawPath: launcher, env: { PATH: '' } })[0], node);
  });

  test('a #!/abs/node shebang', () => {
    const root = tempDir();
    const node = fakeNode(path.join(root, 'node-bin'));
    const launcher = path.join(root, 'openclaw.mjs');
    fs.writeFileSync(launcher, `#!${node}\nimport './dist/entry.js';\n`, { mode: 0o755 });
    assert.equal(nodesForOpenClaw(launcher)[0], node);
    assert.deepEqual(nodeCandidates({ openclawPath: launcher, env: { PATH: '' } }), [node]);
  });

  test('npm\'s global bin: `openclaw` a symlink into lib/node_modules, `node` beside it; `#!/usr/bin/env node` names no path', () => {
    const prefix = tempDir();
    const bin = path.join(prefix, 'bin');
    const node = fakeNode(bin);
    const entry = path.join(prefix, 'lib', 'node_modules', 'openclaw', 'openclaw.mjs');
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, '#!/usr/bin/env node\nimport "./dist/entry.js";\n', { mode: 0o755 });
    fs.symlinkSync(path.relative(bin, entry), path.join(bin, 'openclaw'));
    const found = nodesForOpenClaw(path.join(bin, 'openclaw'));
    assert.ok(!found.some((f) => f === '/usr/bin/env' || f === 'node'), JSON.stringify(found));
    assert.ok(found.includes(node), JSON.stringify(found));
    assert.deepEqual(nodeCandidates({ openclawPath: path.join(bin, 'openclaw'), env: { PATH: '' } }), [node]);
  });
});

describe('nodeCandidates', () => {
  test('the order: configured, OPENCLAW_LOCKS_NODE, beside openclaw, then PATH in its order', () => {
    const root = tempDir();
    const configured = fakeNode(path.join(root, 'configured'));
    const fromEnv = fakeNode(path.join(root, 'env'));
    const beside = fakeNode(path.join(root, 'openclaw-bin'));
    fs.writeFileSync(path.join(root, 'openclaw-bin', 'openclaw'), '#!/usr/bin/env node\n', { mode: 0o755 });
    const first = fakeNode(path.join(root, 'path-1'));
    const second = fakeNode(path.join(root, 'path-2'));
    const env = { PATH: [path.join(root, 'path-1'), path.join(root, 'empty'), path.join(root, 'path-2')].join(':'), OPENCLAW_LOCKS_NODE: fromEnv };
    assert.deepEqual(nodeCandidates({ configured: ` ${configured} `, openclawPath: path.join(root, 'openclaw-bin', 'openclaw'), env }), [configured, fromEnv, beside, first, second]);
    const swapped = { ...env, OPENCLAW_LOCKS_NODE: undefined, PATH: [path.join(root, 'path-2'), path.join(root, 'path-1')].join(':') };
    assert.deepEqual(nodeCandidates({ env: swapped }), [second, first]);
  });

  test('each real Node once: /bin and /usr/bin style links, and a Node named twice', () => {
    const root = tempDir();
    const real = fakeNode(path.join(root, 'usr', 'bin'));
    fs.symlinkSync(path.join(root, 'usr', 'bin'), path.join(root, 'bin'));
    const linked = path.join(root, 'local');
    fs.mkdirSync(linked);
    fs.symlinkSync(real, path.join(linked, 'node'));
    const env = { PATH: [path.join(root, 'bin'), path.join(root, 'usr', 'bin'), linked].join(':') };
    assert.deepEqual(nodeCandidates({ configured: real, env }), [real]);
    assert.deepEqual(nodeCandidates({ env }), [path.join(root, 'bin', 'node')], 'the first spelling on PATH is kept');
  });

  test('non-executables, folders and dangling links are skipped', () => {
    const root = tempDir();
    fakeNode(path.join(root, 'plain'), 'node', 0o644);
    fs.mkdirSync(path.join(root, 'folder', 'node'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dangling'));
    fs.symlinkSync(path.join(root, 'nowhere', 'node'), path.join(root, 'dangling', 'node'));
    const good = fakeNode(path.join(root, 'good'));
    const env = { PATH: ['plain', 'folder', 'dangling', 'missing', 'good'].map((d) => path.join(root, d)).join(':') };
    assert.deepEqual(nodeCandidates({ configured: path.join(root, 'plain', 'node'), env }), [good]);
  });
});
