import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, statSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync, renameSync, unlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { forceRemoveLock, inspectLock, removeStaleLock, sweepStaleLocks } from '../../src/lock';
import { swapOutSync } from '../../src/lock/fsops';
import { reclaimJudgedLockSync } from '../../src/lock/reclaim';
import { keptBecause } from '../../src/wording/kept';
import { deadPid, lockBytes, spawnSleeper, startTicksOf, withDir } from './helpers';

const staleText = () => lockBytes({ pid: deadPid(), createdAt: new Date().toISOString(), maxHoldMs: 300000 });

test('removeStaleLock removes a dead-pid lock and leaves no aside file', withDir(async (dir) => {
  const lockPath = join(dir, 'a.jsonl.lock');
  writeFileSync(lockPath, staleText());
  const result = await removeStaleLock(lockPath);
  assert.equal(result.removed, true);
  assert.equal(result.inspection.reasons[0], 'dead-pid');
  assert.deepEqual(readdirSync(dir), []);
}));

test('removeStaleLock keeps a live lock, an initialising one, an unknown-host one and reports why', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const live = join(dir, 'live.jsonl.lock');
    writeFileSync(live, lockBytes({ pid: sleeper.pid, createdAt: new Date(0).toISOString(), maxHoldMs: 1, starttime: startTicksOf(sleeper.pid) }));
    const result = await removeStaleLock(live);
    assert.equal(result.removed, false);
    assert.match(keptBecause(result), new RegExp(`held by live pid ${sleeper.pid}\\b`));
    assert.ok(existsSync(live));
  } finally {
    sleeper.stop();
  }
  const empty = join(dir, 'empty.jsonl.lock');
  writeFileSync(empty, '');
  const kept = await removeStaleLock(empty);
  assert.equal(kept.removed, false);
  assert.match(keptBecause(kept), /being written/);
  const other = join(dir, 'other.jsonl.lock');
  writeFileSync(other, lockBytes({ pid: deadPid(), createdAt: new Date().toISOString(), hostname: 'elsewhere.invalid' }));
  assert.equal((await removeStaleLock(other)).removed, false);
  assert.ok(existsSync(empty) && existsSync(other));
  assert.match(keptBecause(await removeStaleLock(join(dir, 'none.lock'))), /no lock file/);
}));

