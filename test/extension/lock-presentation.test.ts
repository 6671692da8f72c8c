import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeLock,
  escapeMarkdown,
  formatDuration,
  formatRowAge,
  lockDetailsText,
  lockMoment,
  lockTooltipMarkdown,
  sessionTooltipMarkdown,
} from '../../src/extension/lock-presentation';
import { lockView, session } from './snapshots';

const thresholds = { warnMs: 60_000, errorMs: 300_000 };

test('ages tick from the scan time and live levels cross thresholds without a rescan', () => {
  const view = lockView('/s/a.jsonl.lock', { level: 'held', pid: 7, ageMs: 50_000 });
  const scannedAt = 1_000_000;
  assert.deepEqual(lockMoment(view, thresholds, scannedAt, scannedAt + 5_000), { level: 'held', severity: 'info', ageMs: 55_000 });
  assert.deepEqual(lockMoment(view, thresholds, scannedAt, scannedAt + 20_000), { level: 'held-long', severity: 'warning', ageMs: 70_000 });
  assert.deepEqual(lockMoment(view, thresholds, scannedAt, scannedAt + 260_000), { level: 'held-too-long', severity: 'error', ageMs: 310_000 });
});

test("a lock past its own maxHoldMs is held too long whatever the error threshold says", () => {
  const view = lockView('/s/a.jsonl.lock', { level: 'held', pid: 7, ageMs: 10_000, maxHoldMs: 20_000 });
  assert.equal(lockMoment(view, { warnMs: 600_000, errorMs: 900_000 }, 0, 15_000).level, 'held-too-long');
});

test('the clock never makes a verdict better, and never touches non-live levels', () => {
  const tooLong = lockView('/s/a.jsonl.lock', { level: 'held-too-long', pid: 7, ageMs: 1_000, reasons: ['too-old'] });
  assert.equal(lockMoment(tooLong, thresholds, 0, 0).level, 'held-too-long');
  const stale = lockView('/s/b.jsonl.lock', { level: 'stale', pid: 8, ageMs: 1_000, reasons: ['dead-pid'] });
  assert.equal(lockMoment(stale, thresholds, 0, 10_000_000).level, 'stale');
  const suspect = lockView('/s/c.jsonl.lock', { level: 'suspect', pid: 9, ageMs: 1_000 });
  assert.equal(lockMoment(suspect, thresholds, 0, 10_000_000).level, 'suspect');
  assert.equal(lockMoment(suspect, thresholds, 0, 10_000_000).ageMs, 10_001_000);
});

test('durations read naturally', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(42_900), '42s');
  assert.equal(formatDuration(185_000), '3m 05s');
  assert.equal(formatDuration(2 * 3_600_000 + 7 * 60_000), '2h 07m');
  assert.equal(formatDuration(76 * 3_600_000), '3d 4h');
  assert.equal(formatDuration(-1), '?');
});

test('descriptions carry level, reasons, age and pid, in that order', () => {
  const view = lockView('/s/a.jsonl.lock', { level: 'stale', pid: 4242, ageMs: 185_000, reasons: ['dead-pid'] });
  assert.equal(describeLock(view, lockMoment(view, thresholds, 0, 0)), 'stale · dead-pid · 3m · pid 4242', 'what to do and why first: a narrow side bar cuts the end');
  const tooLong = lockView('/s/b.jsonl.lock', { level: 'held-too-long', pid: 77, ageMs: 47 * 60_000, reasons: ['too-old', 'hold-exceeded'] });
  assert.equal(describeLock(tooLong, lockMoment(tooLong, thresholds, 0, 0)), 'held too long · too-old, hold-exceeded · 47m · pid 77', 'reasons at every level that has them');
});

test('markdown escaping leaves no link, image, html or theme icon syntax', () => {
  const hostile = '[click](command:workbench.action.quit) ![x](https://e/x.png) <img src=x onerror=alert(1)> $(zap) **bold** `code`';
  const escaped = escapeMarkdown(hostile);
  assert.ok(!escaped.includes('](command:'));
  assert.ok(!escaped.includes('](https:'));
  assert.ok(!/(^|[^\\])</.test(escaped), 'every < is escaped');
  assert.ok(!escaped.includes('$('));
  assert.ok(!escaped.includes('**'));
  // Every special character is escaped, none dropped: unescaping gives the text back.
  assert.equal(escaped.replace(/\\(.)/g, '$1'), hostile);
});

test('tooltips escape every value that came from a lock file, a store or /proc', () => {
  const view = lockView('/s/a.jsonl.lock', {
    level: 'held',
    pid: 77,
    ageMs: 3_000,
    maxHoldMs: 300_000,
    createdAt: '[pwn](command:workbench.action.quit)',
    commandLine: 'node <script>alert(1)</script> [x](command:evil)',
  });
  const markdown = lockTooltipMarkdown('[title](command:evil.title)', view, lockMoment(view, thresholds, 0, 0), {
    sessionKey: 'agent:main:[k](command:k)',
    transcriptPath: '/s/a.jsonl',
  });
  assert.ok(!/\]\(command:/.test(markdown), markdown);
  assert.ok(!/<script>/.test(markdown), markdown);
  for (const fact of ['Holder pid: 77', 'maxHoldMs: 300000', 'Age: 3s', 'Created at:', 'Command line:']) assert.ok(markdown.includes(fact), fact);
});

test('huge values are clipped, control characters flattened', () => {
  const view = lockView('/s/a.jsonl.lock', { level: 'held', pid: 1, commandLine: 'x'.repeat(100_000) + '\u0000\n' });
  const markdown = lockTooltipMarkdown('t', view, lockMoment(view, thresholds, 0, 0));
  assert.ok(markdown.length < 2_000);
  assert.ok(markdown.includes('more characters'));
  const free = sessionTooltipMarkdown(session('main', 'x', { level: 'free' }, { title: 'a\nb <b>' }), 0);
  assert.ok(free.startsWith('**a b \\<b\\>**'), free);
});

test('copied lock details are plain text with the raw payload', () => {
  const view = lockView('/s/a.jsonl.lock', { level: 'stale', pid: 5, ageMs: 61_000, reasons: ['dead-pid'] });
  const text = lockDetailsText('main', view, lockMoment(view, thresholds, 0, 0));
  assert.match(text, /^Session: main$/m);
  assert.match(text, /^Lock file: \/s\/a\.jsonl\.lock$/m);
  assert.match(text, /^State: stale \(stale\)$/m);
  assert.match(text, /^Stale reasons: dead-pid$/m);
  assert.match(text, /^Provably stale: true$/m);
  assert.match(text, /^Payload: \{"pid":5/m);
});

test('row ages move in seconds only for the first minute, then in whole minutes', () => {
  assert.equal(formatRowAge(42_900), '42s');
  assert.equal(formatRowAge(60_000), '1m');
  // Unchanged for a whole minute, so a row (and its open tooltip) is not redrawn every second.
  assert.equal(formatRowAge(22 * 60_000 + 4_000), formatRowAge(22 * 60_000 + 59_000));
  assert.equal(formatRowAge(2 * 3_600_000 + 7 * 60_000), '2h 07m');
  assert.equal(formatRowAge(-1), '?');
});
