import { realpath } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { SessionLockError, errnoCode } from './errors';

/**
 * OpenClaw's lock path: realpath(dirname(sessionFile)) + "/" + basename + ".lock". Only the
 * directory is resolved; the session file need not exist.
 */
export async function lockPathFor(sessionFile: string): Promise<string> {
  const absolute = resolve(sessionFile);
  try {
    return `${await realpath(dirname(absolute))}/${basename(absolute)}.lock`;
  } catch (error) {
    throw directoryError(absolute, error);
  }
}

export function lockPathForSync(sessionFile: string): string {
  const absolute = resolve(sessionFile);
  try {
    return `${realpathSync.native(dirname(absolute))}/${basename(absolute)}.lock`;
  } catch (error) {
    throw directoryError(absolute, error);
  }
}

function directoryError(sessionFile: string, error: unknown): SessionLockError {
  const lockPath = `${sessionFile}.lock`;
  const why = errnoCode(error) === 'ENOENT' ? 'does not exist' : (error as Error).message;
  return new SessionLockError('SESSION_LOCK_IO', `cannot lock ${sessionFile}: its directory ${why}`, lockPath, { cause: error });
}
