// Each of OpenClaw's failure lines into one event, from the real gateways' lines where they
// can be produced and from lines in their exact shape otherwise (fixtures/README.md).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { classify, mightBeFailure } from '../../src/logs/failures';
import { parseRecord } from '../../src/logs/records';
import { LOCK, fieldsLine, fixture, rootLine, subsystemLine, timeoutError } from './helpers';

const at = new Date('2026-12-01T14:20:00Z');
const eventOf = (line: string) => {
  assert.ok(mightBeFailure(line), `the prefilter lets it through: ${line.slice(0, 120)}`);
  return classify(parseRecord(line)!);
};

test('7.35, real: the lane errors of a lock timeout and of a refused hold-exceeded lock', () => {
  const lines = fs.readFileSync(fixture('real-7.35-lock-timeout.log'), 'utf8').split('\n').filter((l) => l.includes('lane task error'));
  const events = lines.map((l) => classify(parseRecord(l)!)!);
  assert.deepEqual(events.map((e) => [e.kind, e.lane, e.sessionKey]), [
    ['lock-stale', 'main', undefined],
    ['lock-stale', 'session:agent:main:main', 'agent:main:main'],
    ['lock-timeout', 'main', undefined],
    ['lock-timeout', 'session:agent:main:main', 'agent:main:main'],
  ]);
  const timeout = events[3]!;
  assert.match(timeout.lockPath!, /\/state\/agents\/main\/sessions\/1904ac53-ace1-4cd8-97e5-0f3c50200a71\.jsonl\.lock$/);
  assert.equal(timeout.holderPid, 13086);
  assert.equal(timeout.holderAlive, true);
  assert.match(timeout.error, /^session file locked \(timeout 5000ms\): pid=13086/, 'without the error class name');
  assert.deepEqual(events[1]!.reasons, ['hold-exceeded']);
});

test('7.35, real: the restarted gateway\'s removed stale lock', () => {
  const line = fs.readFileSync(fixture('real-7.35-stale-removed.log'), 'utf8').split('\n').find((l) => l.includes('removed stale session lock'))!;
  const event = eventOf(line)!;
  assert.equal(event.kind, 'stale-lock-removed');
  assert.match(event.lockPath!, /\/sessions\/a7f26563-0109-49a9-876d-6f330b1d5e80\.jsonl\.lock$/);
  assert.deepEqual(event.reasons, ['dead-pid']);
});

test('7.35: the reply pipeline\'s line for the same failure, and follow-ups', () => {
  const embedded = eventOf(rootLine('ERROR', `Embedded agent failed before reply: session file locked (timeout 60000ms): pid=4242 alive=true ageMs=61234 ${LOCK}`, at))!;
  assert.equal(embedded.kind, 'agent-failed');
  assert.equal(embedded.lockPath, LOCK);
  assert.equal(embedded.holderPid, 4242);
  const followup = eventOf(rootLine('ERROR', 'Followup agent failed before reply: model timed out', at))!;
  assert.equal(followup.kind, 'agent-failed');
  assert.equal(followup.lockPath, undefined);
  assert.equal(followup.error, 'model timed out');
});

test('a lane error that names no lock is a failed run of that session; older lock messages still name the lock', () => {
  const other = eventOf(subsystemLine('diagnostic', 'ERROR', 'lane task error: lane=session:agent:main:telegram:group:42 durationMs=12 error="Error: provider said 500"', at))!;
  assert.equal(other.kind, 'run-failed');
  assert.equal(other.sessionKey, 'agent:main:telegram:group:42');
  assert.equal(other.error, 'provider said 500');
  const old = eventOf(subsystemLine('diagnostic', 'ERROR', `lane task error: lane=session:cron:nightly durationMs=10003 error="Error: session file locked (timeout 10000ms): pid=77 ${LOCK}"`, at))!;
  assert.equal(old.kind, 'lock-timeout');
  assert.equal(old.holderPid, 77);
  assert.equal(old.holderAlive, undefined);
  assert.equal(old.lockPath, LOCK);
  assert.equal(eventOf(subsystemLine('diagnostic', 'ERROR', `lane task error: lane=main durationMs=1 error="${timeoutError()}"`, at))!.sessionKey, undefined);
  // A message OpenClaw cut at 4096 characters has lost its closing quote.
  const cut = eventOf(subsystemLine('diagnostic', 'ERROR', `lane task error: lane=session:agent:main:main durationMs=5 error="Error: provider said ${'x'.repeat(4000)}...(truncated)`, at))!;
  assert.equal(cut.kind, 'run-failed');
  assert.equal(cut.sessionKey, 'agent:main:main');
});

