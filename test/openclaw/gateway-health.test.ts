// The gateway verdict and its history: pure rules, no sockets.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { configuredPort, expectedGatewayPort, gatewayServiceFile } from '../../src/openclaw/gateway-expected';
import { gatewayHealthKey, nextGatewayHealth, STARTUP_GRACE_MS, type GatewayHealth } from '../../src/openclaw/gateway-health';
import type { GatewayProbe } from '../../src/openclaw/health';
import type { GatewayInfo } from '../../src/openclaw/types';

const LOCK = '/tmp/openclaw-1000/gateway.1a2b3c4d.lock';
const live: GatewayInfo = { lockPath: LOCK, pid: 4242, alive: true, port: 18789 };
const deadLock: GatewayInfo = { lockPath: LOCK, pid: 4242, alive: false };
const noLock: GatewayInfo = { alive: false };
const answered = (at: number, extra: Partial<GatewayProbe> = {}): GatewayProbe => ({ probedAt: at, port: 18789, live: true, ready: true, latencyMs: 3, ...extra });
const silent = (at: number, error: GatewayProbe['error'] = 'refused'): GatewayProbe => ({ probedAt: at, port: 18789, live: false, error });

describe('nextGatewayHealth', () => {
  it('up, starting, not ready: from the probe; a young not-ready gateway is starting (warning), an old one an error', () => {
    assert.equal(nextGatewayHealth(undefined, { gateway: live, probe: answered(1) }, 1).state, 'up');
    const starting = nextGatewayHealth(undefined, { gateway: live, probe: answered(1, { ready: false, uptimeMs: 4000 }) }, 1);
    assert.deepEqual([starting.state, starting.severity], ['starting', 'warning']);
    const stuck = nextGatewayHealth(undefined, { gateway: live, probe: answered(1, { ready: false, uptimeMs: STARTUP_GRACE_MS + 1, failing: ['channels'] }) }, 1);
    assert.deepEqual([stuck.state, stuck.severity], ['not-ready', 'error']);
    const unknownUptime = nextGatewayHealth(undefined, { gateway: live, probe: answered(1, { ready: false }) }, 1);
    assert.equal(unknownUptime.state, 'not-ready');
  });

  it('a live lock owner that does not answer is not answering (error); unprobed when probing is off', () => {
    const h = nextGatewayHealth(undefined, { gateway: live, probe: silent(1, 'timeout') }, 1);
    assert.deepEqual([h.state, h.severity, h.expected], ['not-answering', 'error', 'lock']);
    assert.deepEqual([nextGatewayHealth(undefined, { gateway: live }, 1).state, nextGatewayHealth(undefined, { gateway: live }, 1).severity], ['unprobed', 'none']);
  });

  it('nobody answering is an error only where a gateway is meant to run: a stale lock, a service unit, or one that answered before', () => {
    const stale = nextGatewayHealth(undefined, { gateway: deadLock, probe: silent(1) }, 1);
    assert.deepEqual([stale.state, stale.severity, stale.expected], ['down', 'error', 'lock']);
    const service = nextGatewayHealth(undefined, { gateway: noLock, probe: silent(1), servicePath: '/home/u/.config/systemd/user/openclaw-gateway.service' }, 1);
    assert.deepEqual([service.state, service.severity, service.expected], ['down', 'error', 'service']);
    // `openclaw agent --local` only: no lock, no service, never answered.
    const local = nextGatewayHealth(undefined, { gateway: noLock, probe: silent(1) }, 1);
    assert.deepEqual([local.state, local.severity, local.expected], ['not-running', 'info', undefined]);
    // Stopped cleanly (SIGTERM removes the lock) after it answered in this watch: down.
    const up = nextGatewayHealth(undefined, { gateway: live, probe: answered(10) }, 10);
    const stopped = nextGatewayHealth(up, { gateway: noLock, probe: silent(20) }, 20);
    assert.deepEqual([stopped.state, stopped.severity, stopped.expected, stopped.lastAnsweredAt], ['down', 'error', 'answered', 10]);
  });

  it('since when: kept while the kind of state stays, moved on a change, and honest about the first look', () => {
    const first = nextGatewayHealth(undefined, { gateway: live, probe: answered(100) }, 100);
    assert.deepEqual([first.since, first.sinceKnown, first.lastAnsweredAt], [100, false, 100]);
    const still = nextGatewayHealth(first, { gateway: live, probe: answered(200) }, 200);
    assert.deepEqual([still.since, still.sinceKnown, still.lastAnsweredAt], [100, false, 200]);
    const hung = nextGatewayHealth(still, { gateway: live, probe: silent(300, 'timeout') }, 300);
    assert.deepEqual([hung.state, hung.since, hung.sinceKnown, hung.lastAnsweredAt], ['not-answering', 300, true, 200]);
    // Killed: the owner is gone too; still "not answering" in kind, so down since 300.
    const killed = nextGatewayHealth(hung, { gateway: deadLock, probe: silent(400) }, 400);
    assert.deepEqual([killed.state, killed.since, killed.sinceKnown], ['down', 300, true]);
    const back = nextGatewayHealth(killed, { gateway: live, probe: answered(500) }, 500);
    assert.deepEqual([back.state, back.since, back.sinceKnown, back.lastAnsweredAt], ['up', 500, true, 500]);
  });

  it('a new owner seen to appear that has not answered yet is starting; one there at the first look, or that answered, is not answering', () => {
    const down = nextGatewayHealth(undefined, { gateway: deadLock, probe: silent(100) }, 100);
    const restarted = { ...live, pid: 5151 };
    const booting = nextGatewayHealth(down, { gateway: restarted, probe: silent(200, 'timeout') }, 200);
    assert.deepEqual([booting.state, booting.severity, booting.ownerPid, booting.ownerSeenAt], ['starting', 'warning', 5151, 200]);
    const stillBooting = nextGatewayHealth(booting, { gateway: restarted, probe: silent(200 + STARTUP_GRACE_MS - 1) }, 200 + STARTUP_GRACE_MS - 1);
    assert.equal(stillBooting.state, 'starting');
    const tooLong = nextGatewayHealth(stillBooting, { gateway: restarted, probe: silent(200 + STARTUP_GRACE_MS) }, 200 + STARTUP_GRACE_MS);
    assert.equal(tooLong.state, 'not-answering');
    const upAgain = nextGatewayHealth(booting, { gateway: restarted, probe: answered(300) }, 300);
    const hung = nextGatewayHealth(upAgain, { gateway: restarted, probe: silent(400, 'timeout') }, 400);
    assert.equal(hung.state, 'not-answering', 'it answered once: now it hangs');
    assert.equal(nextGatewayHealth(undefined, { gateway: restarted, probe: silent(1) }, 1).state, 'not-answering', 'a first look cannot tell a start from a hang');
  });

  it('the change key ignores latency and probe time, not state, readiness or failures', () => {
    const a = nextGatewayHealth(undefined, { gateway: live, probe: answered(1, { latencyMs: 2 }) }, 1);
    const b: GatewayHealth = { ...a, probe: answered(2, { latencyMs: 40 }), lastAnsweredAt: 2 };
    assert.equal(gatewayHealthKey(a), gatewayHealthKey(b));
    const c = nextGatewayHealth(a, { gateway: live, probe: answered(3, { ready: false, uptimeMs: 1, failing: ['x'] }) }, 3);
    assert.notEqual(gatewayHealthKey(a), gatewayHealthKey(c));
  });
});

