// Following the log as OpenClaw writes, rotates and rolls it: every line once, none twice.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LogFollower } from '../../src/logs/follow';
import { localDate, rotatedLogFile } from '../../src/logs/location';
import { tempDir } from './helpers';

function setup(options: { firstWindowBytes?: number; maxLineBytes?: number; chunkBytes?: number } = {}) {
  const { dir, cleanup } = tempDir();
  let now = new Date(2026, 11, 1, 12, 0, 0).getTime();
  const fileFor = (d: Date) => path.join(dir, `openclaw-${localDate(d)}.log`);
  const follower = new LogFollower({ fileFor, now: () => now, ...options });
  const seen: string[] = [];
  return {
    dir,
    cleanup,
    file: () => fileFor(new Date(now)),
    advance: (ms: number) => { now += ms; },
    seen,
    poll: () => follower.poll((line) => seen.push(line)),
    follower,
  };
}

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `{"n":${from + i}}\n`).join('');

test('appends are read once each, across polls', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.file(), lines(0, 3));
    await t.poll();
    fs.appendFileSync(t.file(), lines(3, 2));
    const second = await t.poll();
    assert.equal(second.lines, 2);
    await t.poll();
    assert.deepEqual(t.seen, [0, 1, 2, 3, 4].map((n) => `{"n":${n}}`));
  } finally { t.cleanup(); }
});

test('a partial last line is carried until its newline arrives, and not read early', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.file(), '{"n":0}\n{"n":1, "tail": "hal');
    await t.poll();
    assert.deepEqual(t.seen, ['{"n":0}']);
    fs.appendFileSync(t.file(), 'f ü"}\n{"n":2}\n');
    await t.poll();
    assert.deepEqual(t.seen, ['{"n":0}', '{"n":1, "tail": "half ü"}', '{"n":2}']);
  } finally { t.cleanup(); }
});

test('multi-byte characters split across chunks stay whole', async () => {
  const t = setup({ chunkBytes: 7 });
  try {
    const text = '{"m":"ééééé"}\n{"m":"日本語テキスト"}\n';
    fs.writeFileSync(t.file(), text);
    await t.poll();
    assert.deepEqual(t.seen, text.trim().split('\n'));
  } finally { t.cleanup(); }
});

test('rotation while following: the old file is finished from its .1.log, then the new one read from its start', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.file(), lines(0, 2));
    await t.poll();
    // Written to the old file after the last poll, then OpenClaw rotates (rename) and starts a new file.
    fs.appendFileSync(t.file(), lines(2, 2));
    fs.renameSync(t.file(), rotatedLogFile(t.file(), 1));
    fs.writeFileSync(t.file(), lines(4, 2));
    const result = await t.poll();
    assert.ok(result.events.includes('rotated'), JSON.stringify(result));
    assert.deepEqual(t.seen, [0, 1, 2, 3, 4, 5].map((n) => `{"n":${n}}`));
    fs.appendFileSync(t.file(), lines(6, 1));
    await t.poll();
    assert.equal(t.seen.length, 7);
  } finally { t.cleanup(); }
});

test('rotated again before the poll (.1 became .2): still found by device and inode', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.file(), lines(0, 1));
    await t.poll();
    fs.appendFileSync(t.file(), lines(1, 1));
    fs.renameSync(t.file(), rotatedLogFile(t.file(), 1));
    fs.writeFileSync(t.file(), lines(2, 1));
    fs.renameSync(rotatedLogFile(t.file(), 1), rotatedLogFile(t.file(), 2));
    fs.renameSync(t.file(), rotatedLogFile(t.file(), 1));
    fs.writeFileSync(t.file(), lines(3, 1));
    await t.poll();
    // Line 2 lived in a file that came and went between polls: it is in .1 now, unread by design.
    assert.deepEqual(t.seen, ['{"n":0}', '{"n":1}', '{"n":3}']);
  } finally { t.cleanup(); }
});

