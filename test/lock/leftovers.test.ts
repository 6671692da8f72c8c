// Reclaim guard and aside files left by processes that died mid-reclaim, and the 'displaced'
// outcome of the verified swap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { acquireSessionWriteLock, sweepStaleLocks, type RemoveResult, type SessionLockError } from '../../src/lock';
import { asidePathFor, putBackAsideSync, type SwapDetails } from '../../src/lock/fsops';
import { reclaimLeftoverKind } from '../../src/lock/leftovers';
import { copyPathFor } from '../../src/lock/create';
import { readProcessStartTime } from '../../src/lock/process';
import { guardPathFor } from '../../src/lock/reclaim';
import { keptBecause as keptWords } from '../../src/wording/kept';
import { deadPid, lockBytes, spawnSleeper, spawnWorker, startTicksOf, withDir } from './helpers';

const guardText = (pid: number) => lockBytes({ pid, createdAt: new Date().toISOString() });
const staleLockText = () => lockBytes({ pid: deadPid(), createdAt: new Date().toISOString(), maxHoldMs: 300000 });
const ago = (ms: number) => new Date(Date.now() - ms);

function verdicts(dir: string, results: RemoveResult[]): Array<[string, string | undefined, boolean]> {
  return results.map((r) => [r.lockPath.slice(dir.length + 1), r.kind, r.removed]);
}

function keptBecause(results: RemoveResult[], name: string): string {
  const found = results.find((r) => basename(r.lockPath) === name);
  assert.ok(found, `no result for ${name}`);
  assert.equal(found.removed, false);
  return keptWords(found);
}

test('reclaim leftover names: the guard and aside names the core makes, and nothing else', () => {
  const lockPath = '/sessions/a.jsonl.lock';
  assert.deepEqual(reclaimLeftoverKind(basename(guardPathFor(lockPath))), { type: 'guard' });
  assert.deepEqual(reclaimLeftoverKind(basename(asidePathFor(lockPath))), { type: 'aside', pid: process.pid });
  // A guard being cleared is moved aside too; the pid that matters is the last one.
  assert.deepEqual(reclaimLeftoverKind(basename(asidePathFor(guardPathFor(lockPath)))), { type: 'aside', pid: process.pid });
  assert.deepEqual(reclaimLeftoverKind(`a.jsonl.lock.reclaim.12.0123abcd1.reclaim.345.89abcdef0`), { type: 'aside', pid: 345 });
  assert.deepEqual(reclaimLeftoverKind(basename(copyPathFor(lockPath))), { type: 'copy', pid: process.pid, starttime: readProcessStartTime(process.pid) });
  assert.deepEqual(reclaimLeftoverKind('a.jsonl.lock.new.12.x.0123abcd1'), { type: 'copy', pid: 12, starttime: undefined });
  for (const other of ['.lock.new.12.x.0123abcd1', 'a.jsonl.lock.new.12.0123abcd1', 'a.jsonl.lock.new.0.5.0123abcd1', 'a.jsonl.lock.new.12.5.0123abcd1.tmp']) {
    assert.equal(reclaimLeftoverKind(other), undefined, other);
  }
  for (const other of ['a.jsonl.lock', 'a.jsonl', '.lock.reclaim', 'notes.reclaim.12.0123abcd1', 'a.jsonl.lock.reclaim.0.0123abcd1', 'a.jsonl.lock.reclaim.12.xyz', 'a.jsonl.lock.reclaim.12.0123abcd1.bak', 'a.jsonl.reset.2026-11-22T10:31:07.414Z']) {
    assert.equal(reclaimLeftoverKind(other), undefined, other);
  }
});

