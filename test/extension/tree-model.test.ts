import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionsTreeModel, contextValueFor, titleOf, type AgentNode } from '../../src/extension/tree-model';
import { agent, lockView, session, snapshot } from './snapshots';

function labels(model: SessionsTreeModel, agentIndex = 0): string[] {
  const root = model.roots[agentIndex];
  return model.children(root).map((node) => (node.kind === 'session' ? node.session.sessionId : node.kind === 'lock' ? `lock:${node.lockKind}` : node.kind === 'more' ? `more:${node.hiddenCount}` : node.id));
}

test('groups sessions under their agents and puts locked sessions first, worst first', () => {
  const snap = snapshot([
    agent('main', [
      session('main', 'a-free-old', { level: 'free' }, { updatedAt: 1 }),
      session('main', 'b-held', { level: 'held', pid: 10, ageMs: 5_000 }),
      session('main', 'c-free-new', { level: 'free' }, { updatedAt: 50 }),
      session('main', 'd-stale', { level: 'stale', pid: 11, ageMs: 1_000, reasons: ['dead-pid'] }),
      session('main', 'e-held-long', { level: 'held-long', pid: 12, ageMs: 90_000 }),
    ]),
    agent('work', [session('work', 'w1')]),
  ]);
  const model = new SessionsTreeModel(snap);
  assert.deepEqual(model.roots.map((r) => r.agent.id), ['main', 'work']);
  assert.deepEqual(labels(model), ['d-stale', 'e-held-long', 'b-held', 'c-free-new', 'a-free-old']);
  const main = model.roots[0];
  assert.equal(main.lockedCount, 3);
  assert.equal(main.sessionCount, 5);
  assert.deepEqual(model.lockedNodes().map((n) => titleOf(n)), ['agent:main:d-stale', 'agent:main:e-held-long', 'agent:main:b-held']);
});

test('contextValues tell menus what a row is', () => {
  const snap = snapshot([
    agent(
      'main',
      [
        session('main', 'free'),
        session('main', 'stale', { level: 'stale', pid: 1, reasons: ['dead-pid'] }),
        session('main', 'held', { level: 'held', pid: 2 }),
        session('main', 'too-long', { level: 'held-too-long', pid: 3 }),
        session('main', 'suspect', { level: 'suspect', pid: 4, reasons: ['non-openclaw-owner'] }),
        session('main', 'init', { level: 'initialising' }),
        session('main', 'unreadable', { level: 'unreadable' }),
      ],
      {
        orphanLocks: [lockView('/state/agents/main/sessions/gone.jsonl.lock', { level: 'stale', pid: 5, reasons: ['dead-pid'] })],
        storeLock: lockView('/state/agents/main/sessions/sessions.json.lock', { level: 'held', pid: 6 }),
      },
    ),
  ]);
  const model = new SessionsTreeModel(snap);
  const values = new Map(model.children(model.roots[0]).map((n) => [n.kind === 'session' ? n.session.sessionId : n.kind === 'lock' ? n.lockKind : n.kind, contextValueFor(n)]));
  assert.deepEqual(Object.fromEntries(values), {
    store: 'lock.store.live',
    orphan: 'lock.orphan.stale',
    stale: 'session.locked.stale',
    'too-long': 'session.locked.live',
    unreadable: 'session.locked.unreadable',
    suspect: 'session.locked.suspect',
    held: 'session.locked.live',
    init: 'session.locked.initialising',
    free: 'session.free',
  });
  assert.equal(contextValueFor(model.roots[0]), 'agent');
});

test('orphan and store lock rows come first, and a free store lock is not shown', () => {
  const snap = snapshot([
    agent('main', [session('main', 's1')], {
      orphanLocks: [lockView('/state/agents/main/sessions/gone.jsonl.lock', { level: 'stale', pid: 5, reasons: ['dead-pid'] })],
      storeLock: lockView('/state/agents/main/sessions/sessions.json.lock', { level: 'free' }),
    }),
  ]);
  const model = new SessionsTreeModel(snap);
  assert.deepEqual(labels(model), ['lock:orphan', 's1']);
  const orphan = model.nodeForLockPath('/state/agents/main/sessions/gone.jsonl.lock');
  assert.ok(orphan);
  assert.equal(titleOf(orphan), 'gone.jsonl');
});

test('"locked only" hides free sessions and agents with no lock', () => {
  const snap = snapshot([
    agent('main', [session('main', 'free1'), session('main', 'held', { level: 'held', pid: 2 })]),
    agent('quiet', [session('quiet', 'free2')]),
  ]);
  const model = new SessionsTreeModel(snap, { lockedOnly: true });
  assert.deepEqual(model.roots.map((r) => r.agent.id), ['main']);
  assert.deepEqual(labels(model), ['held']);
  assert.equal(model.find('agent:quiet'), undefined);
});

test('free sessions past the limit collapse into one "more" row; locked ones always show', () => {
  const sessions = Array.from({ length: 30 }, (_, i) => session('main', `s${String(i).padStart(2, '0')}`, { level: 'free' }, { updatedAt: 100 - i }));
  sessions.push(session('main', 'locked', { level: 'held', pid: 9 }));
  const model = new SessionsTreeModel(snapshot([agent('main', sessions)]), { freeSessionLimit: 10 });
  const shown = labels(model);
  assert.equal(shown.length, 12);
  assert.equal(shown[0], 'locked');
  assert.equal(shown[11], 'more:20');
  const raised = new SessionsTreeModel(snapshot([agent('main', sessions)]), { freeSessionLimit: 10, freeSessionLimits: new Map([['main', 25]]) });
  assert.equal(labels(raised).at(-1), 'more:5');
});

test('ten thousand sessions build in memory with parents for reveal', () => {
  const sessions = Array.from({ length: 10_000 }, (_, i) => session('main', `s${i}`, i % 1000 === 0 ? { level: 'held', pid: 100 + i } : { level: 'free' }));
  const model = new SessionsTreeModel(snapshot([agent('main', sessions)]));
  const root = model.roots[0];
  const children = model.children(root);
  // 10 locked + the default limit of free ones + one "more" row.
  assert.equal(children.length, 10 + 1000 + 1);
  const locked = model.lockedNodes();
  assert.equal(locked.length, 10);
  for (const node of locked) assert.equal(model.parent(node), root);
  assert.equal(model.find(locked[0].id), locked[0]);
});

test('a missing state dir has no rows (the welcome view explains); the SQLite era has its own rows (sqliteView.test.ts)', () => {
  const model = new SessionsTreeModel(snapshot([agent('main', [], { layout: 'missing' })], { layout: 'missing' }));
  assert.deepEqual(model.roots, []);
  assert.deepEqual(new SessionsTreeModel(undefined).roots, []);
});

test('node ids are stable across snapshots and unique per transcript and lock path', () => {
  const make = () =>
    new SessionsTreeModel(
      snapshot([
        agent('main', [session('main', 'a'), session('main', 'b', { level: 'held', pid: 3 })], {
          orphanLocks: [lockView('/state/agents/main/sessions/x.jsonl.lock', { level: 'stale', pid: 4, reasons: ['dead-pid'] })],
        }),
      ]),
    );
  const ids = (m: SessionsTreeModel) => [m.roots[0].id, ...m.children(m.roots[0]).map((n) => n.id)];
  assert.deepEqual(ids(make()), ids(make()));
  assert.equal(new Set(ids(make())).size, 4);
  const model = make();
  const node = model.nodeForTranscript('/state/agents/main/sessions/b.jsonl')!;
  assert.equal(node.lock.pid, 3);
  assert.equal((model.parent(node) as AgentNode).agent.id, 'main');
});
