import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyEntry, isValidSessionId } from '../../src/sessions';
import { lockNameOf } from '../../src/sessions/model';

describe('classifyEntry', () => {
  const cases: [string, ReturnType<typeof classifyEntry>][] = [
    ['sessions.json', { type: 'store' }],
    ['sessions.json.lock', { type: 'store-lock' }],
    ['0af7fd13-3062-4932-bd89-90fb18e26e11.jsonl', { type: 'transcript', sessionId: '0af7fd13-3062-4932-bd89-90fb18e26e11' }],
    ['abc-topic-7.jsonl', { type: 'transcript', sessionId: 'abc-topic-7' }],
    ['abc.jsonl.lock', { type: 'transcript-lock', transcript: 'abc.jsonl' }],
    ['abc.jsonl.bak.2026-11-01T00-00-00.000Z', { type: 'side', kind: 'bak' }],
    ['abc.jsonl.reset.2026-11-01T00-00-00.000Z', { type: 'side', kind: 'reset' }],
    ['abc.jsonl.deleted.1763800000000', { type: 'side', kind: 'deleted' }],
    ['abc.checkpoint.5d1f0a8e-1111-4222-8333-944444444444.jsonl', { type: 'side', kind: 'checkpoint' }],
    ['abc.trajectory.jsonl', { type: 'side', kind: 'trajectory' }],
    ['sessions.json.4242.5d1f0a8e-1111-4222-8333-944444444444.tmp', { type: 'side', kind: 'store-tmp' }],
    ['abc.jsonl.compact.5d1f0a8e-1111-4222-8333-944444444444.tmp', { type: 'side', kind: 'compact-tmp' }],
    ['.DS_Store', { type: 'side', kind: 'other' }],
    ['-bad.jsonl', { type: 'side', kind: 'other' }],
    ['notes.txt', { type: 'side', kind: 'other' }],
  ];
  for (const [name, expected] of cases) {
    it(`classifies ${name}`, () => assert.deepEqual(classifyEntry(name), expected));
  }

  it('applies OpenClaw\'s session id rule', () => {
    assert.ok(isValidSessionId('a'));
    assert.ok(isValidSessionId('A.b_c-1'));
    assert.ok(isValidSessionId('a'.repeat(128)));
    assert.ok(!isValidSessionId('a'.repeat(129)));
    assert.ok(!isValidSessionId('.hidden'));
    assert.ok(!isValidSessionId('../etc'));
    assert.ok(!isValidSessionId(''));
  });

  it('maps the lock core\'s reclaim files to the lock they guard', () => {
    assert.equal(lockNameOf('a.jsonl.lock'), 'a.jsonl.lock');
    assert.equal(lockNameOf('sessions.json.lock'), 'sessions.json.lock');
    assert.equal(lockNameOf('a.jsonl.lock.reclaim'), 'a.jsonl.lock');
    assert.equal(lockNameOf('a.jsonl.lock.reclaim.4242.x1'), 'a.jsonl.lock');
    assert.equal(lockNameOf('a.jsonl'), undefined);
    assert.equal(lockNameOf('sessions.json'), undefined);
    assert.deepEqual(classifyEntry('a.jsonl.lock.reclaim'), { type: 'side', kind: 'other' });
  });
});