test('sweep removes a guard whose reclaimer is dead or that is ancient, and keeps a live young one', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    writeFileSync(join(dir, 'dead.jsonl.lock.reclaim'), guardText(deadPid()));
    writeFileSync(join(dir, 'live.jsonl.lock.reclaim'), guardText(sleeper.pid));
    writeFileSync(join(dir, 'stuck.jsonl.lock.reclaim'), guardText(sleeper.pid));
    utimesSync(join(dir, 'stuck.jsonl.lock.reclaim'), ago(60_000), ago(60_000));
    // Died between open(wx) and writing its pid: only age can tell.
    writeFileSync(join(dir, 'torn.jsonl.lock.reclaim'), '');
    writeFileSync(join(dir, 'torn-old.jsonl.lock.reclaim'), '');
    utimesSync(join(dir, 'torn-old.jsonl.lock.reclaim'), ago(60_000), ago(60_000));
    writeFileSync(join(dir, 'self.jsonl.lock.reclaim'), guardText(process.pid));
    mkdirSync(join(dir, 'dir.jsonl.lock.reclaim'));
    symlinkSync(join(dir, 'dead.jsonl.lock.reclaim'), join(dir, 'link.jsonl.lock.reclaim'));
    const results = await sweepStaleLocks(dir);
    assert.deepEqual(verdicts(dir, results), [
      ['dead.jsonl.lock.reclaim', 'reclaim-leftover', true],
      ['dir.jsonl.lock.reclaim', 'reclaim-leftover', false],
      ['link.jsonl.lock.reclaim', 'reclaim-leftover', false],
      ['live.jsonl.lock.reclaim', 'reclaim-leftover', false],
      ['self.jsonl.lock.reclaim', 'reclaim-leftover', false],
      ['stuck.jsonl.lock.reclaim', 'reclaim-leftover', true],
      ['torn-old.jsonl.lock.reclaim', 'reclaim-leftover', true],
      ['torn.jsonl.lock.reclaim', 'reclaim-leftover', false],
    ]);
    assert.match(keptBecause(results, 'live.jsonl.lock.reclaim'), /reclaimer may be using/);
    assert.match(keptBecause(results, 'dir.jsonl.lock.reclaim'), /directory/);
    assert.match(keptBecause(results, 'link.jsonl.lock.reclaim'), /symbolic link/);
    assert.deepEqual(readdirSync(dir).sort(), ['dir.jsonl.lock.reclaim', 'link.jsonl.lock.reclaim', 'live.jsonl.lock.reclaim', 'self.jsonl.lock.reclaim', 'torn.jsonl.lock.reclaim']);
  } finally {
    sleeper.stop();
  }
}));

test('sweep removes an aside file only when the pid in its name is dead and the rename is seconds old', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const dead = deadPid();
    const deadAside = `a.jsonl.lock.reclaim.${dead}.0123abcd1`;
    const deadGuardAside = `a.jsonl.lock.reclaim.reclaim.${dead}.0123abcd2`;
    const liveAside = `b.jsonl.lock.reclaim.${sleeper.pid}.0123abcd3`;
    const deadDirAside = `c.jsonl.lock.reclaim.${dead}.0123abcd4`;
    for (const name of [deadAside, liveAside]) {
      writeFileSync(join(dir, name), staleLockText());
      // rename() keeps the old lock's mtime: an old mtime alone must not make it look abandoned.
      utimesSync(join(dir, name), ago(60_000), ago(60_000));
    }
    // An abandoned guard being cleared by `dead`: it names the reclaimer that abandoned it.
    writeFileSync(join(dir, deadGuardAside), guardText(deadPid()));
    mkdirSync(join(dir, deadDirAside));
    const fresh = await sweepStaleLocks(dir);
    assert.ok(fresh.every((r) => r.kind === 'reclaim-leftover' && !r.removed), JSON.stringify(verdicts(dir, fresh)));
    assert.match(keptBecause(fresh, deadAside), /younger than/);
    assert.match(keptBecause(fresh, liveAside), new RegExp(`pid ${sleeper.pid}\\) is alive`));
    // A minute later by the clock: the dead reclaimer's files go, the live one's stays.
    const later = await sweepStaleLocks(dir, { now: Date.now() + 60_000 });
    assert.deepEqual(verdicts(dir, later), [
      [deadAside, 'reclaim-leftover', true],
      [deadGuardAside, 'reclaim-leftover', true],
      [liveAside, 'reclaim-leftover', false],
      [deadDirAside, 'reclaim-leftover', false],
    ]);
    assert.match(keptBecause(later, liveAside), /is alive/);
    assert.deepEqual(readdirSync(dir).sort(), [liveAside, deadDirAside].sort());
  } finally {
    sleeper.stop();
  }
}));

