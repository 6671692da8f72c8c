// `openclaw-locks metrics`: the exposition text read back with a real Prometheus text parser
// (names, types, labels, values), rendered in-process and by the built CLI into a textfile.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { renderMetrics } from '../../src/cli/metrics';
import { DEFAULT_THRESHOLDS, nextGatewayHealth, scanStateDir } from '../../src/sessions';
import { deadPid } from '../fixtures/live-holder';
import { isoAgo, makeSessionsDir, makeTempRoot, writeLock, writeStore, writeTranscript } from '../fixtures/state-dir';
import { startHealthStandin, type HealthStandin } from '../fixtures/gateway-health-standin';
import { cli, gatewayTmp } from './run-cli';

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  assert.ok(found, `a ${name} family in: ${families.map((f) => f.name).join(', ')}`);
  return found;
}

/** The one sample of a family whose labels include `labels`, as a number. */
function value(families: ParsedFamily[], name: string, labels: Record<string, string> = {}): number {
  const samples = family(families, name).metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  assert.equal(samples.length, 1, `one ${name} sample with ${JSON.stringify(labels)}: ${JSON.stringify(family(families, name).metrics)}`);
  return Number(samples[0]!.value);
}

describe('openclaw-locks metrics', () => {
  const { root, cleanup } = makeTempRoot('oc-metrics-');
  let standin: HealthStandin;
  let stateDir: string;
  before(async () => {
    standin = await startHealthStandin();
    stateDir = path.join(root, 'state');
    const main = makeSessionsDir(stateDir, 'main');
    writeStore(main, { 'agent:main:main': { sessionId: 'a', updatedAt: Date.now() }, 'agent:main:ops': { sessionId: 'b', updatedAt: Date.now() } });
    writeTranscript(main, 'a.jsonl');
    writeTranscript(main, 'b.jsonl');
    // A stale lock, 10 minutes old, left by a dead pid.
    writeLock(path.join(main, 'a.jsonl.lock'), { pid: deadPid(), createdAt: isoAgo(600_000) }, 600_000);
    const other = makeSessionsDir(stateDir, 'other');
    writeTranscript(other, 'c.jsonl');
  });
  after(async () => {
    await standin?.close();
    cleanup();
  });

  it('renders locks by level, stale count, oldest age, sessions, gateway and failed messages, parsed back by a Prometheus parser', async () => {
    const snapshot = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'no-gateway'), env: {} });
    const now = Date.now();
    snapshot.gatewayHealth = nextGatewayHealth(undefined, {
      gateway: { lockPath: '/x/gateway.1.lock', pid: 7, alive: true, port: 18789 },
      port: 18789,
      probe: { probedAt: now, port: 18789, live: true, ready: false, failing: ['channels'], uptimeMs: 3_600_000, latencyMs: 4.2, readyLatencyMs: 5 },
    }, now);
    const text = await renderMetrics({
      snapshot,
      thresholds: DEFAULT_THRESHOLDS,
      now,
      // The log reader's extension point; a key with characters that must be escaped.
      failedMessages: [{ agentId: 'main', sessionKey: 'agent:main:main', count: 7 }, { agentId: 'main', sessionKey: 'odd "key"\\with\nnewline', count: 1 }],
    });
    const families = parsePrometheusTextFormat(text);
    for (const f of families) {
      assert.match(f.name, /^openclaw_locks_[a-z_]+$/);
      assert.equal(f.type, 'GAUGE', f.name);
      assert.ok(f.help.length > 10, `${f.name} has help`);
      for (const m of f.metrics) assert.equal(m.labels?.state_dir, stateDir, `${f.name} is labelled with the state dir`);
    }
    assert.equal(value(families, 'openclaw_locks_state_dir_exists'), 1);
    assert.equal(value(families, 'openclaw_locks_locks', { level: 'stale' }), 1);
    assert.equal(value(families, 'openclaw_locks_locks', { level: 'held' }), 0);
    assert.equal(family(families, 'openclaw_locks_locks').metrics.length, 7, 'every level, at 0 before its first lock');
    assert.equal(value(families, 'openclaw_locks_stale_locks'), 1);
    assert.equal(value(families, 'openclaw_locks_locks_needing_attention'), 1);
    const oldest = value(families, 'openclaw_locks_oldest_lock_age_seconds');
    assert.ok(oldest >= 599 && oldest < 700, `oldest ${oldest}`);
    assert.equal(value(families, 'openclaw_locks_sessions', { agent: 'main' }), 2);
    assert.equal(value(families, 'openclaw_locks_sessions', { agent: 'other' }), 1);
    assert.equal(value(families, 'openclaw_locks_gateway_up'), 1);
    assert.equal(value(families, 'openclaw_locks_gateway_ready'), 0);
    assert.equal(value(families, 'openclaw_locks_gateway_state', { state: 'not-ready' }), 1);
    assert.equal(value(families, 'openclaw_locks_gateway_state', { state: 'up' }), 0);
    assert.equal(value(families, 'openclaw_locks_gateway_health_latency_seconds'), 0.0042);
    assert.equal(value(families, 'openclaw_locks_gateway_uptime_seconds'), 3600);
    assert.equal(value(families, 'openclaw_locks_gateway_lock_owner_alive'), 0, 'this scan found no gateway lock');
    assert.equal(value(families, 'openclaw_locks_failed_messages', { session_key: 'agent:main:main' }), 7);
    assert.equal(value(families, 'openclaw_locks_failed_messages', { session_key: 'odd "key"\\with\nnewline' }), 1, 'label values escaped and read back whole');
    const ran = value(families, 'openclaw_locks_last_run_timestamp_seconds');
    assert.ok(Math.abs(ran - now / 1000) < 2);
    assert.ok(value(families, 'openclaw_locks_scan_duration_seconds') > 0);

    // Without tallies the failed-messages metric is left out, not claimed to be zero.
    const without = parsePrometheusTextFormat(await renderMetrics({ snapshot, thresholds: DEFAULT_THRESHOLDS, now }));
    assert.equal(without.find((f) => f.name === 'openclaw_locks_failed_messages'), undefined);
  });

  it('the built CLI probes the gateway and replaces a textfile atomically', async () => {
    const tmp = gatewayTmp(path.join(root, 'cli'), { pid: process.pid, createdAt: new Date().toISOString(), port: standin.port, configPath: path.join(stateDir, 'openclaw.json') });
    const dir = path.join(root, 'textfile');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'openclaw_locks.prom');
    writeFileSync(file, 'old contents\n');
    const r = await cli(['metrics', '--state-dir', stateDir, '--output', file], { TMPDIR: tmp });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'nothing on stdout with --output');
    assert.deepEqual(readdirSync(dir), ['openclaw_locks.prom'], 'no temporary file left behind');
    assert.equal(statSync(file).mode & 0o777, 0o644);
    const families = parsePrometheusTextFormat(readFileSync(file, 'utf8'));
    assert.equal(value(families, 'openclaw_locks_gateway_lock_owner_alive'), 1);
    assert.equal(value(families, 'openclaw_locks_gateway_up'), 1);
    assert.equal(value(families, 'openclaw_locks_gateway_ready'), 1);
    assert.equal(value(families, 'openclaw_locks_gateway_state', { state: 'up' }), 1);
    const latency = value(families, 'openclaw_locks_gateway_health_latency_seconds');
    assert.ok(latency > 0 && latency < 1.5, `latency ${latency}`);
    assert.ok(standin.requests.includes('GET /health') && standin.requests.includes('GET /ready'));

    // Stdout, not ready, and a gateway that is gone.
    standin.ready = false;
    standin.failing = ['channels'];
    const notReady = parsePrometheusTextFormat((await cli(['metrics', '--state-dir', stateDir], { TMPDIR: tmp })).stdout);
    assert.equal(value(notReady, 'openclaw_locks_gateway_ready'), 0);
    assert.equal(value(notReady, 'openclaw_locks_gateway_state', { state: 'not-ready' }), 1);
    standin.ready = true;
    const gone = gatewayTmp(path.join(root, 'cli-dead'), { pid: deadPid(), createdAt: new Date().toISOString(), port: 1, configPath: path.join(stateDir, 'openclaw.json') });
    const down = parsePrometheusTextFormat((await cli(['metrics', '--state-dir', stateDir], { TMPDIR: gone })).stdout);
    assert.equal(value(down, 'openclaw_locks_gateway_up'), 0);
    assert.equal(value(down, 'openclaw_locks_gateway_state', { state: 'down' }), 1);
    assert.equal(value(down, 'openclaw_locks_gateway_expected'), 1);
    assert.equal(down.find((f) => f.name === 'openclaw_locks_gateway_health_latency_seconds'), undefined, 'no latency without an answer');

    const bad = await cli(['metrics', '--state-dir', stateDir, '--output', path.join(root, 'no-such-dir', 'x.prom')], { TMPDIR: tmp });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Could not write/);
    assert.equal(existsSync(path.join(root, 'no-such-dir')), false);
  });
});
