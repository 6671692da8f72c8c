import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectLockSync } from '../../src/lock';
import { sameHeldFile } from '../../src/lock/wait';
import type { LockInspection } from '../../src/lock/types';
import { lockBytes, makeTempDir, spawnSleeper, startTicksOf } from './helpers';

const options = { staleMs: 60_000, tornGraceMs: 30_000, readCommandLine: false };

/** A lock held by a live sleeper, and its inspection as a waiter makes it. */
function heldBySleeper(dir: string): { lockPath: string; inspection: LockInspection; stop: () => void } {
  const sleeper = spawnSleeper();
  const lockPath = join(dir, 's.jsonl.lock');
  writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString(), starttime: startTicksOf(sleeper.pid) }));
  const inspection = inspectLockSync(lockPath, options);
  assert.equal(inspection.state, 'held');
  return { lockPath, inspection, stop: sleeper.stop };
}

/** Runs `check` against a lock held by a live sleeper, then stops it and removes the directory. */
function withHeldLock(check: (held: { lockPath: string; inspection: LockInspection }) => void): () => void {
  return () => {
    const { dir, cleanup } = makeTempDir();
    const held = heldBySleeper(dir);
    try {
      check(held);
    } finally {
      held.stop();
      cleanup();
    }
  };
}

test('sameHeldFile: the same inode with its holder alive keeps the last inspection', withHeldLock(({ lockPath, inspection }) => {
  assert.equal(sameHeldFile(lockPath, inspection), inspection);
}));

test('sameHeldFile: a holder whose pid now has another start time (it died, the pid was reused) is looked at again', withHeldLock(({ lockPath, inspection }) => {
  // What a waiter remembers when the process it judged has since been replaced under the same pid.
  const remembered: LockInspection = { ...inspection, owner: { ...inspection.owner!, starttime: inspection.owner!.starttime! - 1 } };
  assert.equal(sameHeldFile(lockPath, remembered), undefined);
}));

test('sameHeldFile: another file at the lock path, or none, is looked at again', withHeldLock(({ lockPath, inspection }) => {
  const bytes = lockBytes({ pid: inspection.owner!.pid, createdAt: new Date().toISOString(), starttime: inspection.owner!.starttime });
  writeFileSync(`${lockPath}.next`, bytes);
  renameSync(`${lockPath}.next`, lockPath);
  assert.equal(sameHeldFile(lockPath, inspection), undefined);
  renameSync(lockPath, `${lockPath}.gone`);
  assert.equal(sameHeldFile(lockPath, inspection), undefined);
}));
