// The gateway in the view and the status bar: its row (shown where a gateway is meant to run or
// one answers, never for a machine that runs none), its words, and its part of the badge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayBadge, gatewayRow } from '../../src/extension/gateway-presentation';
import { lockEntries } from '../../src/extension/graded-entries';
import { summarizeStatus } from '../../src/extension/lock-status';
import { SessionsTreeModel, contextValueFor } from '../../src/extension/tree-model';
import { parseSettings } from '../../src/extension/settings-parse';
import { nextGatewayHealth } from '../../src/openclaw/gateway-health';
import type { GatewayInfo } from '../../src/sessions/types';
import { agent, session, snapshot } from './snapshots';

const LOCK = '/tmp/openclaw-1000/gateway.1a2b3c4d.lock';
const live: GatewayInfo = { lockPath: LOCK, pid: 4242, alive: true, port: 18789 };
const dead: GatewayInfo = { lockPath: LOCK, pid: 4242, alive: false };
const at = new Date(2026, 11, 1, 14, 20).getTime();
const up = nextGatewayHealth(undefined, { gateway: live, port: 18789, probe: { probedAt: at, port: 18789, live: true, ready: true, latencyMs: 3.4 } }, at);
const down = nextGatewayHealth(up, { gateway: dead, port: 18789, probe: { probedAt: at + 60_000, port: 18789, live: false, error: 'refused' } }, at + 60_000);
const notRunning = nextGatewayHealth(undefined, { gateway: { alive: false }, port: 18789, probe: { probedAt: at, port: 18789, live: false, error: 'refused' } }, at);
const sessions = [agent('main', [session('main', 'a')])];
/** The tooltip as read, Markdown escapes undone. */
const plain = (markdown: string) => markdown.replace(/\\(.)/g, '$1');

test('a gateway row first, above the agents, where a gateway runs or is meant to; none where nothing calls for one', () => {
  const withGateway = new SessionsTreeModel(snapshot(sessions, { gateway: live, gatewayHealth: up }));
  const top = withGateway.children();
  assert.deepEqual(top.map((n) => n.kind), ['gateway', 'agent']);
  assert.equal(withGateway.roots.length, 1, 'roots stay the agents');
  assert.equal(contextValueFor(top[0]!), 'gateway.up');
  assert.equal(withGateway.parent(top[0]!), undefined);
  assert.equal(withGateway.find(top[0]!.id), top[0]);
  assert.equal(new SessionsTreeModel(snapshot(sessions, { gatewayHealth: notRunning })).children()[0]!.kind, 'agent');
  assert.equal(new SessionsTreeModel(snapshot(sessions)).children()[0]!.kind, 'agent', 'no health yet: no row');
  // The locked-only filter hides free sessions, not the gateway.
  assert.equal(new SessionsTreeModel(snapshot(sessions, { gateway: dead, gatewayHealth: down }), { lockedOnly: true }).children()[0]!.kind, 'gateway');
});

test('the row: up with its latency and pid; down since the change, red, with the lock and why it is an error', () => {
  const row = gatewayRow(live, up, at);
  assert.deepEqual([row.label, row.description, row.icon], ['Gateway', 'up, 3 ms · pid 4242', 'pass']);
  assert.match(plain(row.tooltip), /answering \/health in 3 ms, ready/);
  assert.match(row.tooltip, /127\\\.0\\\.0\\\.1\\:18789/, 'the probe target, Markdown-escaped');
  const gone = gatewayRow(dead, down, at + 120_000);
  assert.deepEqual([gone.description, gone.icon, gone.color], ['down since 14:21', 'debug-disconnect', 'list.errorForeground']);
  assert.match(plain(gone.tooltip), /pid 4242, which is gone/);
  assert.match(plain(gone.tooltip), /last answered at 14:20/);
  assert.match(plain(gone.tooltip), /A gateway lock exists for it/);
  assert.ok(gone.tooltip.includes(`\`${LOCK}\``));
  // Every word goes through t.
  const shouted = gatewayRow(dead, down, at + 120_000, (m, ...args) => m.toUpperCase().replace(/\{(\d+)\}/g, (_p, i: string) => String(args[Number(i)])));
  assert.match(shouted.description, /^DOWN SINCE 14:21$/);
  assert.equal(shouted.label, 'GATEWAY');
});

test('the badge: red for a gateway that is down, even with no lock; nothing for one that is up or not meant to run', () => {
  assert.equal(gatewayBadge(up, at), undefined);
  assert.equal(gatewayBadge(notRunning, at), undefined, 'info: no badge, no red');
  const badge = gatewayBadge(down, at + 120_000)!;
  assert.deepEqual([badge.severity, badge.text], ['error', '$(debug-disconnect) gateway down since 14:21']);
  const alone = summarizeStatus([], undefined, undefined, badge);
  assert.deepEqual([alone.count, alone.background, alone.text], [0, 'error', '$(debug-disconnect) gateway down since 14:21']);
  assert.match(alone.tooltip, /^OpenClaw gateway: down since 14:21: nothing answers on port 18789 \(connection refused; last answered at 14:20\)/);
  const model = new SessionsTreeModel(snapshot([agent('main', [session('main', 'a', { level: 'held', pid: 1, ageMs: 1000 })])], { scannedAt: 0 }));
  const both = summarizeStatus(lockEntries(model, { warnMs: 60_000, errorMs: 300_000 }, 0), undefined, undefined, badge);
  assert.deepEqual([both.count, both.background, both.text], [1, 'error', '$(lock) 1  $(debug-disconnect) gateway down since 14:21']);
  const starting = nextGatewayHealth(undefined, { gateway: live, probe: { probedAt: at, port: 1, live: true, ready: false, uptimeMs: 2000 } }, at);
  assert.equal(summarizeStatus([], undefined, undefined, gatewayBadge(starting, at)).background, 'warning');
});

test('settings: gateway.probe (default on) and gateway.probeTimeoutSeconds (default 1.5, at most 10), type-guarded', () => {
  const read = (values: Record<string, unknown>) => parseSettings((name) => values[name]).gateway;
  assert.deepEqual(read({}), { probe: true, probeTimeoutMs: 1500 });
  assert.deepEqual(read({ 'gateway.probe': false, 'gateway.probeTimeoutSeconds': 0.3 }), { probe: false, probeTimeoutMs: 300 });
  assert.deepEqual(read({ 'gateway.probe': 'no', 'gateway.probeTimeoutSeconds': 'soon' }), { probe: true, probeTimeoutMs: 1500 });
  assert.equal(read({ 'gateway.probeTimeoutSeconds': 3600 }).probeTimeoutMs, 10_000);
  assert.equal(read({ 'gateway.probeTimeoutSeconds': -1 }).probeTimeoutMs, 1500);
});
