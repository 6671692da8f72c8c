import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, chmodSync, renameSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { queueDirFor } from '../../src/lock/queue';
import { FAIR_STREAK, fairStreakFor } from '../../src/lock/turns';
import { watchdogTimerSet } from '../../src/lock/watchdog';
import {
  acquireSessionWriteLock,
  configureWatchdog,
  inspectLock,
  listHeldLocks,
  readProcessStartTime,
  removeStaleLock,
  runWatchdogOnce,
  SessionLockError,
  type SessionWriteLock,
} from '../../src/lock';
import { deadPid, lockBytes, spawnSleeper, startTicksOf, withDir } from './helpers';

const isCode = (code: string, message?: RegExp) => (error: unknown) =>
  error instanceof SessionLockError && error.code === code && (!message || message.test(error.message));

test('acquire writes OpenClaw 2026.7.x bytes plus our extras and never creates the session file', withDir(async (dir) => {
  const sessionFile = join(dir, 'abc.jsonl');
  const lock = await acquireSessionWriteLock({ sessionFile, timeoutMs: 1000 });
  const bytes = readFileSync(lock.lockPath);
  assert.equal(lock.lockPath, `${dir}/abc.jsonl.lock`);
  assert.deepEqual(bytes, lock.bytes);
  const parsed = JSON.parse(bytes.toString());
  assert.deepEqual(Object.keys(parsed), ['pid', 'createdAt', 'maxHoldMs', 'starttime', 'hostname', 'token']);
  assert.equal(parsed.pid, process.pid);
  assert.equal(parsed.starttime, readProcessStartTime(process.pid));
  assert.equal(parsed.maxHoldMs, 300_000);
  assert.match(parsed.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.ok(bytes.toString().endsWith('\n}\n'.slice(1)));
  // Without our extras, the bytes are exactly OpenClaw's shape.
  const { hostname: _h, token: _t, ...openclaw } = parsed;
  assert.equal(bytes.toString().startsWith(JSON.stringify(openclaw, null, 2).slice(0, -2)), true);
  assert.equal(existsSync(sessionFile), false);
  await lock.release();
  assert.deepEqual(readdirSync(dir), []);
}));

test('maxHoldMs defaults to max(5 min, timeout + 120 s) and can be set', withDir(async (dir) => {
  const a = await acquireSessionWriteLock({ sessionFile: join(dir, 'a.jsonl'), timeoutMs: 600_000 });
  assert.equal(a.payload.maxHoldMs, 720_000);
  const b = await acquireSessionWriteLock({ sessionFile: join(dir, 'b.jsonl'), maxHoldMs: 1234 });
  assert.equal(b.payload.maxHoldMs, 1234);
  await a.release();
  await b.release();
}));

test('release is idempotent and isHeld/assertHeld track ownership', withDir(async (dir) => {
  const lock = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl') });
  assert.equal(await lock.isHeld(), true);
  await lock.assertHeld();
  await lock.release();
  await lock.release();
  assert.equal(lock.released, true);
  assert.equal(await lock.isHeld(), false);
  await assert.rejects(lock.assertHeld(), isCode('SESSION_LOCK_LOST'));
}));

test('a lock taken over by someone else is reported lost and release leaves the successor alone', withDir(async (dir) => {
  let compromised: SessionLockError | undefined;
  const lock = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl'), onCompromised: (e) => (compromised = e) });
  // Another tool decided our lock was stale and replaced it with its own.
  const successor = lockBytes({ pid: process.ppid, createdAt: new Date().toISOString(), maxHoldMs: 300000 });
  unlinkSync(lock.lockPath);
  writeFileSync(lock.lockPath, successor);
  assert.equal(await lock.isHeld(), false);
  await assert.rejects(lock.assertHeld(), isCode('SESSION_LOCK_LOST'));
  assert.equal(compromised?.code, 'SESSION_LOCK_LOST');
  assert.equal(lock.compromised, compromised);
  await lock.release();
  assert.equal(readFileSync(lock.lockPath, 'utf8'), successor);
}));

test('same bytes on a new inode are not ours either', withDir(async (dir) => {
  const lock = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl') });
  const copy = join(dir, 'copy');
  writeFileSync(copy, lock.bytes);
  renameSync(copy, lock.lockPath);
  assert.equal(await lock.isHeld(), false);
  await lock.release();
  assert.deepEqual(readFileSync(lock.lockPath), lock.bytes);
}));

test('reentrancy: the same owner nests, the file goes at zero', withDir(async (dir) => {
  const owner = {};
  const sessionFile = join(dir, 's.jsonl');
  const outer = await acquireSessionWriteLock({ sessionFile, owner });
  const inner = await acquireSessionWriteLock({ sessionFile, owner, timeoutMs: 100 });
  assert.deepEqual(inner.bytes, outer.bytes);
  await inner.release();
  await inner.release(); // a second release of the same handle does not decrement again
  assert.equal(await outer.isHeld(), true);
  await outer.release();
  assert.equal(existsSync(outer.lockPath), false);
}));

test('a released nested handle is not told about a later loss; the handles still holding are', withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const owner = {};
  const told: string[] = [];
  const outer = await acquireSessionWriteLock({ sessionFile, owner, onCompromised: () => told.push('outer') });
  // Many short nested sections inside one long hold, each with its own listener.
  for (let i = 0; i < 3; i++) {
    const nested = await acquireSessionWriteLock({ sessionFile, owner, onCompromised: () => told.push(`released-${i}`) });
    await nested.release();
  }
  // A listener that releases its own handle while being told must not make others miss the news.
  const selfReleasing: { handle?: Awaited<ReturnType<typeof acquireSessionWriteLock>> } = {};
  selfReleasing.handle = await acquireSessionWriteLock({ sessionFile, owner, onCompromised: () => { told.push('self-releasing'); void selfReleasing.handle!.release(); } });
  const stillNested = await acquireSessionWriteLock({ sessionFile, owner, onCompromised: () => told.push('still-nested') });
  unlinkSync(outer.lockPath);
  assert.equal(await outer.isHeld(), false);
  assert.deepEqual(told, ['outer', 'self-releasing', 'still-nested']);
  assert.equal(stillNested.compromised?.code, 'SESSION_LOCK_LOST');
  await stillNested.release();
  await outer.release();
}));

