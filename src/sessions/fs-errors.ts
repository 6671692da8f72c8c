// How a failed read reads to a person, shared by both eras' scans: the errno word turned into
// what to do about it ("run as the user that runs OpenClaw"), never a bare EACCES.
import { promises as fs } from 'node:fs';

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.message : String(error));
}

export function describeFsError(error: unknown, what: string): string {
  const code = errorCode(error);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied reading ${what}; run as the user that runs OpenClaw`;
    case 'ENOTDIR':
      return `${what} is not a folder`;
    case 'ELOOP':
      return `${what} is a symlink loop`;
    default:
      return `cannot read ${what} (${code})`;
  }
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}
