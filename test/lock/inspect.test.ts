import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inspectLock, lockPathFor, readProcessStartTime } from '../../src/lock';
import { deadPid, lockBytes, spawnSleeper, startTicksOf, withDir } from './helpers';
import { hostname } from 'node:os';

const NOW_ISO = () => new Date().toISOString();

function ageFile(path: string, seconds: number): void {
  const when = new Date(Date.now() - seconds * 1000);
  utimesSync(path, when, when);
}

test('lockPathFor resolves only the directory and never creates the session file', withDir(async (dir) => {
  mkdirSync(join(dir, 'real'));
  symlinkSync(join(dir, 'real'), join(dir, 'link'));
  const lockPath = await lockPathFor(join(dir, 'link', 'abc.jsonl'));
  assert.equal(lockPath, join(dir, 'real', 'abc.jsonl.lock'));
  assert.equal(existsSync(join(dir, 'real', 'abc.jsonl')), false);
  // A symlinked session file itself is not resolved: only its directory.
  await assert.rejects(lockPathFor(join(dir, 'missing-dir', 'abc.jsonl')), (e: Error & { code?: string }) => e.code === 'SESSION_LOCK_IO' && /does not exist/.test(e.message));
}));

test('no lock file: free, nothing reclaimable', withDir(async (dir) => {
  const inspection = await inspectLock(join(dir, 'x.jsonl.lock'));
  assert.equal(inspection.state, 'free');
  assert.equal(inspection.reclaimable, false);
  assert.deepEqual(inspection.reasons, []);
}));

test('the exact OpenClaw 2026.7.35 file naming a dead pid: stale, dead-pid, bytes and identity returned', withDir(async (dir) => {
  const lockPath = join(dir, 's.jsonl.lock');
  const text = lockBytes({ pid: deadPid(), createdAt: NOW_ISO(), maxHoldMs: 300000, starttime: 51186 });
  writeFileSync(lockPath, text);
  const inspection = await inspectLock(lockPath);
  assert.equal(inspection.state, 'stale');
  assert.deepEqual(inspection.reasons, ['dead-pid']);
  assert.equal(inspection.reclaimable, true);
  assert.equal(inspection.raw?.toString(), text);
  assert.equal(inspection.identity?.size, Buffer.byteLength(text));
  assert.equal(inspection.owner?.alive, false);
  assert.equal(inspection.maxHoldMs, 300000);
}));

test('a live OpenClaw owner with a matching starttime: held, not reclaimable, no reasons', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    let starttime: number | undefined;
    for (let i = 0; i < 100 && starttime === undefined; i++) starttime = readProcessStartTime(sleeper.pid);
    const lockPath = join(dir, 's.jsonl.lock');
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: NOW_ISO(), maxHoldMs: 300000, starttime }));
    const inspection = await inspectLock(lockPath);
    assert.equal(inspection.state, 'held');
    assert.deepEqual(inspection.reasons, []);
    assert.equal(inspection.reclaimable, false);
    assert.equal(inspection.owner?.alive, true);
    assert.equal(inspection.owner?.starttimeMatches, true);
    assert.equal(inspection.owner?.isOpenClaw, true);
  } finally {
    sleeper.stop();
  }
}));

test('a live pid whose start time differs: recycled-pid, reclaimable', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const lockPath = join(dir, 's.jsonl.lock');
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: NOW_ISO(), maxHoldMs: 300000, starttime: 1 }));
    const inspection = await inspectLock(lockPath);
    assert.equal(inspection.state, 'stale');
    assert.equal(inspection.reasons[0], 'recycled-pid');
    assert.equal(inspection.reclaimable, true);
    assert.equal(inspection.owner?.starttimeMatches, false);
  } finally {
    sleeper.stop();
  }
}));

test('a live pid and no starttime in the payload (older release): judged alive, never recycled', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const lockPath = join(dir, 's.jsonl.lock');
    writeFileSync(lockPath, '{\n  "pid": ' + sleeper.pid + ',\n  "createdAt": "' + NOW_ISO() + '"\n}');
    const inspection = await inspectLock(lockPath);
    assert.equal(inspection.state, 'held');
    assert.equal(inspection.reclaimable, false);
    assert.equal(inspection.owner?.starttimeMatches, undefined);
  } finally {
    sleeper.stop();
  }
}));

test('too-old, hold-exceeded and non-openclaw-owner are report-only while the owner lives', withDir(async (dir) => {
  const sleeper = spawnSleeper('not-the-gateway');
  try {
    const lockPath = join(dir, 's.jsonl.lock');
    const createdAt = new Date(Date.now() - 2 * 3600_000).toISOString();
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt, maxHoldMs: 300000, starttime: startTicksOf(sleeper.pid) }));
    const inspection = await inspectLock(lockPath);
    assert.equal(inspection.state, 'held');
    assert.deepEqual([...inspection.reasons].sort(), ['hold-exceeded', 'non-openclaw-owner', 'too-old']);
    assert.equal(inspection.reclaimable, false);
    assert.ok(inspection.ageMs! >= 2 * 3600_000 - 1000);
    // The staleMs option moves the too-old line; readCommandLine: false skips the owner check.
    const relaxed = await inspectLock(lockPath, { staleMs: 3 * 3600_000, readCommandLine: false });
    assert.deepEqual(relaxed.reasons, ['hold-exceeded']);
    assert.equal(relaxed.owner?.commandLine, undefined);
  } finally {
    sleeper.stop();
  }
}));

