// Locks across a real pid-namespace boundary, in both directions, made with unshare the way a
// container is. Skipped (and counted as skipped) only where unshare cannot make a pid namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectLockSync, readCommandLine, readProcessStartTime, removeStaleLock, selfPidNamespace } from '../../src/lock';
import { nodeInNewPidNamespace, pidNamespaceUnsupported, startHolderInNewPidNamespace } from '../fixtures/pid-namespace';
import { startHolder } from '../fixtures/live-holder';
import { lockBytes, makeTempDir } from './helpers';

const skip = pidNamespaceUnsupported();
const PROBE = join(__dirname, 'fixtures', 'namespace-probe.js');

interface ProbeReport {
  namespace: { nested: boolean; id?: string; how: string };
  pid: number;
  state: string;
  reasons: string[];
  reclaimable: boolean;
  problem?: string;
  removed: boolean;
  keptBecause?: string;
  payload?: Record<string, unknown>;
}

async function probeInNewNamespace(mode: string, target: string): Promise<ProbeReport> {
  const run = await nodeInNewPidNamespace([PROBE, mode, target]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ProbeReport;
}

test('this suite runs in the initial pid namespace (the host side of every test below)', { skip }, () => {
  assert.deepEqual(selfPidNamespace(), { nested: false, id: 'pid:[4026531836]', how: 'it runs in the initial pid namespace' });
});

test('a holder that is pid 1 of a container, judged from the host: held, with its host pid and namespace; never removed', { skip }, async () => {
  const { dir, cleanup } = makeTempDir();
  const lockPath = join(dir, 's.jsonl.lock');
  const holder = await startHolderInNewPidNamespace([{ sessionFile: join(dir, 's.jsonl'), createdAt: new Date(Date.now() - 3_000).toISOString() }]);
  try {
    const inspection = inspectLockSync(lockPath);
    assert.equal(inspection.payload?.pid, 1, 'the lock names pid 1, as written inside the namespace');
    assert.equal(inspection.payload?.starttime, holder.starttime, 'with its real start time, the same on both sides');
    // The host's own pid 1 is alive with another start time: the simple check says recycled-pid.
    assert.notEqual(readProcessStartTime(1), holder.starttime);
    assert.equal(inspection.state, 'held');
    assert.equal(inspection.reclaimable, false);
    assert.deepEqual(inspection.reasons, []);
    assert.equal(inspection.owner?.alive, true);
    assert.equal(inspection.owner?.starttimeMatches, true);
    assert.equal(inspection.owner?.nested?.hostPid, holder.hostPid);
    assert.match(inspection.owner?.nested?.namespace ?? '', /^pid:\[\d+\]$/);
    assert.notEqual(inspection.owner?.nested?.namespace, selfPidNamespace().id);
    // Its command line is read by the host pid, not from the host's pid 1.
    assert.equal(inspection.owner?.commandLine, readCommandLine(holder.hostPid));
    assert.equal(inspection.owner?.isOpenClaw, true);

    const removal = await removeStaleLock(lockPath);
    assert.equal(removal.removed, false);
    assert.ok(existsSync(lockPath));
  } finally {
    await holder.kill();
    cleanup();
  }
});

test('a container holder that is truly dead is still reclaimable from the host (recycled-pid)', { skip }, async () => {
  const { dir, cleanup } = makeTempDir();
  try {
    const lockPath = join(dir, 's.jsonl.lock');
    const holder = await startHolderInNewPidNamespace([{ sessionFile: join(dir, 's.jsonl') }]);
    await holder.kill();
    const inspection = inspectLockSync(lockPath);
    assert.equal(inspection.payload?.pid, 1);
    assert.equal(inspection.state, 'stale');
    assert.deepEqual(inspection.reasons, ['recycled-pid']);
    assert.equal(inspection.reclaimable, true);
    assert.equal(inspection.owner?.nested, undefined);
    assert.equal((await removeStaleLock(lockPath, { expected: inspection })).removed, true);
    assert.equal(existsSync(lockPath), false);
  } finally {
    cleanup();
  }
});

test('a container lock naming a pid the host does not have, holder dead: dead-pid, reclaimable from the host', { skip }, async () => {
  const { dir, cleanup } = makeTempDir();
  try {
    const lockPath = join(dir, 's.jsonl.lock');
    // A real container start time, and a pid this host has no process for.
    const holder = await startHolderInNewPidNamespace([{ sessionFile: join(dir, 's.jsonl') }]);
    const starttime = holder.starttime;
    await holder.kill();
    let pid = 4_000_000;
    while (existsSync(`/proc/${pid}`)) pid--;
    writeFileSync(lockPath, lockBytes({ pid, createdAt: new Date().toISOString(), maxHoldMs: 300000, starttime }));
    const inspection = inspectLockSync(lockPath);
    assert.deepEqual([inspection.state, inspection.reasons, inspection.reclaimable], ['stale', ['dead-pid'], true]);
  } finally {
    cleanup();
  }
});

test('judged from inside a new pid namespace, a live host holder is suspect and kept', { skip }, async () => {
  const { dir, cleanup } = makeTempDir();
  const lockPath = join(dir, 's.jsonl.lock');
  const holder = await startHolder([{ sessionFile: join(dir, 's.jsonl') }]);
  try {
    const report = await probeInNewNamespace('judge', lockPath);
    assert.equal(report.pid, 1);
    assert.equal(report.namespace.nested, true);
    assert.match(report.namespace.how, /pid namespace pid:\[\d+\] is not the initial one/);
    // The host pid is not visible in there: the simple check would say dead-pid and remove it.
    assert.equal(report.payload?.pid, holder.pid);
    assert.equal(report.state, 'stale');
    assert.deepEqual(report.reasons, ['dead-pid']);
    assert.equal(report.reclaimable, false);
    assert.match(report.problem ?? '', /this runs inside a container; the holder may be outside it/);
    assert.equal(report.removed, false);
    assert.match(report.keptBecause ?? '', /not provably stale \(dead-pid\): this runs inside a container/);
    assert.ok(existsSync(lockPath));
  } finally {
    await holder.kill();
    cleanup();
  }
});

test('a host holder that is truly dead: suspect from inside, reclaimable from the host', { skip }, async () => {
  const { dir, cleanup } = makeTempDir();
  try {
    const lockPath = join(dir, 's.jsonl.lock');
    const holder = await startHolder([{ sessionFile: join(dir, 's.jsonl') }]);
    await holder.kill();
    const inside = await probeInNewNamespace('judge', lockPath);
    assert.deepEqual([inside.state, inside.reasons, inside.reclaimable, inside.removed], ['stale', ['dead-pid'], false, false]);
    const outside = inspectLockSync(lockPath);
    assert.deepEqual([outside.state, outside.reasons, outside.reclaimable], ['stale', ['dead-pid'], true]);
    assert.equal((await removeStaleLock(lockPath, { expected: outside })).removed, true);
  } finally {
    cleanup();
  }
});

test('inside a container, a lock this core wrote in that same namespace is still judged by pid', { skip }, async () => {
  const { dir, cleanup } = makeTempDir();
  try {
    const report = await probeInNewNamespace('own-dead-lock', join(dir, 's.jsonl'));
    assert.equal(report.namespace.nested, true);
    assert.match(String(report.payload?.pidns), new RegExp(`^${report.namespace.id!.replace(/[[\]]/g, '\\$&')}@[0-9a-f-]{36}$`));
    assert.deepEqual([report.state, report.reasons, report.reclaimable, report.removed], ['stale', ['dead-pid'], true, true]);
    assert.equal(existsSync(join(dir, 's.jsonl.lock')), false);
  } finally {
    cleanup();
  }
});

test('inside one container, pid 1 of another container (the same pid as the judge itself) is suspect, not orphan-self-pid', { skip }, async () => {
  const { dir, cleanup } = makeTempDir();
  const lockPath = join(dir, 's.jsonl.lock');
  const holder = await startHolderInNewPidNamespace([{ sessionFile: join(dir, 's.jsonl') }]);
  try {
    const report = await probeInNewNamespace('judge', lockPath);
    assert.equal(report.pid, 1, 'the judge is pid 1 of its own namespace');
    assert.equal(report.payload?.pid, 1, 'and the lock names pid 1 of another one');
    assert.deepEqual([report.state, report.reasons, report.reclaimable, report.removed], ['stale', ['recycled-pid'], false, false]);
    assert.match(report.problem ?? '', /this runs inside a container; the holder may be outside it/);
    assert.ok(existsSync(lockPath));
  } finally {
    await holder.kill();
    cleanup();
  }
});
