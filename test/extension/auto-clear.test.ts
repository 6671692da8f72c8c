import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAutoClearable } from '../../src/extension/auto-clear';
import { lockView } from './snapshots';

test('auto-clear takes only dead or recycled owners that are provably stale', () => {
  const cases: [Parameters<typeof lockView>[1], boolean][] = [
    [{ level: 'stale', pid: 1, reasons: ['dead-pid'] }, true],
    [{ level: 'stale', pid: 1, reasons: ['recycled-pid'] }, true],
    [{ level: 'stale', pid: 1, reasons: ['missing-pid'] }, false],
    [{ level: 'stale', pid: 1, reasons: ['dead-pid'], reclaimable: false }, false],
    [{ level: 'held-too-long', pid: 1, reasons: ['too-old'] }, false],
    [{ level: 'suspect', pid: 1, reasons: ['non-openclaw-owner'] }, false],
  ];
  for (const [spec, expected] of cases) assert.equal(isAutoClearable(lockView('/s/a.jsonl.lock', spec)), expected, JSON.stringify(spec));
});
