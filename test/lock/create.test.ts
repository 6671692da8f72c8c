// Creating the lock file (src/lock/create.ts): whenever its creator dies, a lock made by this
// core is complete, so nobody waits out the torn-lock grace for it.
import { mock, test } from 'node:test';
import fs from 'node:fs';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { acquireSessionWriteLock, inspectLock, sweepStaleLocks } from '../../src/lock';
import { reclaimLeftoverKind } from '../../src/lock/leftovers';
import { createLockFile, newLockBytes } from '../../src/lock/create';
import { formatLockPayload, parseLockPayload } from '../../src/lock/payload';
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
  // A process killed while creating its lock leaves its private copy (empty when the kill came
  // between creating and writing it); the name proves its maker dead, so the first sweep removes
  // it. A kill inside a release leaves the holder's own lock moved aside (removed at once too:
  // its payload proves its maker dead); one inside the reclaim of the previous holder's lock
  // leaves that lock moved aside, which only the aside age rule clears. Nothing else is left.
  const left = readdirSync(dir).filter((name) => name !== 's.jsonl' && name !== 'never');
  const copies = left.filter((name) => reclaimLeftoverKind(name)?.type === 'copy');
  for (const name of left) assert.ok(reclaimLeftoverKind(name) !== undefined, `unexpected ${name}`);
  const empty = copies.filter((name) => readFileSync(join(dir, name)).length === 0).length;
  console.log(`# torn locks: ${copies.length} private copies left by kills while creating (${empty} empty), ${left.length - copies.length} locks moved aside by a release or reclaim`);
  const swept = await sweepStaleLocks(dir);
  for (const result of swept) {
    const name = basename(result.lockPath);
    if (copies.includes(name)) assert.ok(result.removed, `${name} kept: ${JSON.stringify(result.kept)}`);
    else assert.ok(result.removed || result.kept?.code === 'maker-young', `${name}: ${JSON.stringify(result.kept)}`);
  }
  const later = await sweepStaleLocks(dir, { now: Date.now() + 60_000 });
  assert.ok(later.every((r) => r.removed), JSON.stringify(later.map((r) => [r.lockPath, r.kept])));
  assert.deepEqual(readdirSync(dir).filter((name) => name !== 's.jsonl' && name !== 'never'), []);
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

test('a private copy removed under its maker (by a sweeper that cannot see the maker) only makes it write another; the lock is taken and no copy stays', () => withDir(async (dir) => {
  const lockPath = join(dir, 's.jsonl.lock');
  const realLink = fs.linkSync;
  let removedUnder = 0;
  const link = mock.method(fs, 'linkSync', (from: fs.PathLike, to: fs.PathLike) => {
    if (removedUnder < 2) {
      removedUnder++;
      fs.unlinkSync(from);
    }
    return realLink(from, to);
  });
  try {
    const made = createLockFile(lockPath, Buffer.from('{"pid": 2}'));
    assert.ok(made, 'the lock is taken');
    assert.equal(link.mock.callCount(), 3);
  } finally {
    link.mock.restore();
  }
  assert.equal(readFileSync(lockPath, 'utf8'), '{"pid": 2}');
  assert.deepEqual(readdirSync(dir), ['s.jsonl.lock']);
})());

test('newLockBytes writes exactly formatLockPayload\'s bytes, with a fresh createdAt and token each time and per maxHoldMs', () => {
  const seen = new Set<string>();
  for (const maxHoldMs of [300_000, 300_000, 1, 420_000, 300_000]) {
    const { payload, bytes } = newLockBytes(maxHoldMs);
    assert.equal(payload.maxHoldMs, maxHoldMs);
    assert.equal(bytes.toString('utf8'), formatLockPayload(payload));
    assert.deepEqual(parseLockPayload(bytes), payload);
    assert.ok(!seen.has(payload.token!), 'a token was used twice');
    seen.add(payload.token!);
  }
});
