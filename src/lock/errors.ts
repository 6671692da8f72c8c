import type { SessionLockErrorCode } from './types';

/** Every failure of the lock core carries a stable `code` and the lock path it concerns. */
export class SessionLockError extends Error {
  override readonly name = 'SessionLockError';
  readonly code: SessionLockErrorCode;
  readonly lockPath: string;

  constructor(code: SessionLockErrorCode, message: string, lockPath: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.lockPath = lockPath;
  }
}

export function isSessionLockError(value: unknown): value is SessionLockError {
  return value instanceof SessionLockError;
}

/** The errno code of a Node system error, if any. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
