// The safe save of a hand-edited transcript, across real processes for the lock.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { foreignActivityWarning, readTranscriptSnapshot, safeSaveTranscript, sha256Hex } from '../../src/transcripts/save';
import type { LockInspection } from '../../src/lock/types';
import { TranscriptError } from '../../src/transcripts/errors';
import { entryLine, LockHolder, makeTempDir, transcriptText, writeTranscript } from './fixtures';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<TranscriptError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TranscriptError, `expected a TranscriptError, got ${(error as Error)?.stack ?? error}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

function others(dir: string, base: string): string[] {
  return readdirSync(dir).filter((n) => n !== base).sort();
}

const edited = (text: string) => Buffer.from(text.replace('message 3', 'message 3 (edited by hand)'));

describe('safeSaveTranscript', () => {
  test('replaces the transcript, keeps its mode, and returns the new snapshot', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(10));
      chmodSync(path, 0o640);
      const { content, snapshot } = await readTranscriptSnapshot(path);
      const next = edited(content.toString());
      const result = await safeSaveTranscript({ transcriptPath: path, content: next, expected: snapshot });
      assert.deepEqual(readFileSync(path), next);
      assert.equal(statSync(path).mode & 0o777, 0o640);
      assert.equal(result.sha256, sha256Hex(next));
      assert.equal(result.size, next.length);
      assert.deepEqual((await readTranscriptSnapshot(path)).snapshot, { size: result.size, mtimeMs: result.mtimeMs, sha256: result.sha256 });
      assert.deepEqual(others(dir, 's.jsonl'), [], 'no lock and no temp file left');
    } finally {
      cleanup();
    }
  });

  test('ends the file with exactly one newline, so OpenClaw\'s next append is a line of its own', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(3));
      const original = readFileSync(path, 'utf8');
      const typedLine = '{"type":"message","message":{"role":"user","content":"hi"}}';
      // Typed at the end with no Enter; a last line deleted with Backspace; blank lines left at the end.
      const edits = [original + typedLine, original.trimEnd(), `${original}\n\n  \n`];
      for (const text of edits) {
        const { snapshot } = await readTranscriptSnapshot(path);
        const result = await safeSaveTranscript({ transcriptPath: path, content: Buffer.from(text), expected: snapshot });
        const written = readFileSync(path);
        assert.equal(written.toString(), `${text.trimEnd()}\n`);
        assert.equal(result.sha256, sha256Hex(written), 'the snapshot describes the bytes on disk');
        assert.equal(result.size, written.length);
        // What OpenClaw does next: append one entry as JSON + "\n".
        appendFileSync(path, `${entryLine(99)}\n`);
        for (const [i, line] of readFileSync(path, 'utf8').trimEnd().split('\n').entries()) {
          assert.doesNotThrow(() => JSON.parse(line), `line ${i + 1} after the append is one entry: ${line}`);
        }
      }
    } finally {
      cleanup();
    }
  });

  test('an invalid line is refused with its line and column, without guessing how it got there', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(3));
      const { content, snapshot } = await readTranscriptSnapshot(path);
      const lines = content.toString().trimEnd().split('\n').length;
      const typed = Buffer.from(`${content.toString().trimEnd()}\n{"a":1 "b":2}`);
      const error = await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: typed, expected: snapshot }), 'INVALID_JSON');
      assert.equal(error.message, `Not saved: line ${lines + 1}, column 8 (the last line): Expected ',' or '}' after property value.`);
      assert.deepEqual([error.details.line, error.details.column], [lines + 1, 8]);
      assert.deepEqual(readFileSync(path), content);
    } finally {
      cleanup();
    }
  });

  test('waits while another process holds the lock, naming it, then saves after release', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(10));
      const { content, snapshot } = await readTranscriptSnapshot(path);
      const holder = await LockHolder.start(path);
      const waits: string[] = [];
      const saving = safeSaveTranscript({ transcriptPath: path, content: edited(content.toString()), expected: snapshot, timeoutMs: 60_000, onWait: (w) => waits.push(w.message) });
      while (waits.length === 0) await new Promise((r) => setTimeout(r, 50));
      assert.match(waits[0], new RegExp(`^waiting for pid ${holder.pid} \\(.+\\), \\d+ s$`));
      assert.deepEqual(readFileSync(path), content, 'not written while the lock is held');
      await holder.release();
      await saving;
      assert.deepEqual(readFileSync(path), edited(content.toString()));
    } finally {
      cleanup();
    }
  });

  test('times out with the holder in the message and writes nothing', async () => {
    const { dir, cleanup } = makeTempDir();
    const path = writeTranscript(dir, 's.jsonl', transcriptText(10));
    const holder = await LockHolder.start(path);
    try {
      const { content, snapshot } = await readTranscriptSnapshot(path);
      const error = await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: edited(content.toString()), expected: snapshot, timeoutMs: 300 }), 'LOCK_TIMEOUT');
      assert.match(error.message, new RegExp(`locked by pid ${holder.pid}`));
      assert.match(error.message, /Nothing was written/);
      assert.deepEqual(readFileSync(path), content);
      assert.deepEqual(others(dir, 's.jsonl'), ['s.jsonl.lock']);
    } finally {
      await holder.release();
      cleanup();
    }
  });

  test('an abort while waiting for the lock cancels without writing', async () => {
    const { dir, cleanup } = makeTempDir();
    const path = writeTranscript(dir, 's.jsonl', transcriptText(10));
    const holder = await LockHolder.start(path);
    try {
      const { content, snapshot } = await readTranscriptSnapshot(path);
      const controller = new AbortController();
      const saving = safeSaveTranscript({
        transcriptPath: path, content: edited(content.toString()), expected: snapshot, timeoutMs: 60_000, signal: controller.signal,
        onWait: () => controller.abort(),
      });
      await rejectsWith(saving, 'ABORTED');
      assert.deepEqual(readFileSync(path), content);
    } finally {
      await holder.release();
      cleanup();
    }
  });

  test('refuses when the file changed on disk: appended, rewritten with the same size and mtime, or deleted', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(10));
      const { content, snapshot } = await readTranscriptSnapshot(path);
      writeFileSync(path, entryLine(50) + '\n', { flag: 'a' });
      const appended = readFileSync(path);
      const error = await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: edited(content.toString()), expected: snapshot }), 'CHANGED_ON_DISK');
      assert.match(error.message, /changed on disk/);
      assert.deepEqual(readFileSync(path), appended);

      // Same length, mtime put back: only the hash can tell.
      const fixedSeconds = 1_795_000_000;
      utimesSync(path, fixedSeconds, fixedSeconds);
      const { snapshot: second } = await readTranscriptSnapshot(path);
      writeFileSync(path, appended.toString().replace('message 1', 'message 9'));
      utimesSync(path, fixedSeconds, fixedSeconds);
      assert.equal(statSync(path).mtimeMs, second.mtimeMs);
      const hashError = await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: edited(content.toString()), expected: second }), 'CHANGED_ON_DISK');
      assert.match(hashError.message, /different content/);

      unlinkSync(path);
      await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: edited(content.toString()), expected: second }), 'CHANGED_ON_DISK');
      assert.deepEqual(others(dir, 'none'), [], 'nothing created, lock released');
    } finally {
      cleanup();
    }
  });

  test('refuses invalid JSON naming the line and column, and the unterminated last line as the last line', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(6));
      const { content, snapshot } = await readTranscriptSnapshot(path);
      const lines = content.toString().trimEnd().split('\n');
      lines[3] = lines[3].slice(0, -1); // drop the closing brace
      const error = await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: Buffer.from(lines.join('\n') + '\n'), expected: snapshot }), 'INVALID_JSON');
      assert.equal(error.line, 4);
      assert.match(error.message, /^Not saved: line 4, column \d+: /);

      const notObject = content.toString() + '[1, 2]\n';
      assert.equal((await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: Buffer.from(notObject), expected: snapshot }), 'INVALID_JSON')).line, 7);

      const torn = content.toString() + entryLine(7).slice(0, 20);
      const tornError = await rejectsWith(safeSaveTranscript({ transcriptPath: path, content: Buffer.from(torn), expected: snapshot }), 'INVALID_JSON');
      assert.equal(tornError.line, 7);
      assert.match(tornError.message, /^Not saved: line 7, column 21 \(the last line\): Unterminated string\.$/);
      assert.deepEqual(readFileSync(path), content);
      assert.deepEqual(others(dir, 's.jsonl'), []);

      // Blank lines and CRLF endings are fine; blank lines after the last entry are not kept.
      const ok = Buffer.from(lines.slice(0, 3).join('\r\n') + '\r\n\n   \n');
      await safeSaveTranscript({ transcriptPath: path, content: ok, expected: snapshot });
      assert.deepEqual(readFileSync(path).toString(), lines.slice(0, 3).join('\r\n') + '\n');
    } finally {
      cleanup();
    }
  });

  test('a lock taken over mid-save aborts before the rename: transcript untouched, no temp file, foreign lock kept', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(10));
      const { content, snapshot } = await readTranscriptSnapshot(path);
      const foreign = JSON.stringify({ pid: 1, createdAt: new Date().toISOString(), maxHoldMs: 300000 }, null, 2) + '\n';
      const error = await rejectsWith(
        safeSaveTranscript({
          transcriptPath: path, content: edited(content.toString()), expected: snapshot,
          // A running OpenClaw deletes a lock whose owner is not OpenClaw and takes its own.
          beforeCommit: () => {
            unlinkSync(`${path}.lock`);
            writeFileSync(`${path}.lock`, foreign, { flag: 'wx' });
          },
        }),
        'LOCK_LOST',
      );
      assert.match(error.message, /nothing was written/);
      assert.deepEqual(readFileSync(path), content);
      assert.equal(readFileSync(`${path}.lock`, 'utf8'), foreign);
      assert.deepEqual(others(dir, 's.jsonl'), ['s.jsonl.lock']);
    } finally {
      cleanup();
    }
  });

  test('a read limit refuses a larger transcript with its size, and reads one at the limit', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(5));
      const size = readFileSync(path).length;
      const refused = await rejectsWith(readTranscriptSnapshot(path, { maxBytes: size - 1 }), 'TOO_LARGE');
      assert.equal(refused.details.size, size);
      const { content } = await readTranscriptSnapshot(path, { maxBytes: size });
      assert.equal(content.length, size);
    } finally {
      cleanup();
    }
  });

  test('refuses a symlink and a directory; cleans leftover temp files of a crashed save and the lock copy of a dead creator', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(5));
      const { content, snapshot } = await readTranscriptSnapshot(path);
      symlinkSync(path, join(dir, 'link.jsonl'));
      await rejectsWith(safeSaveTranscript({ transcriptPath: join(dir, 'link.jsonl'), content, expected: snapshot }), 'UNSAFE_PATH');
      await rejectsWith(readTranscriptSnapshot(join(dir, 'link.jsonl')), 'UNSAFE_PATH');
      await rejectsWith(readTranscriptSnapshot(join(dir, 'missing.jsonl')), 'NOT_FOUND');
      await rejectsWith(safeSaveTranscript({ transcriptPath: dir, content, expected: snapshot }), 'UNSAFE_PATH');
      writeFileSync(`${path}.save.abcdef012345.tmp`, 'half a save');
      // And the lock core's copy of a lock whose maker died creating it (its name says so).
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      writeFileSync(`${path}.lock.new.${dead}.x.0123abcd1`, '');
      const result = await safeSaveTranscript({ transcriptPath: path, content: edited(content.toString()), expected: snapshot });
      assert.deepEqual(result.removedLeftovers, [`${path}.save.abcdef012345.tmp`, `${path}.lock.new.${dead}.x.0123abcd1`]);
      assert.deepEqual(others(dir, 's.jsonl'), ['link.jsonl']);
    } finally {
      cleanup();
    }
  });
});

describe('foreignActivityWarning', () => {
  const held = (isOpenClaw: boolean | undefined, alive = true): LockInspection => ({
    lockPath: '/s.jsonl.lock', state: 'held', reasons: [], reclaimable: false,
    payload: { pid: 4242, createdAt: '2026-11-22T10:00:00.000Z' },
    owner: { pid: 4242, alive, isSelf: false, commandLine: 'openclaw gateway', isOpenClaw },
  });

  test('warns while OpenClaw holds the lock, or when a live gateway wrote recently', () => {
    assert.match(foreignActivityWarning({ lock: held(true), gatewayAlive: false, now: 0 })!, /pid 4242 \(openclaw gateway\) holds this session's write lock/);
    assert.ok(foreignActivityWarning({ lock: held(undefined), gatewayAlive: false, now: 0 }), 'unknown command line: assume OpenClaw');
    assert.match(foreignActivityWarning({ gatewayAlive: true, transcriptMtimeMs: 100_000, now: 130_000 })!, /written 30 s ago/);
  });

  test('stays quiet for a non-OpenClaw holder, no gateway, or an old write', () => {
    assert.equal(foreignActivityWarning({ lock: held(false), gatewayAlive: false, now: 0 }), undefined);
    assert.equal(foreignActivityWarning({ lock: held(true, false), gatewayAlive: false, now: 0 }), undefined);
    assert.equal(foreignActivityWarning({ gatewayAlive: false, transcriptMtimeMs: 100_000, now: 101_000 }), undefined);
    assert.equal(foreignActivityWarning({ gatewayAlive: true, transcriptMtimeMs: 0, now: 600_000 }), undefined);
  });
});
