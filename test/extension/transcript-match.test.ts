// Which plain-file paths the unsafe-open guard treats as OpenClaw transcripts.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchTranscript } from '../../src/extension/transcript-match';
import { agent, session, snapshot } from './snapshots';

const withMain = snapshot([agent('main', [session('main', 'abc', { level: 'free' }, { title: 'Daily chat' })])]);

test('a transcript the snapshot lists matches, with its title and agent', () => {
  assert.deepEqual(matchTranscript(withMain, '/state/agents/main/sessions/abc.jsonl'), {
    transcriptPath: '/state/agents/main/sessions/abc.jsonl',
    title: 'Daily chat',
    agentId: 'main',
    via: 'snapshot',
  });
});

test('a path with redundant segments is resolved before matching', () => {
  assert.equal(matchTranscript(withMain, '/state/agents/main/sessions/../sessions/abc.jsonl')?.via, 'snapshot');
});

test('a .jsonl in an agent sessions folder that the snapshot has not listed yet still matches by layout', () => {
  assert.deepEqual(matchTranscript(withMain, '/state/agents/other/sessions/new.jsonl'), {
    transcriptPath: '/state/agents/other/sessions/new.jsonl',
    agentId: 'other',
    via: 'layout',
  });
});

test('everything else stays quiet: other files, side files, deeper folders, other dirs', () => {
  for (const quiet of [
    '/state/agents/main/sessions/sessions.json',
    '/state/agents/main/sessions/abc.jsonl.lock',
    '/state/agents/main/sessions/abc.jsonl.reset.2026-11-22T10-00-00.000Z',
    '/state/agents/main/sessions/archive/abc.jsonl',
    '/state/agents/main/abc.jsonl',
    '/state/agents/sessions/abc.jsonl',
    '/elsewhere/agents/main/sessions/abc.jsonl',
    '/state-other/agents/main/sessions/abc.jsonl',
  ]) {
    assert.equal(matchTranscript(withMain, quiet), undefined, quiet);
  }
});

test('a session key or id typed as a path does not match (findSession also matches those)', () => {
  const keyed = snapshot([agent('main', [session('main', 'abc', { level: 'free' }, { key: '/tmp/x.jsonl' })])]);
  assert.equal(matchTranscript(keyed, '/tmp/x.jsonl'), undefined);
});

test('no snapshot, a missing state dir or the SQLite layout: nothing matches by layout', () => {
  assert.equal(matchTranscript(undefined, '/state/agents/main/sessions/abc.jsonl'), undefined);
  assert.equal(matchTranscript(snapshot([], { layout: 'missing' }), '/state/agents/main/sessions/abc.jsonl'), undefined);
  assert.equal(matchTranscript(snapshot([agent('main', [])], { layout: 'sqlite' }), '/state/agents/main/sessions/abc.jsonl'), undefined);
});

test('a state dir reached through a symlink matches through the resolved paths', () => {
  const linked = snapshot([agent('main', [session('main', 'abc')])]);
  // The document was opened at its real path; the snapshot uses the link /state -> /real/state.
  assert.equal(matchTranscript(linked, '/real/state/agents/main/sessions/abc.jsonl'), undefined);
  const match = matchTranscript(linked, '/real/state/agents/main/sessions/abc.jsonl', {
    realPath: '/real/state/agents/main/sessions/abc.jsonl',
    realStateDir: '/real/state',
  });
  assert.equal(match?.transcriptPath, '/state/agents/main/sessions/abc.jsonl');
  assert.equal(match?.via, 'snapshot');
  assert.equal(
    matchTranscript(linked, '/real/other/agents/main/sessions/abc.jsonl', { realPath: '/real/other/agents/main/sessions/abc.jsonl', realStateDir: '/real/state' }),
    undefined,
  );
});