test('two owners in one process exclude each other and are served in FIFO order', withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const first = await acquireSessionWriteLock({ sessionFile, owner: {} });
  const order: string[] = [];
  const waiters = ['a', 'b', 'c'].map((name) =>
    acquireSessionWriteLock({ sessionFile, owner: {}, timeoutMs: 30_000 }).then(async (lock) => {
      order.push(`${name}+`);
      assert.equal(await lock.isHeld(), true);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`${name}-`);
      await lock.release();
    }),
  );
  // Nobody else may get in while the first holds.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(order, []);
  await first.release();
  await Promise.all(waiters);
  assert.deepEqual(order, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  // Default owners (none given) are independent callers too.
  const x = await acquireSessionWriteLock({ sessionFile });
  await assert.rejects(acquireSessionWriteLock({ sessionFile, timeoutMs: 50 }), isCode('SESSION_LOCK_TIMEOUT'));
  await x.release();
}));

test('timeout against a live holder: OpenClaw message and a stable code', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const sessionFile = join(dir, 's.jsonl');
    writeFileSync(`${sessionFile}.lock`, lockBytes({ pid: sleeper.pid, createdAt: new Date(Date.now() - 5000).toISOString(), maxHoldMs: 300000, starttime: startTicksOf(sleeper.pid) }));
    await assert.rejects(
      acquireSessionWriteLock({ sessionFile, timeoutMs: 150 }),
      isCode('SESSION_LOCK_TIMEOUT', new RegExp(`^session file locked \\(timeout 150ms\\): pid=${sleeper.pid} alive=true ageMs=\\d+ ${dir}/s\\.jsonl\\.lock$`)),
    );
    assert.ok(existsSync(`${sessionFile}.lock`));
  } finally {
    sleeper.stop();
  }
}));

test('the timeout default comes from OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  const saved = process.env.OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS;
  try {
    process.env.OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS = '120';
    const sessionFile = join(dir, 's.jsonl');
    writeFileSync(`${sessionFile}.lock`, lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString() }));
    await assert.rejects(acquireSessionWriteLock({ sessionFile }), isCode('SESSION_LOCK_TIMEOUT', /timeout 120ms/));
  } finally {
    if (saved === undefined) delete process.env.OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS;
    else process.env.OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS = saved;
    sleeper.stop();
  }
}));

