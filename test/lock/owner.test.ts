import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { judgeOwner } from '../../src/lock';
import { deadPid, spawnSleeper, startTicksOf } from './helpers';

function procStatReads(calls: ReadonlyArray<{ arguments: unknown[] }>, pid: number): number {
  return calls.filter((call) => call.arguments[0] === `/proc/${pid}/stat`).length;
}

test('judgeOwner: a live holder with its start time is judged from one read of its /proc stat', () => {
  const holder = spawnSleeper();
  try {
    const starttime = startTicksOf(holder.pid);
    const reads = mock.method(fs, 'readFileSync');
    try {
      const judged = judgeOwner({ pid: holder.pid, starttime });
      assert.equal(judged.gone, undefined);
      assert.equal(judged.owner.starttimeMatches, true);
      // A waiter judges the holder at every handover, and each read slows the holder down.
      assert.equal(procStatReads(reads.mock.calls, holder.pid), 1);
    } finally {
      reads.mock.restore();
    }
    assert.equal(judgeOwner({ pid: holder.pid, starttime: starttime - 1 }).gone, 'recycled-pid');
  } finally {
    holder.stop();
  }
  assert.equal(judgeOwner({ pid: deadPid(), starttime: 1 }).gone, 'dead-pid');
});
