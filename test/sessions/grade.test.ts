import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockInspection } from '../../src/lock';
import { gradeLocks, gradeSnapshot, lockViewFrom, regradeSnapshot, type AgentInfo, type SessionInfo, type SessionsSnapshot } from '../../src/sessions';
import { sqliteAgent, sqliteRow, sqliteSession, sqliteSnapshot } from '../extension/snapshots';

const lenient = { warnMs: 60_000, errorMs: 300_000 };
const strict = { warnMs: 1_000, errorMs: 2_000 };

const held = (lockPath: string, ageMs: number): LockInspection => ({
  lockPath, state: 'held', reasons: [], reclaimable: false, ageMs,
  payload: { pid: 4242, createdAt: '2026-11-22T10:00:00.000Z' },
  owner: { pid: 4242, alive: true, isSelf: false },
});

function jsonlSnapshot(): SessionsSnapshot {
  const shared = lockViewFrom(held('/s/a.jsonl.lock', 10_000), lenient);
  const session = (key: string): SessionInfo => ({
    agentId: 'main', key, sessionId: 'a', title: key, transcriptPath: '/s/a.jsonl', transcriptExists: true,
    lockPath: '/s/a.jsonl.lock', lock: shared, inStore: true, problems: [],
  });
  const agent: AgentInfo = {
    id: 'main', sessionsDir: '/s', layout: 'jsonl', sideFiles: [], problems: [],
    sessions: [session('agent:main:a'), session('agent:main:a:topic')],
    orphanLocks: [lockViewFrom(held('/s/gone.jsonl.lock', 30_000), lenient)],
    storeLock: lockViewFrom(held('/s/sessions.json.lock', 90_000), lenient),
  };
  return {
    resolution: { stateDir: '/state', source: 'env', exists: true }, layout: 'jsonl', agents: [agent], gateway: { alive: false },
    problems: [], scannedAt: 1_000_000, scanMs: 1, era: { era: 'jsonl', decidedBy: 'disk', migrationPending: [], unusedDatabases: [] }, findings: [],
  };
}

describe('grading a snapshot', () => {
  it('re-grades every lock from its inspection against new thresholds, reading nothing', () => {
    const scanned = jsonlSnapshot();
    assert.deepEqual(gradeLocks(scanned, lenient).map((e) => `${e.kind}:${e.view.level}`), ['session:held', 'orphan:held', 'store:held-long']);
    const regraded = regradeSnapshot(scanned, strict);
    assert.deepEqual(gradeLocks(regraded, strict).map((e) => `${e.kind}:${e.view.level}`), ['session:held-too-long', 'orphan:held-too-long', 'store:held-too-long']);
    const [a, topic] = regraded.agents[0]!.sessions;
    assert.equal(a!.lock, topic!.lock, 'a lock two sessions share stays one lock');
    assert.equal(regraded.scannedAt, scanned.scannedAt);
    assert.equal(scanned.agents[0]!.sessions[0]!.lock?.level, 'held', 'the scanned snapshot is untouched');
  });

  it('ages locks to a later moment with the one rule', () => {
    const graded = gradeSnapshot(jsonlSnapshot(), lenient, 1_000_000 + 55_000);
    assert.deepEqual(graded.locks.map((e) => [e.view.level, e.view.ageMs]), [['held-long', 65_000], ['held-long', 85_000], ['held-long', 145_000]]);
  });

  it('SQLite era: re-grades the findings at the scan time', () => {
    const NOW = 1_000_000;
    const running = sqliteSession('main', sqliteRow('agent:main:a', { status: 'running', startedAt: NOW - 10_000, activeWriterRunId: 'r1' }));
    const scanned = sqliteSnapshot([sqliteAgent('main', [running])], { scannedAt: NOW });
    assert.deepEqual(scanned.findings.map((f) => f.kind), ['run-active']);
    const regraded = regradeSnapshot(scanned, strict);
    assert.deepEqual(regraded.findings.map((f) => `${f.kind}:${f.severity}`), ['run-hung:error']);
    assert.deepEqual(gradeSnapshot(scanned, strict, NOW).findings.map((f) => f.kind), ['run-hung']);
  });
});
