// `metrics` for a SQLite-era state dir and with failed messages from OpenClaw's log, read back
// with a real Prometheus text parser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { failedMessagesOf, renderMetrics } from '../../src/cli/metrics';
import { FailureTally } from '../../src/logs/tally';
import type { SessionInfo, SqliteSessionRow } from '../../src/sessions/types';
import { agent, session, snapshot } from '../extension/snapshots';

const NOW = 50_000_000;

function sqliteSession(key: string, row: Partial<SqliteSessionRow>): SessionInfo {
  const full: SqliteSessionRow = { key, sessionId: `${key}-id`, queued: 0, interrupted: 0, ...row };
  const { lockPath: _lockPath, lock: _lock, ...facts } = session('main', full.sessionId);
  return { ...facts, key, sqlite: { row: full, databasePath: '/db' } };
}

function samples(families: ParsedFamily[], name: string): { labels: Record<string, string>; value: number }[] {
  const found = families.find((f) => f.name === name);
  assert.ok(found, `${name} in ${families.map((f) => f.name).join(', ')}`);
  assert.equal(found.type, 'GAUGE');
  return found.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
}

describe('metrics in the SQLite era', () => {
  it('counts findings by kind and severity, the longest run, WAL and database sizes, leftovers', async () => {
    const snap = snapshot([agent('main', [
      sqliteSession('agent:main:ops', { status: 'running', startedAt: NOW - 400_000 }),
      sqliteSession('agent:main:main', { status: 'done', tombstone: { reason: 'x' } }),
      sqliteSession('agent:main:idle', { status: 'done' }),
    ], {
      layout: 'sqlite',
      database: { agentId: 'main', files: { path: '/db', exists: true, sizeBytes: 4096, walBytes: 70 * 1024 * 1024 }, sessions: [], readMs: 1 },
      leftoverLocks: [],
    })], {
      layout: 'sqlite',
      era: { era: 'sqlite', decidedBy: 'version', migrationPending: [], unusedDatabases: [] },
      gateway: { alive: true, pid: 1, stateLock: true, lockPath: '/l' },
      sqlite: { reader: { kind: 'in-process', nodeVersion: '24' }, leases: [] },
    });
    const text = await renderMetrics({ snapshot: snap, thresholds: { warnMs: 60_000, errorMs: 300_000 }, now: NOW });
    const families = parsePrometheusTextFormat(text);
    const findings = samples(families, 'openclaw_locks_findings').map((s) => `${s.labels.kind}:${s.labels.severity}=${s.value}`).sort();
    assert.deepEqual(findings, ['run-hung:error=1', 'tombstone:error=1', 'wal-large:warning=1']);
    assert.equal(samples(families, 'openclaw_locks_findings_needing_attention')[0]!.value, 3);
    assert.equal(samples(families, 'openclaw_locks_longest_run_seconds')[0]!.value, 400);
    assert.deepEqual(samples(families, 'openclaw_locks_database_wal_bytes').map((s) => [s.labels.agent, s.value]), [['main', 70 * 1024 * 1024]]);
    assert.equal(samples(families, 'openclaw_locks_sqlite_era')[0]!.value, 1);
    assert.equal(samples(families, 'openclaw_locks_sessions')[0]!.value, 3);
  });

  it('failed messages per session from the log reader\'s tally, labelled with the agent', async () => {
    const tally = new FailureTally(0);
    tally.sessions.set('agent:main:discord:ops', { count: 7, firstAt: 1, lastAt: 2, lastError: 'locked', lastKind: 'lock-timeout' } as never);
    const text = await renderMetrics({ snapshot: snapshot([]), thresholds: { warnMs: 60_000, errorMs: 300_000 }, now: NOW, failedMessages: failedMessagesOf(tally) });
    const failed = samples(parsePrometheusTextFormat(text), 'openclaw_locks_failed_messages');
    assert.deepEqual(failed.map((s) => [s.labels.agent, s.labels.session_key, s.value]), [['main', 'agent:main:discord:ops', 7]]);
  });
});
