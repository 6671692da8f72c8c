// The extension's auto-clear decision (isAutoClearable, what autoClearDeadLocks acts on) on
// locks judged across a real pid-namespace boundary. Skipped (counted as skipped) only where
// unshare cannot make a pid namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { isAutoClearable } from '../../src/extension/auto-clear';
import { allLockViews } from '../../src/extension/lock-verdicts';
import { scanStateDir } from '../../src/sessions';
import { nodeInNewPidNamespace, pidNamespaceUnsupported, startHolderInNewPidNamespace } from '../fixtures/pid-namespace';
import { startHolder } from '../fixtures/live-holder';
import { makeSessionsDir, makeTempRoot, writeStore, writeTranscript } from '../fixtures/state-dir';

const skip = pidNamespaceUnsupported();
const PROBE = path.join(__dirname, 'fixtures', 'auto-clear-probe.js');

function fixture(root: string): { stateDir: string; transcript: string; gatewayLockDir: string } {
  const stateDir = path.join(root, 'state');
  const dir = makeSessionsDir(stateDir, 'main');
  const transcript = writeTranscript(dir, 'abc.jsonl');
  writeStore(dir, { 'agent:main:main': { sessionId: 'abc', updatedAt: Date.now() } });
  return { stateDir, transcript, gatewayLockDir: path.join(root, 'no-gateway') };
}

async function decisionsHere(fx: ReturnType<typeof fixture>): Promise<{ level: string; reasons: string[]; autoClearable: boolean }[]> {
  const snapshot = await scanStateDir({ stateDir: fx.stateDir, gatewayLockDir: fx.gatewayLockDir });
  return allLockViews(snapshot).map((view) => ({ level: view.level, reasons: view.reasons, autoClearable: isAutoClearable(view) }));
}

async function decisionsInNewNamespace(fx: ReturnType<typeof fixture>): Promise<{ level: string; reasons: string[]; autoClearable: boolean }[]> {
  const run = await nodeInNewPidNamespace([PROBE, fx.stateDir, fx.gatewayLockDir]);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { level: string; reasons: string[]; autoClearable: boolean }[]).map(({ level, reasons, autoClearable }) => ({ level, reasons, autoClearable }));
}

test('auto-clear leaves a container gateway\'s live lock (pid 1, real starttime) alone, and takes it once the container is gone', { skip }, async () => {
  const { root, cleanup } = makeTempRoot('oc-autoclear-pidns-');
  try {
    const fx = fixture(root);
    const holder = await startHolderInNewPidNamespace([{ sessionFile: fx.transcript }]);
    try {
      assert.deepEqual(await decisionsHere(fx), [{ level: 'held', reasons: [], autoClearable: false }]);
    } finally {
      await holder.kill();
    }
    assert.deepEqual(await decisionsHere(fx), [{ level: 'stale', reasons: ['recycled-pid'], autoClearable: true }]);
  } finally {
    cleanup();
  }
});

test('auto-clear inside a container never takes a host holder\'s lock, live or dead; the host takes the dead one', { skip }, async () => {
  const { root, cleanup } = makeTempRoot('oc-autoclear-pidns-');
  try {
    const fx = fixture(root);
    const holder = await startHolder([{ sessionFile: fx.transcript }]);
    try {
      assert.deepEqual(await decisionsInNewNamespace(fx), [{ level: 'suspect', reasons: ['dead-pid'], autoClearable: false }]);
    } finally {
      await holder.kill();
    }
    assert.deepEqual(await decisionsInNewNamespace(fx), [{ level: 'suspect', reasons: ['dead-pid'], autoClearable: false }]);
    assert.deepEqual(await decisionsHere(fx), [{ level: 'stale', reasons: ['dead-pid'], autoClearable: true }]);
  } finally {
    cleanup();
  }
});
