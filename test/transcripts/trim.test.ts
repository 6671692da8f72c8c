// Trim compaction: OpenClaw's maxLines semantics, archive, cancel, locking and leftovers.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, linkSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { trimTranscript, type CompactStep } from '../../src/transcripts/trim';
import { TranscriptError } from '../../src/transcripts/errors';
import { headerLine, entryLine, LockHolder, makeTempDir, transcriptText, writeTranscript } from './fixtures';

function sideFiles(dir: string, base: string): string[] {
  return readdirSync(dir).filter((n) => n !== base).sort();
}

function expectedTrim(lines: string[], maxLines: number): string {
  return [lines[0], ...lines.slice(lines.length - (maxLines - 1))].join('\n') + '\n';
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<TranscriptError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TranscriptError, `expected a TranscriptError, got ${error}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('trimTranscript: maxLines semantics', () => {
  test('keeps the header and the last N-1 lines, archives the original byte for byte', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const text = transcriptText(20);
      const path = writeTranscript(dir, 's1.jsonl', text);
      chmodSync(path, 0o644);
      const result = await trimTranscript({ transcriptPath: path, maxLines: 5, now: () => new Date('2026-11-22T11:00:00.000Z') });
      const lines = text.trimEnd().split('\n');
      assert.equal(readFileSync(path, 'utf8'), expectedTrim(lines, 5));
      assert.equal(result.compacted, true);
      assert.equal(result.linesBefore, 20);
      assert.equal(result.linesAfter, 5);
      assert.equal(result.bytesBefore, Buffer.byteLength(text));
      assert.equal(result.bytesAfter, statSync(path).size);
      assert.equal(result.archivePath, `${path}.bak.2026-11-22T11-00-00.000Z`);
      assert.equal(readFileSync(result.archivePath!, 'utf8'), text);
      assert.equal(statSync(path).mode & 0o777, 0o644, 'the trimmed transcript keeps the mode the gateway gave it');
      assert.ok(readFileSync(path, 'utf8').endsWith('}\n') && !readFileSync(path, 'utf8').endsWith('\n\n'), 'exactly one newline after the last entry');
      assert.deepEqual(sideFiles(dir, 's1.jsonl'), ['s1.jsonl.bak.2026-11-22T11-00-00.000Z'], 'no lock and no temp file left');
    } finally {
      cleanup();
    }
  });

  test('leaves a transcript with at most N lines untouched (no archive)', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      for (const lines of [3, 5]) {
        const text = transcriptText(lines);
        const path = writeTranscript(dir, `s${lines}.jsonl`, text);
        const inode = statSync(path).ino;
        const result = await trimTranscript({ transcriptPath: path, maxLines: 5 });
        assert.equal(result.compacted, false);
        assert.equal(result.linesBefore, lines);
        assert.equal(readFileSync(path, 'utf8'), text);
        assert.equal(statSync(path).ino, inode);
      }
      assert.deepEqual(sideFiles(dir, 'x'), ['s3.jsonl', 's5.jsonl']);
    } finally {
      cleanup();
    }
  });

  test('six lines with N=5 drops exactly one line', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const text = transcriptText(6);
      const path = writeTranscript(dir, 's.jsonl', text);
      const result = await trimTranscript({ transcriptPath: path, maxLines: 5 });
      assert.equal(result.linesBefore, 6);
      assert.equal(readFileSync(path, 'utf8'), expectedTrim(text.trimEnd().split('\n'), 5));
    } finally {
      cleanup();
    }
  });

  test('maxLines 1 keeps only the header', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(4));
      const result = await trimTranscript({ transcriptPath: path, maxLines: 1 });
      assert.equal(readFileSync(path, 'utf8'), headerLine() + '\n');
      assert.equal(result.linesAfter, 1);
    } finally {
      cleanup();
    }
  });

  test('empty and blank-only transcripts are left alone', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      for (const [name, text] of [['empty.jsonl', ''], ['blank.jsonl', '\n  \n\r\n\n']] as const) {
        const path = writeTranscript(dir, name, text);
        const result = await trimTranscript({ transcriptPath: path, maxLines: 1 });
        assert.equal(result.compacted, false);
        assert.equal(result.linesBefore, 0);
        assert.equal(readFileSync(path, 'utf8'), text);
      }
    } finally {
      cleanup();
    }
  });

  test('blank lines are neither counted nor kept; CRLF lines are kept verbatim', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const lines = [headerLine(), entryLine(1), entryLine(2), entryLine(3), entryLine(4)];
      const text = `\n${lines[0]}\r\n\n${lines[1]}\n   \n${lines[2]}\r\n${lines[3]}\n\n\n${lines[4]}\r\n\n`;
      const path = writeTranscript(dir, 's.jsonl', text);
      const result = await trimTranscript({ transcriptPath: path, maxLines: 3 });
      assert.equal(result.linesBefore, 5);
      assert.equal(readFileSync(path, 'utf8'), `${lines[0]}\r\n${lines[3]}\n${lines[4]}\r\n`);
    } finally {
      cleanup();
    }
  });

  test('a torn last line is dropped (kept in the archive); a valid unterminated one is kept', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const full = transcriptText(10);
      const torn = full + entryLine(10).slice(0, 25);
      const tornPath = writeTranscript(dir, 'torn.jsonl', torn);
      const tornResult = await trimTranscript({ transcriptPath: tornPath, maxLines: 4 });
      assert.equal(tornResult.droppedTornLine, true);
      const lines = full.trimEnd().split('\n');
      assert.equal(readFileSync(tornPath, 'utf8'), [lines[0], lines[8], lines[9]].join('\n') + '\n');
      assert.equal(readFileSync(tornResult.archivePath!, 'utf8'), torn);

      const unterminated = full + entryLine(10);
      const okPath = writeTranscript(dir, 'ok.jsonl', unterminated);
      const okResult = await trimTranscript({ transcriptPath: okPath, maxLines: 3 });
      assert.equal(okResult.droppedTornLine, false);
      assert.equal(readFileSync(okPath, 'utf8'), [lines[0], lines[9], entryLine(10)].join('\n') + '\n');
    } finally {
      cleanup();
    }
  });

  test('lines longer than the read chunk are found and copied whole', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const lines = [headerLine(), entryLine(1, 3_000_000), entryLine(2, 10), entryLine(3, 2_500_000), entryLine(4, 5)];
      const text = lines.join('\n') + '\n';
      const path = writeTranscript(dir, 's.jsonl', text);
      const result = await trimTranscript({ transcriptPath: path, maxLines: 3 });
      assert.equal(result.linesBefore, 5);
      assert.equal(readFileSync(path, 'utf8'), [lines[0], lines[3], lines[4]].join('\n') + '\n');
    } finally {
      cleanup();
    }
  });

  test('archiving by copy gives the same result and a complete archive', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const text = transcriptText(50);
      const path = writeTranscript(dir, 's.jsonl', text);
      const result = await trimTranscript({ transcriptPath: path, maxLines: 10, archiveBy: 'copy' });
      assert.equal(result.archivedBy, 'copy');
      assert.equal(readFileSync(result.archivePath!, 'utf8'), text);
      assert.notEqual(statSync(result.archivePath!).ino, statSync(path).ino);
      assert.equal(readFileSync(path, 'utf8'), expectedTrim(text.trimEnd().split('\n'), 10));
      assert.deepEqual(sideFiles(dir, 's.jsonl'), [result.archivePath!.slice(dir.length + 1)]);
    } finally {
      cleanup();
    }
  });
});

describe('trimTranscript: bad input', () => {
  test('refuses a bad maxLines, a missing file, a symlink and a directory', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(10));
      for (const maxLines of [0, -3, 2.5, Number.NaN]) {
        await rejectsWith(trimTranscript({ transcriptPath: path, maxLines }), 'INVALID_ARGUMENT');
      }
      await rejectsWith(trimTranscript({ transcriptPath: join(dir, 'missing.jsonl') }), 'NOT_FOUND');
      symlinkSync(path, join(dir, 'link.jsonl'));
      const error = await rejectsWith(trimTranscript({ transcriptPath: join(dir, 'link.jsonl'), maxLines: 2 }), 'UNSAFE_PATH');
      assert.match(error.message, /symbolic link/);
      assert.ok(lstatSync(join(dir, 'link.jsonl')).isSymbolicLink());
      await rejectsWith(trimTranscript({ transcriptPath: dir, maxLines: 2 }), 'UNSAFE_PATH');
      assert.equal(readFileSync(path, 'utf8'), transcriptText(10));
    } finally {
      cleanup();
    }
  });
});

describe('trimTranscript: cancel, lock and leftovers', () => {
  for (const step of ['locked', 'scanned', 'temp-written', 'archived'] as CompactStep[]) {
    test(`cancel after "${step}" leaves the original untouched and nothing behind`, async () => {
      const { dir, cleanup } = makeTempDir();
      try {
        const text = transcriptText(200);
        const path = writeTranscript(dir, 's.jsonl', text);
        const inode = statSync(path).ino;
        const controller = new AbortController();
        await rejectsWith(
          trimTranscript({ transcriptPath: path, maxLines: 10, signal: controller.signal, onStep: (s) => void (s === step && controller.abort()) }),
          'ABORTED',
        );
        assert.equal(readFileSync(path, 'utf8'), text);
        assert.equal(statSync(path).ino, inode);
        assert.equal(statSync(path).nlink, 1, 'the archive link was removed');
        assert.deepEqual(sideFiles(dir, 's.jsonl'), [], 'no lock, temp or archive left');
      } finally {
        cleanup();
      }
    });
  }

  test('waits for a lock held by another process, then compacts', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(30));
      const holder = await LockHolder.start(path);
      const waits: string[] = [];
      const running = trimTranscript({ transcriptPath: path, maxLines: 5, timeoutMs: 60_000, onWait: (info) => waits.push(info.message) });
      while (waits.length === 0) await new Promise((r) => setTimeout(r, 50));
      assert.match(waits[0], new RegExp(`waiting for pid ${holder.pid}\\b`));
      assert.equal(readFileSync(path, 'utf8'), transcriptText(30), 'nothing written while the other process holds the lock');
      await holder.release();
      const result = await running;
      assert.equal(result.compacted, true);
      assert.equal(result.linesAfter, 5);
    } finally {
      cleanup();
    }
  });

  test('gives up after the timeout naming the holder, and changes nothing', async () => {
    const { dir, cleanup } = makeTempDir();
    const path = writeTranscript(dir, 's.jsonl', transcriptText(30));
    const holder = await LockHolder.start(path);
    try {
      const error = await rejectsWith(trimTranscript({ transcriptPath: path, maxLines: 5, timeoutMs: 300 }), 'LOCK_TIMEOUT');
      assert.match(error.message, new RegExp(`pid ${holder.pid}`));
      assert.equal(readFileSync(path, 'utf8'), transcriptText(30));
      assert.deepEqual(sideFiles(dir, 's.jsonl'), ['s.jsonl.lock'], 'only the holder\'s lock');
    } finally {
      await holder.release();
      cleanup();
    }
  });

  test('a lock taken over before the rename aborts; the original, the new lock and no archive remain', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const text = transcriptText(40);
      const path = writeTranscript(dir, 's.jsonl', text);
      const foreign = JSON.stringify({ pid: 1, createdAt: new Date().toISOString() }, null, 2) + '\n';
      const error = await rejectsWith(
        trimTranscript({
          transcriptPath: path,
          maxLines: 5,
          onStep: (step) => {
            // What a running OpenClaw does to a lock whose owner is not OpenClaw: delete it and take its own.
            if (step === 'archived') writeFileSync(`${path}.lock`, foreign, { flag: 'w' });
          },
        }),
        'LOCK_LOST',
      );
      assert.match(error.message, /taken by another process/);
      assert.equal(readFileSync(path, 'utf8'), text);
      assert.equal(readFileSync(`${path}.lock`, 'utf8'), foreign, 'the other process\'s lock is not removed');
      assert.deepEqual(sideFiles(dir, 's.jsonl'), ['s.jsonl.lock']);
    } finally {
      cleanup();
    }
  });

  test('a transcript appended to despite the lock is not replaced', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const text = transcriptText(40);
      const path = writeTranscript(dir, 's.jsonl', text);
      await rejectsWith(
        trimTranscript({ transcriptPath: path, maxLines: 5, onStep: (step) => void (step === 'archived' && writeFileSync(path, entryLine(99) + '\n', { flag: 'a' })) }),
        'CHANGED_ON_DISK',
      );
      assert.equal(readFileSync(path, 'utf8'), text + entryLine(99) + '\n');
      assert.deepEqual(sideFiles(dir, 's.jsonl'), [], 'lock released, temp and archive link removed');
    } finally {
      cleanup();
    }
  });

  test('the next run removes temp files of crashed runs, an archive that aliases the live file, and the lock copy of a creator that died', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const text = transcriptText(30);
      const path = writeTranscript(dir, 's.jsonl', text);
      writeFileSync(`${path}.compact.0a1b2c3d4e5f.tmp`, 'partial');
      writeFileSync(`${path}.compact.9f8e7d6c5b4a.bak.tmp`, 'partial copy');
      writeFileSync(`${path}.save.00ff00ff00ff.tmp`, 'partial save');
      linkSync(path, `${path}.bak.2026-11-22T09-00-00.000Z`); // crash between archive link and rename
      const live = statSync(path);
      writeFileSync(`${path}.bak.2026-11-22T09-30-00.000Z`, text); // crash between archive copy and rename
      utimesSync(`${path}.bak.2026-11-22T09-30-00.000Z`, live.atime, live.mtime);
      writeFileSync(`${path}.bak.2026-11-22T09-45-00.000Z`, text.replace('message 1', 'message X')); // same size, other bytes
      utimesSync(`${path}.bak.2026-11-22T09-45-00.000Z`, live.atime, live.mtime);
      writeFileSync(`${path}.bak.2026-01-01T00-00-00.000Z`, 'an older, real archive');
      writeFileSync(join(dir, 'other.jsonl.compact.0a1b2c3d4e5f.tmp'), 'another session\'s');
      // The lock core's private copy of a lock whose maker was killed between creating and writing
      // it: empty, but its name says its maker is dead. A live process's copy stays.
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      writeFileSync(`${path}.lock.new.${dead}.x.0123abcd1`, '');
      writeFileSync(`${path}.lock.new.${process.ppid}.x.0123abcd2`, '');
      const result = await trimTranscript({ transcriptPath: path, maxLines: 3, now: () => new Date('2026-11-22T12:00:00.000Z') });
      assert.equal(result.removedLeftovers.length, 6);
      assert.ok(result.removedLeftovers.includes(`${path}.lock.new.${dead}.x.0123abcd1`), result.removedLeftovers.join(', '));
      assert.deepEqual(sideFiles(dir, 's.jsonl'), [
        'other.jsonl.compact.0a1b2c3d4e5f.tmp',
        's.jsonl.bak.2026-01-01T00-00-00.000Z',
        's.jsonl.bak.2026-11-22T09-45-00.000Z',
        's.jsonl.bak.2026-11-22T12-00-00.000Z',
        `s.jsonl.lock.new.${process.ppid}.x.0123abcd2`,
      ]);
      assert.equal(readFileSync(`${path}.bak.2026-11-22T12-00-00.000Z`, 'utf8'), text);
    } finally {
      cleanup();
    }
  });

  test('two archives in the same millisecond get distinct names', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = writeTranscript(dir, 's.jsonl', transcriptText(30));
      const now = () => new Date('2026-11-22T12:00:00.000Z');
      const first = await trimTranscript({ transcriptPath: path, maxLines: 10, now });
      writeFileSync(path, transcriptText(30));
      const second = await trimTranscript({ transcriptPath: path, maxLines: 10, now });
      assert.notEqual(first.archivePath, second.archivePath);
      assert.equal(readFileSync(second.archivePath!, 'utf8'), transcriptText(30));
      assert.ok(existsSync(first.archivePath!));
    } finally {
      cleanup();
    }
  });
});

describe('trimTranscript: agrees with a read-everything reference on random files', () => {
  // The reference is OpenClaw's rule written the simple way: non-empty lines, header plus the
  // last maxLines-1. Small read chunks put line ends, CRs and blank runs on chunk boundaries.
  function reference(text: string, maxLines: number): { lines: number; output?: string } {
    const segments = text.split('\n');
    if (segments[segments.length - 1] === '') segments.pop();
    const lines = segments.filter((l) => /[^ \t\r]/.test(l));
    if (lines.length <= maxLines) return { lines: lines.length };
    return { lines: lines.length, output: [lines[0], ...lines.slice(lines.length - (maxLines - 1))].join('\n') + '\n' };
  }

  test('200 random transcripts with blank lines, CRLF and long lines, chunk sizes 1 to 64 bytes', async () => {
    const { dir, cleanup } = makeTempDir();
    let seed = 424242;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
    try {
      for (let run = 0; run < 200; run++) {
        const parts: string[] = [];
        const count = Math.floor(random() * 30);
        for (let i = 0; i < count; i++) {
          if (random() < 0.4) parts.push(pick(['', ' ', '\t', '\r', '  \r', '']));
          parts.push(JSON.stringify({ i, pad: 'y'.repeat(Math.floor(random() * 90)) }) + pick(['', '', '\r']));
        }
        let text = parts.join('\n');
        if (random() < 0.7) text += '\n';
        const maxLines = 1 + Math.floor(random() * 8);
        const path = writeTranscript(dir, `r${run}.jsonl`, text);
        const expected = reference(text, maxLines);
        const result = await trimTranscript({ transcriptPath: path, maxLines, chunkBytes: 1 + Math.floor(random() * 64) });
        const label = `run ${run}: ${JSON.stringify(text)} maxLines=${maxLines}`;
        assert.equal(result.compacted, expected.output !== undefined, label);
        assert.equal(result.linesBefore, expected.lines, label);
        assert.equal(readFileSync(path, 'utf8'), expected.output ?? text, label);
      }
    } finally {
      cleanup();
    }
  });
});
