// The SQLite era (OpenClaw 2026.8+) in the view, as pure logic: rows and their order, the
// contextValues menus match on, the words, the badge's count (leftovers never in it) and the
// alerts, all re-graded from the clock like the JSONL era's locks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradeFindings } from '../../src/sessions/findings';
import { FindingAlertTracker } from '../../src/extension/alert-tracking';
import { findingEntries } from '../../src/extension/graded-entries';
import { summarizeFindingStatus } from '../../src/extension/lock-status';
import { parseSettings } from '../../src/extension/settings-parse';
import {
  eraDescription,
  eraRowDescription,
  findingAlertMessage,
  findingContextValue,
  remedyCommandLine,
  sqliteSessionContextValue,
  sqliteSessionDescription,
  sqliteSessionTooltip,
} from '../../src/extension/sqlite-presentation';
import { SessionsTreeModel, contextValueFor, type FindingNode, type LeftoversNode, type SessionNode } from '../../src/extension/tree-model';
import { lockView, sqliteAgent, sqliteRow, sqliteSession, sqliteSnapshot } from './snapshots';

const NOW = 1_000_000_000;
const MIN = 60_000;

function world(extra: Parameters<typeof sqliteSnapshot>[1] = {}) {
  const hung = sqliteSession('main', sqliteRow('agent:main:discord:ops', {
    label: 'Ops Discord', channel: 'discord', status: 'running', activeWriterRunId: 'run-7', startedAt: NOW - 7 * MIN, updatedAt: NOW - 7 * MIN, queued: 3, oldestQueuedAt: NOW - 30_000,
  }));
  const tomb = sqliteSession('main', sqliteRow('agent:main:main', { label: 'Main', status: 'failed', tombstone: { reason: 'restart limit' }, updatedAt: NOW - 60 * MIN }));
  const idle = sqliteSession('main', sqliteRow('agent:main:telegram:dm', { label: 'DM', channel: 'telegram', status: 'done', updatedAt: NOW - 5 * MIN, lastActivityAt: NOW - 5 * MIN }));
  const leftover = lockView('/state/agents/main/sessions/old.jsonl.lock', { level: 'stale', pid: 999, reasons: ['dead-pid'] });
  const main = sqliteAgent('main', [idle, tomb, hung], { leftoverLocks: [leftover] });
  return sqliteSnapshot([main], { scannedAt: NOW, ...extra });
}

const rows = (model: SessionsTreeModel) => model.children(model.roots[0]).map((n) => (n.kind === 'session' ? n.session.title : n.kind === 'finding' ? `finding:${n.finding.kind}` : n.kind));

test('SQLite-era sessions are rows, blocked ones first (errors, then oldest), idle ones after; leftovers last, grouped', () => {
  const model = new SessionsTreeModel(world());
  assert.deepEqual(rows(model), ['Ops Discord', 'Main', 'DM', 'leftovers']);
  const agentNode = model.roots[0]!;
  assert.equal(agentNode.lockedCount, 2, 'two blocked sessions');
  const group = model.children(agentNode).at(-1) as LeftoversNode;
  assert.equal(model.children(group).length, 1);
  assert.equal(contextValueFor(group), 'leftoverLocks');
  assert.equal(contextValueFor(group.children[0]!), 'leftoverLock');
  assert.deepEqual(model.lockedNodes(), [], 'no lock rows in this era');
});

test('contextValues say what applies: Abort on a running row, Recover on a tombstone, nothing on an idle one', () => {
  const snap = world();
  const model = new SessionsTreeModel(snap);
  const byTitle = new Map(model.children(model.roots[0]).filter((n): n is SessionNode => n.kind === 'session').map((n) => [n.session.title, n]));
  assert.equal(contextValueFor(byTitle.get('Ops Discord')!), 'sqliteSession.running.hung.queued');
  assert.equal(contextValueFor(byTitle.get('Main')!), 'sqliteSession.tombstone');
  assert.equal(contextValueFor(byTitle.get('DM')!), 'sqliteSession.idle');
  // The menus' regexes (package.json) against these values.
  const abort = /^sqliteSession\..*\brunning\b/;
  const recover = /^sqliteSession\..*\btombstone\b/;
  assert.ok(abort.test('sqliteSession.running.hung.queued') && abort.test('sqliteSession.running'));
  assert.ok(!abort.test('sqliteSession.tombstone') && !abort.test('sqliteSession.idle') && !abort.test('sqliteSession.interrupted'));
  assert.ok(recover.test('sqliteSession.tombstone') && !recover.test('sqliteSession.running.hung'));
  assert.ok(!/^session\./.test('sqliteSession.idle'), 'the JSONL menus (^session\\.) do not match SQLite rows');
});