test('empty and torn payloads are initialising while young, then stale after the grace', withDir(async (dir) => {
  for (const [name, body] of [['empty', ''], ['torn', '{\n  "pid": 164'], ['garbage', '\u0000\u0001binary'], ['braces', '{}']] as const) {
    const lockPath = join(dir, `${name}.jsonl.lock`);
    writeFileSync(lockPath, body);
    const young = await inspectLock(lockPath);
    assert.equal(young.state, 'initialising', name);
    assert.equal(young.reclaimable, false, name);
    assert.equal(young.reasons[0], 'missing-pid', name);
    assert.ok(young.problem, name);
    ageFile(lockPath, 31);
    const old = await inspectLock(lockPath);
    assert.equal(old.state, 'stale', name);
    assert.equal(old.reclaimable, true, name);
    // A custom grace applies.
    assert.equal((await inspectLock(lockPath, { tornGraceMs: 60_000 })).state, 'initialising', name);
  }
}));

test('negative, zero, huge and non-integer pids are missing-pid (torn rules), never judged by pid', withDir(async (dir) => {
  for (const pid of [-1, 0, 2 ** 40, 12.5, '16478', null]) {
    const lockPath = join(dir, 'p.jsonl.lock');
    writeFileSync(lockPath, lockBytes({ pid, createdAt: NOW_ISO() }));
    const inspection = await inspectLock(lockPath);
    assert.equal(inspection.state, 'initialising', String(pid));
    assert.deepEqual(inspection.reasons, ['missing-pid'], String(pid));
    assert.equal(inspection.owner, undefined);
  }
}));

test('numeric createdAt: invalid-createdAt; a dead owner is still reclaimable, a live one is kept', withDir(async (dir) => {
  const lockPath = join(dir, 'c.jsonl.lock');
  writeFileSync(lockPath, lockBytes({ pid: deadPid(), createdAt: Date.now() }));
  const dead = await inspectLock(lockPath);
  assert.deepEqual(dead.reasons, ['dead-pid', 'invalid-createdAt']);
  assert.equal(dead.reclaimable, true);
  const sleeper = spawnSleeper('openclaw');
  try {
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: Date.now() }));
    ageFile(lockPath, 120);
    const live = await inspectLock(lockPath);
    assert.equal(live.state, 'held');
    assert.deepEqual(live.reasons, ['invalid-createdAt']);
    assert.equal(live.reclaimable, false);
    // Age falls back to the file's mtime.
    assert.ok(live.ageMs! >= 119_000);
  } finally {
    sleeper.stop();
  }
}));

test('a lock from another host is never judged by pid', withDir(async (dir) => {
  const lockPath = join(dir, 'h.jsonl.lock');
  writeFileSync(lockPath, lockBytes({ pid: deadPid(), createdAt: NOW_ISO(), maxHoldMs: 1000, hostname: `not-${hostname()}` }));
  const inspection = await inspectLock(lockPath);
  assert.equal(inspection.state, 'unknown-host');
  assert.equal(inspection.reclaimable, false);
  assert.equal(inspection.owner, undefined);
  assert.match(inspection.problem!, /another|host/);
  // Our own hostname is judged normally.
  writeFileSync(lockPath, lockBytes({ pid: deadPid(), createdAt: NOW_ISO(), hostname: hostname() }));
  assert.equal((await inspectLock(lockPath)).state, 'stale');
}));

test('our own pid on a lock this process does not hold: orphan-self-pid', withDir(async (dir) => {
  const lockPath = join(dir, 'o.jsonl.lock');
  writeFileSync(lockPath, lockBytes({ pid: process.pid, createdAt: NOW_ISO(), starttime: readProcessStartTime(process.pid) }));
  const inspection = await inspectLock(lockPath);
  assert.equal(inspection.state, 'stale');
  assert.deepEqual(inspection.reasons, ['orphan-self-pid']);
  assert.equal(inspection.owner?.isSelf, true);
  assert.equal(inspection.reclaimable, true);
}));

test('a directory, a FIFO and a symlink at the lock path are unreadable with a clear problem and left alone', withDir(async (dir) => {
  const asDir = join(dir, 'd.jsonl.lock');
  mkdirSync(asDir);
  const fifo = join(dir, 'f.jsonl.lock');
  execFileSync('mkfifo', [fifo]);
  const target = join(dir, 'target');
  writeFileSync(target, lockBytes({ pid: deadPid(), createdAt: NOW_ISO() }));
  const link = join(dir, 'l.jsonl.lock');
  symlinkSync(target, link);
  const dangling = join(dir, 'g.jsonl.lock');
  symlinkSync(join(dir, 'nowhere'), dangling);
  for (const [path, words] of [[asDir, /directory/], [fifo, /FIFO/], [link, /symbolic link/], [dangling, /symbolic link/]] as const) {
    const inspection = await inspectLock(path);
    assert.equal(inspection.state, 'unreadable', path);
    assert.equal(inspection.reclaimable, false, path);
    assert.match(inspection.problem!, words, path);
  }
  assert.ok(readFileSync(target).length > 0);
}));

test('a huge file at the lock path is not judged', withDir(async (dir) => {
  const lockPath = join(dir, 'big.jsonl.lock');
  writeFileSync(lockPath, Buffer.alloc(1024 * 1024, 0x20));
  ageFile(lockPath, 3600);
  const inspection = await inspectLock(lockPath);
  assert.equal(inspection.state, 'unreadable');
  assert.match(inspection.problem!, /too large/);
  assert.equal(inspection.reclaimable, false);
}));

test('inspection changes nothing on disk', withDir(async (dir) => {
  const lockPath = join(dir, 'n.jsonl.lock');
  const text = lockBytes({ pid: deadPid(), createdAt: NOW_ISO() });
  writeFileSync(lockPath, text);
  ageFile(lockPath, 100);
  const before = (await inspectLock(lockPath)).identity!;
  await inspectLock(lockPath);
  assert.equal(readFileSync(lockPath, 'utf8'), text);
  assert.deepEqual((await inspectLock(lockPath)).identity, before);
}));