test('an old empty file is removed once past the grace', withDir(async (dir) => {
  const lockPath = join(dir, 'e.jsonl.lock');
  writeFileSync(lockPath, '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(lockPath, old, old);
  assert.equal((await removeStaleLock(lockPath)).removed, true);
  assert.equal(existsSync(lockPath), false);
}));

test('with expected, a lock replaced since inspection (new inode or new bytes) is kept', withDir(async (dir) => {
  const lockPath = join(dir, 'x.jsonl.lock');
  writeFileSync(lockPath, staleText());
  const seen = await inspectLock(lockPath);
  // Replaced by another stale lock: different inode (and bytes).
  unlinkSync(lockPath);
  writeFileSync(lockPath, staleText());
  const result = await removeStaleLock(lockPath, { expected: seen });
  assert.equal(result.removed, false);
  assert.match(keptBecause(result), /changed/);
  assert.ok(existsSync(lockPath));
  // Matching expectation: removed.
  const again = await inspectLock(lockPath);
  assert.equal((await removeStaleLock(lockPath, { expected: again })).removed, true);
}));

test('the verified swap puts back a file that is not the judged one, and never clobbers a newer lock', withDir(async (dir) => {
  const lockPath = join(dir, 'v.jsonl.lock');
  writeFileSync(lockPath, staleText());
  const judged = await inspectLock(lockPath);
  // Between judgement and swap someone replaced it with a live lock.
  const liveText = lockBytes({ pid: process.ppid, createdAt: new Date().toISOString() });
  unlinkSync(lockPath);
  writeFileSync(lockPath, liveText);
  const outcome = swapOutSync(lockPath, { dev: judged.identity!.dev, ino: judged.identity!.ino, raw: judged.raw! });
  assert.equal(outcome, 'restored');
  assert.equal(readFileSync(lockPath, 'utf8'), liveText);
  assert.deepEqual(readdirSync(dir), ['v.jsonl.lock']);
  // Same bytes but a different inode is also not the judged file.
  const sameBytes = join(dir, 'w.jsonl.lock');
  writeFileSync(sameBytes, judged.raw!);
  assert.equal(swapOutSync(sameBytes, { dev: judged.identity!.dev, ino: judged.identity!.ino, raw: judged.raw! }), 'restored');
  assert.ok(existsSync(sameBytes));
  assert.equal(swapOutSync(join(dir, 'nothing.lock'), { dev: 0, ino: 0, raw: Buffer.alloc(0) }), 'gone');
  // The judged inode whose bytes changed since (grown by one, or rewritten to another text of
  // the same length) is not the judged file either.
  const rewritten = join(dir, 'x.jsonl.lock');
  writeFileSync(rewritten, judged.raw!);
  const inode = statSync(rewritten).ino;
  const judgedHere = { dev: judged.identity!.dev, ino: inode, raw: judged.raw! };
  appendFileSync(rewritten, ' ');
  assert.equal(swapOutSync(rewritten, judgedHere), 'restored');
  writeFileSync(rewritten, Buffer.from(judged.raw!.toString('utf8').replace('"pid"', '"PID"')));
  assert.equal(statSync(rewritten).ino, inode);
  assert.equal(swapOutSync(rewritten, judgedHere), 'restored');
  assert.ok(existsSync(rewritten));
  writeFileSync(rewritten, judged.raw!);
  assert.equal(swapOutSync(rewritten, judgedHere), 'removed');
  assert.ok(!existsSync(rewritten));
}));

test('forceRemoveLock removes a live lock only while it still names the confirmed pid (and file)', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const lockPath = join(dir, 'f.jsonl.lock');
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString() }));
    const seen = await inspectLock(lockPath);
    const wrongPid = await forceRemoveLock(lockPath, { pid: sleeper.pid + 1 });
    assert.equal(wrongPid.removed, false);
    assert.match(keptBecause(wrongPid), /names pid/);
    // Same pid, but the file was rewritten since the user looked.
    unlinkSync(lockPath);
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: new Date(Date.now() + 1).toISOString() }));
    assert.equal((await forceRemoveLock(lockPath, { pid: sleeper.pid, expected: seen })).removed, false);
    assert.equal((await forceRemoveLock(lockPath, { pid: sleeper.pid })).removed, true);
    assert.equal(existsSync(lockPath), false);
  } finally {
    sleeper.stop();
  }
}));

test('forceRemoveLock never touches a directory or a symlink', withDir(async (dir) => {
  const asDir = join(dir, 'd.jsonl.lock');
  mkdirSync(asDir);
  const link = join(dir, 'l.jsonl.lock');
  symlinkSync('/etc/hostname', link);
  for (const path of [asDir, link]) {
    const result = await forceRemoveLock(path, { pid: 1 });
    assert.equal(result.removed, false);
    assert.equal(result.inspection.state, 'unreadable');
  }
  assert.ok(existsSync(asDir) && existsSync(link));
}));

test('sweepStaleLocks removes only the stale *.lock files of a directory', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    writeFileSync(join(dir, 'a.jsonl.lock'), staleText());
    writeFileSync(join(dir, 'b.jsonl.lock'), lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString() }));
    writeFileSync(join(dir, 'c.jsonl.lock'), '');
    writeFileSync(join(dir, 'sessions.json.lock'), staleText());
    writeFileSync(join(dir, 'a.jsonl'), '{"type":"session"}\n');
    writeFileSync(join(dir, 'notes.txt'), staleText());
    mkdirSync(join(dir, 'd.jsonl.lock'));
    const results = await sweepStaleLocks(dir);
    assert.deepEqual(results.map((r) => [r.lockPath.slice(dir.length + 1), r.removed]), [
      ['a.jsonl.lock', true],
      ['b.jsonl.lock', false],
      ['c.jsonl.lock', false],
      ['d.jsonl.lock', false],
      ['sessions.json.lock', true],
    ]);
    assert.deepEqual(readdirSync(dir).sort(), ['a.jsonl', 'b.jsonl.lock', 'c.jsonl.lock', 'd.jsonl.lock', 'notes.txt']);
  } finally {
    sleeper.stop();
  }
  assert.deepEqual(await sweepStaleLocks(join(dir, 'missing')), []);
  await assert.rejects(sweepStaleLocks(join(dir, 'notes.txt')), (e: Error & { code?: string }) => e.code === 'SESSION_LOCK_IO');
}));