test('a run under the warn threshold is "running", informational: not in the badge; it ticks into "hung" without a rescan', () => {
  const fresh = sqliteSession('main', sqliteRow('agent:main:a', { label: 'A', status: 'running', startedAt: NOW - 10_000, activeWriterRunId: 'r1' }));
  const snap = sqliteSnapshot([sqliteAgent('main', [fresh])], { scannedAt: NOW });
  const model = new SessionsTreeModel(snap);
  const node = model.children(model.roots[0]).find((n): n is SessionNode => n.kind === 'session')!;
  assert.equal(contextValueFor(node), 'sqliteSession.running');
  assert.match(sqliteSessionDescription(node.session, node.findings!, NOW), /^running 10s/);
  assert.equal(findingEntries(model, snap.findings).length, 0);
  const later = NOW + 6 * MIN;
  const regraded = gradeFindings(snap, undefined, later);
  assert.equal(regraded[0]!.kind, 'run-hung');
  assert.equal(regraded[0]!.severity, 'error');
  assert.equal(sqliteSessionContextValue(regraded, node.session), 'sqliteSession.running.hung');
  assert.match(sqliteSessionDescription(node.session, regraded, later), /^hung 6m/);
  assert.equal(findingEntries(model, regraded).length, 1);
});

test('the badge counts findings at warning and error; leftover lock files never count', () => {
  const snap = world();
  const model = new SessionsTreeModel(snap);
  const entries = findingEntries(model, snap.findings);
  assert.deepEqual(entries.map((e) => `${e.title}:${e.finding.kind}`).sort(), ['Main:tombstone', 'Ops Discord:run-hung']);
  const summary = summarizeFindingStatus(entries, NOW);
  assert.equal(summary.count, 2);
  assert.equal(summary.text, '$(database) 2');
  assert.equal(summary.background, 'error');
  // Leftovers only: nothing to count, no colour.
  const onlyLeftovers = sqliteSnapshot([sqliteAgent('main', [], { leftoverLocks: [lockView('/x.jsonl.lock', { level: 'stale', pid: 1, reasons: ['dead-pid'] })] })]);
  assert.equal(findingEntries(new SessionsTreeModel(onlyLeftovers), onlyLeftovers.findings).length, 0);
  assert.equal(summarizeFindingStatus([], NOW).count, 0);
});

test('row words: the worst finding first, then the queue, the channel and the last activity', () => {
  const snap = world();
  const model = new SessionsTreeModel(snap);
  const [hung, tomb, idle] = model.children(model.roots[0]) as SessionNode[];
  assert.equal(sqliteSessionDescription(hung!.session, hung!.findings!, NOW), 'hung 7m · 3 queued · discord · 7m ago');
  assert.equal(sqliteSessionDescription(tomb!.session, tomb!.findings!, NOW), 'refuses messages · 1h ago');
  assert.equal(sqliteSessionDescription(idle!.session, idle!.findings!, NOW), 'telegram · 5m ago');
  const tooltip = sqliteSessionTooltip(snap, hung!.session, hung!.findings!, NOW);
  for (const part of ['**Ops Discord**', 'Run id: run\\-7', 'Queued messages: 3', 'Channel: discord', 'holds the session lane', 'Abort the run']) {
    assert.ok(tooltip.includes(part), `tooltip has ${part}:\n${tooltip}`);
  }
  assert.ok(tooltip.includes('sessions\\.abort'), 'the remedy as a command');
});

test('agent-level and state-dir-level findings are rows; a database nothing can read says so instead of an empty tree', () => {
  const unreadable = sqliteAgent('work', [], {
    database: { agentId: 'work', files: { path: '/state/agents/work/agent/openclaw-agent.sqlite', exists: true, walBytes: 200 * 2 ** 20 }, sessions: [], readMs: 0, failure: { kind: 'no-sqlite', message: 'no node:sqlite in Node 20.18.0' } },
  });
  const snap = sqliteSnapshot([unreadable], { era: { era: 'sqlite', decidedBy: 'disk', migrationPending: ['work'], unusedDatabases: [] } });
  const model = new SessionsTreeModel(snap);
  const top = model.children().filter((n): n is FindingNode => n.kind === 'finding');
  assert.deepEqual(top.map((n) => n.finding.kind), ['migration-pending']);
  assert.equal(contextValueFor(top[0]!), 'finding.migration-pending.command', 'its doctor command can be copied');
  assert.deepEqual(rows(model), ['finding:no-sqlite-reader', 'finding:wal-large']);
  const wal = model.children(model.roots[0]).find((n): n is FindingNode => n.kind === 'finding' && n.finding.kind === 'wal-large')!;
  assert.equal(findingContextValue(wal.finding), 'finding.wal-large.command');
  assert.equal(remedyCommandLine(snap, wal.finding.remedies[0]!), 'OPENCLAW_STATE_DIR=/state openclaw doctor --session-sqlite compact --session-sqlite-agent work');
  assert.equal(model.nodeForFinding(wal.finding.id), wal);
});

