import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { scanStateDir, SessionModel, snapshotChanged, snapshotSignature, type SessionsSnapshot } from '../../src/sessions';
import { deadPid, startHolder } from '../fixtures/live-holder';
import { isoAgo, lockBytes, makeSessionsDir, makeTempRoot, writeStore, writeTranscript } from '../fixtures/state-dir';

/** Resolves with the first snapshot delivered to subscribers that satisfies `accept`. */
function nextSnapshot(model: SessionModel, accept: (s: SessionsSnapshot) => boolean, timeoutMs = 15_000): Promise<SessionsSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('no matching snapshot arrived'));
    }, timeoutMs);
    const sub = model.onDidChange((s) => {
      if (!accept(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

const lockOf = (s: SessionsSnapshot, agent: string, sessionId: string) =>
  s.agents.find((a) => a.id === agent)?.sessions.find((x) => x.sessionId === sessionId)?.lock;

describe('SessionModel (real files, real watchers)', () => {
  const { root, cleanup } = makeTempRoot('oc-model-');
  const models: SessionModel[] = [];
  after(() => {
    for (const m of models) m.dispose();
    cleanup();
  });
  let n = 0;
  const setup = () => {
    const stateDir = path.join(root, `state-${n++}`);
    const main = makeSessionsDir(stateDir, 'main');
    writeStore(main, { 'agent:main:main': { sessionId: 'one', updatedAt: 1 } });
    writeTranscript(main, 'one.jsonl');
    const other = makeSessionsDir(stateDir, 'other');
    writeTranscript(other, 'two.jsonl');
    return { stateDir, main, other };
  };
  const model = (options: ConstructorParameters<typeof SessionModel>[0]) => {
    const m = new SessionModel({ gatewayLockDir: path.join(root, 'no-gateway'), ...options });
    models.push(m);
    return m;
  };

  it('delivers a snapshot with a new lock, then without it once released', async () => {
    const { stateDir, main } = setup();
    const m = model({ stateDir });
    const first = await m.start();
    assert.equal(lockOf(first, 'main', 'one')?.level, 'free');
    assert.equal(m.snapshot, first);

    const appeared = nextSnapshot(m, (s) => lockOf(s, 'main', 'one')?.level !== 'free');
    const pid = deadPid();
    writeFileSync(path.join(main, 'one.jsonl.lock'), lockBytes({ pid, createdAt: isoAgo(0), maxHoldMs: 300_000 }), { flag: 'wx' });
    const withLock = await appeared;
    const lock = lockOf(withLock, 'main', 'one')!;
    assert.equal(lock.level, 'stale');
    assert.equal(lock.pid, pid);
    assert.deepEqual(lock.reasons, ['dead-pid']);

    const released = nextSnapshot(m, (s) => lockOf(s, 'main', 'one')?.level === 'free');
    rmSync(path.join(main, 'one.jsonl.lock'));
    await released;
  });

  it('sees a live owner\'s lock written by another process, and its death', async () => {
    const { stateDir, main } = setup();
    const m = model({ stateDir });
    await m.start();
    const held = nextSnapshot(m, (s) => lockOf(s, 'main', 'one')?.level === 'held');
    const holder = await startHolder([{ sessionFile: path.join(main, 'one.jsonl') }]);
    try {
      const s = await held;
      assert.equal(lockOf(s, 'main', 'one')?.pid, holder.pid);
      // SIGKILL leaves the file behind; the periodic/forced rescan then calls it dead.
      await holder.kill();
      const after = await m.refresh();
      assert.equal(lockOf(after, 'main', 'one')?.level, 'stale');
      assert.deepEqual(lockOf(after, 'main', 'one')?.reasons, ['dead-pid']);
    } finally {
      await holder.kill();
    }
  });

  it('a live owner SIGKILLed (its lock left unchanged, no file event) shows as stale within about a second, without a rescan', async () => {
    const { stateDir, main } = setup();
    const m = model({ stateDir, rescanMs: 600_000 });
    await m.start();
    const held = nextSnapshot(m, (s) => lockOf(s, 'main', 'one')?.level === 'held');
    const holder = await startHolder([{ sessionFile: path.join(main, 'one.jsonl') }]);
    try {
      await held;
      const stale = nextSnapshot(m, (s) => lockOf(s, 'main', 'one')?.level === 'stale', 5000);
      const killedAt = Date.now();
      await holder.kill();
      const s = await stale;
      assert.deepEqual(lockOf(s, 'main', 'one')?.reasons, ['dead-pid']);
      assert.ok(Date.now() - killedAt < 3000, `noticed ${Date.now() - killedAt} ms after the kill`);
    } finally {
      await holder.kill();
    }
  });

  it('an empty lock (a writer SIGKILLed between open(wx) and its write) turns stale the moment its 30 s grace ends, without a rescan', async () => {
    const { stateDir, main } = setup();
    const lockPath = path.join(main, 'one.jsonl.lock');
    writeFileSync(lockPath, '');
    // 29.5 s old: half a second of grace left.
    const mtime = new Date(Date.now() - 29_500);
    utimesSync(lockPath, mtime, mtime);
    const m = model({ stateDir, rescanMs: 600_000 });
    const first = await m.start();
    assert.equal(lockOf(first, 'main', 'one')?.level, 'initialising');
    const s = await nextSnapshot(m, (x) => lockOf(x, 'main', 'one')?.level === 'stale', 5000);
    assert.deepEqual(lockOf(s, 'main', 'one')?.reasons, ['missing-pid']);
    assert.ok(Date.now() - mtime.getTime() < 32_000, `stale ${Date.now() - mtime.getTime() - 30_000} ms after its grace`);
  });

  it('rescans only the agent whose folder changed and reuses the others', async () => {
    const { stateDir, main } = setup();
    const m = model({ stateDir });
    const first = await m.start();
    const otherBefore = first.agents.find((a) => a.id === 'other')!;
    const changed = nextSnapshot(m, (s) => lockOf(s, 'main', 'one')?.level !== 'free');
    writeFileSync(path.join(main, 'one.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }));
    const s = await changed;
    assert.equal(s.agents.find((a) => a.id === 'other'), otherBefore);
    assert.notEqual(s.agents.find((a) => a.id === 'main'), first.agents.find((a) => a.id === 'main'));
  });

  it('re-inspects just the lock that changed, without rescanning its folder', async () => {
    const { stateDir, main } = setup();
    for (let i = 0; i < 20; i++) writeTranscript(main, `extra-${i}.jsonl`);
    const m = model({ stateDir });
    const first = await m.start();
    const before = first.agents.find((a) => a.id === 'main')!;
    const changed = nextSnapshot(m, (s) => lockOf(s, 'main', 'extra-3')?.level === 'stale');
    writeFileSync(path.join(main, 'extra-3.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }), { flag: 'wx' });
    const after = (await changed).agents.find((a) => a.id === 'main')!;
    // Untouched sessions are the very same objects: nothing was re-read for them.
    for (const session of after.sessions) {
      if (session.sessionId === 'extra-3') continue;
      assert.equal(session, before.sessions.find((x) => x.sessionId === session.sessionId));
    }
    const orphan = nextSnapshot(m, (s) => s.agents.find((a) => a.id === 'main')!.orphanLocks.length === 1);
    writeFileSync(path.join(main, 'gone.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }), { flag: 'wx' });
    const withOrphan = await orphan;
    assert.equal(withOrphan.agents.find((a) => a.id === 'main')!.orphanLocks[0]!.lockPath, path.join(main, 'gone.jsonl.lock'));
    const store = nextSnapshot(m, (s) => s.agents.find((a) => a.id === 'main')!.storeLock?.level === 'stale');
    writeFileSync(path.join(main, 'sessions.json.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }), { flag: 'wx' });
    await store;
    const cleared = nextSnapshot(m, (s) => {
      const a = s.agents.find((x) => x.id === 'main')!;
      return a.orphanLocks.length === 0 && a.storeLock === undefined;
    });
    rmSync(path.join(main, 'gone.jsonl.lock'));
    rmSync(path.join(main, 'sessions.json.lock'));
    await cleared;
  });

  it('notices a new agent and its sessions folder', async () => {
    const { stateDir } = setup();
    const m = model({ stateDir });
    await m.start();
    const arrived = nextSnapshot(m, (s) => s.agents.some((a) => a.id === 'late' && a.sessions.length === 1));
    const late = makeSessionsDir(stateDir, 'late');
    writeTranscript(late, 'three.jsonl');
    const s = await arrived;
    assert.deepEqual(s.agents.map((a) => a.id), ['late', 'main', 'other']);
    // ...and then watches it: a lock in the new folder arrives too.
    const locked = nextSnapshot(m, (x) => lockOf(x, 'late', 'three')?.level === 'stale');
    writeFileSync(path.join(late, 'three.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }));
    await locked;
  });

  it('keeps watching a sessions folder that is deleted and created again', async () => {
    const { stateDir, main } = setup();
    const m = model({ stateDir });
    await m.start();
    const gone = nextSnapshot(m, (s) => s.agents.find((a) => a.id === 'main')?.sessions.length === 0);
    rmSync(main, { recursive: true });
    await gone;
    const back = nextSnapshot(m, (s) => lockOf(s, 'main', 'again')?.level === 'stale');
    mkdirSync(main);
    writeTranscript(main, 'again.jsonl');
    // Wait for the recreated folder to be picked up before the lock lands in it.
    await nextSnapshot(m, (s) => lockOf(s, 'main', 'again') !== undefined);
    writeFileSync(path.join(main, 'again.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }));
    await back;
  });

  it('falls back to the periodic rescan when not watching', async () => {
    const { stateDir, main } = setup();
    const m = model({ stateDir, watch: false, rescanMs: 100 });
    await m.start();
    const seen = nextSnapshot(m, (s) => lockOf(s, 'main', 'one')?.level === 'stale');
    writeFileSync(path.join(main, 'one.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }));
    await seen;
  });

  it('tells subscribers only about changes', async () => {
    const { stateDir } = setup();
    const m = model({ stateDir, watch: false });
    const delivered: SessionsSnapshot[] = [];
    m.onDidChange((s) => delivered.push(s));
    const first = await m.start();
    const second = await m.refresh();
    assert.notEqual(first, second);
    assert.deepEqual(delivered, [first]);
  });

  it('follows a new state dir and new thresholds from updateOptions', async () => {
    const a = setup();
    const b = setup();
    mkdirSync(path.join(b.stateDir, 'agents', 'extra'));
    const m = model({ stateDir: a.stateDir });
    await m.start();
    const moved = nextSnapshot(m, (s) => s.resolution.stateDir === b.stateDir);
    const rescanned = await m.updateOptions({ stateDir: b.stateDir });
    assert.equal(rescanned.resolution.stateDir, b.stateDir, 'updateOptions resolves with its own rescan');
    const s = await moved;
    assert.deepEqual(s.agents.map((x) => x.id), ['extra', 'main', 'other']);
    assert.equal(m.findSession('agent:main:main')?.transcriptPath, path.join(b.main, 'one.jsonl'));
    const holder = await startHolder([{ sessionFile: path.join(b.main, 'one.jsonl'), createdAt: isoAgo(5_000) }]);
    try {
      const heldNow = await m.refresh();
      assert.equal(lockOf(heldNow, 'main', 'one')?.level, 'held');
      const stricter = nextSnapshot(m, (x) => lockOf(x, 'main', 'one')?.level === 'held-too-long');
      m.updateOptions({ thresholds: { warnMs: 1_000, errorMs: 2_000 } });
      await stricter;
    } finally {
      await holder.kill();
    }
  });

  it('re-grades on new thresholds alone without reading the disk again', async () => {
    const { stateDir, main } = setup();
    const lockPath = path.join(main, 'one.jsonl.lock');
    const holder = await startHolder([{ sessionFile: path.join(main, 'one.jsonl'), createdAt: isoAgo(5_000) }]);
    try {
      const m = model({ stateDir, watch: false, rescanMs: 3_600_000, ownerPollMs: 0, databasePollMs: 0, healthPollMs: 0 });
      const scanned = await m.start();
      assert.equal(lockOf(scanned, 'main', 'one')?.level, 'held');
      // A rescan would find the session free now; a re-grade keeps the scan's facts.
      rmSync(lockPath);
      const regraded = await m.updateOptions({ stateDir, thresholds: { warnMs: 1_000, errorMs: 2_000 } });
      assert.equal(lockOf(regraded, 'main', 'one')?.level, 'held-too-long');
      assert.equal(regraded.scannedAt, scanned.scannedAt, 'no scan ran');
      assert.equal(m.snapshot, regraded);
      assert.equal(lockOf(scanned, 'main', 'one')?.level, 'held', 'the earlier snapshot is untouched');
      const rescanned = await m.refresh();
      assert.equal(lockOf(rescanned, 'main', 'one')?.level, 'free', 'a rescan still reads the disk');
    } finally {
      await holder.kill();
    }
  });

  it('compares snapshots by what people see', async () => {
    const { stateDir, main } = setup();
    const a = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'no-gateway') });
    const same = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'no-gateway') });
    assert.equal(snapshotChanged(a, same), false, 'a rescan of unchanged files is no change');
    assert.equal(snapshotSignature(a), snapshotSignature(same));
    writeStore(main, { 'agent:main:main': { sessionId: 'one', updatedAt: 1, label: 'Renamed' } });
    const renamed = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'no-gateway') });
    assert.equal(snapshotChanged(a, renamed), true);
    writeFileSync(path.join(main, 'one.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }));
    const locked = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'no-gateway') });
    assert.equal(snapshotChanged(renamed, locked), true);
    assert.equal(snapshotChanged(undefined, locked), true);
  });

  it('stops delivering after dispose', async () => {
    const { stateDir, main } = setup();
    const m = model({ stateDir });
    await m.start();
    let calls = 0;
    m.onDidChange(() => calls++);
    m.dispose();
    writeFileSync(path.join(main, 'one.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(0) }));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(calls, 0);
    assert.equal(lockOf(m.snapshot!, 'main', 'one')?.level, 'free');
  });
});