test('rotated away with no new file yet: the old one is finished, the new one read from its start when it comes', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.file(), lines(0, 1));
    await t.poll();
    fs.appendFileSync(t.file(), lines(1, 1));
    fs.renameSync(t.file(), rotatedLogFile(t.file(), 1));
    await t.poll();
    fs.writeFileSync(t.file(), lines(2, 1));
    await t.poll();
    assert.deepEqual(t.seen, ['{"n":0}', '{"n":1}', '{"n":2}']);
  } finally { t.cleanup(); }
});

test('a truncated file is read again from its start', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.file(), lines(0, 5));
    await t.poll();
    fs.truncateSync(t.file(), 0);
    fs.appendFileSync(t.file(), lines(100, 1));
    const result = await t.poll();
    assert.ok(result.events.includes('truncated'));
    assert.deepEqual(t.seen.slice(5), ['{"n":100}']);
  } finally { t.cleanup(); }
});

test('the day change: yesterday\'s file is finished, then today\'s new file read', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.file(), lines(0, 1));
    await t.poll();
    const yesterday = t.file();
    fs.appendFileSync(yesterday, '{"n":1}');
    t.advance(24 * 3600_000);
    fs.writeFileSync(t.file(), lines(2, 1));
    const result = await t.poll();
    assert.ok(result.events.includes('day-change'));
    assert.notEqual(t.file(), yesterday);
    assert.deepEqual(t.seen, ['{"n":0}', '{"n":1}', '{"n":2}'], 'its last line, even without a newline, is a line: that file is done');
  } finally { t.cleanup(); }
});

test('a missing file is waited for, then read from its start', async () => {
  const t = setup();
  try {
    const first = await t.poll();
    assert.ok(first.events.includes('missing'));
    fs.writeFileSync(t.file(), lines(0, 2));
    await t.poll();
    assert.equal(t.seen.length, 2);
  } finally { t.cleanup(); }
});

test('first start reads only the last window of bytes, starting at a whole line, across rotated files', async () => {
  const t = setup({ firstWindowBytes: 100 });
  try {
    fs.writeFileSync(rotatedLogFile(t.file(), 1), lines(0, 50));
    fs.writeFileSync(t.file(), lines(50, 5)); // 5 lines of 9-10 bytes: 50 bytes
    const result = await t.poll();
    assert.ok(result.bytesRead <= 100, `read ${result.bytesRead} bytes`);
    const numbers = t.seen.map((l) => (JSON.parse(l) as { n: number }).n);
    assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i), 'whole lines, in order, none torn');
    assert.equal(numbers.at(-1), 54);
    assert.ok(numbers[0]! > 40 && numbers[0]! < 50, `the rotated file's last lines only: from ${numbers[0]}`);
    fs.appendFileSync(t.file(), lines(55, 1));
    await t.poll();
    assert.equal(t.seen.at(-1), '{"n":55}');
  } finally { t.cleanup(); }
});

test('first start skips files older than the time window', async () => {
  const t = setup();
  try {
    fs.writeFileSync(rotatedLogFile(t.file(), 2), lines(0, 3));
    const old = new Date(Date.now() - 0);
    fs.utimesSync(rotatedLogFile(t.file(), 2), old, new Date(new Date(2026, 10, 29).getTime()));
    fs.writeFileSync(t.file(), lines(10, 1));
    await t.poll();
    assert.deepEqual(t.seen, ['{"n":10}']);
  } finally { t.cleanup(); }
});

test('a line longer than the cap is skipped whole, and the lines after it are read', async () => {
  const t = setup({ maxLineBytes: 100, chunkBytes: 32 });
  try {
    fs.writeFileSync(t.file(), `{"n":0}\n{"big":"${'x'.repeat(500)}"}\n{"n":1}\n`);
    const result = await t.poll();
    assert.deepEqual(t.seen, ['{"n":0}', '{"n":1}']);
    assert.equal(result.skippedLines, 1);
    // A huge line still being written: carried no further than the cap, then dropped to its end.
    fs.appendFileSync(t.file(), `{"big":"${'y'.repeat(300)}`);
    await t.poll();
    fs.appendFileSync(t.file(), `${'y'.repeat(300)}"}\n{"n":2}\n`);
    await t.poll();
    assert.deepEqual(t.seen, ['{"n":0}', '{"n":1}', '{"n":2}']);
  } finally { t.cleanup(); }
});
