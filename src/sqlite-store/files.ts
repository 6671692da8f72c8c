// A database's files by metadata only (size and mtime of the main file and its WAL): what the
// model watches instead of polling queries, and what shows a WAL that stopped checkpointing.
// Works on any Node: no `node:sqlite` needed.
import { statSync } from 'node:fs';
import type { DatabaseFiles } from './facts';

export function databaseFiles(path: string): DatabaseFiles {
  const files: DatabaseFiles = { path, exists: false };
  try {
    const main = statSync(path, { throwIfNoEntry: false });
    if (!main?.isFile()) return files;
    files.exists = true;
    files.sizeBytes = main.size;
    files.mtimeMs = main.mtimeMs;
    const wal = statSync(`${path}-wal`, { throwIfNoEntry: false });
    if (wal?.isFile()) {
      files.walBytes = wal.size;
      files.walMtimeMs = wal.mtimeMs;
    }
  } catch {
    // permission or a vanished file: the read that follows reports it
  }
  return files;
}

/** Changes when OpenClaw commits (the WAL grows or is checkpointed, the main file changes). */
export function filesSignature(files: DatabaseFiles): string {
  return `${files.exists ? 1 : 0}:${files.sizeBytes ?? ''}:${files.mtimeMs ?? ''}:${files.walBytes ?? ''}:${files.walMtimeMs ?? ''}`;
}
