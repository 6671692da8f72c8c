// The lock across real processes: counters, SIGKILLed holders, signals, stale-lock races.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { deadPid, lockBytes, spawnWorker, type Worker, withDir } from './helpers';

test('8 processes incrementing one counter through the lock: no lost update, never two holders', { timeout: 180_000 }, withDir(async (dir) => {
  const workers = 8;
  const iterations = 300;
  const sessionFile = join(dir, 'counter.jsonl');
  const counterFile = join(dir, 'counter');
  const markerFile = join(dir, 'holder');
  writeFileSync(counterFile, '0');
  writeFileSync(markerFile, '');
  const spawned = Array.from({ length: workers }, (_, i) =>
    spawnWorker({ mode: 'counter', sessionFile, counterFile, markerFile, iterations, id: `w${i}` }),
  );
  const results = await Promise.all(spawned.map((w) => w.next('done')));
  await Promise.all(spawned.map((w) => w.exited));
  assert.equal(Number(readFileSync(counterFile, 'utf8')), workers * iterations);
  assert.deepEqual(results.map((r) => r.overlaps), Array(workers).fill(0));
  assert.equal(existsSync(`${sessionFile}.lock`), false);
  assert.deepEqual(readdirSync(dir).sort(), ['counter', 'holder']);
}));

test('a holder killed with SIGKILL is reclaimed by the next waiter', { timeout: 60_000 }, withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const holder = spawnWorker({ mode: 'hold', sessionFile });
  const held = await holder.next('held');
  const waiter = spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 30_000 });
  // The waiter is a fresh process: give it time to start waiting before the kill (not required
  // for correctness, only so the test exercises a waiting process rather than a late one).
  await new Promise((resolve) => setTimeout(resolve, 300));
  holder.child.kill('SIGKILL');
  await holder.exited;
  const outcome = await Promise.race([waiter.next('released'), waiter.next('failed')]);
  assert.equal(outcome.event, 'released', JSON.stringify(outcome));
  await waiter.exited;
  assert.equal(existsSync(held.lockPath as string), false);
}));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} with exit cleanup leaves no lock file and the process still dies of the signal`, { timeout: 30_000 }, withDir(async (dir) => {
    const sessionFile = join(dir, 's.jsonl');
    const holder = spawnWorker({ mode: 'hold', sessionFile, exitCleanup: true });
    const held = await holder.next('held');
    assert.ok(existsSync(held.lockPath as string));
    holder.child.kill(signal);
    const exit = await holder.exited;
    assert.equal(exit.signal, signal);
    assert.deepEqual(readdirSync(dir), []);
  }));
}

test('exit cleanup runs on a normal exit too, and defers to a host SIGTERM handler', { timeout: 30_000 }, withDir(async (dir) => {
  const a = spawnWorker({ mode: 'hold', sessionFile: join(dir, 'a.jsonl'), exitCleanup: true });
  await a.next('held');
  a.send('exit');
  assert.equal((await a.exited).code, 0);
  const b = spawnWorker({ mode: 'hold', sessionFile: join(dir, 'b.jsonl'), exitCleanup: true, ownSigtermHandler: true });
  await b.next('held');
  b.child.kill('SIGTERM');
  const exit = await b.exited;
  await b.next('own-handler');
  // The host's handler decided (exit code 7) and our cleanup still removed the lock.
  assert.equal(exit.code, 7);
  assert.deepEqual(readdirSync(dir), []);
}));

test('without exit cleanup a signal leaves the lock (opt-in), and a forked child does not remove its parent\'s locks', { timeout: 30_000 }, withDir(async (dir) => {
  const plain = spawnWorker({ mode: 'hold', sessionFile: join(dir, 'plain.jsonl') });
  await plain.next('held');
  plain.child.kill('SIGTERM');
  await plain.exited;
  assert.ok(existsSync(join(dir, 'plain.jsonl.lock')));
  const forked = spawnWorker({ mode: 'hold', sessionFile: join(dir, 'forked.jsonl'), exitCleanup: true, fakeForkedChild: true });
  await forked.next('held');
  forked.send('exit');
  await forked.exited;
  assert.ok(existsSync(join(dir, 'forked.jsonl.lock')));
}));

async function raceRound(dir: string, round: number, stale: 'dead-pid' | 'torn'): Promise<void> {
  const sessionFile = join(dir, `race-${round}.jsonl`);
  const lockPath = `${sessionFile}.lock`;
  if (stale === 'dead-pid') {
    writeFileSync(lockPath, lockBytes({ pid: deadPid(), createdAt: new Date().toISOString(), maxHoldMs: 300000, starttime: 1 }));
  } else {
    writeFileSync(lockPath, '{\n  "pid": 4');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath, old, old);
  }
  const racers: Worker[] = Array.from({ length: 12 }, () => spawnWorker({ mode: 'race', sessionFile, timeoutMs: 2500 }));
  try {
    await Promise.all(racers.map((r) => r.next('ready')));
    for (const r of racers) r.send('go');
    const outcomes = await Promise.all(racers.map((r) => Promise.race([r.next('won'), r.next('lost')])));
    const winners = outcomes.filter((o) => o.event === 'won');
    assert.equal(winners.length, 1, `round ${round} (${stale}): ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes.filter((o) => o.event === 'lost').every((o) => o.code === 'SESSION_LOCK_TIMEOUT'));
    // The file on disk is the winner's, and no aside file was left behind.
    assert.equal(readFileSync(lockPath, 'utf8'), winners[0]!.bytes);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(`race-${round}.`)), [`race-${round}.jsonl.lock`]);
  } finally {
    for (const r of racers) r.child.kill('SIGKILL');
    await Promise.all(racers.map((r) => r.exited));
  }
}

test('12 processes racing on one stale lock: exactly one winner, round after round', { timeout: 120_000 }, withDir(async (dir) => {
  for (let round = 0; round < 3; round++) await raceRound(dir, round, round % 2 === 0 ? 'dead-pid' : 'torn');
}));

test('a waiting process exits by itself once its acquire settles (success or timeout)', { timeout: 30_000 }, withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const holder = spawnWorker({ mode: 'hold', sessionFile });
  await holder.next('held');
  const timedOut = spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 200 });
  assert.equal((await timedOut.next('failed')).code, 'SESSION_LOCK_TIMEOUT');
  assert.equal((await timedOut.exited).code, 0);
  const waiting = spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 30_000 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  holder.send('release');
  await holder.next('released');
  await waiting.next('released');
  assert.equal((await waiting.exited).code, 0);
  holder.child.kill('SIGKILL');
  await holder.exited;
}));

test('a process re-acquiring back-to-back does not starve a waiting process', { timeout: 120_000 }, withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  const stopFile = join(dir, 'stop');
  // Far more than the waiter needs even on a crawling machine: only starvation exhausts it.
  const maxIterations = 1_000_000;
  const spinner = spawnWorker({ mode: 'spin', sessionFile, stopFile, maxIterations });
  await spinner.next('spinning');
  const waiter = spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 60_000, stopFile });
  const outcome = await Promise.race([waiter.next('released'), waiter.next('failed')]);
  assert.equal(outcome.event, 'released', JSON.stringify(outcome));
  const done = await spinner.next('done');
  // The waiter got in while the spinner was still looping, not after it ran out of iterations.
  assert.ok((done.iterations as number) < maxIterations, JSON.stringify(done));
  await Promise.all([spinner.exited, waiter.exited]);
}));
