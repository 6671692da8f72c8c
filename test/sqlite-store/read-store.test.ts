// readSqliteStore on fixture state dirs written with the real 2026.9.6 schema, through the child
// reader (the default on the test runner's Node 20, which has no node:sqlite): every fact it
// reports, and each way a read can fail, reported as a kind rather than thrown.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { node24Binary } from '../fixtures/real-openclaw';
import { holdWriteLock, runNode24, writeSqliteStateDir, type WrittenSqliteStateDir } from '../fixtures/sqlite-state-dir';
import { readSqliteStore } from '../../src/sqlite-store/read-store';
import { requestFor, tempDir, viaNode24 } from './helpers';

const NOW = Date.now();
const MAIN = 'agent:main:main';
const OPS = 'agent:main:discord:ops';

describe('readSqliteStore through the child reader', () => {
  let written: WrittenSqliteStateDir;

  test('writes the fixture (the recorded schema, dumped back identically)', async () => {
    written = await writeSqliteStateDir(tempDir(), {
      agents: [{
        id: 'main',
        sessions: [
          {
            key: OPS, label: 'Ops Discord', displayName: 'ops (Discord)', channel: 'discord', chatType: 'channel', status: 'running',
            updatedAt: NOW - 5000, lastActivityAt: NOW - 6000, startedAt: NOW - 7000, activeWriterRunId: 'run-hung', lastRunId: 'run-before',
            abortedLastRun: true, inputTokens: 900, outputTokens: 650, totalTokens: 1550, contextTokens: 200000, compactionCount: 2,
            pending: [
              { state: 'queued', acceptedAt: NOW - 3000 },
              { state: 'queued', acceptedAt: NOW - 4000 },
              { state: 'interrupted', acceptedAt: NOW - 9000 },
              { state: 'cancelled', acceptedAt: NOW - 10_000 },
            ],
            events: [{}, { compressed: true }, {}, { compressed: true }],
          },
          { key: MAIN, label: 'Main', status: 'failed', updatedAt: NOW - 60_000, tombstone: { reason: 'restart-recovery-exhausted' }, abortedLastRun: false },
          { key: 'agent:main:new', updatedAt: NOW - 1000, initializationPending: true, events: 0 },
          { key: 'agent:main:old', label: 'Old', status: 'done', updatedAt: NOW - 86_400_000, archivedAt: NOW - 3_600_000 },
        ],
      }],
      databaseLeases: [
        { agentId: 'main', pid: 4242, startTime: 1_135_957, openedAt: NOW - 2000 },
        { agentId: 'main', pid: 4343, openedAt: NOW - 9000 },
      ],
      stateLeases: [
        { scope: 'core:agent-database-maintenance', key: 'main', owner: 'doctor-1', expiresAt: NOW + 60_000, heartbeatAt: NOW - 1000, payload: { pid: 777, agentId: 'main' } },
        { scope: 'gateway-owner', key: 'global', owner: 'gw', heartbeatAt: NOW - 1000 },
        { scope: 'core:agent-database-maintenance', key: 'other', owner: 'doctor-0', expiresAt: NOW - 1, heartbeatAt: NOW - 61_000 },
      ],
    });
    assert.equal(written.agents[0]!.sessions.length, 4);
  });

  test('reads every field of a session row', async () => {
    const facts = await readSqliteStore(requestFor(written, NOW), viaNode24());
    assert.equal(facts.reader.kind, 'child', JSON.stringify(facts.reader));
    const agent = facts.agents[0]!;
    assert.equal(agent.failure, undefined, JSON.stringify(agent.failure));
    const byKey = new Map(agent.sessions.map((s) => [s.key, s]));
    const id = (key: string) => written.agents[0]!.sessions.find((s) => s.key === key)!.sessionId;
    assert.deepEqual(byKey.get(OPS), {
      key: OPS, sessionId: id(OPS), status: 'running', label: 'Ops Discord', displayName: 'ops (Discord)', channel: 'discord', chatType: 'channel',
      updatedAt: NOW - 5000, lastActivityAt: NOW - 6000, startedAt: NOW - 7000, activeWriterRunId: 'run-hung', lastRunId: 'run-before',
      abortedLastRun: true, inputTokens: 900, outputTokens: 650, totalTokens: 1550, contextTokens: 200000, compactionCount: 2,
      // cancelled inputs are not waiting: not counted
      queued: 2, interrupted: 1, oldestQueuedAt: NOW - 4000,
    });
    assert.deepEqual(byKey.get(MAIN), {
      key: MAIN, sessionId: id(MAIN), status: 'failed', label: 'Main', updatedAt: NOW - 60_000, abortedLastRun: false,
      tombstone: { reason: 'restart-recovery-exhausted' }, queued: 0, interrupted: 0,
    });
    assert.deepEqual(byKey.get('agent:main:new'), { key: 'agent:main:new', sessionId: id('agent:main:new'), updatedAt: NOW - 1000, initializationPending: true, queued: 0, interrupted: 0 });
    const old = byKey.get('agent:main:old')!;
    assert.equal(old.archivedAt, NOW - 3_600_000);
    assert.equal(old.status, 'done');
    assert.equal(old.tombstone, undefined);
  });

  test('reads the schema, the release and the journal mode', async () => {
    const facts = await readSqliteStore(requestFor(written, NOW), viaNode24());
    const agent = facts.agents[0]!;
    assert.equal(agent.schemaVersion, 23);
    assert.equal(agent.appVersion, '2026.9.6');
    assert.equal(agent.journalMode, 'wal');
    assert.equal(facts.state?.schemaVersion, 18);
    assert.deepEqual(facts.reader, { kind: 'child', nodePath: node24Binary(), nodeVersion: '24.21.0' });
    assert.ok(agent.readMs > 0 && agent.readMs < 1000, `readMs ${agent.readMs}`);
  });

  test('reads the database leases and only the live state leases', async () => {
    const state = (await readSqliteStore(requestFor(written, NOW), viaNode24())).state!;
    assert.equal(state.failure, undefined, JSON.stringify(state.failure));
    const agentPath = written.agents[0]!.path;
    assert.deepEqual(state.databaseLeases, [
      { agentId: 'main', path: agentPath, pid: 4343, openedAt: NOW - 9000 },
      { agentId: 'main', path: agentPath, pid: 4242, startTime: 1_135_957, openedAt: NOW - 2000 },
    ]);
    assert.deepEqual(state.stateLeases.sort((a, b) => a.scope.localeCompare(b.scope)), [
      { scope: 'core:agent-database-maintenance', key: 'main', owner: 'doctor-1', expiresAt: NOW + 60_000, heartbeatAt: NOW - 1000, payload: { pid: 777, agentId: 'main' } },
      { scope: 'gateway-owner', key: 'global', owner: 'gw', heartbeatAt: NOW - 1000 },
    ]);
    // The request's clock decides: once the maintenance lease has expired it is no longer live.
    const later = (await readSqliteStore(requestFor(written, NOW + 61_000), viaNode24())).state!;
    assert.deepEqual(later.stateLeases.map((l) => l.scope), ['gateway-owner']);
  });

  test('reports the WAL size and mtime from the files', async () => {
    const file = written.agents[0]!.path;
    const writer = await holdWriteLock(file, { mode: 'commit-and-hold' });
    try {
      const agent = (await readSqliteStore(requestFor(written), viaNode24())).agents[0]!;
      const wal = fs.statSync(`${file}-wal`);
      assert.ok(wal.size > 0, 'the open writer left its commit in the WAL');
      assert.equal(agent.files.walBytes, wal.size);
      assert.equal(agent.files.walMtimeMs, wal.mtimeMs);
      assert.equal(agent.files.sizeBytes, fs.statSync(file).size);
      assert.equal(agent.failure, undefined);
    } finally {
      await writer.release();
    }
  });
});