test('an AbortSignal stops waiting (on disk and in the in-process queue) and a pre-aborted one fails at once', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const sessionFile = join(dir, 's.jsonl');
    writeFileSync(`${sessionFile}.lock`, lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString() }));
    const controller = new AbortController();
    const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 60_000, signal: controller.signal });
    const queued = acquireSessionWriteLock({ sessionFile, timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(pending, isCode('SESSION_LOCK_ABORTED'));
    await assert.rejects(queued, isCode('SESSION_LOCK_ABORTED'));
    await assert.rejects(acquireSessionWriteLock({ sessionFile, signal: AbortSignal.abort() }), isCode('SESSION_LOCK_ABORTED'));
    // Nothing we did touched the holder's lock.
    assert.equal(JSON.parse(readFileSync(`${sessionFile}.lock`, 'utf8')).pid, sleeper.pid);
  } finally {
    sleeper.stop();
  }
}));

test('a waiter wakes when the holder removes its lock', withDir(async (dir) => {
  const sleeper = spawnSleeper('openclaw');
  try {
    const sessionFile = join(dir, 's.jsonl');
    const lockPath = `${sessionFile}.lock`;
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString() }));
    const waits: Array<number | undefined> = [];
    const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 30_000, onWait: (info) => waits.push(info.holder.owner?.pid) });
    setTimeout(() => unlinkSync(lockPath), 300);
    const lock = await pending;
    assert.equal(JSON.parse(readFileSync(lockPath, 'utf8')).pid, process.pid);
    // onWait named the holder as soon as we had to wait.
    assert.ok(waits.length >= 1);
    assert.equal(waits[0], sleeper.pid);
    await lock.release();
  } finally {
    sleeper.stop();
  }
}));

test('stale locks are reclaimed: dead pid at once, an old torn file after the grace; a young torn file is waited for', withDir(async (dir) => {
  const dead = join(dir, 'dead.jsonl');
  writeFileSync(`${dead}.lock`, lockBytes({ pid: deadPid(), createdAt: new Date().toISOString(), maxHoldMs: 300000, starttime: 5 }));
  const a = await acquireSessionWriteLock({ sessionFile: dead, timeoutMs: 5000 });
  assert.equal(a.payload.pid, process.pid);
  await a.release();

  const torn = join(dir, 'torn.jsonl');
  writeFileSync(`${torn}.lock`, '{\n  "pid": 12');
  await assert.rejects(acquireSessionWriteLock({ sessionFile: torn, timeoutMs: 100 }), isCode('SESSION_LOCK_TIMEOUT', /pid=unknown alive=false/));
  const old = new Date(Date.now() - 31_000);
  utimesSync(`${torn}.lock`, old, old);
  const b = await acquireSessionWriteLock({ sessionFile: torn, timeoutMs: 5000 });
  await b.release();

  // A short tornGraceMs applies to acquisitions too.
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(`${empty}.lock`, '');
  const c = await acquireSessionWriteLock({ sessionFile: empty, timeoutMs: 10_000, tornGraceMs: 200 });
  await c.release();
  assert.deepEqual(readdirSync(dir), []);
}));

test('a live lock that is merely too old or past its maxHoldMs is not taken', withDir(async (dir) => {
  const sleeper = spawnSleeper('some-other-tool');
  try {
    const sessionFile = join(dir, 's.jsonl');
    writeFileSync(`${sessionFile}.lock`, lockBytes({ pid: sleeper.pid, createdAt: new Date(0).toISOString(), maxHoldMs: 1, starttime: startTicksOf(sleeper.pid) }));
    await assert.rejects(acquireSessionWriteLock({ sessionFile, timeoutMs: 100, staleMs: 1 }), isCode('SESSION_LOCK_TIMEOUT'));
  } finally {
    sleeper.stop();
  }
}));

