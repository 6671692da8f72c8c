// Failures in words, the same in the CLI and in VS Code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failingMessagesNotice, failuresSummaryText, lockFailuresText, sessionFailuresText, storeFailuresText, stuckText } from '../../src/wording/failures';

const at = new Date(2026, 11, 1, 14, 20).getTime();
const now = at + 3600_000;
const seven = { count: 7, firstAt: at, lastAt: at + 600_000 };
const one = { count: 1, firstAt: at, lastAt: at };

test('per lock and per session, one and many, a time of day and not an age', () => {
  assert.equal(lockFailuresText(seven, now), '7 messages failed since 14:20 because of this lock');
  assert.equal(lockFailuresText(one, now), '1 message failed at 14:20 because of this lock');
  assert.equal(sessionFailuresText(seven, now), '7 messages to this session failed since 14:20');
  assert.equal(lockFailuresText(seven, at + 2 * 86_400_000), '7 messages failed since 2026-12-01 14:20 because of this lock');
});

test('the notification, the summary, stuck sessions and store writes', () => {
  assert.equal(failingMessagesNotice(seven, 'Ops Discord', now), '7 messages to "Ops Discord" are failing (since 14:20).');
  assert.equal(failuresSummaryText({ total: 7, since: at - 86_400_000, firstAt: at, file: '/tmp/openclaw/x.log', found: true }, now), '7 messages failed since 14:20 (/tmp/openclaw/x.log)');
  assert.equal(failuresSummaryText({ total: 0, since: at, file: '/x.log', found: true }, now), 'no failed messages since 14:20 (/x.log)');
  assert.equal(failuresSummaryText({ total: 0, since: at, file: '/x.log', found: false }, now), 'no OpenClaw log at /x.log');
  assert.equal(stuckText({ at, label: 'stuck session', state: 'processing', ageSeconds: 241 }, now), 'OpenClaw logged "stuck session" (processing, 241s) at 14:20');
  assert.equal(storeFailuresText('ops', seven, now), '7 writes to agent ops\'s SQLite store failed since 14:20');
});

test('translatable: every sentence goes through t with its placeholders', () => {
  const seen: string[] = [];
  const t = (message: string, ...args: Array<string | number | boolean>) => {
    seen.push(message);
    return `[${message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]))}]`;
  };
  assert.equal(lockFailuresText(seven, now, t), '[7 messages failed [since 14:20] because of this lock]');
  assert.deepEqual(seen, ['since {0}', '{0} messages failed {1} because of this lock']);
});
