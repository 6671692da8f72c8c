import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findInvalidLine, withOneFinalNewline } from '../../src/transcripts/validate';
import { describeHolder, formatWaitMessage } from '../../src/transcripts/write-lock';
import type { LockInspection } from '../../src/lock/types';

test('findInvalidLine accepts JSON objects, blank lines and CRLF', () => {
  assert.equal(findInvalidLine(''), undefined);
  assert.equal(findInvalidLine('{"a":1}\n\n  \r\n{"b":2}\r\n'), undefined);
  assert.equal(findInvalidLine(Buffer.from('{"a":1}')), undefined, 'a valid unterminated last line is fine');
});

test('findInvalidLine names the first bad line by line and column, in the document\'s terms', () => {
  assert.deepEqual(findInvalidLine('{"a":1}\n{"b":\n{"c":3}\n')?.line, 2);
  assert.equal(findInvalidLine('{"a":1}\n"text"\n')?.line, 2);
  assert.equal(findInvalidLine('{"a":1}\nnull\n')?.line, 2);
  assert.match(findInvalidLine('{"a":1}\n[1]\n')!.reason, /not a JSON object/);
  const typed = findInvalidLine('{"a":1}\n{"b":2}\n{"type":"mess')!;
  assert.equal(typed.line, 3);
  assert.equal(typed.torn, true);
  assert.equal(typed.reason, 'line 3, column 14 (the last line): Unterminated string');
  assert.doesNotMatch(typed.reason, /interrupted|position/, 'a line the user just typed is not called a cut-off write');
  const middle = findInvalidLine('{"a":1}\n{"a":1 "b":2}\r\n{"c":3}\n')!;
  assert.deepEqual([middle.line, middle.column, middle.endColumn, middle.torn], [2, 8, 14, false]);
  assert.equal(middle.reason, "line 2, column 8: Expected ',' or '}' after property value");
  const words = findInvalidLine('hi there\n')!;
  assert.equal(words.reason, "line 1, column 1: Unexpected token 'h'");
});

test('withOneFinalNewline leaves exactly one newline after the last entry', () => {
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();
  assert.equal(text(withOneFinalNewline(Buffer.from('{"a":1}'))), '{"a":1}\n');
  assert.equal(text(withOneFinalNewline(Buffer.from('{"a":1}\n'))), '{"a":1}\n');
  assert.equal(text(withOneFinalNewline(Buffer.from('{"a":1}\n\n \r\n\t'))), '{"a":1}\n');
  assert.equal(text(withOneFinalNewline(Buffer.from('{"a":1}\r\n{"b":2}\r\n'))), '{"a":1}\r\n{"b":2}\n');
  assert.equal(withOneFinalNewline(Buffer.from('\n\n')).length, 0);
  assert.equal(withOneFinalNewline(Buffer.from('')).length, 0);
});

function holder(pid: number, commandLine?: string, alive = true): LockInspection {
  return {
    lockPath: '/x.jsonl.lock', state: 'held', reasons: [], reclaimable: false,
    payload: { pid, createdAt: '2026-11-22T10:00:00.000Z' },
    owner: { pid, alive, isSelf: false, commandLine },
  };
}

test('describeHolder and formatWaitMessage name the holder like a person would', () => {
  assert.equal(describeHolder(holder(4242, 'node /usr/lib/node_modules/openclaw/dist/index.js gateway --port 18789')), 'pid 4242 (openclaw gateway)');
  assert.equal(describeHolder(holder(77, 'openclaw-gateway')), 'pid 77 (openclaw-gateway)');
  assert.equal(describeHolder(holder(78, 'openclaw /opt/openclaw/dist/index.js openclaw gateway --port 1')), 'pid 78 (openclaw gateway)', 'a name passed on is not doubled');
  assert.equal(describeHolder(holder(5)), 'pid 5');
  assert.equal(describeHolder(holder(9, 'openclaw gateway', false)), 'pid 9 (openclaw gateway, not running)');
  assert.equal(describeHolder(undefined), 'another process');
  assert.equal(describeHolder({ lockPath: '/x', state: 'initialising', reasons: [], reclaimable: false }), 'a process that is just taking the lock');
  assert.equal(formatWaitMessage(12_400, holder(4242, 'openclaw gateway')), 'waiting for pid 4242 (openclaw gateway), 12 s');
});
