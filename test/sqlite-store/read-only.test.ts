// The reader never gets in OpenClaw's way: it writes nothing (the database's bytes and mtime,
// and the folder's -wal/-shm files, are as they were), its connection refuses writes
// (`PRAGMA query_only` is on inside the read), and no connection outlives a read: checked
// both through the child reader (it has exited) and in-process on Node 24, where the process
// lists its own open files and another process proves it can take the database exclusively.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { holdWriteLock, runNode24, writeSqliteStateDir, type WrittenSqliteStateDir } from '../fixtures/sqlite-state-dir';
import { readSqliteStore } from '../../src/sqlite-store/read-store';
import { listing, readerScript, requestFor, runProbe, tempDir, viaNode24, writeRequestFile } from './helpers';

const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function writeFixture(): Promise<WrittenSqliteStateDir> {
  return writeSqliteStateDir(tempDir(), {
    agents: [{ id: 'main', sessions: [{ key: 'agent:main:main', status: 'running', activeWriterRunId: 'run-1', pending: [{ state: 'queued', acceptedAt: Date.now() }], events: [{}, { compressed: true }] }] }],
    databaseLeases: [{ agentId: 'main', pid: 1234, openedAt: Date.now() }],
  });
}

/**
 * Can another process have the database to itself? Leaving WAL mode needs every other
 * connection closed (it fails with "database is locked" while one is open), so switching to
 * DELETE and back proves nobody holds it. It rewrites the header: only for fixtures.
 */
async function takesExclusively(file: string): Promise<{ ok: boolean; message?: string }> {
  const out = await runNode24(String.raw`
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1]);
db.exec('PRAGMA busy_timeout = 0');
try {
  const mode = db.prepare('PRAGMA journal_mode = DELETE').get().journal_mode;
  if (mode !== 'delete') throw new Error('journal mode stayed ' + mode);
  db.exec('PRAGMA journal_mode = WAL');
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, message: error.message }));
} finally {
  db.close();
}`, null, { args: [file] });
  return JSON.parse(out) as { ok: boolean; message?: string };
}

describe('the reader never writes', () => {
  test('a database nobody has open (no -wal, no -shm): bytes, mtime and the folder unchanged after reads', async () => {
    const written = await writeFixture();
    const files = [written.agents[0]!.path, written.statePath!];
    const before = files.map((f) => ({ listing: listing(path.dirname(f)), digest: digest(f) }));
    assert.deepEqual(Object.keys(before[0]!.listing), ['openclaw-agent.sqlite'], 'as a stopped OpenClaw leaves it');
    for (let i = 0; i < 3; i++) {
      const facts = await readSqliteStore(requestFor(written), viaNode24());
      assert.equal(facts.agents[0]!.failure, undefined, JSON.stringify(facts.agents[0]!.failure));
      assert.equal(facts.agents[0]!.sessions.length, 1);
      assert.equal(facts.agents[0]!.journalMode, 'wal', 'still says what the database is');
      assert.equal(facts.state!.databaseLeases.length, 1);
    }
    files.forEach((f, i) => {
      assert.deepEqual(listing(path.dirname(f)), before[i]!.listing, `${path.dirname(f)}: no -wal or -shm created, nothing touched`);
      assert.equal(digest(f), before[i]!.digest);
    });
  });

  // The -shm is the WAL's shared-memory index: every WAL reader, read-only or not, takes a read
  // mark in it (so its mtime moves). That is SQLite's locking, not a write of OpenClaw's data.
  test('a database a writer has open: the main file and its WAL are not touched, no file appears or goes', async () => {
    const written = await writeFixture();
    const file = written.agents[0]!.path;
    const writer = await holdWriteLock(file, { mode: 'commit-and-hold' });
    try {
      const before = { listing: listing(path.dirname(file)), main: digest(file), wal: digest(`${file}-wal`) };
      assert.ok(before.listing['openclaw-agent.sqlite-wal']!.size > 0);
      for (let i = 0; i < 3; i++) assert.equal((await readSqliteStore(requestFor(written), viaNode24())).agents[0]!.failure, undefined);
      const after = listing(path.dirname(file));
      const sizes = (l: typeof after) => Object.fromEntries(Object.entries(l).map(([name, f]) => [name, f.size]));
      assert.deepEqual(sizes(after), sizes(before.listing), 'a read-only reader never checkpoints or truncates');
      for (const name of ['openclaw-agent.sqlite', 'openclaw-agent.sqlite-wal']) assert.equal(after[name]!.mtimeMs, before.listing[name]!.mtimeMs, name);
      assert.equal(digest(file), before.main);
      assert.equal(digest(`${file}-wal`), before.wal);
    } finally {
      await writer.release();
    }
  });

  test('PRAGMA query_only is on inside a read, and a write through the reader\'s open fails', async () => {
    const written = await writeFixture();
    const file = written.agents[0]!.path;
    const before = { listing: listing(path.dirname(file)), digest: digest(file) };
    const { value } = await runProbe(['write', file]);
    assert.equal(value.queryOnly, 1, 'query_only, as the reader set it');
    assert.equal(value.wrote, false);
    assert.match(String(value.message), /readonly|query_only|read-only/i);
    assert.equal(value.kind, 'other', 'a refused write is no busy/corrupt fact');
    assert.equal(digest(file), before.digest);
    assert.deepEqual(listing(path.dirname(file)), before.listing);
  });
});

describe('no connection outlives a read', () => {
  test('the child reader has exited when the read returns', async () => {
    const written = await writeFixture();
    const script = readerScript();
    await readSqliteStore(requestFor(written), viaNode24());
    const running = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        // Only this process's children: other test files run their own readers meanwhile.
        const ppid = Number(fs.readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
        return ppid === process.pid && fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(script);
      } catch {
        return false;
      }
    });
    assert.deepEqual(running, [], `${script} still running`);
    assert.deepEqual(await takesExclusively(written.agents[0]!.path), { ok: true });
  });

  test('in-process on Node 24: after the read the process has no handle on the database, and another process can take it', async () => {
    const written = await writeFixture();
    const file = written.agents[0]!.path;
    const probe = await runProbe(['read', writeRequestFile(tempDir(), requestFor(written))]);
    try {
      const result = probe.value.result as { agents: { sessions: unknown[]; failure?: unknown }[] };
      assert.equal(result.agents[0]!.failure, undefined);
      assert.equal(result.agents[0]!.sessions.length, 1);
      const open = (probe.value.openFiles as string[]).filter((f) => f.includes('openclaw-agent.sqlite') || f.includes('openclaw.sqlite'));
      assert.deepEqual(open, [], 'the reader process, still alive, holds none of the database files');
      assert.deepEqual(await takesExclusively(file), { ok: true }, 'nobody has it open while the reader process lives');
    } finally {
      await probe.end();
    }
  });

  test('the exclusivity check is not vacuous: it fails while a connection is held open', async () => {
    const written = await writeFixture();
    const file = written.agents[0]!.path;
    const writer = await holdWriteLock(file, { mode: 'commit-and-hold' });
    try {
      const taken = await takesExclusively(file);
      assert.equal(taken.ok, false);
      assert.match(taken.message ?? '', /locked|busy/i);
    } finally {
      await writer.release();
    }
  });
});
