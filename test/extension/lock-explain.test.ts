import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeptReason, RemoveResult } from '../../src/lock/types';
import { describeClearAll, describeRemoval, explainReasons, forceReleaseDetail, removalLogLine } from '../../src/extension/lock-explain';
import { lockView } from './snapshots';

function result(removed: boolean, spec: Parameters<typeof lockView>[1], kept?: KeptReason): RemoveResult {
  const view = lockView('/s/a.jsonl.lock', spec);
  return { lockPath: view.lockPath, removed, inspection: view.inspection, ...(kept ? { kept } : {}) };
}

test('a removal says what was removed and why, in OpenClaw\'s words', () => {
  const report = describeRemoval('main', result(true, { level: 'stale', pid: 4242, reasons: ['dead-pid'] }));
  assert.deepEqual(report, { removed: true, message: 'Removed the lock of "main": dead-pid: pid 4242 is not running.' });
  const kept = describeRemoval('main', result(false, { level: 'held', pid: 1 }, { code: 'not-stale' }));
  assert.deepEqual(kept, { removed: false, message: 'Kept the lock of "main": held by live pid 1.' });
});

test('every stale reason is explained', () => {
  const view = lockView('/s/a.jsonl.lock', {
    level: 'stale',
    pid: 9,
    ageMs: 3_600_000,
    maxHoldMs: 300_000,
    reasons: ['dead-pid', 'recycled-pid', 'missing-pid', 'invalid-createdAt', 'non-openclaw-owner', 'too-old', 'hold-exceeded', 'orphan-self-pid'],
  });
  const text = explainReasons(view.inspection);
  for (const reason of view.reasons) assert.ok(text.includes(`${reason}: `), reason);
  assert.ok(text.includes('maxHoldMs of 5m 00s'), text);
  assert.ok(text.includes('created 1h 00m ago'), text);
  assert.doesNotMatch(text, /\(/, 'no brackets inside brackets when a caller wraps it');
});

test('the force-release confirmation names pid, command line and age', () => {
  const view = lockView('/s/a.jsonl.lock', { level: 'held', pid: 31337, ageMs: 125_000, commandLine: 'node /usr/lib/openclaw/gateway.js' });
  const detail = forceReleaseDetail(view.inspection);
  assert.match(detail, /Holder pid: 31337/);
  assert.match(detail, /Command line: node \/usr\/lib\/openclaw\/gateway\.js/);
  assert.match(detail, /Running: yes/);
  assert.match(detail, /Age: 2m 05s/);
  assert.match(detail, /still names pid 31337/);
});

test('clear-all summary lists removed and kept locks with reasons', () => {
  const removed = [result(true, { level: 'stale', pid: 1, reasons: ['dead-pid'] })];
  const kept = [result(false, { level: 'held', pid: 2 }, { code: 'not-stale' })];
  const text = describeClearAll({ removed, kept, failed: [{ lockPath: '/x.lock', error: 'EIO' }] }, (p) => (p === '/x.lock' ? 'x' : 'main'));
  assert.equal(text, 'Removed 1 stale lock: main (dead-pid). Kept 1: main (held by live pid 2). Failed 1: x (EIO).');
  assert.equal(describeClearAll({ removed: [], kept: [], failed: [] }, () => ''), 'No lock files to clear.');
  const leftover = { ...removed[0]!, kind: 'reclaim-leftover' as const };
  assert.match(describeClearAll({ removed, kept: [], failed: [], leftovers: [leftover, leftover] }, () => 'x'), /Also removed 2 files left by an interrupted lock operation\.$/);
});

test('log lines record removals and refusals with their facts', () => {
  const line = removalLogLine(result(true, { level: 'stale', pid: 7, ageMs: 1234, reasons: ['dead-pid'], ino: 99 }), 'auto');
  assert.equal(line, 'auto: removed /s/a.jsonl.lock pid=7 alive=false ageMs=1234 reasons=dead-pid ino=99');
  const kept = removalLogLine(result(false, { level: 'held', pid: 8, ino: 98 }, { code: 'not-stale' }), 'clear');
  assert.equal(kept, 'clear: kept /s/a.jsonl.lock because held by live pid 8 pid=8 alive=true reasons=none ino=98');
});