test('sweep reports locks first (kind lock), then leftovers, and a stale lock and its dead guard both go', withDir(async (dir) => {
  writeFileSync(join(dir, 's.jsonl.lock'), staleLockText());
  writeFileSync(join(dir, 's.jsonl.lock.reclaim'), guardText(deadPid()));
  const results = await sweepStaleLocks(dir);
  // Reclaiming s.jsonl.lock cleared the dead guard on the way; a leftover already gone is not reported.
  assert.deepEqual(verdicts(dir, results), [['s.jsonl.lock', 'lock', true]]);
  assert.deepEqual(readdirSync(dir), []);
}));

test("a displaced lock stays under its aside name: its owner learns of the loss, the newer lock is untouched, and sweep keeps it while the reclaimer lives", withDir(async (dir) => {
  let told: SessionLockError | undefined;
  const lock = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl'), onCompromised: (e) => (told = e) });
  // A reclaimer that judged an earlier file (and took no guard, like OpenClaw) renames what is
  // now our lock aside (step 1 of the swap), finds it is not the judged file...
  const aside = asidePathFor(lock.lockPath);
  renameSync(lock.lockPath, aside);
  // ...and before it can put it back, another process creates its lock.
  const newer = lockBytes({ pid: process.ppid, createdAt: new Date().toISOString(), maxHoldMs: 300000 });
  writeFileSync(lock.lockPath, newer, { flag: 'wx' });
  const details: SwapDetails = {};
  assert.equal(putBackAsideSync(aside, lock.lockPath, details), 'displaced');
  assert.equal(details.asidePath, aside);
  assert.deepEqual(readFileSync(aside), lock.bytes, 'the displaced lock was not the judged file: it must not be deleted');
  assert.equal(readFileSync(lock.lockPath, 'utf8'), newer);
  assert.equal(await lock.isHeld(), false);
  await assert.rejects(lock.assertHeld(), (e: SessionLockError) => e.code === 'SESSION_LOCK_LOST');
  assert.equal(told?.code, 'SESSION_LOCK_LOST');
  await lock.release();
  assert.equal(readFileSync(lock.lockPath, 'utf8'), newer);
  // The reclaimer (this process) is alive: sweep leaves its aside file alone, however old.
  const results = await sweepStaleLocks(dir, { now: Date.now() + 60_000 });
  assert.match(keptBecause(results, basename(aside)), /is alive/);
  assert.ok(existsSync(aside));
}));

test('a lock copy goes as soon as its name proves its maker dead, empty or not; a live maker keeps it, a reused pid does not', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const dead = deadPid();
    const start = startTicksOf(sleeper.pid);
    const names = {
      deadEmpty: `a.jsonl.lock.new.${dead}.x.0123abcd1`,
      deadWritten: `b.jsonl.lock.new.${dead}.77.0123abcd2`,
      live: `c.jsonl.lock.new.${sleeper.pid}.${start}.0123abcd3`,
      liveNoStart: `d.jsonl.lock.new.${sleeper.pid}.x.0123abcd4`,
      reusedPid: `e.jsonl.lock.new.${sleeper.pid}.${start + 1}.0123abcd5`,
      ours: basename(copyPathFor(join(dir, 'f.jsonl.lock'))),
    };
    for (const name of Object.values(names)) writeFileSync(join(dir, name), '');
    writeFileSync(join(dir, names.deadWritten), staleLockText());
    const swept = await sweepStaleLocks(dir);
    assert.deepEqual(verdicts(dir, swept), [
      [names.deadEmpty, 'reclaim-leftover', true],
      [names.deadWritten, 'reclaim-leftover', true],
      [names.live, 'reclaim-leftover', false],
      [names.liveNoStart, 'reclaim-leftover', false],
      [names.reusedPid, 'reclaim-leftover', true],
      [names.ours, 'reclaim-leftover', false],
    ]);
    assert.match(keptBecause(swept, names.live), new RegExp(`pid ${sleeper.pid}\\) is alive`));
    assert.deepEqual(readdirSync(dir).sort(), [names.live, names.liveNoStart, names.ours].sort());
  } finally {
    sleeper.stop();
  }
}));

