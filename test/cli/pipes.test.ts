// Issue 10, item 10: `openclaw-locks … | head -1` is normal use. A reader that goes away ends
// the output quietly (no EPIPE stack) and the exit code still says what the state is.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deadPid, startHolder, type LiveHolder } from '../fixtures/live-holder';
import { buildLargeFixture, isoAgo, makeTempRoot, writeLock, writeStore, writeTranscript, makeSessionsDir } from '../fixtures/state-dir';
import { cliIntoClosedPipe, gatewayTmp } from './run-cli';

/** Node's unhandled-error output: a stack line or the event emitter's throw. */
const CRASH = /EPIPE|Unhandled 'error' event|^\s+at /m;

describe('openclaw-locks into a closed pipe', () => {
  const { root, cleanup } = makeTempRoot('oc-cli-pipes-');
  let holder: LiveHolder;
  let healthy: NodeJS.ProcessEnv;
  let large: NodeJS.ProcessEnv;
  before(async () => {
    // A healthy state: one young lock held by a live process, which must exit 0.
    const stateDir = path.join(root, 'healthy');
    const dir = makeSessionsDir(stateDir, 'main');
    writeStore(dir, { 'agent:main:main': { sessionId: 'a', label: 'Main chat', updatedAt: Date.now() } });
    writeTranscript(dir, 'a.jsonl');
    holder = await startHolder([{ sessionFile: path.join(dir, 'a.jsonl'), createdAt: isoAgo(1_000), maxHoldMs: 3_600_000 }]);
    healthy = { OPENCLAW_STATE_DIR: stateDir, TMPDIR: gatewayTmp(root) };
    // More output than a pipe buffers (64 KiB), so the CLI is still writing when the reader leaves.
    const largeDir = path.join(root, 'large');
    buildLargeFixture(largeDir, 1500);
    large = { OPENCLAW_STATE_DIR: largeDir, TMPDIR: gatewayTmp(root) };
  });
  after(async () => {
    await holder.kill();
    cleanup();
  });

  it('status --all | head -1 on a healthy state: the first line, no stack, exit 0', async () => {
    const r = await cliIntoClosedPipe(['status', '--all'], large, 1);
    assert.equal(r.stderr, '', r.stderr);
    assert.doesNotMatch(r.stderr, CRASH);
    assert.match(r.read[0]!, /^State dir /);
    assert.equal(r.code, 0);
  });

  it('inspect <key> into a pipe closed before the first line: no stack, exit 0', async () => {
    const r = await cliIntoClosedPipe(['inspect', 'agent:main:main'], healthy, 0);
    assert.doesNotMatch(r.stderr, CRASH);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('status into a closed pipe still exits 1 when a lock needs attention', async () => {
    const stateDir = path.join(root, 'stale');
    const dir = makeSessionsDir(stateDir, 'main');
    writeTranscript(dir, 'x.jsonl');
    writeLock(path.join(dir, 'x.jsonl.lock'), { pid: deadPid(), createdAt: isoAgo(5_000) });
    const r = await cliIntoClosedPipe(['status'], { OPENCLAW_STATE_DIR: stateDir, TMPDIR: gatewayTmp(root) }, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 1);
  });

  it('clear-stale --dry-run | head -1: no stack, and the exit code of the full run', async () => {
    const stateDir = path.join(root, 'stale-many');
    const dir = buildLargeFixture(stateDir, 1500, 1500, deadPid());
    const r = await cliIntoClosedPipe(['clear-stale', '--dry-run'], { OPENCLAW_STATE_DIR: stateDir, TMPDIR: gatewayTmp(root) }, 1);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 1, 'stale locks are left (dry run)');
    rmSync(dir, { recursive: true, force: true });
  });

  it('watch stops quietly with exit 0 once its reader has gone', async () => {
    const stateDir = path.join(root, 'healthy');
    const extra = path.join(stateDir, 'agents', 'main', 'sessions', 'b.jsonl.lock');
    // watch writes only on a change: make one after the close, so it tries to write again.
    let change: ReturnType<typeof setTimeout> | undefined;
    const r = await cliIntoClosedPipe(['watch'], healthy, 1, () => {
      change = setTimeout(() => writeLock(extra, { pid: deadPid(), createdAt: isoAgo(0) }), 300);
    });
    // It may also notice the closed pipe before that change: then the change must not outlive the test.
    clearTimeout(change);
    rmSync(extra, { force: true });
    assert.equal(r.stderr, '');
    assert.equal(r.signal, null);
    assert.equal(r.code, 0);
  });
});
