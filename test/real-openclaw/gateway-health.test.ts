// Gateway health against the real gateway: OpenClaw 2026.7.35 up (live, ready), SIGKILLed
// (down, its lock left behind), restarted (up again), seen by the probe, by the live model
// (since when) and by the built CLI (status, metrics); 2026.9.6 probed on its world's port
// (its gateway lock, gateway.state.lock, is found only by the SQLite-era lock discovery).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { probeGateway, type GatewayProbe } from '../../src/openclaw/health';
import { SessionModel, type SessionsSnapshot } from '../../src/sessions';
import { buildStateDir } from '../fixtures/state-dir';
import { startModelStandin, type ModelStandin } from '../fixtures/model-standin';
import { JSONL_ERA_RELEASE, SQLITE_ERA_RELEASE, createOpenClawWorld, waitFor, type OpenClawRelease, type OpenClawWorld } from '../fixtures/real-openclaw';
import { ARTIFACTS, productCli, timing, tmpOpenClawGuard } from './helpers';

const KEY = 'agent:main:main';
const guard = tmpOpenClawGuard();
after(() => guard.restore());

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** 30 probes in a row of an idle gateway: the latency a user's status line shows. */
async function measure(release: OpenClawRelease, port: number): Promise<GatewayProbe> {
  const probes: GatewayProbe[] = [];
  for (let i = 0; i < 30; i++) probes.push(await probeGateway(port));
  assert.ok(probes.every((p) => p.live && p.ready === true), JSON.stringify(probes.find((p) => !p.live || p.ready !== true)));
  const health = probes.map((p) => p.latencyMs!);
  const ready = probes.map((p) => p.readyLatencyMs!);
  process.stdout.write(`# real-openclaw ${release}: GET /health median ${percentile(health, 50)} ms, p95 ${percentile(health, 95)} ms, max ${Math.max(...health)} ms; GET /ready median ${percentile(ready, 50)} ms, p95 ${percentile(ready, 95)} ms\n`);
  return probes[probes.length - 1]!;
}

/**
 * Probes the port every 100 ms while the gateway starts, to see what it answers before it is
 * ready (its "starting" window).
 */