test('both eras: stuck, stalled and long-running sessions, and the recovery line', () => {
  const stuck = eventOf(subsystemLine('diagnostic', 'WARN', 'stuck session: sessionId=7f3c sessionKey=agent:main:discord:channel:9 state=processing age=241s queueDepth=2 reason=no-progress classification=stuck recovery=checking', at))!;
  assert.deepEqual([stuck.kind, stuck.sessionKey, stuck.sessionId, stuck.state, stuck.ageSeconds], ['stuck-session', 'agent:main:discord:channel:9', '7f3c', 'processing', 241]);
  assert.equal(eventOf(subsystemLine('diagnostic', 'WARN', 'stalled session: sessionId=unknown sessionKey=agent:main:main state=waiting age=130s queueDepth=0 reason=x classification=y recovery=none', at))!.sessionId, undefined);
  assert.equal(eventOf(subsystemLine('diagnostic', 'WARN', 'long-running session: sessionId=a sessionKey=agent:main:main state=processing age=600s queueDepth=1 reason=x classification=y recovery=none', at))!.kind, 'stuck-session');
  const recovery = eventOf(subsystemLine('diagnostic', 'WARN', 'stuck session recovery: sessionId=7f3c sessionKey=agent:main:main age=362s action=abort aborted=true drained=true released=true', at))!;
  assert.equal(recovery.kind, 'stuck-recovery');
  assert.equal(recovery.ageSeconds, 362);
});

test('9.6: SQLite store failures and slow writes, attributed to the agent', () => {
  const txFields = { async: false, busyTimeoutMs: 5000, database: '/home/u/.openclaw/agents/ops/agent/openclaw-agent.sqlite', code: '***', elapsedMs: 5003, failureKind: 'lock-contention', isMainThread: true, operation: 'session.append', pid: 901, step: 'begin', threadId: 0 };
  const tx = eventOf(fieldsLine('sqlite/transaction', 'WARN', 'SQLite transaction lock wait failed', txFields, at, 'meta-first'))!;
  assert.deepEqual([tx.kind, tx.agentId, tx.pid], ['store-write-failed', 'ops', 901]);
  assert.equal(tx.error, 'SQLite transaction lock wait failed: lock-contention');
  const write = eventOf(fieldsLine('session-sqlite', 'WARN', 'SQLite session write failed', { agentId: 'ops', pid: 901, operation: 'session.append', storePath: '/x/agents/ops/agent/openclaw-agent.sqlite', error: 'database is locked (SQLITE_BUSY)' }, at))!;
  assert.deepEqual([write.kind, write.agentId, write.error], ['store-write-failed', 'ops', 'SQLite session write failed: database is locked (SQLITE_BUSY)']);
  const real = fs.readFileSync(fixture('real-9.6-smoke.log'), 'utf8').split('\n').filter(mightBeFailure).map((l) => classify(parseRecord(l)!)).filter((e) => e !== undefined);
  assert.deepEqual(real.map((e) => [e.kind, e.agentId, e.error]), [['store-slow', 'main', 'slow SQLite session write'], ['store-slow', 'main', 'slow SQLite session write']]);
});

test('9.6, real: a run stopped with sessions.abort fails its lanes ("This operation was aborted"): no failure', () => {
  const aborted = fs.readFileSync(fixture('real-9.6-smoke.log'), 'utf8').split('\n').filter((l) => l.includes('lane task error'));
  assert.equal(aborted.length, 2, 'lane=main and lane=session:agent:main:main, as in 7.35');
  for (const line of aborted) assert.equal(classify(parseRecord(line)!), undefined);
  assert.equal(eventOf(subsystemLine('diagnostic', 'ERROR', 'lane task error: lane=session:agent:main:main durationMs=3 error="AbortError: This operation was aborted"', at)), undefined);
});

test('every other real line is no failure: none of the recorded ordinary lines classifies', () => {
  for (const name of ['real-7.35-lock-timeout.log', 'real-7.35-stale-removed.log', 'real-9.6-smoke.log']) {
    const lines = fs.readFileSync(fixture(name), 'utf8').split('\n').filter(Boolean);
    for (const line of lines) {
      const event = classify(parseRecord(line)!);
      if (!mightBeFailure(line)) assert.equal(event, undefined, `the prefilter never hides a failure: ${line.slice(0, 200)}`);
    }
    assert.ok(lines.filter((l) => classify(parseRecord(l)!) === undefined).length > 20, `${name} is mostly ordinary lines`);
  }
});
