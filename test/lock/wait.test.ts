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

test('sameHeldFile: the same inode with its holder alive keeps the last inspection', () => {
  const { dir, cleanup } = makeTempDir();
  const held = heldBySleeper(dir);
  try {
    assert.equal(sameHeldFile(held.lockPath, held.inspection), held.inspection);
  } finally {
    held.stop();
    cleanup();
  }
});

test('sameHeldFile: a holder whose pid now has another start time (it died, the pid was reused) is looked at again', () => {
  const { dir, cleanup } = makeTempDir();
  const held = heldBySleeper(dir);
  try {
    // What a waiter remembers when the process it judged has since been replaced under the same pid.
    const remembered: LockInspection = { ...held.inspection, owner: { ...held.inspection.owner!, starttime: held.inspection.owner!.starttime! - 1 } };
    assert.equal(sameHeldFile(held.lockPath, remembered), undefined);
  } finally {
    held.stop();
    cleanup();
  }
});

test('sameHeldFile: another file at the lock path, or none, is looked at again', () => {
  const { dir, cleanup } = makeTempDir();
  const held = heldBySleeper(dir);
  try {
    const bytes = lockBytes({ pid: held.inspection.owner!.pid, createdAt: new Date().toISOString(), starttime: held.inspection.owner!.starttime });
    writeFileSync(`${held.lockPath}.next`, bytes);
    renameSync(`${held.lockPath}.next`, held.lockPath);
    assert.equal(sameHeldFile(held.lockPath, held.inspection), undefined);
    renameSync(held.lockPath, `${held.lockPath}.gone`);
    assert.equal(sameHeldFile(held.lockPath, held.inspection), undefined);
  } finally {
    held.stop();
    cleanup();
  }
});
