// One format for durations, ages, sizes and counts, shared by the CLI and the extension.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countOf, formatBytes, formatCoarseAge, formatCount, formatDuration } from '../../src/wording/format';
import * as presentation from '../../src/extension/lock-presentation';
import { formatAge, formatBytes as cliFormatBytes } from '../../src/cli/format';

test('durations: seconds, then minutes and seconds, hours and minutes, days and hours', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(59_999), '59s');
  assert.equal(formatDuration(60_000), '1m 00s');
  assert.equal(formatDuration(656_000), '10m 56s');
  assert.equal(formatDuration(3_600_000), '1h 00m');
  assert.equal(formatDuration(47 * 3_600_000 + 59 * 60_000), '47h 59m');
  assert.equal(formatDuration(76 * 3_600_000), '3d 4h');
  assert.equal(formatDuration(-1), '?');
  assert.equal(formatDuration(Number.NaN), '?');
});

test('coarse ages hold still for a minute at a time after the first minute', () => {
  assert.equal(formatCoarseAge(42_900), '42s');
  assert.equal(formatCoarseAge(22 * 60_000 + 4_000), '22m');
  assert.equal(formatCoarseAge(22 * 60_000 + 59_000), '22m');
  assert.equal(formatCoarseAge(2 * 3_600_000 + 7 * 60_000), '2h 07m');
});

test('bytes: powers of 1024, one decimal below 10, no "1024 KB"', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(12 * 1024 + 300), '12 KB');
  assert.equal(formatBytes(1024 * 1024 - 10), '1.0 MB');
  assert.equal(formatBytes(3.4 * 2 ** 20), '3.4 MB');
  assert.equal(formatBytes(5 * 2 ** 40), '5.0 TB');
  assert.equal(formatBytes(-1), '?');
});

test('counts group digits and pluralise', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(countOf(1, 'lock'), '1 lock');
  assert.equal(countOf(0, 'lock'), '0 locks');
  assert.equal(countOf(1500, 'session'), '1,500 sessions');
  assert.equal(countOf(2, 'process', 'processes'), '2 processes');
});

test('the CLI and the extension print the same ages and sizes', () => {
  for (const ms of [0, 42_000, 656_000, 3_725_000, 90 * 3_600_000]) {
    assert.equal(formatAge(ms), presentation.formatDuration(ms), `age ${ms}`);
  }
  assert.equal(presentation.formatRowAge(656_000), formatCoarseAge(656_000));
  for (const bytes of [389, 1536, 12 * 1024 * 1024]) assert.equal(cliFormatBytes(bytes), presentation.formatBytes(bytes), `size ${bytes}`);
  // The CLI's own placeholders for "not known" stay a dash in tables.
  assert.equal(formatAge(undefined), '-');
  assert.equal(cliFormatBytes(undefined), '-');
});