test('across processes: a reclaimer SIGKILLed mid-reclaim leaves a guard and an aside file; sweep keeps them while it lives and removes them once it is dead', { timeout: 60_000 }, withDir(async (dir) => {
  const lockPath = join(dir, 's.jsonl.lock');
  const worker = spawnWorker({ mode: 'leave-reclaim-leftovers', lockPath });
  const left = await worker.next('left');
  const guard = basename(left.guard as string);
  const aside = basename(left.aside as string);
  const alive = await sweepStaleLocks(dir);
  assert.deepEqual(verdicts(dir, alive), [[guard, 'reclaim-leftover', false], [aside, 'reclaim-leftover', false]]);
  assert.match(keptBecause(alive, guard), /reclaimer may be using/);
  assert.match(keptBecause(alive, aside), /is alive/);
  worker.child.kill('SIGKILL');
  await worker.exited;
  // The aside holds the worker's own lock, so its payload proves its maker dead: no wait.
  const dead = await sweepStaleLocks(dir);
  assert.deepEqual(verdicts(dir, dead), [[guard, 'reclaim-leftover', true], [aside, 'reclaim-leftover', true]]);
  assert.deepEqual(readdirSync(dir), []);
}));

test('an aside whose payload names its renamer (a dropped guard, an older version\'s lock copy) goes as soon as that payload proves it dead; elsewhere the age rule still holds', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const dead = deadPid();
    const otherDead = deadPid();
    const created = (pid: number, extra: Record<string, unknown> = {}) => lockBytes({ pid, createdAt: new Date().toISOString(), maxHoldMs: 300000, hostname: hostname(), ...extra });
    const names = {
      deadMaker: `a.jsonl.lock.reclaim.${dead}.0123abcd1`,
      liveMaker: `b.jsonl.lock.reclaim.${sleeper.pid}.0123abcd2`,
      otherHost: `c.jsonl.lock.reclaim.${dead}.0123abcd3`,
      someoneElses: `d.jsonl.lock.reclaim.${dead}.0123abcd4`,
      ownGuard: `e.jsonl.lock.reclaim.reclaim.${dead}.0123abcd5`,
    };
    // A reclaimer moves its own guard aside to drop it: that copy names its maker too.
    writeFileSync(join(dir, names.ownGuard), guardText(dead));
    writeFileSync(join(dir, names.deadMaker), created(dead));
    writeFileSync(join(dir, names.liveMaker), created(sleeper.pid));
    // Written on another host, its pid says nothing here: only the age rule can clear it.
    writeFileSync(join(dir, names.otherHost), created(dead, { hostname: 'elsewhere.invalid' }));
    // A renamed lock names its holder, not the renamer that died: the age rule again.
    writeFileSync(join(dir, names.someoneElses), created(otherDead));
    const now = await sweepStaleLocks(dir);
    assert.deepEqual(verdicts(dir, now), [
      [names.deadMaker, 'reclaim-leftover', true],
      [names.liveMaker, 'reclaim-leftover', false],
      [names.otherHost, 'reclaim-leftover', false],
      [names.someoneElses, 'reclaim-leftover', false],
      [names.ownGuard, 'reclaim-leftover', true],
    ]);
    assert.match(keptBecause(now, names.liveMaker), new RegExp(`pid ${sleeper.pid}\\) is alive`));
    assert.match(keptBecause(now, names.otherHost), /younger than/);
    assert.match(keptBecause(now, names.someoneElses), /younger than/);
    const later = await sweepStaleLocks(dir, { now: Date.now() + 60_000 });
    assert.deepEqual(verdicts(dir, later).map(([name, , removed]) => [name, removed]), [[names.liveMaker, false], [names.otherHost, true], [names.someoneElses, true]]);
  } finally {
    sleeper.stop();
  }
}));
