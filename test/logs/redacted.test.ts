// Lock paths that OpenClaw's log redaction masked still name their lock (src/logs/redacted.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '../../src/logs/failures';
import { loggedPathMatches, isRedactedPath } from '../../src/logs/redacted';
import { FailureTally, failuresBehind } from '../../src/logs/tally';
import { loadOpenClawRedaction } from '../fixtures/openclaw-redaction';

const dir = '/tmp/ocl-real-EjwRCJ/state/agents/main/sessions';
const masked = `${dir}/12f2edb5-c171-4e06-b7fc-0123456789ab.jsonl.lock`;
// Another session of the same agent: its id differs within what OpenClaw keeps of the masked one.
const sibling = `${dir}/12f2edb5-c171-4e06-a7aa-0123456789ab.jsonl.lock`;
// The real 2026.7.35 gateway's line (CI, 2026-12-02): the session id's `fc-0123…` read as a key.
const REAL_LINE = `lane task error: lane=session:agent:main:main durationMs=286 error="SessionWriteLockStaleError: session file lock stale (hold-exceeded): pid=25244 alive=true ageMs=10593 ${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock"`;

test('a masked path matches exactly the paths it could have come from', () => {
  assert.equal(isRedactedPath(`${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock`), true);
  assert.equal(isRedactedPath(masked), false);
  assert.equal(loggedPathMatches(masked, masked), true);
  assert.equal(loggedPathMatches(masked, sibling), false, 'an unmasked path matches only itself');
  assert.equal(loggedPathMatches(`${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock`, masked), true);
  assert.equal(loggedPathMatches(`${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock`, sibling), false);
  assert.equal(loggedPathMatches(`${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock`, `${dir}/12f2edb5-c171-4e06-b7.jsonl.lock`), false, 'a mask stands for at least one character');
  assert.equal(loggedPathMatches(`${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock`, `/elsewhere/12f2edb5-c171-4e06-b7fc-0123456789ab.jsonl.lock`), false);
  // A long token keeps its first 6 and last 4 characters; several masks keep their order.
  assert.equal(loggedPathMatches('/home/u/sk-abc…wxyz/s/a.jsonl.lock', '/home/u/sk-abcdefghijklmnopqrstuvwxyz/s/a.jsonl.lock'), true);
  assert.equal(loggedPathMatches('/a/x***y/b***.lock', '/a/x1y/b2.lock'), true);
  assert.equal(loggedPathMatches('/a/x***y/b***.lock', '/a/xy/b2.lock'), false);
  assert.equal(loggedPathMatches('/a/x***y/b***.lock', '/a/x1y/b.lock'), false);
});

test('the real gateway line with a masked path: its failures are the lock\'s, not a sibling\'s', () => {
  const event = classify({ message: REAL_LINE, time: Date.parse('2026-12-02T05:20:00Z'), fields: {} });
  assert.equal(event?.kind, 'lock-stale');
  const tally = new FailureTally(0);
  tally.add(event!);
  assert.equal(tally.failuresOfLock(masked)?.count, 1);
  assert.equal(tally.failuresOfLock(sibling), undefined);
  assert.equal(failuresBehind(tally, masked), tally.failuresOfLock(masked));
  assert.equal(failuresBehind(tally, sibling), undefined, 'no session key given: nothing to fall back on');
  tally.add({ kind: 'stale-lock-removed', time: Date.parse('2026-12-02T05:21:00Z'), lockPath: `${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock`, reasons: ['dead-pid'], error: '' });
  assert.deepEqual(tally.removalOfLock(masked)?.reasons, ['dead-pid']);
  assert.equal(tally.removalOfLock(sibling), undefined);
});

test('OpenClaw\'s own redaction (the provisioned release): every lock path it writes still matches the real one', async () => {
  const redact = await loadOpenClawRedaction();
  if ('missing' in redact) throw new Error(redact.missing);
  const paths = [
    masked,
    sibling,
    '/home/u/sk-abcdefghijklmnopqrstuvwxyz/agents/main/sessions/8f14e45f-ceea-467f-a0e6-5ef2e4e9b2c1.jsonl.lock',
    `${dir}/0a1bfc-2c3d.jsonl.lock`,
  ];
  const seen: string[] = [];
  for (const path of paths) {
    const line: string = redact(`lane task error: lane=session:agent:main:main durationMs=5003 error="SessionWriteLockTimeoutError: session file locked (timeout 5000ms): pid=4242 alive=true ageMs=5100 ${path}"`);
    const logged: string | undefined = classify({ message: line, time: 0, fields: {} })?.lockPath;
    assert.ok(logged !== undefined, `the product reads a lock path from ${line}`);
    seen.push(logged);
    assert.ok(loggedPathMatches(logged, path), `${logged} names ${path}`);
    for (const other of paths) if (other !== path) assert.equal(loggedPathMatches(logged, other), false, `${logged} does not name ${other}`);
  }
  // The facts this rests on, as the release has them: the fc- session id is masked, the plain one is not.
  assert.equal(seen[0], `${dir}/12f2edb5-c171-4e06-b7***.jsonl.lock`);
  assert.equal(seen[1], sibling);
  assert.match(seen[2]!, /\/home\/u\/sk-abc…wxyz\//);
});
