import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { expandTilde, resolveHome, resolveStateDir } from '../../src/sessions';
import { makeTempRoot } from '../fixtures/state-dir';

describe('resolveStateDir', () => {
  const { root, cleanup } = makeTempRoot('oc-statedir-');
  after(cleanup);
  const home = (name: string, dirs: string[] = []) => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const d of dirs) mkdirSync(path.join(dir, d));
    return dir;
  };

  it('prefers an explicit dir, expanding ~ against the resolved home', () => {
    const h = home('explicit', ['.openclaw']);
    const r = resolveStateDir({ stateDir: '~/custom', env: { HOME: h, OPENCLAW_STATE_DIR: '/elsewhere' } });
    assert.deepEqual(r, { stateDir: path.join(h, 'custom'), source: 'explicit', exists: false });
  });

  it('uses OPENCLAW_STATE_DIR with a leading ~ expanded', () => {
    const h = home('env', ['state']);
    assert.deepEqual(resolveStateDir({ env: { HOME: h, OPENCLAW_STATE_DIR: '~/state' } }), { stateDir: path.join(h, 'state'), source: 'env', exists: true });
    assert.deepEqual(resolveStateDir({ env: { HOME: h, OPENCLAW_STATE_DIR: '~' } }).stateDir, h);
  });

  it('ignores a blank OPENCLAW_STATE_DIR', () => {
    const h = home('blank', ['.openclaw']);
    assert.equal(resolveStateDir({ env: { HOME: h, OPENCLAW_STATE_DIR: '   ' } }).source, 'home');
  });

  it('takes home from OPENCLAW_HOME over HOME, and os.homedir() last', () => {
    const a = home('oc-home', ['.openclaw']);
    const b = home('plain-home', ['.openclaw']);
    assert.equal(resolveStateDir({ env: { OPENCLAW_HOME: a, HOME: b } }).stateDir, path.join(a, '.openclaw'));
    assert.equal(resolveStateDir({ env: { HOME: b } }).stateDir, path.join(b, '.openclaw'));
    assert.equal(resolveStateDir({ env: {}, homedir: a }).stateDir, path.join(a, '.openclaw'));
    assert.equal(resolveHome({ env: { HOME: '' }, homedir: b }), b);
  });

  it('prefers ~/.openclaw over legacy dirs', () => {
    const h = home('both', ['.openclaw', '.clawdbot']);
    assert.deepEqual(resolveStateDir({ env: { HOME: h } }), { stateDir: path.join(h, '.openclaw'), source: 'home', exists: true });
  });

  it('falls back to legacy ~/.clawdbot, then ~/.moltbot and ~/.moldbot, in that order', () => {
    const claw = home('legacy-claw', ['.clawdbot', '.moltbot']);
    assert.deepEqual(resolveStateDir({ env: { HOME: claw } }), { stateDir: path.join(claw, '.clawdbot'), source: 'legacy', exists: true });
    const molt = home('legacy-molt', ['.moltbot', '.moldbot']);
    assert.equal(resolveStateDir({ env: { HOME: molt } }).stateDir, path.join(molt, '.moltbot'));
    const mold = home('legacy-mold', ['.moldbot']);
    assert.equal(resolveStateDir({ env: { HOME: mold } }).stateDir, path.join(mold, '.moldbot'));
  });

  it('defaults to ~/.openclaw, reporting that it does not exist', () => {
    const h = home('nothing');
    assert.deepEqual(resolveStateDir({ env: { HOME: h } }), { stateDir: path.join(h, '.openclaw'), source: 'default', exists: false });
  });

  it('expands only a leading ~', () => {
    assert.equal(expandTilde('~/a', '/h'), path.join('/h', 'a'));
    assert.equal(expandTilde('/x/~/a', '/h'), '/x/~/a');
    assert.equal(expandTilde('~user/a', '/h'), '~user/a');
  });
});