test('a directory or a symlink at the lock path: UNSAFE_PATH at once, nothing removed or followed', withDir(async (dir) => {
  const d = join(dir, 'd.jsonl');
  mkdirSync(`${d}.lock`);
  await assert.rejects(acquireSessionWriteLock({ sessionFile: d, timeoutMs: 10_000 }), isCode('SESSION_LOCK_UNSAFE_PATH', /directory/));
  const l = join(dir, 'l.jsonl');
  const target = join(dir, 'target');
  symlinkSync(target, `${l}.lock`);
  await assert.rejects(acquireSessionWriteLock({ sessionFile: l, timeoutMs: 10_000 }), isCode('SESSION_LOCK_UNSAFE_PATH', /symbolic link/));
  assert.equal(existsSync(target), false);
  assert.ok(existsSync(`${d}.lock`));
}));

test('a missing session directory is a clear IO error', withDir(async (dir) => {
  await assert.rejects(acquireSessionWriteLock({ sessionFile: join(dir, 'nope', 's.jsonl') }), isCode('SESSION_LOCK_IO', /directory does not exist/));
}));

test('an unwritable directory is a clear IO error (as nobody)', withDir(async (dir) => {
  chmodSync(dir, 0o755);
  const script = `
    ${process.getuid?.() === 0 ? 'process.setgid(65534); process.setuid(65534);' : ''}
    const { acquireSessionWriteLock } = require(${JSON.stringify(join(__dirname, 'fixtures', 'lock-api.js'))});
    acquireSessionWriteLock({ sessionFile: ${JSON.stringify(join(dir, 's.jsonl'))}, timeoutMs: 1000 })
      .then(() => process.stdout.write('acquired'), (e) => process.stdout.write(e.code + ' ' + e.message));
  `;
  if (process.getuid?.() !== 0) chmodSync(dir, 0o555);
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout;
  assert.match(out, /^SESSION_LOCK_IO cannot create lock .*s\.jsonl\.lock: EACCES/);
  assert.deepEqual(readdirSync(dir), []);
}));

test('our own held lock inspects as held, not orphan-self-pid, and is listed', withDir(async (dir) => {
  const lock = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl') });
  const inspection = await inspectLock(lock.lockPath);
  assert.equal(inspection.state, 'held');
  assert.equal(inspection.owner?.isSelf, true);
  assert.equal(inspection.reclaimable, false);
  assert.ok(listHeldLocks().some((held) => held.lockPath === lock.lockPath));
  await lock.release();
  assert.ok(!listHeldLocks().some((held) => held.lockPath === lock.lockPath));
}));

test('watchdog: past maxHoldMs it releases our lock, logs OpenClaw\'s line and tells the holder', withDir(async (dir) => {
  const lines: string[] = [];
  const previous = configureWatchdog({ logger: (line) => lines.push(line) });
  try {
    const told: SessionLockError[] = [];
    const lock = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl'), maxHoldMs: 1000, onCompromised: (e) => told.push(e) });
    runWatchdogOnce(Date.now()); // within maxHoldMs: nothing happens
    assert.equal(await lock.isHeld(), true);
    runWatchdogOnce(Date.now() + 5000);
    assert.equal(existsSync(lock.lockPath), false);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, new RegExp(`^\\[session-write-lock\\] releasing lock held for \\d+ms \\(max=1000ms\\): ${lock.lockPath}$`));
    assert.equal(told.length, 1);
    assert.equal(told[0]!.code, 'SESSION_LOCK_LOST');
    assert.equal(lock.compromised, told[0]);
    assert.equal(lock.released, true);
    await lock.release();
    // The slot is free again for this process.
    const next = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl'), timeoutMs: 1000 });
    await next.release();
  } finally {
    configureWatchdog(previous);
  }
}));

test('watchdog: never removes a successor, survives a throwing callback and logger, and reports deletion', withDir(async (dir) => {
  const previous = configureWatchdog({ logger: () => { throw new Error('broken logger'); } });
  try {
    const lock = await acquireSessionWriteLock({ sessionFile: join(dir, 's.jsonl'), maxHoldMs: 1000, onCompromised: () => { throw new Error('broken callback'); } });
    const successor = lockBytes({ pid: process.ppid, createdAt: new Date().toISOString() });
    unlinkSync(lock.lockPath);
    writeFileSync(lock.lockPath, successor);
    assert.doesNotThrow(() => runWatchdogOnce(Date.now() + 5000));
    assert.equal(readFileSync(lock.lockPath, 'utf8'), successor);
    assert.equal(lock.compromised?.code, 'SESSION_LOCK_LOST');
    unlinkSync(lock.lockPath);

    let told: SessionLockError | undefined;
    const other = await acquireSessionWriteLock({ sessionFile: join(dir, 't.jsonl'), onCompromised: (e) => (told = e) });
    unlinkSync(other.lockPath);
    runWatchdogOnce();
    assert.match(told?.message ?? '', /lost/);
  } finally {
    configureWatchdog(previous);
  }
}));

