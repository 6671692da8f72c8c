// The death watch (src/lock/death-watch.ts) across real processes: a waiter connected to a
// holder's socket hears of its SIGKILL from the kernel, and idle waiters stop polling.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEATH_WATCH_AFTER_MS, DeathWatch } from '../../src/lock/death-watch';
import { acquireSessionWriteLock } from '../../src/lock';
import { queueDirFor } from '../../src/lock/queue';
import { spawnSleeper, spawnWorker, startTicksOf, withDir } from './helpers';

const linuxOnly = { skip: process.platform !== 'linux' && 'abstract Unix sockets and /proc are Linux-only' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks as a waiter's loop does, once now and once after the delay: the second ask connects. */
async function watchLikeAWaiter(watch: DeathWatch, pid: number, starttime: number): Promise<void> {
  watch.watch(pid, starttime);
  await sleep(DEATH_WATCH_AFTER_MS + 20);
  watch.watch(pid, starttime);
  for (let i = 0; i < 100 && !watch.watching(pid); i++) await sleep(10);
}

test('a holder\'s SIGKILL is told by its connection, with nothing polling it', { ...linuxOnly, timeout: 30_000 }, () => withDir(async (dir) => {
  const holder = spawnWorker({ mode: 'hold', sessionFile: join(dir, 's.jsonl') });
  try {
    const { pid } = (await holder.next('held')) as { pid: number };
    let died: () => void = () => undefined;
    const death = new Promise<void>((resolve) => { died = resolve; });
    const watch = new DeathWatch(() => died());
    await watchLikeAWaiter(watch, pid, startTicksOf(pid));
    assert.equal(watch.watching(pid), true, 'connected to the holder\'s socket');
    const killedAt = performance.now();
    holder.child.kill('SIGKILL');
    await Promise.race([death, sleep(10_000).then(() => assert.fail('no word of the death within 10 s'))]);
    console.log(`# death watch: told ${(performance.now() - killedAt).toFixed(1)} ms after the SIGKILL`);
    assert.equal(watch.watching(pid), false);
    watch.stop();
  } finally {
    holder.child.kill('SIGKILL');
    await holder.exited;
  }
})());

test('a process that does not listen (OpenClaw, an older core) or a recycled pid is not watched: the waiter polls', { ...linuxOnly, timeout: 30_000 }, async () => {
  const sleeper = spawnSleeper('openclaw');
  try {
    let deaths = 0;
    const watch = new DeathWatch(() => deaths++);
    await watchLikeAWaiter(watch, sleeper.pid, startTicksOf(sleeper.pid));
    assert.equal(watch.watching(sleeper.pid), false, 'nobody listens under that name');
    // Our own name with another start time: what a recycled pid would have.
    await watchLikeAWaiter(watch, process.pid, startTicksOf(process.pid) + 1);
    assert.equal(watch.watching(process.pid), false);
    sleeper.stop();
    await sleep(200);
    assert.equal(deaths, 0, 'a connection never made tells of no death');
    watch.stop();
  } finally {
    sleeper.stop();
  }
});

/** Voluntary context switches of the process's main thread: one per wake-up from sleep. */
function mainThreadWakes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)![1]);
}

test('idle waiters sleep: behind a live holder neither the head nor the waiters behind it poll, and a SIGKILL still hands over', { ...linuxOnly, timeout: 60_000 }, () => withDir(async (dir) => {
  const sessionFile = join(dir, 's.jsonl');
  writeFileSync(sessionFile, '');
  const holder = spawnWorker({ mode: 'hold', sessionFile });
  const waiters: Array<ReturnType<typeof spawnWorker>> = [];
  try {
    await holder.next('held');
    for (let i = 0; i < 3; i++) {
      waiters.push(spawnWorker({ mode: 'acquire-once', sessionFile, timeoutMs: 30_000 }));
      for (let n = 0; n < 500 && readdirSafe(queueDirFor(`${sessionFile}.lock`)).filter((name) => !name.startsWith('held-')).length < i + 1; n++) await sleep(10);
    }
    // Past the death watch's delay and the backstop's climb to its cap (0.5-1 s per wake).
    await sleep(2500);
    const before = waiters.map((w) => mainThreadWakes(w.child.pid!));
    await sleep(2000);
    const perSecond = waiters.map((w, i) => (mainThreadWakes(w.child.pid!) - before[i]!) / 2);
    console.log(`# idle waiters: main-thread wake-ups per second ${perSecond.join(', ')}`);
    // Polling would be 250 a second for the head (kill(pid, 0) every 4 ms) and 20 for the
    // others (every 50 ms), and the 200 ms backstop of an unwatched wait 5 to 10; what is left
    // is the backstop of a wait whose wakes are all events, once or twice a second.
    for (const [i, wakes] of perSecond.entries()) assert.ok(wakes < 4, `waiter ${i} woke ${wakes} times a second`);
    const killedAt = performance.timeOrigin + performance.now();
    holder.child.kill('SIGKILL');
    const first = await Promise.race(waiters.map((w) => w.next('acquired')));
    console.log(`# idle waiters: the next holder had the lock ${((first.at as number) - killedAt).toFixed(1)} ms after the SIGKILL`);
    const results = await Promise.all(waiters.map((w) => w.exited));
    assert.deepEqual(results.map((r) => r.code), [0, 0, 0]);
    const after = await acquireSessionWriteLock({ sessionFile, timeoutMs: 5000 });
    await after.release();
  } finally {
    holder.child.kill('SIGKILL');
    for (const w of waiters) w.child.kill('SIGKILL');
    await Promise.all([holder.exited, ...waiters.map((w) => w.exited)]);
  }
})());

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