describe('a database another connection is writing', () => {
  test('OpenClaw\'s own writes (BEGIN IMMEDIATE in WAL mode) do not block the reader', async () => {
    const written = await writeSqliteStateDir(tempDir(), { agents: [{ id: 'main', sessions: [{ key: MAIN }] }], state: false });
    const writer = await holdWriteLock(written.agents[0]!.path, { mode: 'immediate' });
    try {
      const agent = (await readSqliteStore(requestFor(written), viaNode24())).agents[0]!;
      assert.equal(agent.failure, undefined);
      assert.equal(agent.sessions.length, 1);
    } finally {
      await writer.release();
    }
  });

  // A WAL reader is only kept out by a connection in locking_mode=EXCLUSIVE; a DELETE-journal
  // database (OpenClaw's choice on network file systems) by any writer holding EXCLUSIVE.
  for (const [label, options] of [
    ['locking_mode=EXCLUSIVE in WAL mode', { mode: 'locking-exclusive' }],
    ['BEGIN EXCLUSIVE in DELETE journal mode', { mode: 'exclusive', journal: 'delete' }],
  ] as const) {
    test(`a writer holding the database (${label}) reads as busy, well under a second`, async () => {
      const written = await writeSqliteStateDir(tempDir(), { agents: [{ id: 'main', sessions: [{ key: MAIN }] }], state: false });
      const writer = await holdWriteLock(written.agents[0]!.path, options);
      try {
        const began = performance.now();
        const facts = await readSqliteStore(requestFor(written), viaNode24());
        const ms = performance.now() - began;
        const agent = facts.agents[0]!;
        assert.equal(agent.failure?.kind, 'busy', JSON.stringify(agent.failure));
        assert.deepEqual(agent.sessions, []);
        assert.ok(agent.readMs < 600, `the read waited ${agent.readMs.toFixed(0)} ms`);
        assert.ok(ms < 1000, `busy took ${ms.toFixed(0)} ms with the child's start`);
        process.stdout.write(`# sqlite-store: busy (${label}) after ${agent.readMs.toFixed(0)} ms in the reader, ${ms.toFixed(0)} ms with the child's start\n`);
      } finally {
        await writer.release();
      }
    });
  }
});

