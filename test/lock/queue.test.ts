// The waiter queue across real processes: SIGKILL chaos, a dead head of the queue, and
// exclusion next to the real OpenClaw lock.
import { mock, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs, { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { holderMarked, liveForeignMark, positionOf, queueDirFor, type Ticket } from '../../src/lock/queue';
import { acquireSessionWriteLock, type SessionWriteLock } from '../../src/lock';
import { reclaimLeftoverKind } from '../../src/lock/leftovers';
import { findOpenClawLockModule, OPENCLAW_ARGV_TAG } from '../../bench/openclaw-lock';
import { deadPid, spawnSleeper, spawnWorker, startTicksOf, type Worker, withDir } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The log must read 1, 2, 3, ... n: a repeated or skipped number is a lost update or an overlap. */
function checkLog(logFile: string): number {
  const values = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map(Number);
  values.forEach((value, index) => assert.equal(value, index + 1, `log line ${index + 1} is ${value}`));
  return values.length;
}

async function waitForTickets(lockPath: string, count: number): Promise<string[]> {
  for (let i = 0; i < 500; i++) {
    const names = existsSync(queueDirFor(lockPath)) ? readdirSync(queueDirFor(lockPath)).sort() : [];
    if (names.length >= count) return names;
    await sleep(10);
  }
  throw new Error(`fewer than ${count} tickets in ${queueDirFor(lockPath)}`);
}

test('8 workers, thousands of cycles, random waiters and holders SIGKILLed: no lost update, no overlap, no stuck queue', { timeout: 120_000 }, withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const logFile = join(dir, 'log');
  const markerFile = join(dir, 'marker');
  writeFileSync(logFile, '');
  writeFileSync(markerFile, '');
  const spawnChaos = (iterations: number): Worker => spawnWorker({ mode: 'chaos', sessionFile, logFile, markerFile, impl: 'core', iterations });
  const workers: Worker[] = Array.from({ length: 8 }, () => spawnChaos(1_000_000));
  let kills = 0;
  const began = Date.now();
  // Kill one random worker (holding or waiting, whatever it is doing) every 40-120 ms and replace
  // it, until both enough cycles and enough kills happened (a fast machine reaches 3000 cycles in
  // about a second, a slow one needs the 12 s).
  while (Date.now() - began < 12_000 && (checkLog(logFile) < 3000 || kills < 20)) {
    await sleep(40 + Math.random() * 80);
    const index = Math.floor(Math.random() * workers.length);
    workers[index]!.child.kill('SIGKILL');
    await workers[index]!.exited;
    kills++;
    workers[index] = spawnChaos(1_000_000);
  }
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  const cycles = checkLog(logFile);
  // No stuck queue: after all that, 8 fresh workers each get the lock 20 times and finish.
  const finishers = Array.from({ length: 8 }, () => spawnChaos(20));
  const results = await Promise.all(finishers.map((w) => w.next('done')));
  await Promise.all(finishers.map((w) => w.exited));
  assert.deepEqual(results.map((r) => r.overlaps), Array(8).fill(0));
  assert.equal(checkLog(logFile), cycles + 160);
  // No lock, and dead waiters' tickets and the queue directory went with the last waiter. A
  // holder SIGKILLed inside its release's verified swap may leave its aside file: a documented
  // leftover of a dead process that sweepStaleLocks removes (after ASIDE_STALE_MS).
  const left = readdirSync(dir).sort().filter((name) => !reclaimLeftoverKind(name));
  assert.deepEqual(left, ['log', 'marker']);
  assert.ok(cycles >= 100, `only ${cycles} cycles in 12 s`);
  assert.ok(kills >= 10, `only ${kills} kills`);
  console.log(`# chaos: ${cycles} cycles under the lock, ${kills} workers SIGKILLed`);
}));

/**
 * This process queues behind another process's holder, with a waiter of a third process behind
 * it; the holder then lets go. Resolves once that release is asked for (`ours` then settles).
 */
async function comeThroughQueue(t: TestContext, sessionFile: string): Promise<{ first: Worker; ours: Promise<SessionWriteLock>; waiter: Worker }> {
  const lockPath = `${sessionFile}.lock`;
  const first = spawnWorker({ mode: 'hold', sessionFile });
  t.after(() => first.child.kill('SIGKILL'));
  await first.next('held');
  const ours = acquireSessionWriteLock({ sessionFile, timeoutMs: 30_000 });
  await waitForTickets(lockPath, 1);
  const waiter = spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 30_000 });
  t.after(() => waiter.child.kill('SIGKILL'));
  await waitForTickets(lockPath, 2);
  first.send('release');
  return { first, ours, waiter };
}