test('an agent database with no sessions yet shows a row saying so', () => {
  const snap = sqliteSnapshot([sqliteAgent('main', [])]);
  const model = new SessionsTreeModel(snap);
  assert.deepEqual(rows(model), ['notice']);
});

test('"blocked only" keeps sessions with a finding and drops idle ones and leftovers', () => {
  const model = new SessionsTreeModel(world(), { lockedOnly: true });
  assert.deepEqual(rows(model), ['Ops Discord', 'Main']);
});

test('the era is named: "SQLite era · OpenClaw 2026.9.6"', () => {
  assert.equal(eraDescription(world()), 'SQLite era · OpenClaw 2026.9.6');
  assert.equal(eraDescription({ ...world(), era: { era: 'sqlite', decidedBy: 'disk', migrationPending: [], unusedDatabases: [] } }), 'SQLite era');
  assert.equal(eraDescription({ ...world(), layout: 'jsonl' }), undefined);
});

test('a new error finding is announced once, with its own sentence; it may be announced again after it ends', () => {
  const snap = world();
  const model = new SessionsTreeModel(snap);
  const tracker = new FindingAlertTracker();
  const first = tracker.update(findingEntries(model, snap.findings));
  assert.deepEqual(first.map((a) => a.entry.finding.kind).sort(), ['run-hung', 'tombstone']);
  assert.deepEqual(tracker.update(findingEntries(model, snap.findings)), []);
  const hung = first.find((a) => a.entry.finding.kind === 'run-hung')!;
  assert.equal(findingAlertMessage(hung.entry.title, hung.entry.finding, NOW), 'Ops Discord: a run has been hung for 7m; messages queue behind it.');
  assert.deepEqual(tracker.update([]), []);
  assert.equal(tracker.update(findingEntries(model, snap.findings)).length, 2);
});

test('openclawSessions.nodePath is type-guarded', () => {
  const parse = (value: unknown) => parseSettings((name) => (name === 'nodePath' ? value : undefined)).nodePath;
  assert.equal(parse(' /opt/node24/bin/node '), '/opt/node24/bin/node');
  assert.equal(parse(''), undefined);
  assert.equal(parse(42), undefined);
  assert.equal(parse(undefined), undefined);
});

test('a hung run with a stalled queue behind it is one blocked session in the badge, as in the rows', () => {
  const both = sqliteSession('main', sqliteRow('agent:main:a', { label: 'A', status: 'running', startedAt: NOW - 10 * MIN, queued: 2, oldestQueuedAt: NOW - 9 * MIN }));
  const snap = sqliteSnapshot([sqliteAgent('main', [both])], { scannedAt: NOW });
  assert.deepEqual(snap.findings.map((f) => f.kind).sort(), ['queue-stalled', 'run-hung']);
  const entries = findingEntries(new SessionsTreeModel(snap), snap.findings);
  assert.deepEqual(entries.map((e) => e.finding.kind), ['run-hung']);
});

test('the era row comes first and says whether the state dir\'s owner is alive', () => {
  const model = new SessionsTreeModel(world());
  const [first] = model.children();
  assert.equal(first?.kind, 'era');
  assert.equal(eraRowDescription(world()), 'gateway pid 4242');
  assert.equal(eraRowDescription({ gateway: { alive: false, pid: 7 } }), 'gateway gone (pid 7)');
  assert.equal(eraRowDescription({ gateway: { alive: false } }), 'gateway not running');
});

test('an agent database a JSONL-era openclaw does not read says so, not "no sessions yet"', () => {
  const snap = sqliteSnapshot([sqliteAgent('main', [])], { era: { era: 'jsonl', decidedBy: 'version', version: { version: '2026.7.35', year: 2026, month: 7, patch: 35 }, migrationPending: [], unusedDatabases: ['main'] } });
  const model = new SessionsTreeModel(snap);
  const notice = model.children(model.roots[0]).find((n) => n.kind === 'notice');
  assert.equal(notice?.kind === 'notice' && notice.notice, 'unused-database');
});