function watchStartup(port: number): { stop(): Promise<GatewayProbe[]> } {
  const seen: GatewayProbe[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      seen.push(await probeGateway(port, { timeoutMs: 500 }));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { async stop() { running = false; await loop; return seen; } };
}

describe(`real OpenClaw ${JSONL_ERA_RELEASE}: gateway health up, killed, restarted`, { timeout: 240_000 }, () => {
  let model: ModelStandin;
  let world: OpenClawWorld;
  let sessions: SessionModel | undefined;
  const began = Date.now();

  after(async () => {
    sessions?.dispose();
    world?.keepLogs(ARTIFACTS, 'gateway-health');
    await world?.dispose();
    await model?.close();
    timing('gateway-health total', began);
  });

  test('the probe, the live model and the CLI follow the real gateway', async () => {
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: JSONL_ERA_RELEASE, model });
    // Sessions configured: a gateway that is down is then worth exit 1.
    buildStateDir(world.stateDir, [{ id: 'main', sessions: [{ key: KEY, label: 'Main', exchanges: 1 }] }]);

    const startup = watchStartup(world.port);
    const gateway = await world.startGateway();
    const early = await startup.stop();
    const kinds = [...new Set(early.map((p) => (p.live ? (p.ready ? 'ready' : `not-ready(${(p.failing ?? []).join(',')})`) : p.error)))];
    process.stdout.write(`# real-openclaw ${JSONL_ERA_RELEASE}: while starting (${gateway.readyMs} ms) the port answered: ${kinds.join(' → ')}\n`);
    const notReady = early.find((p) => p.live && p.ready === false);
    if (notReady) process.stdout.write(`# real-openclaw ${JSONL_ERA_RELEASE}: a not-ready answer: failing=${JSON.stringify(notReady.failing)} uptimeMs=${notReady.uptimeMs}\n`);

    const last = await measure(JSONL_ERA_RELEASE, world.port);
    assert.ok(last.uptimeMs !== undefined && last.uptimeMs > 0, 'uptimeMs from /ready');
    assert.deepEqual(last.failing, []);

    // The live model, as the extension runs it, beside this gateway.
    const gatewayLockDir = path.join(world.tmp, `openclaw-${process.getuid?.() ?? 'user'}`);
    sessions = new SessionModel({ stateDir: world.stateDir, env: world.env, gatewayLockDir, healthPollMs: 1000 });
    const first = await sessions.start();
    assert.equal(first.gateway.alive, true);
    assert.equal(first.gateway.pid, gateway.pid);
    assert.equal(first.gateway.port, world.port);
    assert.equal(first.gatewayHealth?.state, 'up', JSON.stringify(first.gatewayHealth));
    assert.equal(first.gatewayHealth?.probe?.ready, true);

    const status = await productCli(world, ['status', '--json']);
    assert.equal(status.code, 0, status.stdout);
    const health = JSON.parse(status.stdout).gateway.health;
    assert.deepEqual([health.state, health.live, health.ready, health.port], ['up', true, true, world.port]);
    const line = await productCli(world, ['status']);
    assert.match(line.stdout, new RegExp(`^Gateway\\s+running \\(pid ${gateway.pid}, port ${world.port}\\); answering /health in \\d+ ms, ready$`, 'm'));
    process.stdout.write(`# real-openclaw: ${/^Gateway.*$/m.exec(line.stdout)?.[0]}\n`);
    const metrics = parsePrometheusTextFormat((await productCli(world, ['metrics'])).stdout);
    const sample = (name: string) => Number(metrics.find((f) => f.name === name)?.metrics[0]?.value);
    assert.equal(sample('openclaw_locks_gateway_up'), 1);
    assert.equal(sample('openclaw_locks_gateway_ready'), 1);
    assert.equal(sample('openclaw_locks_gateway_lock_owner_alive'), 1);
    assert.ok(sample('openclaw_locks_gateway_health_latency_seconds') > 0);

    // SIGKILL: the lock stays behind; the model says down within a couple of seconds.
    const downSeen = new Promise<SessionsSnapshot>((resolve) => {
      const sub = sessions!.onDidChange((s) => {
        if (s.gatewayHealth?.state === 'down') {
          sub.dispose();
          resolve(s);
        }
      });
    });
    const killedAt = Date.now();
    await gateway.kill();
    const down = await Promise.race([downSeen, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the model never said down')), 15_000))]);
    const downAfterMs = Date.now() - killedAt;
    process.stdout.write(`# real-openclaw: the live model said "down" ${downAfterMs} ms after the SIGKILL\n`);
    assert.ok(downAfterMs < 5000, `down within 5 s (${downAfterMs} ms)`);
    assert.equal(down.gateway.alive, false, 'its lock names a dead pid');
    assert.ok(down.gateway.lockPath, 'the lock stays behind');
    assert.deepEqual([down.gatewayHealth?.expected, down.gatewayHealth?.sinceKnown, down.gatewayHealth?.probe?.error], ['lock', true, 'refused']);
    assert.ok(down.gatewayHealth!.since! >= killedAt - 50, 'down since the kill');
    assert.ok(down.gatewayHealth!.lastAnsweredAt! < down.gatewayHealth!.since!);

    const killedStatus = await productCli(world, ['status']);
    assert.equal(killedStatus.code, 1, 'exit 1: the gateway is down and sessions exist');
    assert.match(killedStatus.stdout, new RegExp(`^Gateway\\s+not running \\(its lock names pid ${gateway.pid}, which is gone\\); down: nothing answers on port ${world.port} \\(connection refused\\)$`, 'm'));

    // Restarted: up again, since the restart.
    const upSeen = new Promise<SessionsSnapshot>((resolve) => {
      const sub = sessions!.onDidChange((s) => {
        if (s.gatewayHealth?.state === 'up' && s.gateway.alive) {
          sub.dispose();
          resolve(s);
        }
      });
    });
    const states: string[] = [];
    const track = sessions.onDidChange((s) => { if (states[states.length - 1] !== s.gatewayHealth?.state) states.push(s.gatewayHealth?.state ?? '?'); });
    const second = await world.startGateway();
    const up = await Promise.race([upSeen, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the model never said up again')), 30_000))]);
    track.dispose();
    process.stdout.write(`# real-openclaw: the live model through the restart: down → ${states.join(' → ')}\n`);
    assert.ok(!states.includes('not-answering'), `a gateway starting is not "not answering": ${states.join(', ')}`);
    assert.equal(up.gateway.pid, second.pid);
    assert.equal(up.gateway.alive, true);
    assert.ok(up.gatewayHealth!.since! > down.gatewayHealth!.since!);
    assert.equal(up.gatewayHealth?.sinceKnown, true);
    const back = await productCli(world, ['status', '--json']);
    assert.equal(back.code, 0, back.stdout);
    assert.equal(JSON.parse(back.stdout).gateway.health.state, 'up');
    await second.stop();
  });
});

describe(`real OpenClaw ${SQLITE_ERA_RELEASE}: the probe on its world's port`, { timeout: 240_000 }, () => {
  let model: ModelStandin;
  let world: OpenClawWorld;
  const began = Date.now();

  after(async () => {
    world?.keepLogs(ARTIFACTS, 'gateway-health-9.6');
    await world?.dispose();
    await model?.close();
    timing('gateway-health 9.6 total', began);
  });

  test('live and ready while it runs, refused once killed', async () => {
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: SQLITE_ERA_RELEASE, model, env: { OPENCLAW_SKIP_CRON: '1' } });
    const startup = watchStartup(world.port);
    const gateway = await world.startGateway();
    const early = await startup.stop();
    const kinds = [...new Set(early.map((p) => (p.live ? (p.ready ? 'ready' : `not-ready(${(p.failing ?? []).join(',')})`) : p.error)))];
    process.stdout.write(`# real-openclaw ${SQLITE_ERA_RELEASE}: while starting (${gateway.readyMs} ms) the port answered: ${kinds.join(' → ')}\n`);
    const last = await measure(SQLITE_ERA_RELEASE, world.port);
    assert.ok(last.uptimeMs !== undefined && last.uptimeMs > 0);
    // 2026.8+'s owner lock in the state dir names the gateway: the product finds it, probes
    // its port and says it is up.
    const status = await productCli(world, ['status', '--json']);
    const json = JSON.parse(status.stdout);
    const health = json.gateway.health;
    process.stdout.write(`# real-openclaw ${SQLITE_ERA_RELEASE}: status --json gateway: ${JSON.stringify({ lockPath: json.gateway.lockPath, state: health.state, port: health.port })}\n`);
    assert.equal(json.gateway.lockPath, path.join(fs.realpathSync(world.stateDir), 'tmp', `openclaw-${process.getuid!()}`, 'gateway.state.lock'));
    assert.equal(json.gateway.pid, gateway.pid);
    assert.equal(health.port, world.port);
    assert.equal(health.state, 'up');
    assert.equal(health.live, true);
    await gateway.kill();
    await waitFor('the port to refuse', async () => (await probeGateway(world.port)).error === 'refused', { timeoutMs: 5000 });
    const dead = await probeGateway(world.port);
    assert.deepEqual([dead.live, dead.error], [false, 'refused']);
  });
});
