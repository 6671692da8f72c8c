// The `Gateway` line of `openclaw-locks status`, its exit code and --json, with a gateway lock
// that points at a local server answering like OpenClaw (the built CLI, in its own process).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deadPid } from '../fixtures/live-holder';
import { makeSessionsDir, makeTempRoot, writeStore, writeTranscript } from '../fixtures/state-dir';
import { startHealthStandin, type HealthStandin } from '../fixtures/gateway-health-standin';
import { cli, gatewayTmp } from './run-cli';

const gatewayLine = (stdout: string) => /^Gateway {4}(.*)$/m.exec(stdout)?.[1] ?? '';

describe('openclaw-locks status: the gateway', () => {
  const { root, cleanup } = makeTempRoot('oc-cli-gateway-');
  let standin: HealthStandin;
  let stateDir: string;
  let n = 0;
  const tmpWith = (payload?: Record<string, unknown>) => gatewayTmp(path.join(root, `run-${n++}`), payload);
  // Wide, so that the Gateway line stays on one line.
  const liveLock = () => ({ pid: process.pid, createdAt: new Date().toISOString(), port: standin.port, configPath: path.join(stateDir, 'openclaw.json') });
  before(async () => {
    standin = await startHealthStandin();
    stateDir = path.join(root, 'state');
    const main = makeSessionsDir(stateDir, 'main');
    writeStore(main, { 'agent:main:main': { sessionId: 'a', updatedAt: Date.now() } });
    writeTranscript(main, 'a.jsonl');
  });
  after(async () => {
    await standin?.close();
    cleanup();
  });

  it('running and answering: the latency and ready, exit 0', async () => {
    standin.ready = true;
    const r = await cli(['status', '--state-dir', stateDir], { TMPDIR: tmpWith(liveLock()), COLUMNS: '300' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(gatewayLine(r.stdout), new RegExp(`^running \\(pid ${process.pid}, port ${standin.port}\\); answering /health in \\d+ ms, ready$`));
    const json = JSON.parse((await cli(['status', '--json', '--state-dir', stateDir], { TMPDIR: tmpWith(liveLock()), COLUMNS: '300' })).stdout);
    assert.equal(json.exitCode, 0);
    assert.equal(json.gateway.alive, true);
    assert.equal(json.gateway.health.state, 'up');
    assert.equal(json.gateway.health.live, true);
    assert.equal(json.gateway.health.ready, true);
    assert.equal(json.gateway.health.port, standin.port);
    assert.equal(typeof json.gateway.health.latencyMs, 'number');
    assert.match(json.gateway.health.probedAt, /^\d{4}-\d\d-\d\dT/);
  });

  it('not ready: what is failing, exit 1', async () => {
    standin.ready = false;
    standin.failing = ['channels', 'plugins'];
    try {
      const r = await cli(['status', '--state-dir', stateDir], { TMPDIR: tmpWith(liveLock()), COLUMNS: '300' });
      assert.equal(r.code, 1);
      assert.match(gatewayLine(r.stdout), /; answering \/health in \d+ ms, but not ready \(failing: channels, plugins\)$/);
    } finally {
      standin.ready = true;
      standin.failing = [];
    }
  });

  it('its lock left by a dead gateway: down, exit 1; with --no-probe the lock alone says so', async () => {
    const dead = { pid: deadPid(), createdAt: new Date().toISOString(), port: 1, configPath: path.join(stateDir, 'openclaw.json') };
    const r = await cli(['status', '--state-dir', stateDir], { TMPDIR: tmpWith(dead), COLUMNS: '300' });
    assert.equal(r.code, 1);
    assert.match(gatewayLine(r.stdout), new RegExp(`^not running \\(its lock names pid ${dead.pid}, which is gone\\); down: nothing answers on port 1 \\(connection refused\\)$`));
    const unprobed = await cli(['status', '--no-probe', '--state-dir', stateDir], { TMPDIR: tmpWith(dead), COLUMNS: '300' });
    assert.equal(unprobed.code, 1);
    assert.match(gatewayLine(unprobed.stdout), /; down$/);
    const live = await cli(['status', '--no-probe', '--state-dir', stateDir], { TMPDIR: tmpWith(liveLock()), COLUMNS: '300' });
    assert.equal(live.code, 0);
    assert.match(gatewayLine(live.stdout), /; not probed \(probing is turned off\)$/);
  });

  it('no lock, no service unit: not running is an info (exit 0); with a service unit it is down (exit 1)', async () => {
    const home = path.join(root, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify({ gateway: { port: 1 } }));
    try {
      const local = await cli(['status', '--state-dir', stateDir], { TMPDIR: tmpWith(), HOME: home, COLUMNS: '300' });
      assert.equal(local.code, 0, local.stdout);
      assert.match(gatewayLine(local.stdout), /^not running \(no gateway lock\); nothing answers on port 1$/);
      const units = path.join(home, '.config', 'systemd', 'user');
      mkdirSync(units, { recursive: true });
      writeFileSync(path.join(units, 'openclaw-gateway.service'), '[Service]\n');
      const service = await cli(['status', '--json', '--state-dir', stateDir], { TMPDIR: tmpWith(), HOME: home, COLUMNS: '300' });
      assert.equal(service.code, 1);
      const health = JSON.parse(service.stdout).gateway.health;
      assert.deepEqual([health.state, health.expected, health.servicePath], ['down', 'service', path.join(units, 'openclaw-gateway.service')]);
    } finally {
      writeFileSync(path.join(stateDir, 'openclaw.json'), '{}');
    }
  });

  it('rejects a bad --probe-timeout', async () => {
    const r = await cli(['status', '--probe-timeout', 'soon', '--state-dir', stateDir], { TMPDIR: tmpWith(), COLUMNS: '300' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--probe-timeout takes milliseconds/);
  });
});