test('watchdog: one interval serves back-to-back locks (it outlives a release) and stops at its first tick without a lock', withDir(async (dir) => {
  const previous = configureWatchdog({ intervalMs: 25, logger: () => undefined });
  try {
    const sessionFile = join(dir, 's.jsonl');
    await (await acquireSessionWriteLock({ sessionFile })).release();
    assert.equal(watchdogTimerSet(), true, 'the release cleared the interval');
    const told: SessionLockError[] = [];
    const lock = await acquireSessionWriteLock({ sessionFile, maxHoldMs: 1, onCompromised: (e) => told.push(e) });
    for (const began = Date.now(); told.length === 0 && Date.now() - began < 5000; ) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(told[0]?.code, 'SESSION_LOCK_LOST', 'the kept interval did not watch the next lock');
    await lock.release();
    for (const began = Date.now(); watchdogTimerSet() && Date.now() - began < 5000; ) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(watchdogTimerSet(), false, 'the interval kept running without a lock');
  } finally {
    configureWatchdog(previous);
  }
}));

test('the watchdog interval does not keep a process alive', withDir(async (dir) => {
  const script = `
    const { acquireSessionWriteLock } = require(${JSON.stringify(join(__dirname, 'fixtures', 'lock-api.js'))});
    acquireSessionWriteLock({ sessionFile: ${JSON.stringify(join(dir, 's.jsonl'))} }).then(() => process.stdout.write('holding'));
  `;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.stdout, 'holding');
  assert.equal(result.status, 0);
}));

// Keeps the type import honest for handles used above.
export type { SessionWriteLock };

test('nobody queued: a back-to-back re-acquirer never yields (open(wx) runs inside the call)', withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  for (let i = 0; i < 200; i++) {
    const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 10_000 });
    assert.ok(existsSync(lockPath), `acquisition ${i} did not create the file at once`);
    await (await pending).release();
  }
  assert.deepEqual(readdirSync(dir), []);
}));

test('another process queued: a re-acquirer takes the lock at most FAIR_STREAK + 1 times in a row (a batch), then queues behind it', withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const queueDir = queueDirFor(lockPath);
  // A live waiter of another process (our parent) announced itself and never acts.
  mkdirSync(queueDir);
  const other = join(queueDir, `${String(Date.now() * 1000).padStart(16, '0')}-${process.ppid}-${startTicksOf(process.ppid)}-0123456789abcdef`);
  writeFileSync(other, '');
  let immediate = 0;
  for (let i = 0; i <= FAIR_STREAK + 1; i++) {
    const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 10_000 });
    if (existsSync(lockPath)) immediate++;
    await (await pending).release();
  }
  assert.equal(immediate, FAIR_STREAK + 1);
  // The one that queued left its ticket behind when it got the lock; the other waiter's stays,
  // and our holder's mark goes when the release's wake goes out (on the next turn).
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(readdirSync(queueDir), [basename(other)]);
  // A dead waiter's ticket counts for nothing: removed by whoever meets it, and no queueing.
  unlinkSync(other);
  const dead = join(queueDir, `${String(Date.now() * 1000).padStart(16, '0')}-${deadPid()}-1-0123456789abcdef`);
  writeFileSync(dead, '');
  for (let i = 0; i <= FAIR_STREAK; i++) {
    const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 10_000 });
    assert.ok(existsSync(lockPath));
    await (await pending).release();
  }
  assert.equal(existsSync(dead), false);
}));

