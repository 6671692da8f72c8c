// What blocks a SQLite-era session, graded from facts: each level, its severity against the
// thresholds, and OpenClaw's own remedy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradeFindings, findingsOf, WAL_TARGET_BYTES } from '../../src/sessions/findings';
import type { AgentInfo, EraInfo, GatewayInfo, SessionInfo, SessionsSnapshot, SqliteSessionRow } from '../../src/sessions/types';
import { agent, session, snapshot } from '../extension/snapshots';

const NOW = 10_000_000;
const thresholds = { warnMs: 60_000, errorMs: 300_000 };
const era: EraInfo = { era: 'sqlite', decidedBy: 'version', migrationPending: [], unusedDatabases: [] };
const liveGateway: GatewayInfo = { alive: true, pid: 4242, port: 18789, stateLock: true, lockPath: '/state/tmp/openclaw-0/gateway.state.lock' };

function sqliteSession(key: string, row: Partial<SqliteSessionRow>): SessionInfo {
  const full: SqliteSessionRow = { key, sessionId: `${key}-id`, queued: 0, interrupted: 0, ...row };
  const { lockPath: _lockPath, lock: _lock, ...facts } = session('main', full.sessionId);
  return { ...facts, key, sqlite: { row: full, databasePath: '/state/agents/main/agent/openclaw-agent.sqlite' } };
}

function world(sessions: SessionInfo[], extra: Partial<SessionsSnapshot> = {}, agentExtra: Partial<AgentInfo> = {}): SessionsSnapshot {
  const database = { agentId: 'main', files: { path: '/state/agents/main/agent/openclaw-agent.sqlite', exists: true, sizeBytes: 1, walBytes: 0 }, sessions: [], readMs: 1 };
  return snapshot([agent('main', sessions, { layout: 'sqlite', database, ...agentExtra })], { layout: 'sqlite', era, gateway: liveGateway, sqlite: { reader: { kind: 'in-process', nodeVersion: '24' }, leases: [] }, ...extra });
}

const kinds = (s: SessionsSnapshot, now = NOW) => gradeFindings(s, thresholds, now).map((f) => `${f.kind}:${f.severity}`);

