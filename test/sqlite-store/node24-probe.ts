// Not a test: the reader's in-process path, run by tests and the bench on the provisioned Node 24
// (the test runner's Node 20 has no `node:sqlite`). Bundled to out/test/sqlite-store/node24-probe.js.
//   read  <request.json>   runStoreRead here, then the files this process still has open (/proc/self/fd);
//                          stays alive until stdin ends, so the caller can probe the database meanwhile
//   write <database>       a write through the reader's own open (withReadOnlyDatabase): must fail
//   time  <request.json> <runs>        wall ms of each in-process read
//   anchor <database> <runs> [immutable]   wall ms of a bare SELECT of three columns on a plain read-only
//                                          connection (immutable: as the reader opens a database nobody has open)
//   anchor-entry <database> <runs> [immutable]   the same with entry_json: the floor for any reader of its fields
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadSqlite, type SqliteOpen } from '../../src/sqlite-store/driver';
import { withReadOnlyDatabase } from '../../src/sqlite-store/read-database';
import { runStoreRead, type StoreReadRequest } from '../../src/sqlite-store/request';

function openFiles(): string[] {
  const found: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      found.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch { /* the fd readdir itself used */ }
  }
  return found;
}

function say(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function main(): void {
  const { open, reason } = loadSqlite();
  if (!open) throw new Error(reason);
  const [command, arg, runsText, flag] = process.argv.slice(2);
  const runs = Number(runsText ?? 1);
  const request = () => JSON.parse(readFileSync(arg!, 'utf8')) as StoreReadRequest;
  if (command === 'read') {
    const result = runStoreRead(open, request());
    say({ result, openFiles: openFiles(), nodeVersion: process.versions.node });
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  } else if (command === 'write') {
    let queryOnly: unknown;
    try {
      withReadOnlyDatabase(open, arg!, (db) => {
        queryOnly = (db.prepare('PRAGMA query_only').get() as { query_only?: unknown }).query_only;
        db.exec('CREATE TABLE reader_must_not_write (x)');
      });
      say({ wrote: true, queryOnly });
    } catch (error) {
      say({ wrote: false, queryOnly, kind: (error as { kind?: string }).kind, message: (error as Error).message });
    }
  } else if (command === 'write-without-query-only') {
    // The control: the same open without the reader's wrapper, to show what `readOnly` alone refuses.
    const db = (open as SqliteOpen)(arg!, { readOnly: true });
    try {
      db.exec('CREATE TABLE reader_must_not_write (x)');
      say({ wrote: true });
    } catch (error) {
      say({ wrote: false, message: (error as Error).message });
    } finally {
      db.close();
    }
  } else if (command === 'time') {
    const req = request();
    const ms: number[] = [];
    let sessions = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const result = runStoreRead(open, { ...req, now: Date.now() });
      ms.push(performance.now() - t0);
      sessions = result.agents[0]?.sessions.length ?? 0;
    }
    say({ ms, sessions });
  } else if (command === 'anchor' || command === 'anchor-entry') {
    const sql = command === 'anchor' ? 'SELECT session_key, current_session_id, status FROM session_nodes' : 'SELECT session_key, current_session_id, status, entry_json FROM session_nodes';
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const db = open(arg!, { readOnly: true, immutable: flag === 'immutable' });
      rows = db.prepare(sql).all().length;
      db.close();
      ms.push(performance.now() - t0);
    }
    say({ ms, rows });
  } else {
    throw new Error(`unknown command ${command}`);
  }
}

main();