/** A waiter's ticket (not a holder's mark) of the process `pid`. */
function isTicketOf(pid: number): (name: string) => boolean {
  return (name) => new RegExp(`^\\d{16}-${pid}-`).test(name);
}

/** The inodes the process's inotify instances watch, as /proc/<pid>/fdinfo lists them (hex). */
function watchedInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    } catch {
      continue;
    }
    for (const match of text.matchAll(/^inotify wd:\S+ ino:([0-9a-f]+) /gm)) inodes.add(Number.parseInt(match[1]!, 16));
  }
  return inodes;
}

async function until(what: string, condition: () => boolean, ms = 5000): Promise<void> {
  for (const began = Date.now(); !condition(); await sleep(5)) {
    if (Date.now() - began > ms) throw new Error(`timed out waiting until ${what}`);
  }
}

/** The waiter's ticket, once the waiter sleeps on it and not on the lock file (as /proc tells). */
async function ticketSleptOn(waiter: Worker, lockPath: string): Promise<string> {
  const queueDir = queueDirFor(lockPath);
  const pid = waiter.child.pid!;
  const ticket = join(queueDir, readdirSync(queueDir).find((name) => name.includes(`-${pid}-`))!);
  await until('the waiter sleeps on its ticket only', () => {
    const watched = watchedInodes(pid);
    return watched.has(statSync(ticket).ino) && !watched.has(statSync(lockPath).ino);
  });
  return ticket;
}

test('a holder taking the lock again while another process queues wakes nobody: the head sleeps on its ticket, not on the lock, until the holder lets go and touches it', { timeout: 60_000, skip: process.platform !== 'linux' && 'reads /proc/<pid>/fdinfo' }, (t) => withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const queueDir = queueDirFor(lockPath);
  const { first, ours, waiter } = await comeThroughQueue(t, sessionFile);
  let lock = await ours;
  const waiterPid = waiter.child.pid!;
  // We leave the queue (and mark) once our event loop turns: the caller's work comes first.
  assert.ok(readdirSync(queueDir).some(isTicketOf(process.pid)), 'our ticket left the queue before our event loop turned');
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(!readdirSync(queueDir).some(isTicketOf(process.pid)), 'our ticket is still in the queue after a turn of our event loop');
  assert.ok(readdirSync(queueDir).some((name) => name.startsWith(`held-${process.pid}-`)), 'our held mark is in the queue');
  const waiterTicket = await ticketSleptOn(waiter, lockPath);
  // Long enough for the head's backstop timer to reach its cap (a wake every 100-200 ms): the
  // head is then unlikely to look in the middle of our batch.
  await sleep(1500);
  // A batch of back-to-back acquisitions: the head never watches the lock file meanwhile.
  for (let i = 0; i < 10; i++) {
    await lock.release();
    lock = await acquireSessionWriteLock({ sessionFile, timeoutMs: 30_000 });
    assert.ok(!watchedInodes(waiterPid).has(statSync(lockPath).ino), `the head watches the lock file at acquisition ${i + 2}`);
  }
  const early = await Promise.race([waiter.next('acquired'), sleep(0).then(() => undefined)]);
  assert.equal(early, undefined, 'the head took the lock in the middle of our batch');
  // Our release touches the head's ticket on the next turn: that, not a timer, wakes it.
  const touchedBefore = statSync(waiterTicket).ctimeMs;
  const releasedAt = performance.timeOrigin + performance.now();
  await lock.release();
  await new Promise((resolve) => setImmediate(resolve));
  const touchedAfter = existsSync(waiterTicket) ? statSync(waiterTicket).ctimeMs : Number.POSITIVE_INFINITY;
  assert.ok(touchedAfter > touchedBefore, 'our release did not touch the head\'s ticket');
  const { at } = await waiter.next('acquired');
  const ms = (at as number) - releasedAt;
  console.log(`# handover by ticket touch: the head had the lock ${ms.toFixed(1)} ms after our release`);
  assert.ok(ms >= 0, `the head had the lock ${(-ms).toFixed(1)} ms before our release`);
  assert.equal((await waiter.exited).code, 0);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.deepEqual(readdirSync(dir).filter((name) => name !== 's.jsonl'), [], 'no lock, no mark, no queue left');
})());

