import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findInvalidLine } from '../../src/sessions/transcript-validate';
import { describeHolder, formatWaitMessage } from '../../src/sessions/transcript-lock';
import type { LockInspection } from '../../src/lock/types';

test('findInvalidLine accepts JSON objects, blank lines and CRLF', () => {
  assert.equal(findInvalidLine(''), undefined);
  assert.equal(findInvalidLine('{"a":1}\n\n  \r\n{"b":2}\r\n'), undefined);
  assert.equal(findInvalidLine(Buffer.from('{"a":1}')), undefined, 'a valid unterminated last line is fine');
});

test('findInvalidLine names the first bad line', () => {
  assert.deepEqual(findInvalidLine('{"a":1}\n{"b":\n{"c":3}\n')?.line, 2);
  assert.equal(findInvalidLine('{"a":1}\n"text"\n')?.line, 2);
  assert.equal(findInvalidLine('{"a":1}\nnull\n')?.line, 2);
  assert.match(findInvalidLine('{"a":1}\n[1]\n')!.reason, /not a JSON object/);
  const torn = findInvalidLine('{"a":1}\n{"b":2}\n{"type":"mess')!;
  assert.equal(torn.line, 3);
  assert.equal(torn.torn, true);
  assert.match(torn.reason, /interrupted write/);
  const notTorn = findInvalidLine('{"a":1}\n{"type":"mess\n')!;
  assert.equal(notTorn.torn, false);
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
  assert.equal(describeHolder(holder(5)), 'pid 5');
  assert.equal(describeHolder(holder(9, 'openclaw gateway', false)), 'pid 9 (openclaw gateway, not running)');
  assert.equal(describeHolder(undefined), 'another process');
  assert.equal(describeHolder({ lockPath: '/x', state: 'initialising', reasons: [], reclaimable: false }), 'a process that is just taking the lock');
  assert.equal(formatWaitMessage(12_400, holder(4242, 'openclaw gateway')), 'waiting for pid 4242 (openclaw gateway), 12 s');
});
