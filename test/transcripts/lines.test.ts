// The line scanner behind trim compaction: the header, the tail read backwards, the middle counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { countNonEmptyLines, planTrim } from '../../src/transcripts/lines';
import { makeTempDir, writeTranscript } from './fixtures';

async function withFile<T>(text: string, run: (handle: fsp.FileHandle, size: number) => Promise<T>): Promise<T> {
  const { dir, cleanup } = makeTempDir();
  const handle = await fsp.open(writeTranscript(dir, 's.jsonl', text), 'r');
  try {
    return await run(handle, Buffer.byteLength(text));
  } finally {
    await handle.close();
    cleanup();
  }
}

const slice = (text: string, range: { start: number; end: number }) => Buffer.from(text).subarray(range.start, range.end).toString();

test('the plan keeps the header and the last maxLines-1 non-empty lines, skipping blank ones', async () => {
  const text = '\n  \nH\na\n\nb\r\n \nc\nd';
  for (const chunk of [1, 2, 3, 64]) {
    await withFile(text, async (handle, size) => {
      const plan = await planTrim(handle, size, 3, undefined, 's', chunk);
      assert.equal(plan.needed, true, `chunk ${chunk}`);
      assert.equal(slice(text, plan.header!), 'H');
      assert.deepEqual(plan.tail.map((r) => [slice(text, r), r.terminated]), [['c', true], ['d', false]]);
      // The dropped middle holds a and b: counted, never kept.
      assert.equal(await countNonEmptyLines(handle, plan.middle!.start, plan.middle!.end, undefined, 's', undefined, chunk), 2);
    });
  }
});

test('no plan is needed when there are at most maxLines non-empty lines, or none at all', async () => {
  await withFile('H\na\nb\n', async (handle, size) => {
    const plan = await planTrim(handle, size, 3);
    assert.equal(plan.needed, false);
    assert.equal(plan.linesSeen, 3);
  });
  await withFile(' \n\t\n', async (handle, size) => assert.deepEqual(await planTrim(handle, size, 3), { size, tail: [], needed: false, linesSeen: 0 }));
});
