// Bounded memory: compacting a transcript much larger than the memory it may use. The file
// is generated in a child-free way (written in chunks), compacted in a child process, and
// the child's peak RSS growth must stay far below the file's size. Correctness is checked
// byte for byte on the kept lines; nothing here measures time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../fixtures/temp-dir';
import { entryLine, headerLine } from './fixtures';

const TARGET_BYTES = 384 << 20;
const MAX_LINES = 400;

test('compacting a 384 MB transcript keeps memory bounded and the result exact', { timeout: 600_000 }, () => {
  // tmpfs when available: the test is about memory, not about disk speed.
  const { dir, cleanup } = makeTempDir('oc-memory-', { tmpfs: true });
  try {
    const path = join(dir, 'huge.jsonl');
    const fd = openSync(path, 'w');
    const header = headerLine() + '\n';
    writeSync(fd, header);
    let written = header.length;
    let index = 1;
    const lastLines: string[] = [];
    while (written < TARGET_BYTES) {
      const batch: string[] = [];
      for (let i = 0; i < 2000; i++, index++) batch.push(entryLine(index, 100 + (index % 900)));
      const text = batch.join('\n') + '\n';
      writeSync(fd, text);
      written += Buffer.byteLength(text);
      lastLines.push(...batch);
      if (lastLines.length > MAX_LINES) lastLines.splice(0, lastLines.length - MAX_LINES);
    }
    closeSync(fd);
    const size = statSync(path).size;
    const output = execFileSync(process.execPath, [join(__dirname, 'trim-memory-child.js'), path, String(MAX_LINES)], { encoding: 'utf8' });
    const report = JSON.parse(output) as { beforeKiB: number; afterKiB: number; result: { linesBefore: number; bytesBefore: number; compacted: boolean } };
    assert.equal(report.result.compacted, true);
    assert.equal(report.result.bytesBefore, size);
    assert.equal(report.result.linesBefore, index);
    const expected = [headerLine(), ...lastLines.slice(lastLines.length - (MAX_LINES - 1))].join('\n') + '\n';
    assert.equal(readFileSync(path, 'utf8'), expected);
    const growthMiB = (report.afterKiB - report.beforeKiB) / 1024;
    assert.ok(growthMiB < 64, `peak RSS grew by ${growthMiB.toFixed(1)} MiB while compacting ${(size / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    cleanup();
  }
});
