// The fairness streak: how many times a process may take a lock again while others queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAIR_STREAK, fairStreakFor } from '../../src/lock/turns';

test('up to 3 waiters: batches of 16 holds; more waiters: smaller batches, a round of the queue near 64 holds', () => {
  assert.equal(FAIR_STREAK, 15);
  assert.equal(fairStreakFor(1), 15);
  assert.equal(fairStreakFor(2), 15);
  assert.equal(fairStreakFor(3), 15);
  assert.equal(fairStreakFor(7), 7);
  assert.equal(fairStreakFor(15), 3);
  for (let waiters = 1; waiters <= 64; waiters++) {
    const batch = fairStreakFor(waiters) + 1;
    assert.ok(batch <= 16, `${waiters} waiters: batch ${batch}`);
    assert.ok(batch >= 4, `${waiters} waiters: batch ${batch}, too small to amortise a handover`);
    // Rounded up to whole holds: at most one more hold per process than an even split of 64.
    if (waiters <= 15) assert.ok(batch * (waiters + 1) < 64 + waiters + 1, `${waiters} waiters: a round of ${batch * (waiters + 1)} holds`);
  }
});
