import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLockPayload, parseLockPayload, validCreatedAtMs, validPid } from '../../src/lock';
import { readDigitsEnv, defaultAcquireTimeoutMs, defaultMaxHoldMs, defaultStaleMs } from '../../src/lock/config';

const OPENCLAW_2026_7_35 = '{\n  "pid": 16478,\n  "createdAt": "2026-11-22T10:31:07.414Z",\n  "maxHoldMs": 300000,\n  "starttime": 51186\n}\n';

test('format reproduces the 107-byte OpenClaw 2026.7.35 lock file exactly', () => {
  const text = formatLockPayload({ pid: 16478, createdAt: '2026-11-22T10:31:07.414Z', maxHoldMs: 300000, starttime: 51186 });
  assert.equal(text, OPENCLAW_2026_7_35);
  assert.equal(Buffer.byteLength(text), 107);
});

test('format puts OpenClaw keys first in OpenClaw order, extras after, regardless of input order', () => {
  const text = formatLockPayload({ token: 't', hostname: 'h', starttime: 5, maxHoldMs: 10, createdAt: '2026-01-01T00:00:00.000Z', pid: 7 });
  assert.deepEqual(Object.keys(JSON.parse(text)), ['pid', 'createdAt', 'maxHoldMs', 'starttime', 'token', 'hostname']);
  assert.ok(text.endsWith('}\n'));
});

test('format omits starttime and maxHoldMs when absent (non-Linux / older shape)', () => {
  assert.equal(formatLockPayload({ pid: 1, createdAt: '2026-01-01T00:00:00.000Z' }), '{\n  "pid": 1,\n  "createdAt": "2026-01-01T00:00:00.000Z"\n}\n');
});

test('parse reads the 2026.7.35 bytes', () => {
  assert.deepEqual(parseLockPayload(Buffer.from(OPENCLAW_2026_7_35)), { pid: 16478, createdAt: '2026-11-22T10:31:07.414Z', maxHoldMs: 300000, starttime: 51186 });
});

test('parse reads older releases: no trailing newline, no maxHoldMs, no starttime', () => {
  const older = '{\n  "pid": 42,\n  "createdAt": "2026-02-01T08:00:00.000Z"\n}';
  assert.deepEqual(parseLockPayload(Buffer.from(older)), { pid: 42, createdAt: '2026-02-01T08:00:00.000Z' });
  const march = '{\n  "pid": 42,\n  "createdAt": "2026-03-05T08:00:00.000Z",\n  "starttime": 99\n}';
  assert.equal(parseLockPayload(Buffer.from(march))?.starttime, 99);
});

test('parse keeps unknown keys and tolerates a BOM', () => {
  const parsed = parseLockPayload(Buffer.from('\ufeff{"pid": 3, "createdAt": "2026-01-01T00:00:00Z", "future": [1]}'));
  assert.deepEqual(parsed?.future, [1]);
  assert.equal(parsed?.pid, 3);
});

test('parse returns undefined for empty, whitespace, torn, garbage and non-object payloads', () => {
  for (const bad of ['', '  \n', '{\n  "pid": 16', 'not json', 'null', '[1,2]', '42', '"s"']) {
    assert.equal(parseLockPayload(Buffer.from(bad)), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseLockPayload(Buffer.from('{}')), {});
});

test('validPid accepts only positive integers within pid_max', () => {
  assert.equal(validPid(16478), 16478);
  for (const bad of [0, -1, 1.5, 2 ** 40, Number.NaN, '123', null, undefined]) assert.equal(validPid(bad), undefined, String(bad));
});

test('validCreatedAtMs accepts ISO strings only, never epoch numbers', () => {
  assert.equal(validCreatedAtMs('2026-11-22T10:31:07.414Z'), Date.UTC(2026, 10, 22, 10, 31, 7, 414));
  for (const bad of [1763807467414, '1763807467414', 'yesterday', '', null]) assert.equal(validCreatedAtMs(bad), undefined, String(bad));
});

test('environment overrides accept digits only', () => {
  assert.equal(readDigitsEnv('X', { X: '1500' }), 1500);
  for (const bad of ['', '1e3', '-5', '60s', '0', ' ', '1.5']) assert.equal(readDigitsEnv('X', { X: bad }), undefined, bad);
  assert.equal(defaultAcquireTimeoutMs({}), 60_000);
  assert.equal(defaultAcquireTimeoutMs({ OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS: '2500' }), 2500);
  assert.equal(defaultStaleMs({}), 30 * 60_000);
  assert.equal(defaultStaleMs({ OPENCLAW_SESSION_WRITE_LOCK_STALE_MS: '1000' }), 1000);
  assert.equal(defaultMaxHoldMs(60_000, {}), 300_000);
  assert.equal(defaultMaxHoldMs(600_000, {}), 720_000);
  assert.equal(defaultMaxHoldMs(60_000, { OPENCLAW_SESSION_WRITE_LOCK_MAX_HOLD_MS: '9000' }), 9000);
});
