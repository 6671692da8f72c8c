// One failure, one count, however many lines OpenClaw writes for it (src/logs/pairing.ts says why).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, type FailureEvent } from '../../src/logs/failures';
import { FailurePairing, PAIR_WINDOW_MS } from '../../src/logs/pairing';
import { parseRecord } from '../../src/logs/records';
import { LOCK, fieldsLine, laneFailure, rootLine, subsystemLine, timeoutError } from './helpers';

const t0 = Date.parse('2026-12-01T14:20:00Z');
const ev = (line: string) => classify(parseRecord(line)!)!;

function countAll(lines: string[]): FailureEvent[] {
  const pairing = new FailurePairing();
  return [...lines.flatMap((l) => pairing.push(ev(l))), ...pairing.flush()];
}

test('lane=main then lane=session:<key> with the same error: one failure, the session line\'s', () => {
  const counted = countAll(laneFailure('agent:main:main', timeoutError(), new Date(t0)));
  assert.equal(counted.length, 1);
  assert.equal(counted[0]!.sessionKey, 'agent:main:main');
  assert.equal(counted[0]!.lockPath, LOCK);
});

test('...and the reply pipeline\'s "Embedded agent failed before reply" for that run adds nothing', () => {
  const lines = [...laneFailure('agent:main:main', timeoutError(), new Date(t0)), rootLine('ERROR', `Embedded agent failed before reply: ${timeoutError().replace(/^\w+: /, '')}`, new Date(t0 + 5))];
  assert.equal(countAll(lines).length, 1);
});

test('seven runs that fail on the lock one after the other: seven failures', () => {
  const lines = Array.from({ length: 7 }, (_, i) => laneFailure('agent:main:main', timeoutError(4242, 61_000 + i * 60_000), new Date(t0 + i * 60_000))).flat();
  assert.equal(countAll(lines).length, 7);
});

test('two sessions failing at the same moment on different locks: two failures', () => {
  const lines = [...laneFailure('agent:main:a', timeoutError(1, 5, '/s/a.jsonl.lock'), new Date(t0)), ...laneFailure('agent:main:b', timeoutError(1, 5, '/s/b.jsonl.lock'), new Date(t0))];
  assert.deepEqual(countAll(lines).map((e) => e.sessionKey).sort(), ['agent:main:a', 'agent:main:b']);
});

test('a global-lane failure whose session line never comes counts alone once its window has passed', () => {
  const pairing = new FailurePairing();
  const lone = ev(subsystemLine('diagnostic', 'ERROR', `lane task error: lane=cron-nested durationMs=3 error="${timeoutError()}"`, new Date(t0)));
  assert.deepEqual(pairing.push(lone), [], 'held, waiting for its session line');
  assert.deepEqual(pairing.flush(t0 + PAIR_WINDOW_MS - 1), [], 'still within the window');
  const later = pairing.flush(t0 + PAIR_WINDOW_MS + 1);
  assert.equal(later.length, 1);
  assert.equal(later[0]!.lockPath, LOCK);
});

test('a reply-pipeline line with no lane line before it counts (it is the only trace of that failure)', () => {
  assert.equal(countAll([rootLine('ERROR', 'Embedded agent failed before reply: model exploded', new Date(t0))]).length, 1);
});

test('the reply line arriving while the global-lane line is still held makes them one failure', () => {
  const lines = [
    subsystemLine('diagnostic', 'ERROR', `lane task error: lane=main durationMs=3 error="${timeoutError()}"`, new Date(t0)),
    rootLine('ERROR', `Embedded agent failed before reply: ${timeoutError().replace(/^\w+: /, '')}`, new Date(t0 + 3)),
  ];
  const counted = countAll(lines);
  assert.equal(counted.length, 1);
  assert.equal(counted[0]!.kind, 'lock-timeout');
});

test('9.6: the transaction\'s lock-wait failure and the session write it served are one failed write', () => {
  const fields = { agentId: 'ops', pid: 9, storePath: '/x/agents/ops/agent/openclaw-agent.sqlite', error: 'database is locked' };
  const lines = [
    fieldsLine('sqlite/transaction', 'WARN', 'SQLite transaction lock wait failed', { database: '/x/agents/ops/agent/openclaw-agent.sqlite', pid: 9, failureKind: 'lock-contention' }, new Date(t0), 'meta-first'),
    fieldsLine('session-sqlite', 'WARN', 'SQLite session write failed', fields, new Date(t0 + 1)),
  ];
  const counted = countAll(lines);
  assert.equal(counted.length, 1);
  assert.match(counted[0]!.error, /^SQLite session write failed/);
  assert.equal(countAll([lines[0]!]).length, 1, 'a lock-wait failure alone still counts');
});
