// One short, read-only look at a live OpenClaw database. OpenClaw's users have seen multi-GB
// WALs and event-loop stalls when another process kept connections open, so a read here opens,
// reads inside one deferred transaction and closes, every time: no connection is kept between
// reads, nothing is written (`readOnly` plus `PRAGMA query_only`), a writer is waited for only
// briefly, and a database whose main file is missing is never opened (opening would create it).
import { lstatSync } from 'node:fs';
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

/** Runs `read` on a fresh read-only connection inside one transaction, then closes it. */
export function withReadOnlyDatabase<T>(open: SqliteOpen, path: string, read: (db: SqliteDatabase) => T): T {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) throw new DatabaseReadError('missing', `${path} does not exist`);
  if (!stat.isFile()) throw new DatabaseReadError('other', `${path} is not a regular file`);
  let db: SqliteDatabase;
  try {
    db = open(path, { readOnly: true, timeout: READ_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new DatabaseReadError(failureKind(error), (error as Error).message);
  }
  try {
    db.exec('PRAGMA query_only = 1');
    db.exec(`PRAGMA busy_timeout = ${READ_BUSY_TIMEOUT_MS}`);
    db.exec('BEGIN');
    try {
      return read(db);
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

/** The columns a table has in this database: releases add columns, so queries use what exists. */
export function tableColumns(db: SqliteDatabase, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}
