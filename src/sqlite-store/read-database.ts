// One short, read-only look at a live OpenClaw database. OpenClaw's users have seen multi-GB
// WALs and event-loop stalls when another process kept connections open, so a read here opens,
// reads inside one deferred transaction and closes, every time: no connection is kept between
// reads, nothing is written (`readOnly` plus `PRAGMA query_only`), a writer is waited for only
// briefly, and a database whose main file is missing is never opened (opening would create it).
import { closeSync, existsSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import type { ReadFailure } from './facts';
import type { SqliteDatabase, SqliteOpen } from './driver';

/** Long enough to slip between OpenClaw's short write transactions, short enough not to queue behind them. */
export const READ_BUSY_TIMEOUT_MS = 250;

export class DatabaseReadError extends Error {
  constructor(readonly kind: ReadFailure, message: string) {
    super(message);
  }
}

function failureKind(error: unknown): ReadFailure {
  const text = `${(error as { code?: string }).code ?? ''} ${(error as { errstr?: string }).errstr ?? ''} ${(error as Error).message ?? ''}`;
  if (/SQLITE_BUSY|database is locked/i.test(text)) return 'busy';
  if (/SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database/i.test(text)) return 'corrupt';
  if (/SQLITE_PERM|SQLITE_CANTOPEN|EACCES|permission|unable to open/i.test(text)) return 'permission';
  if (/no such table|no such column/i.test(text)) return 'unknown-schema';
  return 'other';
}

/** How a read was made: `immutable` when the database was read from its main file alone. */
export interface ReadHow {
  immutable: boolean;
}

/** Bytes 18 and 19 of the header (write and read format) are 2 in WAL mode. */
function walModeHeader(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const header = Buffer.alloc(20);
    return readSync(fd, header, 0, 20, 0) === 20 && header.toString('latin1', 0, 16) === 'SQLite format 3\0' && header[18] === 2 && header[19] === 2;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const noSideFiles = (path: string) => !existsSync(`${path}-wal`) && !existsSync(`${path}-shm`);

function readOnce<T>(open: SqliteOpen, path: string, how: ReadHow, read: (db: SqliteDatabase, how: ReadHow) => T): T {
  let db: SqliteDatabase;
  try {
    db = open(path, { readOnly: true, timeout: READ_BUSY_TIMEOUT_MS, immutable: how.immutable });
  } catch (error) {
    throw new DatabaseReadError(failureKind(error), (error as Error).message);
  }
  try {
    db.exec('PRAGMA query_only = 1');
    db.exec(`PRAGMA busy_timeout = ${READ_BUSY_TIMEOUT_MS}`);
    db.exec('BEGIN');
    try {
      return read(db, how);
    } finally {
      db.exec('COMMIT');
    }
  } catch (error) {
    if (error instanceof DatabaseReadError) throw error;
    throw new DatabaseReadError(failureKind(error), (error as Error).message);
  } finally {
    db.close();
  }
}

/**
 * Runs `read` on a fresh read-only connection inside one transaction, then closes it.
 *
 * A WAL database nobody has open has no `-wal` and no `-shm` (the last connection to close
 * removes them), and opening it, even read-only, creates both, which a read-only connection
 * then cannot remove: the reader would leave files in OpenClaw's folder on every read of a
 * stopped install. Such a database is read `immutable` instead, from the main file, which then
 * holds everything. Should a writer open it meanwhile (a `-wal` appears, or the main file
 * changes: a checkpoint), that read is dropped and made again the usual way, beside the writer.
 */
export function withReadOnlyDatabase<T>(open: SqliteOpen, path: string, read: (db: SqliteDatabase, how: ReadHow) => T): T {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) throw new DatabaseReadError('missing', `${path} does not exist`);
  if (!stat.isFile()) throw new DatabaseReadError('other', `${path} is not a regular file`);
  if (noSideFiles(path) && walModeHeader(path)) {
    const unchanged = (before: Stats) => {
      const now = lstatSync(path, { throwIfNoEntry: false });
      return noSideFiles(path) && now?.size === before.size && now.mtimeMs === before.mtimeMs;
    };
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: readOnce(open, path, { immutable: true }, read) };
    } catch (error) {
      outcome = { error };
    }
    if (unchanged(stat)) {
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    }
  }
  return readOnce(open, path, { immutable: false }, read);
}

/** The columns a table has in this database: releases add columns, so queries use what exists. */
export function tableColumns(db: SqliteDatabase, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}
