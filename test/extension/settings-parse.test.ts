import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentsFromSetting, modelOptionsFrom, parseSettings, thresholdsFromSetting } from '../../src/extension/settings-parse';

test('threshold settings are seconds with minimums, and error never falls below warn', () => {
  const defaults = { warnMs: 60_000, errorMs: 300_000 };
  assert.deepEqual(thresholdsFromSetting(undefined, defaults), defaults);
  assert.deepEqual(thresholdsFromSetting({ warn: 30, error: 120 }, defaults), { warnMs: 30_000, errorMs: 120_000 });
  assert.deepEqual(thresholdsFromSetting({ warn: 0, error: -5 }, defaults), { warnMs: 5_000, errorMs: 5_000 });
  assert.deepEqual(thresholdsFromSetting({ warn: 200, error: 100 }, defaults), { warnMs: 200_000, errorMs: 200_000 });
  assert.deepEqual(thresholdsFromSetting({ warn: 'abc', error: null }, defaults), defaults);
  assert.deepEqual(thresholdsFromSetting('garbage', defaults), defaults);
});

test('agent setting: strings only, trimmed, deduplicated; empty means all', () => {
  assert.deepEqual(agentsFromSetting([' main ', 'work', 'main', 3, '']), ['main', 'work']);
  assert.equal(agentsFromSetting([]), undefined);
  assert.equal(agentsFromSetting('main'), undefined);
});

test('parseSettings: defaults for an empty settings.json', () => {
  const settings = parseSettings(() => undefined);
  assert.deepEqual(settings, {
    stateDir: undefined,
    thresholds: { warnMs: 60_000, errorMs: 300_000 },
    autoClearDeadLocks: false,
    agents: undefined,
    editing: { lockTimeoutMs: 60_000, largeFileBytes: 50 * 2 ** 20, maxReadBytes: 512 * 2 ** 20, warnOnUnsafeOpen: true },
    compaction: { maxLines: 400, openclawPath: undefined },
    logFile: undefined,
    gateway: { probe: true, probeTimeoutMs: 1500 },
  });
});

test('parseSettings: the log file, a string trimmed, anything else the default', () => {
  assert.equal(parseSettings((name) => (name === 'logFile' ? ' ~/logs/openclaw.log ' : undefined)).logFile, '~/logs/openclaw.log');
  assert.equal(parseSettings((name) => (name === 'logFile' ? '   ' : undefined)).logFile, undefined);
  assert.equal(parseSettings((name) => (name === 'logFile' ? 42 : undefined)).logFile, undefined);
});

test('parseSettings: every value type-guarded, a wrong one falls back to its default', () => {
  const raw: Record<string, unknown> = {
    stateDir: '  ~/.openclaw  ', autoClearDeadLocks: 'yes', agents: ['main'],
    'editing.lockTimeoutSeconds': '5', 'editing.largeFileMB': -1, 'editing.maxReadMB': 'lots', 'editing.warnOnUnsafeOpen': false,
    'compaction.maxLines': 2.5, openclawPath: 42,
  };
  const settings = parseSettings((name) => raw[name]);
  assert.equal(settings.stateDir, '~/.openclaw');
  assert.equal(settings.autoClearDeadLocks, false, 'only true turns it on');
  assert.deepEqual(settings.agents, ['main']);
  assert.deepEqual(settings.editing, { lockTimeoutMs: 5_000, largeFileBytes: 50 * 2 ** 20, maxReadBytes: 512 * 2 ** 20, warnOnUnsafeOpen: false });
  assert.deepEqual(settings.compaction, { maxLines: 400, openclawPath: undefined });
  assert.equal(parseSettings((name) => (name === 'compaction.maxLines' ? 20 : name === 'openclawPath' ? ' /opt/openclaw ' : undefined)).compaction.openclawPath, '/opt/openclaw');
});

test('a cleared nodePath or openclawPath reaches the model: the options name the key, so merging them replaces the old value', () => {
  const set = modelOptionsFrom(parseSettings((name) => ({ nodePath: '/opt/node22/bin/node', openclawPath: '/opt/openclaw/bin/openclaw' } as Record<string, unknown>)[name]), {});
  const cleared = modelOptionsFrom(parseSettings((name) => ({ nodePath: '', openclawPath: '  ' } as Record<string, unknown>)[name]), {});
  assert.equal(set.nodePath, '/opt/node22/bin/node');
  assert.equal(set.openclawPath, '/opt/openclaw/bin/openclaw');
  // SessionModel.updateOptions merges: `{ ...before, ...partial }`.
  const merged = { ...set, ...cleared };
  assert.equal(merged.nodePath, undefined);
  assert.equal(merged.openclawPath, undefined);
});