test('a waiter arriving in the middle of a back-to-back run waits for the rest of its batch; after a pause a new batch begins', withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const queueDir = queueDirFor(lockPath);
  /** Acquisitions taken at once (open(wx) inside the call) before the first that queues, at most `max`. */
  const runBeforeQueueing = async (max: number): Promise<number> => {
    for (let i = 0; i < max; i++) {
      const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 10_000 });
      const immediate = existsSync(lockPath);
      await (await pending).release();
      if (!immediate) return i;
    }
    return max;
  };
  const ticket = join(queueDir, `${String(Date.now() * 1000).padStart(16, '0')}-${process.ppid}-${startTicksOf(process.ppid)}-0123456789abcdef`);
  assert.equal(await runBeforeQueueing(10), 10, 'nobody queued');
  // A live waiter of another process (our parent, which never acts) queues now.
  mkdirSync(queueDir);
  writeFileSync(ticket, '');
  assert.equal(await runBeforeQueueing(100), FAIR_STREAK + 1 - 10, 'the batch did not end where it would have');
  unlinkSync(ticket);
  await runBeforeQueueing(10);
  await new Promise((resolve) => setTimeout(resolve, 120));
  mkdirSync(queueDir, { recursive: true });
  writeFileSync(ticket, '');
  assert.equal(await runBeforeQueueing(100), FAIR_STREAK + 1, 'a pause did not begin a new batch');
}));

test('waiters that queue in the middle of a batch shorten it: the holder counts the queue again every few releases', withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const queueDir = queueDirFor(lockPath);
  const ticketOf = (pid: number): string => join(queueDir, `${String(Date.now() * 1000).padStart(16, '0')}-${pid}-${startTicksOf(pid)}-0123456789abcdef`);
  const sleepers = Array.from({ length: 6 }, () => spawnSleeper());
  try {
    mkdirSync(queueDir);
    writeFileSync(ticketOf(process.ppid), '');
    let immediate = 0;
    for (let i = 0; i < 100; i++) {
      // Six more live waiters (never acting) queue after our second acquisition.
      if (i === 2) for (const sleeper of sleepers) writeFileSync(ticketOf(sleeper.pid), '');
      const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 10_000 });
      const atOnce = existsSync(lockPath);
      await (await pending).release();
      if (!atOnce) break;
      immediate++;
    }
    assert.equal(immediate, fairStreakFor(7) + 1, 'the batch was not sized for the seven waiters');
  } finally {
    for (const sleeper of sleepers) sleeper.stop();
  }
}));

test('a waiter that never takes its turn (a frozen process) costs one queued acquisition per batch, not one per acquisition', { timeout: 60_000 }, withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const queueDir = queueDirFor(lockPath);
  mkdirSync(queueDir);
  // Our parent: alive, and it never acts on its ticket.
  writeFileSync(join(queueDir, `${String(Date.now() * 1000).padStart(16, '0')}-${process.ppid}-${startTicksOf(process.ppid)}-0123456789abcdef`), '');
  const batches = 4;
  let queued = 0;
  for (let i = 0; i < batches * (FAIR_STREAK + 1); i++) {
    const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 10_000 });
    if (!existsSync(lockPath)) queued++;
    await (await pending).release();
  }
  // Each batch ends with one acquisition that queues behind the frozen head and takes the free
  // lock on its timer; the next batch starts afresh from there.
  assert.ok(queued <= batches, `${queued} of ${batches * (FAIR_STREAK + 1)} acquisitions queued`);
}));

test('a lock this process is creating is never judged orphan-self-pid by another caller in the same process', withDir(async (dir) => {
  const sessionFile = join(dir, 'racing.jsonl');
  // open(wx) and the payload write happen synchronously inside the call; the handle is built a
  // microtask later. Another module (the extension's scan, a second bundle) can inspect in between.
  const pending = acquireSessionWriteLock({ sessionFile, timeoutMs: 1000 });
  const seen = await inspectLock(`${sessionFile}.lock`);
  const removal = await removeStaleLock(`${sessionFile}.lock`);
  const lock = await pending;
  try {
    assert.equal(seen.state, 'held');
    assert.equal(seen.reclaimable, false);
    assert.ok(!seen.reasons.includes('orphan-self-pid'), `reasons: ${seen.reasons.join(',')}`);
    assert.equal(removal.removed, false);
    assert.equal(await lock.isHeld(), true);
  } finally {
    await lock.release();
  }
}));
