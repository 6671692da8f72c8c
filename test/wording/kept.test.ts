// Why a lock was kept: the core's facts, worded once for the CLI and VS Code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeptReason, LockInspection } from '../../src/lock/types';
import { keptBecause, notStaleMessage } from '../../src/wording/kept';
import { pidWords } from '../../src/wording/locks';

const inspection = (over: Partial<LockInspection> = {}): LockInspection => ({ lockPath: '/s/a.jsonl.lock', state: 'held', reasons: [], reclaimable: false, ...over });
const words = (kept: KeptReason, over: Partial<LockInspection> = {}) => keptBecause({ kept, inspection: inspection(over) });

test('every reason the core gives reads as a clause', () => {
  assert.equal(words({ code: 'no-lock-file' }), 'there is no lock file');
  assert.equal(words({ code: 'changed-since-inspected' }), 'the lock file changed since it was inspected');
  assert.equal(words({ code: 'names-another-pid', pid: 7, named: 8 }), 'the lock now names pid 8, not pid 7');
  assert.equal(words({ code: 'names-another-pid', pid: 7 }), 'the lock now names no valid pid, not pid 7');
  assert.equal(words({ code: 'unreadable' }), 'the lock file could not be read');
  assert.equal(words({ code: 'already-gone' }), 'the lock file was already gone');
  assert.equal(words({ code: 'reclaim-busy' }), 'another process is reclaiming this lock right now');
  assert.equal(words({ code: 'replaced' }), 'the lock file changed after it was inspected; the new one was kept');
  assert.match(words({ code: 'displaced', asidePath: '/s/a.jsonl.lock.reclaim.1.abc' }), /the one it displaced was left at \/s\/a\.jsonl\.lock\.reclaim\.1\.abc$/);
  assert.match(words({ code: 'displaced' }), /left at its aside name$/);
});

test('a lock that is not provably stale says what the inspection saw', () => {
  const notStale: KeptReason = { code: 'not-stale' };
  assert.equal(words(notStale, { state: 'initialising' }), 'the lock file is being written right now (empty or partial, younger than the grace period)');
  assert.equal(words(notStale, { state: 'unknown-host' }), 'the lock belongs to another host');
  assert.equal(words(notStale, { state: 'unknown-host', problem: 'written on box-2' }), 'written on box-2');
  assert.equal(words(notStale, { state: 'unreadable' }), 'the lock file cannot be judged');
  assert.equal(words(notStale, { state: 'stale', reasons: ['dead-pid'] }), 'not provably stale (dead-pid): the owner may be alive out of sight');
  assert.equal(words(notStale, { owner: { pid: 42, alive: true } as LockInspection['owner'] }), 'held by live pid 42');
  assert.equal(words(notStale, { owner: { pid: 42, alive: true } as LockInspection['owner'], ageMs: 125_000 }), 'held by live pid 42 for 2m 05s');
  assert.equal(words(notStale), 'not provably stale (held)');
});

test('reclaim leftovers kept, and why one was judged abandoned', () => {
  assert.equal(words({ code: 'leftover-unjudgeable' }), 'the file cannot be judged');
  assert.equal(words({ code: 'guard-in-use' }), 'a reclaimer may be using this guard right now (its pid is alive and it is young)');
  assert.equal(words({ code: 'maker-alive', pid: 5 }), 'the process that made it (pid 5) is alive');
  assert.equal(words({ code: 'leftover-changed' }), 'the file changed while it was inspected');
  assert.equal(words({ code: 'maker-young', pid: 5, youngerThanMs: 5_000 }), 'its maker (pid 5) is dead, but the file is younger than 5 s');
  assert.equal(words({ code: 'leftover-gone' }), 'the file was already gone');
  const replaced = (abandoned: Extract<KeptReason, { code: 'leftover-replaced' }>['abandoned']) => words({ code: 'leftover-replaced', abandoned });
  assert.equal(replaced({ code: 'maker-dead', pid: 5 }), 'judged abandoned (the process that made it (pid 5) is dead), but the file changed before it could be removed; the new one was kept');
  assert.match(replaced({ code: 'reclaimer-dead', pid: 6 }), /\(its reclaimer \(pid 6\) is dead\)/);
  assert.match(replaced({ code: 'names-this-process' }), /\(it names this process, which is not reclaiming\)/);
  assert.match(replaced({ code: 'guard-old', staleMs: 30_000 }), /\(it is older than 30 s\)/);
});

test('a result the core did not judge, a pid, and the translation hook', () => {
  assert.equal(keptBecause({ inspection: inspection() }), 'not provably stale');
  assert.equal(pidWords(4242), 'pid 4242');
  assert.equal(pidWords(undefined), 'no valid pid');
  const shout = (message: string, ...args: Array<string | number | boolean>) => message.toUpperCase().replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
  assert.equal(words({ code: 'maker-alive', pid: 5 }).toUpperCase(), keptBecause({ kept: { code: 'maker-alive', pid: 5 }, inspection: inspection() }, shout));
});

test('Clear Stale Lock names the session when a lock is there but not stale', () => {
  assert.equal(notStaleMessage('main', inspection({ state: 'initialising' }), 'x'), 'The lock of "main" is not stale: the lock file is being written right now (empty or partial, younger than the grace period). Try again in a few seconds.');
  assert.equal(notStaleMessage('main', inspection({ state: 'unreadable' }), 'x'), 'The lock of "main" cannot be judged, so it is not removed: unreadable');
  assert.equal(notStaleMessage('main', inspection({ state: 'unknown-host' }), 'x'), 'The lock of "main" belongs to another host (unknown host), so its pid cannot be checked here. Not removed.');
  assert.equal(notStaleMessage('main', inspection(), 'pid 1, alive'), 'The lock of "main" is held by a live process: pid 1, alive. It is not stale, so it was not removed.');
  assert.equal(
    notStaleMessage('main', inspection({ reasons: ['too-old'] }), 'pid 1, alive'),
    'The lock of "main" is held by a live process: pid 1, alive. It is not stale, so it was not removed (reported: too-old: older than OpenClaw\'s stale age).',
  );
});
