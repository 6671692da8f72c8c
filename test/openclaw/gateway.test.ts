// 2026.8+'s owner lock, in the exact shape the real 2026.9.6 gateway wrote it (recorded on
// 2026-12-01): 2-space JSON, a newline, then a line of tabs and spaces (an ownership token).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it, after } from 'node:test';
import { readGatewayInfo, STATE_LOCK } from '../../src/openclaw/gateway';
import { deadPid } from '../fixtures/live-holder';
import { makeTempRoot } from '../fixtures/state-dir';
import { readProcessStartTime } from '../../src/lock';

const TOKEN_LINE = '\t\t\t\t\t\t\t\t\t \t \t\t\t\t \t \t\t     \t    \t  \t      \t\t\t     \t        \t\t \t \t\t\t\t\t \t \t     \t  ';

function ownerLock(stateDir: string, payload: Record<string, unknown>, name = STATE_LOCK): string {
  const dir = path.join(stateDir, 'tmp', `openclaw-${process.getuid!()}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n${TOKEN_LINE}\n`, { mode: 0o600 });
  return file;
}

describe('the 2026.8+ owner lock in the state dir', () => {
  const { root, cleanup } = makeTempRoot('oc-owner-lock-');
  after(cleanup);
  const noSharedLocks = path.join(root, 'no-shared');

  it('reads a live gateway (pid, start time, port) from it, ahead of the shared temp folder', async () => {
    const stateDir = path.join(root, 'live');
    const startTime = readProcessStartTime(process.pid);
    const lock = ownerLock(stateDir, { pid: process.pid, ownerId: 'c98f2328', cronOwnerProjection: 'dynamic-default-v1', createdAt: new Date().toISOString(), configPath: path.join(stateDir, 'openclaw.json'), stateDir, port: 38833, ...(startTime !== undefined ? { startTime } : {}) });
    ownerLock(stateDir, { pid: process.pid, createdAt: new Date().toISOString(), configPath: path.join(stateDir, 'openclaw.json'), stateDir, port: 38833 }, 'gateway.1c947705.lock');
    const info = await readGatewayInfo(stateDir, noSharedLocks);
    assert.equal(info.lockPath, lock);
    assert.deepEqual({ alive: info.alive, pid: info.pid, port: info.port, stateLock: info.stateLock, role: info.role }, { alive: true, pid: process.pid, port: 38833, stateLock: true, role: undefined });
  });

  it('says when the owner is not a gateway (openclaw agent --local) and when it is gone', async () => {
    const stateDir = path.join(root, 'embedded');
    ownerLock(stateDir, { pid: process.pid, ownerId: 'x', createdAt: new Date().toISOString(), configPath: '/c', stateDir, role: 'agent-embedded' });
    assert.equal((await readGatewayInfo(stateDir, noSharedLocks)).role, 'agent-embedded');
    const deadDir = path.join(root, 'dead');
    ownerLock(deadDir, { pid: deadPid(), ownerId: 'x', createdAt: new Date().toISOString(), configPath: '/c', stateDir: deadDir, port: 1 });
    const dead = await readGatewayInfo(deadDir, noSharedLocks);
    assert.equal(dead.alive, false);
    assert.equal(dead.stateLock, true);
  });

  it('a recycled pid (the start time differs) is not the owner', async () => {
    const stateDir = path.join(root, 'recycled');
    ownerLock(stateDir, { pid: process.pid, ownerId: 'x', createdAt: new Date().toISOString(), configPath: '/c', stateDir, startTime: 1 });
    assert.equal((await readGatewayInfo(stateDir, noSharedLocks)).alive, process.platform !== 'linux');
  });
});
