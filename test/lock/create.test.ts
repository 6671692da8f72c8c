// Creating the lock file (src/lock/create.ts): whenever its creator dies, a lock made by this
// core is complete, so nobody waits out the torn-lock grace for it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireSessionWriteLock, inspectLock, sweepStaleLocks } from '../../src/lock';
import { reclaimLeftoverKind } from '../../src/lock/leftovers';
import { createLockFile } from '../../src/lock/create';
import { spawnWorker, withDir } from './helpers';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a holder SIGKILLed at any moment of its acquire-release loop never leaves a torn lock: the next process gets in at once', { timeout: 120_000 }, () => withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  writeFileSync(sessionFile, '');
  let leftLocks = 0;
  const KILLS = 150;
  for (let i = 0; i < KILLS; i++) {
    const spinner = spawnWorker({ mode: 'spin', sessionFile, stopFile: join(dir, 'never'), maxIterations: 1e9 });
    await spinner.next('spinning');
    await sleep(Math.random() * 5);
    spinner.child.kill('SIGKILL');
    await spinner.exited;
    if (existsSync(lockPath)) {
      leftLocks++;
      const raw = readFileSync(lockPath, 'utf8');
      const inspection = await inspectLock(lockPath);
      assert.notEqual(raw, '', `kill ${i}: an empty lock file`);
      assert.equal(inspection.state, 'stale', `kill ${i}: ${inspection.state} (${inspection.problem ?? ''}): ${raw}`);
      assert.deepEqual(inspection.reasons, ['dead-pid'], `kill ${i}: ${raw}`);
      // A dead pid's complete lock is reclaimed at once (a torn one would block for 30 s).
      const began = performance.now();
      const lock = await acquireSessionWriteLock({ sessionFile, timeoutMs: 5000 });
      await lock.release();
      assert.ok(performance.now() - began < 2000, `kill ${i}: the next acquisition waited ${(performance.now() - began).toFixed(0)} ms`);
    }
  }
  console.log(`# torn locks: ${KILLS} SIGKILLs of a spinning holder, ${leftLocks} left a lock behind, none torn`);
  // What a process killed between writing and linking leaves: a private copy, swept like any
  // other leftover of a dead process once old enough; nothing else.
  const left = readdirSync(dir).filter((name) => name !== 's.jsonl' && name !== 'never');
  for (const name of left) assert.ok(reclaimLeftoverKind(name)?.type === 'aside', `unexpected ${name}`);
  const swept = await sweepStaleLocks(dir, { now: Date.now() + 60_000 });
  assert.equal(swept.filter((r) => r.removed).length, left.length, JSON.stringify(swept.map((r) => [r.lockPath, r.removed, r.kept])));
  assert.deepEqual(readdirSync(dir).filter((name) => name !== 's.jsonl'), []);
  rmSync(join(dir, 'never'), { force: true });
})());

test('without its look first (a re-acquire right after our own release), a lock someone took meanwhile is left exactly as it was, and no private copy stays', () => withDir(async (dir) => {
  const lockPath = join(dir, 's.jsonl.lock');
  const theirs = '{\n  "pid": 1,\n  "createdAt": "2026-12-01T00:00:00.000Z"\n}\n';
  writeFileSync(lockPath, theirs);
  for (const likelyFree of [true, false]) {
    assert.equal(createLockFile(lockPath, Buffer.from('{"pid": 2}'), { likelyFree }), undefined, `likelyFree ${likelyFree}: no lock of ours`);
    assert.equal(readFileSync(lockPath, 'utf8'), theirs);
    assert.deepEqual(readdirSync(dir), ['s.jsonl.lock']);
  }
  rmSync(lockPath);
  const made = createLockFile(lockPath, Buffer.from('{"pid": 2}'), { likelyFree: true });
  assert.ok(made, 'a free lock is taken');
  assert.equal(readFileSync(lockPath, 'utf8'), '{"pid": 2}');
  assert.deepEqual(readdirSync(dir), ['s.jsonl.lock']);
})());
