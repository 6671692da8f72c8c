// The real CLI (dist/cli.js) across a real pid-namespace boundary, both ways: a gateway in a
// container seen from the host, and the CLI in a container next to a host gateway.
// Skipped (counted as skipped) only where unshare cannot make a pid namespace.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI_PATH, nodeHere, nodeInNewPidNamespace, pidNamespaceUnsupported, startHolderInNewPidNamespace } from '../fixtures/pid-namespace';
import { startHolder } from '../fixtures/live-holder';
import { makeSessionsDir, makeTempRoot, writeStore, writeTranscript } from '../fixtures/state-dir';

/** The CLI wraps to the terminal's width (commands with ` \` continuations): match on the words, not the line breaks. */
const flat = (text: string) => text.replace(/ \\\n/g, '\n').replace(/\s+/g, ' ');

const skip = pidNamespaceUnsupported();

function stateDirWithSession(root: string): { stateDir: string; transcript: string; lockPath: string; env: NodeJS.ProcessEnv } {
  const stateDir = path.join(root, 'state');
  const dir = makeSessionsDir(stateDir, 'main');
  const transcript = writeTranscript(dir, 'abc.jsonl');
  writeStore(dir, { 'agent:main:main': { sessionId: 'abc', updatedAt: Date.now() } });
  const tmp = path.join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return { stateDir, transcript, lockPath: path.join(dir, 'abc.jsonl.lock'), env: { TMPDIR: tmp } };
}

function lockJson(stdout: string): Record<string, unknown> {
  const status = JSON.parse(stdout) as { locks: Record<string, unknown>[] };
  assert.equal(status.locks.length, 1, stdout);
  return status.locks[0]!;
}

