// One JSON line of OpenClaw's file log into a record; every other line into nothing, never a throw.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { parseRecord } from '../../src/logs/records';
import { fixture, rootLine } from './helpers';

test('a real 7.35 line: subsystem from the bindings, level and UTC time from _meta, the flattened message', () => {
  const line = fs.readFileSync(fixture('real-7.35-lock-timeout.log'), 'utf8').split('\n').find((l) => l.includes('lane=session:agent:main:main') && l.includes('TimeoutError'))!;
  const record = parseRecord(line)!;
  assert.equal(record.subsystem, 'diagnostic');
  assert.equal(record.level, 'ERROR');
  assert.equal(record.time, Date.parse('2026-12-01T12:47:52.614Z'));
  assert.match(record.message, /^lane task error: lane=session:agent:main:main durationMs=5437 error="SessionWriteLockTimeoutError: session file locked \(timeout 5000ms\)/);
  assert.deepEqual(record.fields, {});
});

test('a real 9.6 line with fields: the message from "1", the fields from "2", wherever they sit', () => {
  const line = fs.readFileSync(fixture('real-9.6-smoke.log'), 'utf8').split('\n').find((l) => l.includes('slow SQLite session write'))!;
  const record = parseRecord(line)!;
  assert.equal(record.subsystem, 'session-sqlite');
  assert.equal(record.level, 'WARN');
  assert.ok(record.message.startsWith('slow SQLite session write {"agentId":"main"'), record.message);
  assert.equal(record.fields.agentId, 'main');
  assert.match(String(record.fields.storePath), /agents\/main\/agent\/openclaw-agent\.sqlite$/);
});

test('the root logger has no bindings: "0" is the message and there is no subsystem', () => {
  const at = new Date('2026-12-01T14:20:00Z');
  const record = parseRecord(rootLine('ERROR', 'Embedded agent failed before reply: session file locked (timeout 60000ms): pid=1 /x.jsonl.lock', at))!;
  assert.equal(record.subsystem, undefined);
  assert.equal(record.message, 'Embedded agent failed before reply: session file locked (timeout 60000ms): pid=1 /x.jsonl.lock');
  assert.equal(record.time, at.getTime());
});

test('without a top-level message the positional strings are the message; without _meta the local time', () => {
  const record = parseRecord(JSON.stringify({ 0: '{"subsystem":"gateway"}', 1: 'starting...', time: '2026-12-01T09:28:25.160+01:00' }))!;
  assert.equal(record.message, 'starting...');
  assert.equal(record.subsystem, 'gateway');
  assert.equal(record.time, Date.parse('2026-12-01T08:28:25.160Z'));
  assert.equal(record.level, undefined);
});

test('bad lines are no records, and none throws', () => {
  const bad = ['', ' ', 'not json', '{"0":"torn', '[1,2,3]', 'null', '{"message":"no time at all"}', '{"0":"x","time":"yesterday"}', '{"_meta":{"date":"2026-12-01T00:00:00Z"}}', '{"time":"2026-12-01T00:00:00Z","0":{"subsystem":1}}', '\u0000\u0001'];
  for (const line of bad) assert.equal(parseRecord(line), undefined, JSON.stringify(line));
});
