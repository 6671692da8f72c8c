// withReadOnlyDatabase's choice of how to open, with a stand-in driver (no sqlite needed): a WAL
// database nobody has open is opened immutable (a plain open would create -wal and -shm), and
// that read is dropped and made again the usual way when a writer opened it meanwhile.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { SqliteDatabase, SqliteOpen } from '../../src/sqlite-store/driver';
import { withReadOnlyDatabase } from '../../src/sqlite-store/read-database';
import { tempDir } from './helpers';

/** A main file whose header says WAL (bytes 18 and 19 are 2), as OpenClaw's databases are. */
function walDatabaseFile(): string {
  const file = path.join(tempDir(), 'openclaw-agent.sqlite');
  const header = Buffer.alloc(4096);
  header.write('SQLite format 3\0', 0, 'latin1');
  header[18] = 2;
  header[19] = 2;
  fs.writeFileSync(file, header);
  return file;
}

function standIn(onOpen: (options: Parameters<SqliteOpen>[1]) => void): { open: SqliteOpen; opens: Parameters<SqliteOpen>[1][]; sql: string[] } {
  const opens: Parameters<SqliteOpen>[1][] = [];
  const sql: string[] = [];
  const open: SqliteOpen = (_file, options) => {
    opens.push(options);
    onOpen(options);
    const db: SqliteDatabase = {
      exec: (text) => { sql.push(text); },
      prepare: () => ({ all: () => [], get: () => undefined }),
      close: () => { sql.push('close'); },
    };
    return db;
  };
  return { open, opens, sql };
}

describe('withReadOnlyDatabase', () => {
  test('a WAL database without -wal and -shm is read immutable, once', () => {
    const file = walDatabaseFile();
    const driver = standIn(() => undefined);
    const how = withReadOnlyDatabase(driver.open, file, (_db, how) => how);
    assert.deepEqual(how, { immutable: true });
    assert.equal(driver.opens.length, 1);
    assert.equal(driver.opens[0]!.immutable, true);
    assert.equal(driver.opens[0]!.readOnly, true);
    assert.deepEqual(driver.sql, ['PRAGMA query_only = 1', 'PRAGMA busy_timeout = 250', 'BEGIN', 'COMMIT', 'close']);
  });

  test('with a -wal beside it (a writer has it open), the usual read-only open', () => {
    const file = walDatabaseFile();
    fs.writeFileSync(`${file}-wal`, '');
    const driver = standIn(() => undefined);
    assert.deepEqual(withReadOnlyDatabase(driver.open, file, (_db, how) => how), { immutable: false });
    assert.deepEqual(driver.opens.map((o) => o.immutable), [false]);
  });

  test('a writer that opens it during the immutable read: that read is dropped and made again beside the writer', () => {
    const file = walDatabaseFile();
    const driver = standIn((options) => {
      // What a writer opening the database right then leaves: its -wal and -shm.
      if (options.immutable) for (const side of ['-wal', '-shm']) fs.writeFileSync(`${file}${side}`, '');
    });
    const reads: boolean[] = [];
    const how = withReadOnlyDatabase(driver.open, file, (_db, how) => { reads.push(how.immutable); return how; });
    assert.deepEqual(reads, [true, false]);
    assert.deepEqual(how, { immutable: false });
  });

  test('a checkpoint during the immutable read (the main file changed): read again, and its error does not count', () => {
    const file = walDatabaseFile();
    const driver = standIn((options) => {
      if (options.immutable) fs.appendFileSync(file, Buffer.alloc(4096));
    });
    let first = true;
    const how = withReadOnlyDatabase(driver.open, file, (_db, how) => {
      if (first) {
        first = false;
        throw Object.assign(new Error('database disk image is malformed'), { code: 'ERR_SQLITE_ERROR', errstr: 'SQLITE_CORRUPT' });
      }
      return how;
    });
    assert.deepEqual(how, { immutable: false });
  });

  test('a rollback-journal database is never read immutable', () => {
    const file = walDatabaseFile();
    const bytes = fs.readFileSync(file);
    bytes[18] = 1;
    bytes[19] = 1;
    fs.writeFileSync(file, bytes);
    const driver = standIn(() => undefined);
    assert.deepEqual(withReadOnlyDatabase(driver.open, file, (_db, how) => how), { immutable: false });
  });
});