describe('SQLite-era findings', () => {
  it('a running turn: information under warn, a warning past it, an error past error, with abort as the remedy', () => {
    const s = world([sqliteSession('agent:main:ops', { status: 'running', startedAt: NOW - 10_000, activeWriterRunId: 'run-1' })]);
    assert.deepEqual(kinds(s), ['run-active:info']);
    assert.deepEqual(kinds(s, NOW + 60_000), ['run-hung:warning']);
    const late = gradeFindings(s, thresholds, NOW + 400_000);
    assert.deepEqual(late.map((f) => `${f.kind}:${f.severity}`), ['run-hung:error']);
    assert.deepEqual(late[0]!.remedies.map((r) => r.action), ['abort']);
    assert.deepEqual(late[0]!.remedies[0]!.rpc, { method: 'sessions.abort', params: { key: 'agent:main:ops', agentId: 'main' } });
    assert.equal(late[0]!.facts.runId, 'run-1');
  });

  it('queued messages behind a hung run: abort and drop them is offered, and the queue itself ages', () => {
    const s = world([sqliteSession('agent:main:ops', { status: 'running', startedAt: NOW - 400_000, queued: 3, oldestQueuedAt: NOW - 120_000 })]);
    const found = gradeFindings(s, thresholds, NOW);
    assert.deepEqual(found.map((f) => `${f.kind}:${f.severity}`), ['run-hung:error', 'queue-stalled:warning']);
    assert.deepEqual(found[0]!.remedies.map((r) => r.action), ['abort', 'abort-clear-queued']);
    assert.deepEqual(found[1]!.remedies[0]!.rpc!.params, { key: 'agent:main:ops', agentId: 'main', clearQueued: true });
  });

  it('a run left running by a dead gateway blocks nothing: orphaned, resumed at the next start', () => {
    const s = world([sqliteSession('agent:main:ops', { status: 'running', startedAt: NOW - 900_000 })], { gateway: { alive: false, pid: 1, stateLock: true, lockPath: '/l' } });
    assert.deepEqual(kinds(s).sort(), ['owner-lock-dead:warning', 'run-orphaned:warning']);
    assert.deepEqual(gradeFindings(s, thresholds, NOW).find((f) => f.kind === 'run-orphaned')!.remedies.map((r) => r.action), ['start-gateway']);
  });

  it('a tombstone refuses messages: an error, recovered through sessions.recover', () => {
    const s = world([sqliteSession('agent:main:main', { status: 'done', tombstone: { reason: 'max-attempts' } })]);
    const [f] = gradeFindings(s, thresholds, NOW);
    assert.equal(`${f!.kind}:${f!.severity}`, 'tombstone:error');
    assert.equal(f!.facts.reason, 'max-attempts');
    assert.deepEqual(f!.remedies.map((r) => r.action), ['recover', 'new-session']);
    assert.equal(f!.remedies[0]!.command!.join(' '), 'openclaw gateway call sessions.recover --params {"key":"agent:main:main","agentId":"main"} --json');
  });

  it('idle, archived and initialising sessions: nothing, or information only', () => {
    const s = world([
      sqliteSession('agent:main:idle', { status: 'done' }),
      sqliteSession('agent:main:old', { archivedAt: NOW - 1000 }),
      sqliteSession('agent:main:new', { initializationPending: true }),
    ]);
    assert.deepEqual(kinds(s).sort(), ['archived:info', 'initialization-pending:info']);
    assert.deepEqual(findingsOf(gradeFindings(s, thresholds, NOW), s.agents[0]!.sessions[0]!), []);
  });

  it('the agent database: a WAL past 64 MiB, busy, unreadable, no reader, held open by another live process', () => {
    const files = (walBytes: number) => ({ path: '/db', exists: true, walBytes });
    const big = world([], {}, { database: { agentId: 'main', files: files(WAL_TARGET_BYTES + 1), sessions: [], readMs: 1 } });
    assert.deepEqual(kinds(big), ['wal-large:warning']);
    const huge = gradeFindings(world([], {}, { database: { agentId: 'main', files: files(2 * 1024 ** 3), sessions: [], readMs: 1 } }), thresholds, NOW);
    assert.deepEqual(huge.map((f) => `${f.kind}:${f.severity}`), ['wal-large:error']);
    assert.deepEqual(huge[0]!.remedies[0], { action: 'doctor-compact', command: ['openclaw', 'doctor', '--session-sqlite', 'compact', '--session-sqlite-agent', 'main'], gatewayMustBeStopped: true });
    for (const [kind, expected] of [['busy', 'database-busy:warning'], ['corrupt', 'database-unreadable:warning'], ['no-sqlite', 'no-sqlite-reader:error']] as const) {
      const s = world([], {}, { database: { agentId: 'main', files: files(0), sessions: [], readMs: 1, failure: { kind, message: 'x' } } });
      assert.deepEqual(kinds(s), [expected]);
    }
    const leases = [
      { agentId: 'main', path: '/db', pid: 4242, openedAt: 1, alive: true }, // the gateway itself: normal
      { agentId: 'main', path: '/db', pid: 777, openedAt: 2, alive: true },
      { agentId: 'main', path: '/db', pid: 888, openedAt: 3, alive: false }, // a dead row the next opener deletes
    ];
    const held = world([], { sqlite: { reader: { kind: 'in-process', nodeVersion: '24' }, leases } });
    const found = gradeFindings(held, thresholds, NOW);
    assert.deepEqual(found.map((f) => `${f.kind}:${f.severity}:${f.facts.pid}`), ['database-held-open:info:777']);
  });

  it('state-dir level: a maintenance lease, a pending migration (an error only beside a live gateway)', () => {
    const maintenance = world([], { sqlite: { reader: { kind: 'in-process', nodeVersion: '24' }, leases: [], state: { files: { path: '/s', exists: true }, databaseLeases: [], stateLeases: [{ scope: 'core:agent-database-maintenance', key: 'main', owner: 'doctor', expiresAt: NOW + 30_000 }, { scope: 'gateway-owner', key: 'global', owner: 'x' }], readMs: 1 } } });
    assert.deepEqual(kinds(maintenance), ['maintenance-lease:warning']);
    const pending = { ...era, migrationPending: ['work'] };
    assert.deepEqual(kinds(world([], { era: pending, gateway: { alive: false } })), ['migration-pending:warning']);
    assert.deepEqual(kinds(world([], { era: pending })), ['migration-pending:error']);
  });
});