for (const [stalls, stallMs] of [[4, 20], [1, 150]] as const) {
  // Short stalls meet the head's early, short timers; a long one (within the one wait a head
  // grants a holder that promised it a wake, MARKED_BACKSTOP_MIN_MS) outlasts all of them.
  test(`a holder that stalls between a release and its next acquisition (${stalls} x ${stallMs} ms) keeps its batch: the head it promised a wake does not take the lock meanwhile`, { timeout: 60_000, skip: process.platform !== 'linux' && 'reads /proc/<pid>/fdinfo' }, (t) => withDir(async (dir) => {
    const sessionFile = join(dir, 's.jsonl');
    const lockPath = `${sessionFile}.lock`;
    const queueDir = queueDirFor(lockPath);
    const { first, ours, waiter } = await comeThroughQueue(t, sessionFile);
    let lock = await ours;
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(readdirSync(queueDir).some((name) => name.startsWith(`held-${process.pid}-`)), 'our held mark is in the queue');
    await ticketSleptOn(waiter, lockPath);
    // Each stall blocks our event loop (a descheduled process, a GC pause), so our release's
    // wake is still pending when we come back.
    for (let i = 0; i < stalls; i++) {
      await lock.release();
      for (const until = performance.now() + stallMs; performance.now() < until;) {
        // Stalled with the lock free.
      }
      lock = await acquireSessionWriteLock({ sessionFile, timeoutMs: 30_000 });
    }
    const early = await Promise.race([waiter.next('acquired'), sleep(0).then(() => undefined)]);
    assert.equal(early, undefined, 'the head took the lock while we were between a release and our next acquisition');
    const releasedAt = performance.timeOrigin + performance.now();
    await lock.release();
    const { at } = await waiter.next('acquired');
    assert.ok((at as number) >= releasedAt, 'the head had the lock before our last release');
    assert.equal((await waiter.exited).code, 0);
    first.child.kill('SIGKILL');
    await first.exited;
  })());
}

/** Read syscalls made so far by the process (/proc/<pid>/io): each look at the queue reads the head's /proc/<pid>/stat. */
function readSyscalls(pid: number): number {
  return Number(/^syscr: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

test('a waiter behind the head sleeps until it is woken: no look at the queue on a timer in its first 50 ms', { timeout: 60_000, skip: process.platform !== 'linux' && 'reads /proc/<pid>/io' }, (t) => withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const holder = spawnWorker({ mode: 'hold', sessionFile });
  t.after(() => holder.child.kill('SIGKILL'));
  await holder.next('held');
  const head = spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 30_000 });
  t.after(() => head.child.kill('SIGKILL'));
  await waitForTickets(lockPath, 1);
  // The window is timed from the waiter's own ticket stamp; a test process that comes late to it
  // tries again with another waiter rather than measure a part of it.
  let measured: { looks: number; windowMs: number } | undefined;
  const behind: Worker[] = [];
  for (let attempt = 0; attempt < 5 && !measured; attempt++) {
    const waiter = spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 30_000 });
    t.after(() => waiter.child.kill('SIGKILL'));
    behind.push(waiter);
    const pid = waiter.child.pid!;
    let ticket: string | undefined;
    await until('the waiter queues', () => (ticket = readdirSync(queueDirFor(lockPath)).find(isTicketOf(pid))) !== undefined);
    const joinedAt = Number(ticket!.slice(0, 16)) / 1000;
    const wall = () => performance.timeOrigin + performance.now();
    // Its first look (right after joining) is over by then, even if it was descheduled meanwhile.
    await sleep(Math.max(0, joinedAt + 10 - wall()));
    const from = wall();
    const before = readSyscalls(pid);
    await sleep(joinedAt + 40 - wall());
    const after = readSyscalls(pid);
    const to = wall();
    // Opened before 15 ms and closed after 40 ms from joining, it holds the backoff's third timer (17.5-35 ms).
    if (from - joinedAt < 15 && to - joinedAt < 45) measured = { looks: after - before, windowMs: to - from };
  }
  assert.ok(measured, 'the test process never came in time to the window it measures');
  // The backoff's first timers (2.5-5 ms after its first look, then 5-10, then 10-20) would have woken it in this window.
  assert.equal(measured.looks, 0, `the waiter behind the head made ${measured.looks} reads in ${measured.windowMs.toFixed(0)} ms of sleep`);
  // Still in order, and all of it works: the holder lets go, the head and then the others get the lock.
  holder.send('release');
  await head.next('acquired');
  for (const waiter of behind) assert.equal((await waiter.exited).code, 0);
  assert.equal((await head.exited).code, 0);
})());