describe('openclaw-locks across pid namespaces', { skip }, () => {
  it('a gateway that is pid 1 of a container: the host CLI shows it held, with its host pid, and clear-stale keeps it', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-pidns-');
    const fx = stateDirWithSession(root);
    const holder = await startHolderInNewPidNamespace([{ sessionFile: fx.transcript }]);
    try {
      const status = await nodeHere([CLI_PATH, 'status', '--json', '--state-dir', fx.stateDir], fx.env);
      const lock = lockJson(status.stdout);
      assert.equal(lock.pid, 1);
      assert.equal(lock.level, 'held');
      assert.equal(lock.reclaimable, false);
      assert.deepEqual(lock.reasons, []);
      assert.equal((lock.ownerNested as { hostPid: number }).hostPid, holder.hostPid);

      const clear = await nodeHere([CLI_PATH, 'clear-stale', '--state-dir', fx.stateDir], fx.env);
      assert.match(clear.stdout, new RegExp(`kept\\s+main\\s+agent:main:main\\s+.*held by live pid 1; in a container \\(pid namespace pid:\\[\\d+\\], host pid ${holder.hostPid}\\)`));
      assert.doesNotMatch(clear.stdout, /removed/);
      assert.ok(existsSync(fx.lockPath), 'the live lock is still there');
      assert.equal(clear.code, 0);
    } finally {
      await holder.kill();
      cleanup();
    }
  });

  it('once that container is gone, the host CLI clears its lock (recycled-pid)', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-pidns-');
    try {
      const fx = stateDirWithSession(root);
      const holder = await startHolderInNewPidNamespace([{ sessionFile: fx.transcript }]);
      await holder.kill();
      const clear = await nodeHere([CLI_PATH, 'clear-stale', '--state-dir', fx.stateDir], fx.env);
      assert.match(flat(clear.stdout), /removed main agent:main:main recycled-pid/);
      assert.equal(existsSync(fx.lockPath), false);
      assert.equal(clear.code, 0);
    } finally {
      cleanup();
    }
  });

  it('the CLI inside a container, a live holder on the host: suspect, clear-stale keeps it', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-pidns-');
    const fx = stateDirWithSession(root);
    const holder = await startHolder([{ sessionFile: fx.transcript }]);
    try {
      const status = await nodeInNewPidNamespace([CLI_PATH, 'status', '--json', '--state-dir', fx.stateDir], fx.env);
      const lock = lockJson(status.stdout);
      assert.equal(lock.pid, holder.pid);
      assert.equal(lock.level, 'suspect');
      assert.equal(lock.reclaimable, false);
      assert.deepEqual(lock.reasons, ['dead-pid']);
      assert.match(String(lock.problem), /^this runs inside a container; the holder may be outside it \(its pid namespace pid:\[\d+\] is not the initial one\)$/);
      assert.equal(status.code, 1, 'a suspect lock needs attention');

      const clear = await nodeInNewPidNamespace([CLI_PATH, 'clear-stale', '--state-dir', fx.stateDir], fx.env);
      assert.match(flat(clear.stdout), new RegExp(`kept main agent:main:main not provably stale \\(dead-pid\\): this runs inside a container; the holder may be outside it.*--force ${fx.lockPath.replace(/[.]/g, '\\.')} --pid ${holder.pid}`));
      assert.ok(existsSync(fx.lockPath), 'the live lock is still there');
      assert.equal(clear.code, 1);
    } finally {
      await holder.kill();
      cleanup();
    }
  });

  it('the CLI as pid 1 of one container, a gateway as pid 1 of another: suspect, never orphan-self-pid', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-pidns-');
    const fx = stateDirWithSession(root);
    const holder = await startHolderInNewPidNamespace([{ sessionFile: fx.transcript }]);
    try {
      const clear = await nodeInNewPidNamespace([CLI_PATH, 'clear-stale', '--state-dir', fx.stateDir], fx.env);
      assert.match(flat(clear.stdout), /kept main agent:main:main not provably stale \(recycled-pid\): this runs inside a container; the holder may be outside it/);
      assert.doesNotMatch(clear.stdout, /orphan-self-pid|removed/);
      assert.ok(existsSync(fx.lockPath), 'the live lock is still there');
    } finally {
      await holder.kill();
      cleanup();
    }
  });

  it('a host holder that is truly dead: kept by the CLI inside the container, cleared by the host CLI', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-pidns-');
    try {
      const fx = stateDirWithSession(root);
      const holder = await startHolder([{ sessionFile: fx.transcript }]);
      await holder.kill();
      const inside = await nodeInNewPidNamespace([CLI_PATH, 'clear-stale', '--state-dir', fx.stateDir], fx.env);
      assert.match(flat(inside.stdout), /kept main agent:main:main not provably stale \(dead-pid\): this runs inside a container/);
      assert.ok(existsSync(fx.lockPath));
      const host = await nodeHere([CLI_PATH, 'clear-stale', '--state-dir', fx.stateDir], fx.env);
      assert.match(flat(host.stdout), /removed main agent:main:main dead-pid/);
      assert.equal(existsSync(fx.lockPath), false);
    } finally {
      cleanup();
    }
  });

  it('the gateway lock follows the same judging: a containerised gateway is running, a host one seen from a container may be', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-pidns-');
    const fx = stateDirWithSession(root);
    const gatewayDir = path.join(fx.env.TMPDIR!, `openclaw-${process.getuid?.() ?? 'user'}`);
    mkdirSync(gatewayDir, { recursive: true });
    const gatewayLock = path.join(gatewayDir, 'gateway.1a2b3c4d.lock');
    const holder = await startHolderInNewPidNamespace([]);
    const host = await startHolder([]);
    try {
      writeFileSync(gatewayLock, JSON.stringify({ pid: 1, createdAt: new Date().toISOString(), configPath: path.join(fx.stateDir, 'openclaw.json'), startTime: holder.starttime }));
      const seen = JSON.parse((await nodeHere([CLI_PATH, 'status', '--json', '--state-dir', fx.stateDir], fx.env)).stdout) as { gateway: Record<string, unknown> };
      assert.equal(seen.gateway.alive, true);
      assert.equal((seen.gateway.nested as { hostPid: number }).hostPid, holder.hostPid);

      writeFileSync(gatewayLock, JSON.stringify({ pid: host.pid, createdAt: new Date().toISOString(), configPath: path.join(fx.stateDir, 'openclaw.json'), startTime: host.starttime }));
      const inside = await nodeInNewPidNamespace([CLI_PATH, 'status', '--state-dir', fx.stateDir], fx.env);
      assert.match(inside.stdout, new RegExp(`Gateway\\s+may be running \\(its lock names pid ${host.pid}: dead-pid, but this runs inside a container`));
    } finally {
      await holder.kill();
      await host.kill();
      cleanup();
    }
  });
});
