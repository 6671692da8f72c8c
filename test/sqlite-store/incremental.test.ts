// Reading entry_json is most of a read's cost, so a second read of a database reads only the
// entries whose row changed (OpenClaw bumps updated_at with every entry write) and keeps the
// rest from the first. Checked on the real schema: a change is seen, an untouched row keeps
// its entry-only facts, and a read without the cache says the same.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runNode24, writeSqliteStateDir } from '../fixtures/sqlite-state-dir';
import { readSqliteStore } from '../../src/sqlite-store/read-store';
import { requestFor, tempDir, viaNode24 } from './helpers';

const NOW = Date.now();

describe('incremental reads', () => {
  test('a changed entry is read again, unchanged ones are kept, and both equal a full read', async () => {
    const written = await writeSqliteStateDir(tempDir(), {
      agents: [{
        id: 'main',
        sessions: [
          { key: 'agent:main:a', status: 'running', updatedAt: NOW - 5000, startedAt: NOW - 7000, activeWriterRunId: 'run-a', totalTokens: 10 },
          { key: 'agent:main:b', status: 'done', updatedAt: NOW - 9000, totalTokens: 20 },
        ],
      }],
    });
    const options = viaNode24();
    const first = await readSqliteStore(requestFor(written), options);
    const firstA = first.agents[0]!.sessions.find((s) => s.key === 'agent:main:a')!;
    assert.equal(firstA.activeWriterRunId, 'run-a');
    // OpenClaw's restart recovery gives up on b: a tombstone in its entry, updated_at bumped.
    const path = written.agents[0]!.path;
    await runNode24(`const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1]);
      db.prepare("UPDATE session_nodes SET entry_json = json_set(entry_json, '$.mainRestartRecovery', json('{\\"cycleId\\":\\"c\\",\\"revision\\":1,\\"chargedAttempts\\":3,\\"tombstone\\":{\\"reason\\":\\"exhausted\\"}}')), updated_at = updated_at + 1 WHERE session_key = 'agent:main:b'").run(); db.close();`, null, { args: [path] });
    const second = await readSqliteStore(requestFor(written), options);
    const byKey = new Map(second.agents[0]!.sessions.map((s) => [s.key, s]));
    assert.deepEqual(byKey.get('agent:main:b')!.tombstone, { reason: 'exhausted' }, 'the changed entry was read');
    assert.equal(byKey.get('agent:main:a')!.activeWriterRunId, 'run-a', 'the unchanged entry kept its entry-only facts');
    assert.equal(byKey.get('agent:main:a')!.totalTokens, 10);
    assert.equal('entryReused' in byKey.get('agent:main:a')!, false, 'no transit flag reaches the caller');
    const full = await readSqliteStore(requestFor(written), { ...options, incremental: false });
    assert.deepEqual(second.agents[0]!.sessions, full.agents[0]!.sessions);
  });
});