test('a release before our event loop turns takes our ticket out of the queue on its way and hands over', { timeout: 60_000 }, (t) => withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const queueDir = queueDirFor(lockPath);
  const { first, ours, waiter } = await comeThroughQueue(t, sessionFile);
  const lock = await ours;
  assert.ok(readdirSync(queueDir).some(isTicketOf(process.pid)), 'our ticket left the queue before our event loop turned');
  await lock.release();
  assert.ok(!readdirSync(queueDir).some(isTicketOf(process.pid)), 'our release left our ticket in the queue');
  // The wake itself waits for the turn (we might take the lock again first), as after any release.
  await waiter.next('acquired');
  assert.equal((await waiter.exited).code, 0);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.deepEqual(readdirSync(dir).filter((name) => name !== 's.jsonl'), [], 'no lock, no mark, no queue left');
})());

test('a process exiting before its event loop turns, right after acquiring through the queue, takes its ticket with it', { timeout: 60_000 }, (t) => withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const lockPath = `${sessionFile}.lock`;
  const first = spawnWorker({ mode: 'hold', sessionFile });
  t.after(() => first.child.kill('SIGKILL'));
  await first.next('held');
  const leaver = spawnWorker({ mode: 'hold', sessionFile, exitCleanup: true, exitWhenHeld: true });
  t.after(() => leaver.child.kill('SIGKILL'));
  await waitForTickets(lockPath, 1);
  first.send('release');
  assert.equal((await leaver.exited).code, 0);
  // Its ticket would otherwise stay until another waiter met it; its lock goes with exitCleanup.
  assert.deepEqual(readdirSync(dir).filter((name) => name !== 's.jsonl'), [], 'a lock, a ticket or the queue left behind');
  first.child.kill('SIGKILL');
  await first.exited;
})());

for (const holderExit of ['release', 'SIGKILL'] as const) {
  test(`a queue whose oldest waiter was SIGKILLed still hands over at once (holder: ${holderExit})`, { timeout: 60_000 }, withDir(async (dir) => {
    const sessionFile = join(dir, 's.jsonl');
    const lockPath = `${sessionFile}.lock`;
    const holder = spawnWorker({ mode: 'hold', sessionFile });
    await holder.next('held');
    const waiters: Worker[] = [];
    for (let i = 0; i < 3; i++) {
      waiters.push(spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 30_000 }));
      await waitForTickets(lockPath, i + 1); // queued in this order
    }
    waiters[0]!.child.kill('SIGKILL');
    await waiters[0]!.exited;
    await sleep(200);
    let from: number;
    if (holderExit === 'release') {
      holder.send('release');
      from = (await holder.next('released')).at as number;
    } else {
      from = performance.timeOrigin + performance.now();
      holder.child.kill('SIGKILL');
    }
    const first: Record<string, unknown> = await Promise.race(waiters.slice(1).map((w, i) => w.next('acquired').then((e) => ({ ...e, index: i + 1 }))));
    const ms = (first.at as number) - from;
    console.log(`# oldest waiter dead, holder ${holderExit}: next holder after ${ms.toFixed(1)} ms`);
    // The oldest live waiter is next; the reclaim target is 20 ms (generous here: a shared, loaded machine).
    assert.equal(first.index, 1, JSON.stringify(first));
    assert.ok(ms < 500, `hand-over took ${ms.toFixed(1)} ms`);
    for (const w of waiters.slice(1)) assert.equal((await w.exited).code, 0);
    holder.child.kill('SIGKILL');
    await holder.exited;
    assert.deepEqual(readdirSync(dir), []);
  }));
}

const openclaw = findOpenClawLockModule();
test('mixed with the real OpenClaw lock: exclusion holds (OpenClaw waiters take no ticket and poll)', {
  timeout: 120_000,
  skip: 'missing' in openclaw ? openclaw.missing : false,
}, withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const logFile = join(dir, 'log');
  const markerFile = join(dir, 'marker');
  writeFileSync(logFile, '');
  writeFileSync(markerFile, '');
  // Every process carries the argv entry that OpenClaw's owner check accepts: otherwise OpenClaw
  // rightly deletes a live lock of a non-OpenClaw process (non-openclaw-owner).
  const workers = Array.from({ length: 6 }, (_, i) =>
    spawnWorker({ mode: 'chaos', sessionFile, logFile, markerFile, impl: i % 2 === 0 ? 'core' : 'openclaw', iterations: 40 }, [OPENCLAW_ARGV_TAG]),
  );
  const results = await Promise.all(workers.map((w) => w.next('done')));
  await Promise.all(workers.map((w) => w.exited));
  assert.deepEqual(results.map((r) => r.overlaps), Array(6).fill(0));
  assert.equal(checkLog(logFile), 240);
  assert.deepEqual(readdirSync(dir).sort(), ['log', 'marker']);
}));

