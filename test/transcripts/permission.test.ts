// Permission errors, for real: root ignores file modes, so when the tests run as root the
// operation runs in a child process as the unprivileged `nobody` user against root-owned
// files (as anyone else, the modes apply to the child as they are). Each gets a typed,
// clear error and nothing changes on disk.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, transcriptText, writeTranscript } from './fixtures';

const NOBODY = 65534;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function runUnprivileged(operation: string, path: string): { ok?: boolean; code?: string; message?: string } {
  const output = execFileSync(process.execPath, [join(__dirname, 'permission-child.js'), operation, path], {
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}), encoding: 'utf8', cwd: '/',
  });
  return JSON.parse(output) as { ok?: boolean; code?: string; message?: string };
}

describe('permission errors', () => {
  test('a session folder nobody may write to: save and compaction refuse with NO_PERMISSION and change nothing', () => {
    const { dir, cleanup } = makeTempDir();
    try {
      chmodSync(dir, 0o755);
      const sessions = join(dir, 'sessions');
      mkdirSync(sessions);
      chmodSync(sessions, 0o555);
      const text = transcriptText(10);
      const path = writeTranscript(sessions, 's.jsonl', text);
      chmodSync(path, 0o644);
      for (const operation of ['save', 'trim']) {
        const result = runUnprivileged(operation, path);
        assert.equal(result.code, 'NO_PERMISSION', `${operation}: ${JSON.stringify(result)}`);
        assert.match(result.message!, /permission denied|EACCES/i);
      }
      assert.equal(readFileSync(path, 'utf8'), text);
      assert.deepEqual(readdirSync(sessions), ['s.jsonl']);
      chmodSync(sessions, 0o755);
    } finally {
      cleanup();
    }
  });

  test('an unreadable transcript: reading refuses with NO_PERMISSION', () => {
    const { dir, cleanup } = makeTempDir();
    try {
      chmodSync(dir, 0o755);
      const path = writeTranscript(dir, 's.jsonl', transcriptText(5));
      chmodSync(path, 0o200);
      const result = runUnprivileged('read', path);
      assert.equal(result.code, 'NO_PERMISSION', JSON.stringify(result));
    } finally {
      cleanup();
    }
  });
});
