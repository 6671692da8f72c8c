import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it, after } from 'node:test';
import { detectEra, eraOfVersion, parseVersionLine, readInstalledVersion } from '../../src/openclaw/era';
import { makeTempRoot } from '../fixtures/state-dir';

const agent = (agentId: string, hasDatabase: boolean, hasLegacyStore: boolean) => ({ agentId, hasDatabase, hasLegacyStore });

describe('the storage era', () => {
  const { root, cleanup } = makeTempRoot('oc-era-');
  after(cleanup);

  it('reads OpenClaw\'s version line', () => {
    assert.deepEqual(parseVersionLine('OpenClaw 2026.9.6 (eb377ac)\n'), { version: '2026.9.6', year: 2026, month: 9, patch: 6 });
    assert.equal(parseVersionLine('openclaw: command not found'), undefined);
  });

  it('decides by the version line, not by when a release was published (7.35 came after 9.x)', () => {
    assert.equal(eraOfVersion(parseVersionLine('OpenClaw 2026.7.35')!), 'jsonl');
    assert.equal(eraOfVersion(parseVersionLine('OpenClaw 2026.8.1')!), 'sqlite');
    assert.equal(eraOfVersion(parseVersionLine('OpenClaw 2027.1.0')!), 'sqlite');
  });

  it('without a version, an agent database on disk means the SQLite era', () => {
    assert.deepEqual(detectEra([agent('main', true, false)]), { era: 'sqlite', decidedBy: 'disk', migrationPending: [], unusedDatabases: [] });
    assert.deepEqual(detectEra([agent('main', false, true)]), { era: 'jsonl', decidedBy: 'disk', migrationPending: [], unusedDatabases: [] });
    assert.equal(detectEra([]).decidedBy, 'default');
  });

  it('a legacy store under a 2026.8+ install is a pending migration, named per agent', () => {
    const era = detectEra([agent('main', true, false), agent('work', false, true)], parseVersionLine('OpenClaw 2026.9.6')!);
    assert.equal(era.era, 'sqlite');
    assert.deepEqual(era.migrationPending, ['work']);
    assert.equal(detectEra([agent('main', false, true)], parseVersionLine('OpenClaw 2026.9.6')!).migrationPending.length, 1);
  });

  it('a 2026.7 install beside agent databases (a downgrade) stays JSONL and names the unused databases', () => {
    const era = detectEra([agent('main', true, true)], parseVersionLine('OpenClaw 2026.7.35')!);
    assert.deepEqual({ era: era.era, pending: era.migrationPending, unused: era.unusedDatabases }, { era: 'jsonl', pending: [], unused: ['main'] });
  });

  it('asks the installed launcher once per install (mtime and size) and notices an upgrade in place', async () => {
    const launcher = path.join(root, 'openclaw');
    const counter = path.join(root, 'calls');
    writeFileSync(counter, '');
    const write = (version: string) => {
      writeFileSync(launcher, `#!/bin/sh\necho x >> '${counter}'\necho 'OpenClaw ${version} (abc1234)'\n`);
      chmodSync(launcher, 0o755);
    };
    write('2026.7.35');
    assert.equal((await readInstalledVersion(launcher))?.version, '2026.7.35');
    assert.equal((await readInstalledVersion(launcher))?.version, '2026.7.35');
    write('2026.9.6  ');
    assert.equal((await readInstalledVersion(launcher))?.version, '2026.9.6');
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(counter, 'utf8').trim().split('\n').length, 2, 'asked once per install');
    assert.equal(await readInstalledVersion(path.join(root, 'missing')), undefined);
  });
});