test('holderMarked: the holder just judged alive counts by its mark alone; a dead holder\'s mark is removed', withDir(async (dir) => {
  const queue = join(dir, 's.jsonl.lock.waiters');
  mkdirSync(queue);
  const holder = spawnSleeper();
  try {
    const start = startTicksOf(holder.pid);
    const dead = deadPid();
    writeFileSync(join(queue, `held-${holder.pid}-${start}-0000abcd`), '');
    writeFileSync(join(queue, `held-${dead}-${start}-0000beef`), '');
    const reads = mock.method(fs, 'readFileSync');
    try {
      assert.equal(holderMarked(queue, holder.pid, start), true);
      // Its liveness and start time were read from the lock a moment ago: not read again for its mark.
      assert.equal(reads.mock.calls.filter((call) => call.arguments[0] === `/proc/${holder.pid}/stat`).length, 0);
    } finally {
      reads.mock.restore();
    }
    assert.deepEqual(readdirSync(queue), [`held-${holder.pid}-${start}-0000abcd`]);
    // Without a judgement to go by, the mark is judged itself.
    assert.equal(holderMarked(queue, holder.pid), true);
    // A mark left under the same pid by an earlier process (another start time) is still judged, and removed.
    writeFileSync(join(queue, `held-${holder.pid}-${start - 1}-0000cafe`), '');
    assert.equal(holderMarked(queue, holder.pid, start), true);
    assert.deepEqual(readdirSync(queue), [`held-${holder.pid}-${start}-0000abcd`]);
  } finally {
    holder.stop();
  }
}));

test('positionOf: the head, the next in line (only the head ahead, watched as closely as a holder) and those behind; dead tickets ahead are removed', withDir(async (dir) => {
  const queue = join(dir, 's.jsonl.lock.waiters');
  mkdirSync(queue);
  const sleepers = [spawnSleeper(), spawnSleeper(), spawnSleeper()];
  try {
    const dead = deadPid();
    const ticket = (stamp: number, pid: number, start: number): Ticket => {
      const name = `${String(stamp).padStart(16, '0')}-${pid}-${start}-0000abcd`;
      writeFileSync(join(queue, name), '');
      return { name, path: join(queue, name), pid, starttime: start };
    };
    const gone = ticket(1, dead, 1);
    const [a, b, c] = sleepers.map((s, i) => ticket(10 + i, s.pid, startTicksOf(s.pid)));
    assert.deepEqual(positionOf(queue, a!), { head: true, first: undefined, next: false, lost: false });
    assert.ok(!existsSync(gone.path), 'a dead ticket ahead is removed');
    const second = positionOf(queue, b!);
    assert.equal(second.first?.name, a!.name);
    assert.deepEqual([second.head, second.next, second.lost], [false, true, false]);
    const third = positionOf(queue, c!);
    assert.deepEqual([third.head, third.next, third.lost, third.first?.name], [false, false, false, a!.name]);
  } finally {
    for (const s of sleepers) s.stop();
  }
}));

test('liveForeignMark: another live process\'s mark, not our own; dead marks are removed', withDir(async (dir) => {
  const queue = join(dir, 's.jsonl.lock.waiters');
  mkdirSync(queue);
  const holder = spawnSleeper();
  try {
    const dead = deadPid();
    writeFileSync(join(queue, `held-${dead}-1-0000beef`), '');
    writeFileSync(join(queue, `held-${process.pid}-${startTicksOf(process.pid)}-0000cafe`), '');
    assert.equal(liveForeignMark(queue), undefined, 'only a dead mark and our own');
    assert.ok(!existsSync(join(queue, `held-${dead}-1-0000beef`)), 'the dead mark is removed');
    writeFileSync(join(queue, `held-${holder.pid}-${startTicksOf(holder.pid)}-0000abcd`), '');
    assert.equal(liveForeignMark(queue)?.pid, holder.pid);
  } finally {
    holder.stop();
  }
}));
