// The live model's gateway health: the first snapshot waits for the first look, later probes
// run on a timer off the scan's path, a change is announced once, latency alone is not, and a
// state dir with nothing to serve is never probed. The probe is injected: no network here.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { SessionModel, type GatewayProbe, type SessionsSnapshot } from '../../src/sessions';
import { makeSessionsDir, makeTempRoot, writeStore, writeTranscript } from '../fixtures/state-dir';

describe('SessionModel: gateway health', () => {
  const { root, cleanup } = makeTempRoot('oc-model-health-');
  const models: SessionModel[] = [];
  after(() => {
    for (const m of models) m.dispose();
    cleanup();
  });
  let n = 0;
  const stateDirWithSession = () => {
    const stateDir = path.join(root, `state-${n++}`);
    const main = makeSessionsDir(stateDir, 'main');
    writeStore(main, { 'agent:main:main': { sessionId: 'one', updatedAt: 1 } });
    writeTranscript(main, 'one.jsonl');
    return stateDir;
  };
  /** A probe that answers as `answer()` says, counting calls. */
  const fakeProbe = (answer: () => Partial<GatewayProbe>) => {
    const calls: number[] = [];
    const probe = async (port: number): Promise<GatewayProbe> => {
      calls.push(port);
      return { probedAt: Date.now(), port, live: false, error: 'refused', ...answer() };
    };
    return { probe, calls };
  };
  const model = (options: ConstructorParameters<typeof SessionModel>[0]) => {
    const m = new SessionModel({ gatewayLockDir: path.join(root, 'no-gateway'), env: { HOME: path.join(root, 'home') }, watch: false, ownerPollMs: 0, ...options });
    models.push(m);
    return m;
  };

  it('the first snapshot carries the first look; a later change comes by the timer, announced once; latency alone is not announced', async () => {
    let latency = 3;
    let live = true;
    const { probe, calls } = fakeProbe(() => (live ? { live: true, ready: true, latencyMs: latency++, error: undefined } : {}));
    const m = model({ stateDir: stateDirWithSession(), probe, healthPollMs: 50 });
    const announced: SessionsSnapshot[] = [];
    m.onDidChange((s) => announced.push(s));
    const first = await m.start();
    assert.equal(first.gatewayHealth?.state, 'up');
    assert.equal(first.gatewayHealth?.port, 18789, 'no lock, no config: OpenClaw\'s default port');
    assert.equal(calls.length, 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(calls.length >= 4, `probed on the timer (${calls.length} calls)`);
    assert.equal(announced.length, 1, 'latency changes alone announce nothing');
    assert.ok((m.snapshot?.gatewayHealth?.probe?.latencyMs ?? 0) > 3, 'but the snapshot holds the latest probe');
    live = false;
    const began = Date.now();
    while (m.snapshot?.gatewayHealth?.state === 'up' && Date.now() - began < 3000) await new Promise((r) => setTimeout(r, 20));
    // It answered before, so a gateway is meant to run here: down, since the change.
    assert.deepEqual([m.snapshot?.gatewayHealth?.state, m.snapshot?.gatewayHealth?.expected, m.snapshot?.gatewayHealth?.sinceKnown], ['down', 'answered', true]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(announced.filter((s) => s.gatewayHealth?.state === 'down').length, 1, 'down is announced once');
  });

  it('probe: false never connects: the lock alone is judged', async () => {
    const m = model({ stateDir: stateDirWithSession(), probe: false });
    const first = await m.start();
    assert.equal(first.gatewayHealth?.state, 'not-running');
    assert.equal(first.gatewayHealth?.probe, undefined);
  });

  it('a state dir with no sessions, no gateway lock and no service unit is not probed', async () => {
    const stateDir = path.join(root, `empty-${n++}`);
    mkdirSync(path.join(stateDir, 'agents', 'main', 'sessions'), { recursive: true });
    const { probe, calls } = fakeProbe(() => ({}));
    const m = model({ stateDir, probe, healthPollMs: 30 });
    const first = await m.start();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(calls.length, 0);
    assert.equal(first.gatewayHealth?.state, 'not-running');
    assert.equal(first.gatewayHealth?.severity, 'info');
  });

  it('a hung probe does not hold up later scans: only the first look is waited for', async () => {
    let hang = false;
    const probe = async (port: number): Promise<GatewayProbe> => {
      if (hang) await new Promise((r) => setTimeout(r, 1500));
      return { probedAt: Date.now(), port, live: true, ready: true, latencyMs: 1 };
    };
    const m = model({ stateDir: stateDirWithSession(), probe, healthPollMs: 0 });
    await m.start();
    hang = true;
    const began = performance.now();
    await m.refresh();
    const tookMs = performance.now() - began;
    assert.ok(tookMs < 1000, `the rescan took ${tookMs.toFixed(0)} ms`);
  });
});
