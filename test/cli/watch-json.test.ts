// `watch --json` as a log shipper reads it: the built CLI in its own process, NDJSON on a
// pipe, one object per change (none for a rescan that changes nothing), the same keys every
// time, and the gateway's health changes as their own objects.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { deadPid } from '../fixtures/live-holder';
import { isoAgo, makeSessionsDir, makeTempRoot, writeLock, writeStore, writeTranscript } from '../fixtures/state-dir';
import { startHealthStandin } from '../fixtures/gateway-health-standin';
import { CLI, cliEnv, gatewayTmp } from './run-cli';

type Event = Record<string, unknown> & { v: number; event: string; at: string };

function watchJson(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; events: () => Event[]; raw: () => string; until: (accept: (events: Event[]) => boolean, what: string, timeoutMs?: number) => Promise<Event[]> } {
  const child = spawn(process.execPath, [CLI, 'watch', '--json', ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  // Every complete line must be one JSON object on its own: that is NDJSON.
  const events = () => out.split('\n').slice(0, -1).map((line) => JSON.parse(line) as Event);
  const until = async (accept: (events: Event[]) => boolean, what: string, timeoutMs = 20_000) => {
    const began = Date.now();
    while (!accept(events())) {
      if (Date.now() - began > timeoutMs) throw new Error(`watch --json never printed ${what}; printed:\n${out}\nstderr:\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return events();
  };
  return { child, events, raw: () => out, until };
}

const LOCK_KEYS = ['v', 'at', 'event', 'stateDir', 'change', 'previousLevel', 'agentId', 'kind', 'sessionKey', 'sessionId', 'lockPath', 'level', 'severity', 'reasons', 'reclaimable', 'pid', 'ownerAlive', 'createdAt', 'ageMs'].sort();

describe('openclaw-locks watch --json (NDJSON)', () => {
  const { root, cleanup } = makeTempRoot('oc-watch-json-');
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    cleanup();
  });

  it('one start object, then one object per change, none for a rescan that changes nothing, gateway changes included', async () => {
    const standin = await startHealthStandin();
    try {
      const stateDir = path.join(root, 'state');
      const main = makeSessionsDir(stateDir, 'main');
      writeStore(main, { 'agent:main:main': { sessionId: 'a', updatedAt: Date.now() } });
      writeTranscript(main, 'a.jsonl');
      const tmp = gatewayTmp(root, { pid: process.pid, createdAt: new Date().toISOString(), port: standin.port, configPath: path.join(stateDir, 'openclaw.json') });
      const w = watchJson(['--state-dir', stateDir, '--probe-interval', '0.3'], { TMPDIR: tmp });
      children.push(w.child);

      const [start] = await w.until((e) => e.length >= 1, 'a start object');
      assert.equal(start!.event, 'start');
      assert.equal(start!.v, 1);
      assert.equal(start!.stateDir, stateDir);
      assert.deepEqual(start!.locks, []);
      const gateway = start!.gateway as Record<string, unknown>;
      assert.deepEqual([gateway.state, gateway.live, gateway.ready, gateway.ownerAlive, gateway.pid], ['up', true, true, true, process.pid]);

      // A lock appears: exactly one object.
      const lockPath = path.join(main, 'a.jsonl.lock');
      const pid = deadPid();
      writeLock(lockPath, { pid, createdAt: isoAgo(0) });
      const added = (await w.until((e) => e.some((x) => x.event === 'lock'), 'a lock object')).filter((x) => x.event === 'lock');
      assert.equal(added.length, 1);
      assert.deepEqual(Object.keys(added[0]!).sort(), LOCK_KEYS, 'a lock object has every key, null when unknown');
      assert.deepEqual([added[0]!.change, added[0]!.lockPath, added[0]!.level, added[0]!.pid, added[0]!.sessionKey, added[0]!.previousLevel], ['added', lockPath, 'stale', pid, 'agent:main:main', null]);

      // Rescans that change no lock and no gateway verdict (a new transcript; a dozen probes
      // at 0.3 s, each with its own latency) print nothing.
      const count = w.events().length;
      writeTranscript(main, 'b.jsonl');
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(w.events().length, count, `nothing new: ${w.raw()}`);

      // The gateway stops answering (its lock's owner is alive): one gateway object.
      await standin.close();
      const hung = (await w.until((e) => e.some((x) => x.event === 'gateway'), 'a gateway object')).filter((x) => x.event === 'gateway');
      assert.equal(hung.length, 1);
      assert.deepEqual([hung[0]!.state, hung[0]!.previousState, hung[0]!.severity, hung[0]!.live, hung[0]!.error], ['not-answering', 'up', 'error', false, 'refused']);
      assert.match(String(hung[0]!.since), /^\d{4}-\d\d-\d\dT/);
      assert.equal(hung[0]!.sinceKnown, true, 'the change itself was seen');
      assert.match(String(hung[0]!.lastAnsweredAt), /^\d{4}-/);

      // Released: one object naming the session it freed.
      rmSync(lockPath);
      const released = (await w.until((e) => e.some((x) => x.event === 'lock' && x.change === 'released'), 'a released object')).filter((x) => x.change === 'released');
      assert.equal(released.length, 1);
      assert.deepEqual(Object.keys(released[0]!).sort(), LOCK_KEYS);
      assert.deepEqual([released[0]!.level, released[0]!.previousLevel, released[0]!.sessionKey], [null, 'stale', 'agent:main:main']);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(w.events().filter((x) => x.event === 'gateway').length, 1, 'a gateway that stays down is told once');

      w.child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => w.child.once('exit', (c) => resolve(c)));
      assert.equal(code, 0);
      assert.ok(w.raw().endsWith('\n'), 'every object ends its line');
    } finally {
      await standin.close().catch(() => undefined);
    }
  });
});
