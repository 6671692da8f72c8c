// `node:sqlite` where this Node has it (Node 22.13+/24, Electron 37+), else nothing: Node 20
// (the CLI's floor) and VS Code 1.100's extension host have none, and a plain `import` would
// fail at load time there, so it is looked up when first needed.
import { pathToFileURL } from 'node:url';

/** The slice of `node:sqlite`'s DatabaseSync this reader uses. */
export interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}
export interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}
/**
 * `immutable`: opened as a `file:` URI with `immutable=1`, read from the main file alone with no
 * locks and no `-wal`/`-shm` (only for a WAL database nobody has open; see read-database.ts).
 */
export type SqliteOpen = (path: string, options: { readOnly: boolean; timeout?: number; immutable?: boolean }) => SqliteDatabase;

let cached: { open?: SqliteOpen; reason?: string } | undefined;

export function loadSqlite(): { open?: SqliteOpen; reason?: string } {
  if (cached) return cached;
  try {
    const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = (getBuiltin ? getBuiltin('node:sqlite') : require('node:sqlite')) as { DatabaseSync?: new (path: string | URL, options: object) => SqliteDatabase } | undefined;
    const DatabaseSync = mod?.DatabaseSync;
    if (typeof DatabaseSync !== 'function') throw Object.assign(new Error('not built in'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
    cached = {
      open: (path, { immutable, ...options }) => {
        if (!immutable) return new DatabaseSync(path, options);
        const url = pathToFileURL(path);
        url.searchParams.set('immutable', '1');
        return new DatabaseSync(url, options);
      },
    };
  } catch (error) {
    cached = { reason: `Node ${process.versions.node} has no node:sqlite (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  return cached;
}
