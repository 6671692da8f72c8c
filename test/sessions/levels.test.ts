import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockInspection } from '../../src/lock';
import { ageLockView, lockLevel, lockViewFrom, needsAttention, thresholdsFromSeconds, DEFAULT_THRESHOLDS } from '../../src/sessions';

function held(ageMs: number, extra: Partial<LockInspection> = {}): LockInspection {
  return {
    lockPath: '/s/a.jsonl.lock',
    state: 'held',
    reasons: [],
    reclaimable: false,
    ageMs,
    payload: { pid: 42, createdAt: '2026-11-22T10:00:00.000Z', maxHoldMs: 3_600_000 },
    owner: { pid: 42, alive: true, isSelf: false, commandLine: 'openclaw gateway', isOpenClaw: true },
    ...extra,
  };
}

describe('lock levels', () => {
  const t = { warnMs: 60_000, errorMs: 300_000 };

  it('grades a live owner by the thresholds', () => {
    assert.equal(lockLevel(held(1_000), t), 'held');
    assert.equal(lockLevel(held(61_000), t), 'held-long');
    assert.equal(lockLevel(held(301_000), t), 'held-too-long');
  });

  it('is an error past the lock\'s own maxHoldMs even under the error threshold', () => {
    assert.equal(lockLevel(held(90_000, { maxHoldMs: 80_000 }), t), 'held-too-long');
    assert.equal(lockLevel(held(10_000, { reasons: ['hold-exceeded'] }), t), 'held-too-long');
  });

  it('marks a live non-OpenClaw owner suspect and too-old as too long', () => {
    assert.equal(lockLevel(held(1_000, { reasons: ['non-openclaw-owner'] }), t), 'suspect');
    assert.equal(lockLevel(held(1_000, { reasons: ['too-old'] }), t), 'held-too-long');
  });

  it('treats a live lock written by this tool (our CLI or editor) as held, not suspect', () => {
    const ours = held(1_000, {
      reasons: ['non-openclaw-owner'],
      payload: { pid: 42, createdAt: '2026-11-22T10:00:00.000Z', maxHoldMs: 300_000, hostname: 'box', token: '0123456789abcdef0123' },
    });
    assert.equal(lockLevel(ours, t), 'held');
    const lookalike = held(1_000, {
      reasons: ['non-openclaw-owner'],
      payload: { pid: 42, createdAt: '2026-11-22T10:00:00.000Z', hostname: 'box', token: 'not-ours' },
    });
    assert.equal(lockLevel(lookalike, t), 'suspect');
  });

  it('maps the core states', () => {
    assert.equal(lockLevel({ lockPath: 'x', state: 'free', reasons: [], reclaimable: false }), 'free');
    assert.equal(lockLevel({ lockPath: 'x', state: 'initialising', reasons: ['missing-pid'], reclaimable: false }), 'initialising');
    assert.equal(lockLevel({ lockPath: 'x', state: 'stale', reasons: ['dead-pid'], reclaimable: true }), 'stale');
    assert.equal(lockLevel({ lockPath: 'x', state: 'unknown-host', reasons: [], reclaimable: false }), 'suspect');
    assert.equal(lockLevel({ lockPath: 'x', state: 'unreadable', reasons: [], reclaimable: false }), 'unreadable');
  });

  it('gives severities that decide attention', () => {
    const sev = (i: LockInspection) => lockViewFrom(i, t).severity;
    assert.equal(sev(held(1_000)), 'info');
    assert.equal(sev(held(61_000)), 'warning');
    assert.equal(sev(held(301_000)), 'error');
    assert.equal(sev({ lockPath: 'x', state: 'stale', reasons: ['dead-pid'], reclaimable: true }), 'error');
    assert.equal(needsAttention('info'), false);
    assert.equal(needsAttention('warning'), true);
  });

  it('copies pid, command line, createdAt and maxHoldMs into the view', () => {
    const v = lockViewFrom(held(5_000, { maxHoldMs: 300_000 }), t);
    assert.equal(v.pid, 42);
    assert.equal(v.commandLine, 'openclaw gateway');
    assert.equal(v.createdAt, '2026-11-22T10:00:00.000Z');
    assert.equal(v.maxHoldMs, 300_000);
    assert.equal(v.ageMs, 5_000);
  });

  it('prefers the inspection\'s command line over the process listing\'s', () => {
    assert.equal(lockViewFrom(held(1), t, 'from ps').commandLine, 'openclaw gateway');
    const noProc = held(1, { owner: { pid: 42, alive: true, isSelf: false } });
    assert.equal(lockViewFrom(noProc, t, 'from ps').commandLine, 'from ps');
  });

  it('ages a view without rescanning, crossing thresholds', () => {
    const v = lockViewFrom(held(50_000), t);
    assert.equal(v.level, 'held');
    const later = ageLockView(v, 20_000, t);
    assert.equal(later.level, 'held-long');
    assert.equal(later.ageMs, 70_000);
    assert.equal(v.ageMs, 50_000, 'the original view is untouched');
  });

  it('reads thresholds in seconds and rejects nonsense', () => {
    assert.deepEqual(thresholdsFromSeconds({ warn: 30, error: 120 }), { warnMs: 30_000, errorMs: 120_000 });
    assert.deepEqual(thresholdsFromSeconds({ warn: -1, error: Number.NaN }), DEFAULT_THRESHOLDS);
    assert.deepEqual(thresholdsFromSeconds({ warn: 600 }), { warnMs: 600_000, errorMs: 600_000 });
    assert.deepEqual(thresholdsFromSeconds(undefined), DEFAULT_THRESHOLDS);
  });
});
