import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockInspection } from '../../src/lock';
import { CommandLineLookup, lockViewFrom, type AgentInfo } from '../../src/sessions';
import { fillCommandLines } from '../../src/sessions/jsonl/update';

function agentWith(inspections: LockInspection[]): AgentInfo {
  return {
    id: 'main', sessionsDir: '/s', layout: 'jsonl', sessions: [], sideFiles: [], problems: [],
    orphanLocks: inspections.map((i) => lockViewFrom(i)),
  };
}

const liveWithoutProc = (pid: number): LockInspection => ({
  lockPath: `/s/${pid}.jsonl.lock`, state: 'held', reasons: [], reclaimable: false, ageMs: 1,
  payload: { pid, createdAt: '2026-11-22T10:00:00.000Z' },
  owner: { pid, alive: true, isSelf: false },
});

describe('owner command lines from the process list', () => {
  it('fills what /proc could not tell, with one listing for the whole scan', async () => {
    let calls = 0;
    const lookup = new CommandLineLookup(60_000, async () => {
      calls++;
      return new Map([[101, 'openclaw gateway --port 18789'], [102, 'node worker.js']]);
    });
    const agents = [agentWith([liveWithoutProc(101)]), agentWith([liveWithoutProc(102), liveWithoutProc(103)])];
    await fillCommandLines(agents, { thresholds: { warnMs: 60_000, errorMs: 300_000 }, now: Date.now(), commandLines: lookup });
    assert.equal(calls, 1);
    assert.equal(agents[0]!.orphanLocks[0]!.commandLine, 'openclaw gateway --port 18789');
    assert.equal(agents[1]!.orphanLocks[0]!.commandLine, 'node worker.js');
    assert.equal(agents[1]!.orphanLocks[1]!.commandLine, undefined, 'a pid the listing lacks stays unknown');
  });

  it('lists no processes when no lock needs it', async () => {
    let calls = 0;
    const lookup = new CommandLineLookup(0, async () => {
      calls++;
      return new Map();
    });
    const known = { ...liveWithoutProc(5), owner: { pid: 5, alive: true, isSelf: false, commandLine: 'openclaw' } };
    const dead = { ...liveWithoutProc(6), state: 'stale' as const, owner: { pid: 6, alive: false, isSelf: false } };
    await fillCommandLines([agentWith([]), agentWith([known, dead])], { thresholds: { warnMs: 1, errorMs: 2 }, now: 0, commandLines: lookup });
    assert.equal(calls, 0);
  });

  it('reuses one listing for its time to live and shares a listing in flight', async () => {
    let calls = 0;
    const lookup = new CommandLineLookup(1_000, async () => {
      calls++;
      return new Map([[1, `listing ${calls}`]]);
    });
    const [a, b] = await Promise.all([lookup.table(10_000), lookup.table(10_000)]);
    assert.equal(calls, 1);
    assert.equal(a, b);
    await lookup.table(Date.now());
    assert.equal(calls, 1, 'still fresh');
    await lookup.table(Date.now() + 5_000);
    assert.equal(calls, 2, 'expired');
  });

  it('treats a failing listing as empty', async () => {
    const lookup = new CommandLineLookup(0, async () => { throw new Error('ps not found'); });
    assert.equal((await lookup.table()).size, 0);
  });

  it('reads the real process list with ps-list', async () => {
    const table = await new CommandLineLookup().table();
    assert.match(table.get(process.pid) ?? '', /node/);
  });
});
