import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colourWanted, formatAge, makePalette, table, truncate, visibleLength } from '../../src/cli/format';

describe('CLI formatting', () => {
  it('prints ages as VS Code does: 2m 05s', () => {
    assert.equal(formatAge(undefined), '-');
    assert.equal(formatAge(-5), '0s', 'a clock step back is no age, not an error');
    assert.equal(formatAge(999), '0s');
    assert.equal(formatAge(59_999), '59s');
    assert.equal(formatAge(125_000), '2m 05s');
    assert.equal(formatAge(3_600_000), '1h 00m');
    assert.equal(formatAge(3_725_000), '1h 02m');
    assert.equal(formatAge(2 * 86_400_000 + 3 * 3_600_000), '2d 3h');
  });

  it('colours only a TTY, and never with NO_COLOR or --no-color', () => {
    assert.equal(colourWanted(true, {}, false), true);
    assert.equal(colourWanted(false, {}, false), false);
    assert.equal(colourWanted(true, { NO_COLOR: '1' }, false), false);
    assert.equal(colourWanted(true, { NO_COLOR: '' }, false), true, 'NO_COLOR counts only when non-empty (no-color.org)');
    assert.equal(colourWanted(true, {}, true), false);
    assert.equal(makePalette(false).red('x'), 'x');
    assert.equal(makePalette(true).red('x'), '\x1b[31mx\x1b[39m');
  });

  it('aligns columns by visible width, ignoring colour codes', () => {
    const p = makePalette(true);
    const lines = table([['A', 'STATE', 'X'], ['long-agent', p.red('stale'), 'y'], ['b', 'held', 'z']]);
    const plain = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    assert.deepEqual(plain, ['A           STATE  X', 'long-agent  stale  y', 'b           held   z']);
    assert.equal(visibleLength(p.red('abc')), 3);
  });

  it('truncates long names with an ellipsis', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 4), 'abc');
  });
});
