import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colourWanted, fitTable, formatAge, makePalette, table, truncate, unbreakable, visibleLength, wrap } from '../../src/cli/format';
import { commandBlock, shellQuote } from '../../src/cli/shell';
import { closestWord } from '../../src/cli/suggest';

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

describe('fitting the terminal, quoting commands, suggesting words', () => {
  it('wraps at spaces and never breaks a word or a glued path', () => {
    assert.deepEqual(wrap('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
    assert.deepEqual(wrap('x /a/very/long/path', 5), ['x', '/a/very/long/path']);
    assert.deepEqual(wrap(`see ${unbreakable('/state dir/x.lock')} now`, 10), ['see', '/state dir/x.lock', 'now']);
    // The last column wraps under itself; the name column gives up characters first.
    const lines = fitTable([['main', 'A rather long session name (agent:main:x)', 'stale: dead-pid, hold-exceeded; safe to clear']], { width: 60, shrinkColumn: 1 });
    for (const line of lines) assert.ok(line.length <= 60, line);
    // Only as short as needed for a 24-column last column: 60 - 4 - 2 - 2 - 24 = 28.
    assert.match(lines[0]!, /^main {2}A rather long session name … {2}stale: dead-pid,$/);
    assert.deepEqual(lines.slice(1).map((l) => l.slice(0, 36).trim() + '|' + l.slice(36)), ['|hold-exceeded; safe to', '|clear']);
  });

  it('quotes for a POSIX shell and breaks long commands with continuations', () => {
    assert.equal(shellQuote('/a/b.jsonl.lock'), '/a/b.jsonl.lock');
    assert.equal(shellQuote("/state dir's/x"), `'/state dir'\\''s/x'`);
    assert.equal(shellQuote('$(rm -rf ~)'), `'$(rm -rf ~)'`);
    assert.deepEqual(commandBlock(['openclaw-locks', 'inspect', '/p'], 2, 80), ['  openclaw-locks inspect /p']);
    assert.deepEqual(commandBlock(['openclaw-locks', 'inspect', 'x'.repeat(30), '--pid', '4'], 0, 30), ['openclaw-locks inspect \\', `  ${'x'.repeat(30)} \\`, '  --pid 4']);
  });

  it('suggests the closest command, and nothing for a word far from all of them', () => {
    const commands = ['status', 'clear-stale', 'watch', 'inspect', 'compact'];
    assert.equal(closestWord('statuss', commands), 'status');
    assert.equal(closestWord('stauts', commands), 'status');
    assert.equal(closestWord('clear', commands), 'clear-stale');
    assert.equal(closestWord('cleanstale', commands), 'clear-stale');
    assert.equal(closestWord('frobnicate', commands), undefined);
  });
});