describe('reads that fail', () => {
  test('a missing database is reported, never created (nor its -wal or -shm)', async () => {
    const stateDir = tempDir();
    const agentDir = path.join(stateDir, 'agents', 'main', 'agent');
    fs.mkdirSync(agentDir, { recursive: true });
    const file = path.join(agentDir, 'openclaw-agent.sqlite');
    const statePath = path.join(stateDir, 'state', 'openclaw.sqlite');
    const facts = await readSqliteStore({ agents: [{ agentId: 'main', path: file }], statePath, now: Date.now() }, viaNode24());
    assert.equal(facts.agents[0]!.failure?.kind, 'missing');
    assert.equal(facts.state?.failure?.kind, 'missing');
    assert.deepEqual(fs.readdirSync(agentDir), []);
    assert.equal(fs.existsSync(path.dirname(statePath)), false, 'not even the state folder');
  });

  test('a file that is not a database is corrupt', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'openclaw-agent.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 'not a database, just bytes. '));
    const agent = (await readSqliteStore({ agents: [{ agentId: 'main', path: file }], now: Date.now() }, viaNode24())).agents[0]!;
    assert.equal(agent.failure?.kind, 'corrupt', JSON.stringify(agent.failure));
    assert.deepEqual(fs.readdirSync(dir), ['openclaw-agent.sqlite']);
  });

  test('a database without session_nodes is an unknown schema', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'openclaw-agent.sqlite');
    await runNode24("const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1]); db.exec('CREATE TABLE notes (x)'); db.close();", null, { args: [file] });
    const agent = (await readSqliteStore({ agents: [{ agentId: 'main', path: file }], now: Date.now() }, viaNode24())).agents[0]!;
    assert.equal(agent.failure?.kind, 'unknown-schema', JSON.stringify(agent.failure));
  });

  test('no Node with node:sqlite: no-sqlite, naming what was tried', async () => {
    const written = await writeSqliteStateDir(tempDir(), { agents: [{ id: 'main', sessions: [{ key: MAIN }] }], state: false });
    // This Node (20, no sqlite) configured, and nothing on PATH.
    const facts = await readSqliteStore(requestFor(written), { configured: process.execPath, env: { PATH: '' }, readerScript: viaNode24().readerScript });
    assert.equal(facts.reader.kind, 'none');
    const agent = facts.agents[0]!;
    assert.equal(agent.failure?.kind, 'no-sqlite');
    assert.match(agent.failure!.message, new RegExp(`no node:sqlite`));
    assert.ok(agent.failure!.message.includes(`${process.execPath} (no node:sqlite)`), agent.failure!.message);
    assert.ok(agent.files.exists, 'the files are still described');
    const none = await readSqliteStore(requestFor(written), { env: { PATH: '' } });
    assert.match(none.agents[0]!.failure!.message, /no other node on PATH or beside openclaw/);
  });
});