test('as an unprivileged user: an unreadable lock is reported, and an unwritable directory gives a clear error, deleting nothing', withDir(async (dir) => {
  if (process.getuid?.() !== 0) {
    // Without root the mode bits already apply to this process: check the same outcome directly.
    const lockPath = join(dir, 'secret.jsonl.lock');
    writeFileSync(lockPath, staleText(), { mode: 0o000 });
    assert.equal((await inspectLock(lockPath)).state, 'unreadable');
    return;
  }
  // Root ignores mode bits, so the checks run in a child that dropped to nobody.
  const worker = join(__dirname, 'fixtures/inspect-as-nobody.js');
  const run = (action: string, path: string) => {
    const out = spawnSync(process.execPath, [worker, action, path], { encoding: 'utf8' });
    return JSON.parse(out.stdout) as { state?: string; problem?: string; removed?: boolean; error?: string; code?: string };
  };
  chmodSync(dir, 0o755);
  const secret = join(dir, 'secret.jsonl.lock');
  writeFileSync(secret, staleText(), { mode: 0o600 });
  const unreadable = run('inspect', secret);
  assert.equal(unreadable.state, 'unreadable');
  assert.match(unreadable.problem!, /permission denied/);
  // Readable stale lock in a directory nobody may write: removal fails with a clear error.
  const stale = join(dir, 'stale.jsonl.lock');
  writeFileSync(stale, staleText(), { mode: 0o644 });
  const failed = run('remove', stale);
  assert.equal(failed.code, 'SESSION_LOCK_IO');
  assert.match(failed.error!, /cannot remove lock .*(EACCES|permission denied)/);
  assert.ok(existsSync(secret) && existsSync(stale));
  assert.deepEqual(readdirSync(dir).sort(), ['secret.jsonl.lock', 'stale.jsonl.lock']);
}));

test('a stale lock renamed away mid-swap is reported as gone, not an error', withDir(async (dir) => {
  const lockPath = join(dir, 'g.jsonl.lock');
  writeFileSync(lockPath, staleText());
  const judged = await inspectLock(lockPath);
  renameSync(lockPath, join(dir, 'elsewhere'));
  const result = await removeStaleLock(lockPath, { expected: judged });
  assert.equal(result.removed, false);
  assert.match(keptBecause(result), /no lock file/);
}));

test('reclaim guard: a live guard makes removal wait its turn, a dead or ancient one is cleared', withDir(async (dir) => {
  const lockPath = join(dir, 'r.jsonl.lock');
  const guardPath = `${lockPath}.reclaim`;
  writeFileSync(lockPath, staleText());
  const sleeper = spawnSleeper('other-reclaimer');
  try {
    writeFileSync(guardPath, lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString() }));
    const busy = await removeStaleLock(lockPath);
    assert.equal(busy.removed, false);
    assert.match(keptBecause(busy), /another process is reclaiming/);
    assert.ok(existsSync(lockPath) && existsSync(guardPath));
    // The same live guard, but far older than any reclaim takes: its holder is stuck.
    const ancient = new Date(Date.now() - 60_000);
    utimesSync(guardPath, ancient, ancient);
    assert.equal((await removeStaleLock(lockPath)).removed, true);
  } finally {
    sleeper.stop();
  }
  writeFileSync(lockPath, staleText());
  writeFileSync(guardPath, lockBytes({ pid: deadPid(), createdAt: new Date().toISOString() }));
  assert.equal((await removeStaleLock(lockPath)).removed, true);
  assert.deepEqual(readdirSync(dir), []);
}));

test('reclaim guard: the lock is re-judged under the guard and kept if it changed', withDir(async (dir) => {
  const lockPath = join(dir, 'q.jsonl.lock');
  writeFileSync(lockPath, staleText());
  const judged = await inspectLock(lockPath);
  unlinkSync(lockPath);
  const replacement = lockBytes({ pid: process.ppid, createdAt: new Date().toISOString() });
  writeFileSync(lockPath, replacement);
  assert.equal(reclaimJudgedLockSync(lockPath, judged, {}, () => true), 'changed');
  assert.equal(readFileSync(lockPath, 'utf8'), replacement);
  // Same file, but no longer removable by the caller's rule.
  const again = await inspectLock(lockPath);
  assert.equal(reclaimJudgedLockSync(lockPath, again, {}, () => false), 'changed');
  assert.equal(reclaimJudgedLockSync(lockPath, again, {}, () => true), 'removed');
  assert.deepEqual(readdirSync(dir), []);
}));
