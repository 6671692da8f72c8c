// The fairness streak: how many times a process may take a lock again while others queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAIR_STREAK, fairStreakFor } from '../../src/lock/turns';

test('one waiter: batches of 16 holds; more waiters: smaller batches, a round of the queue near 32 holds', () => {
  assert.equal(FAIR_STREAK, 15);
  assert.equal(fairStreakFor(1), 15);
  assert.equal(fairStreakFor(2), 10);
  assert.equal(fairStreakFor(3), 7);
  assert.equal(fairStreakFor(7), 3);
  for (let waiters = 1; waiters <= 64; waiters++) {
    const batch = fairStreakFor(waiters) + 1;
    assert.ok(batch <= 16, `${waiters} waiters: batch ${batch}`);
    assert.ok(batch >= 4, `${waiters} waiters: batch ${batch}, too small to amortise a handover`);
    if (waiters <= 7) assert.ok(batch * (waiters + 1) <= 36, `${waiters} waiters: a round of ${batch * (waiters + 1)} holds`);
  }
});