describe('where a gateway would listen, and whether a service says one should run', () => {
  const root = path.join(os.tmpdir(), `oc-gw-expected-${process.pid}`);
  after(() => rmSync(root, { recursive: true, force: true }));

  it('OPENCLAW_GATEWAY_PORT, then gateway.port (JSON or hand-written JSON5), then 18789', async () => {
    const stateDir = path.join(root, 'state');
    mkdirSync(stateDir, { recursive: true });
    assert.equal(await expectedGatewayPort(stateDir, {}), 18789);
    writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', port: 20111 } }));
    assert.equal(await expectedGatewayPort(stateDir, {}), 20111);
    assert.equal(await expectedGatewayPort(stateDir, { OPENCLAW_GATEWAY_PORT: '20222' }), 20222);
    assert.equal(await expectedGatewayPort(stateDir, { OPENCLAW_GATEWAY_PORT: 'nope' }), 20111);
    const elsewhere = path.join(root, 'elsewhere.json');
    writeFileSync(elsewhere, '{ gateway: { port: 20333 } }');
    assert.equal(await expectedGatewayPort(stateDir, { OPENCLAW_CONFIG_PATH: elsewhere }), 20333);
    assert.equal(configuredPort('// mine\n{\n  gateway: {\n    bind: "loopback", // local\n    port: 19001,\n  },\n}'), 19001);
    assert.equal(configuredPort('{ models: { port: 1 } }'), undefined);
    assert.equal(configuredPort('{"gateway":{"port":70000}}'), undefined);
  });

  it('a systemd user unit openclaw-gateway*.service or a LaunchAgent', async () => {
    const home = path.join(root, 'home');
    mkdirSync(home, { recursive: true });
    assert.equal(await gatewayServiceFile({ HOME: home }), undefined);
    const units = path.join(home, '.config', 'systemd', 'user');
    mkdirSync(units, { recursive: true });
    writeFileSync(path.join(units, 'other.service'), '');
    assert.equal(await gatewayServiceFile({ HOME: home }), undefined);
    writeFileSync(path.join(units, 'openclaw-gateway.service'), '[Service]\n');
    assert.equal(await gatewayServiceFile({ HOME: home }), path.join(units, 'openclaw-gateway.service'));
    const mac = path.join(root, 'mac');
    mkdirSync(path.join(mac, 'Library', 'LaunchAgents'), { recursive: true });
    writeFileSync(path.join(mac, 'Library', 'LaunchAgents', 'ai.openclaw.gateway.plist'), '');
    assert.match((await gatewayServiceFile({ HOME: mac })) ?? '', /ai\.openclaw\.gateway\.plist$/);
  });
});
