// Judging a lock file without changing anything. Every verdict fails closed: a lock is
// reclaimable only when it is provably abandoned.
import { resolve } from 'node:path';
import { DEFAULT_TORN_GRACE_MS, defaultStaleMs } from './config';
import { readLockFileSync, type LockFileRead } from './fsops';
import { validCreatedAtMs, validPid, validPositiveInteger, validStarttime, parseLockPayload } from './payload';
import { defaultOwnerEnvironment, foreignKernelProblem, judgeOwner, type OwnerEnvironment } from './owner';
import { isOpenClawCommandLine, readCommandLine, selfHostname, selfStartTime } from './process';
import { startedAfterLock } from './start-clock';
import { isHeldByThisProcess } from './registry';
import type { InspectOptions, LockInspection, StaleReason } from './types';

function isAnotherProcessWithOurPid(lockStart: number | undefined, createdAtMs: number | undefined, environment: OwnerEnvironment): boolean {
  const ours = environment.platform === 'linux' ? selfStartTime() : undefined;
  if (lockStart !== undefined && ours !== undefined) return lockStart !== ours;
  return createdAtMs !== undefined && startedAfterLock(environment.clock.startedAtMs(process.pid), createdAtMs, environment.clock.granularityMs);
}

/** Reads and judges the lock file. Never modifies anything and never throws for bad files. */
export async function inspectLock(lockPath: string, options: InspectOptions = {}): Promise<LockInspection> {
  return inspectLockSync(lockPath, options);
}

export function inspectLockSync(lockPath: string, options: InspectOptions = {}): LockInspection {
  const absolute = resolve(lockPath);
  return judgeLockFile(absolute, readLockFileSync(absolute), options);
}

export function judgeLockFile(lockPath: string, read: LockFileRead, options: InspectOptions = {}): LockInspection {
  const now = options.now ?? Date.now();
  if (read.kind === 'missing') return { lockPath, state: 'free', reasons: [], reclaimable: false };
  if (read.kind === 'unreadable') {
    return {
      lockPath,
      state: 'unreadable',
      reasons: [],
      reclaimable: false,
      problem: read.problem,
      ...(read.identity ? { identity: read.identity, fileAgeMs: Math.max(0, now - read.identity.mtimeMs) } : {}),
    };
  }

  const { raw, identity } = read;
  const fileAgeMs = Math.max(0, now - identity.mtimeMs);
  const base: LockInspection = { lockPath, state: 'held', raw, identity, fileAgeMs, reasons: [], reclaimable: false };
  const payload = parseLockPayload(raw);
  if (payload) base.payload = payload;
  const pid = validPid(payload?.pid);
  const createdAtMs = validCreatedAtMs(payload?.createdAt);
  if (createdAtMs !== undefined) base.createdAtMs = createdAtMs;
  base.ageMs = createdAtMs !== undefined ? Math.max(0, now - createdAtMs) : fileAgeMs;
  const maxHoldMs = validPositiveInteger(payload?.maxHoldMs);
  if (maxHoldMs !== undefined) base.maxHoldMs = maxHoldMs;

  // Empty or torn: OpenClaw opens with wx and writes right after, so a young one is being written.
  if (pid === undefined) {
    const reasons: StaleReason[] = ['missing-pid'];
    if (payload && createdAtMs === undefined) reasons.push('invalid-createdAt');
    const tornGraceMs = options.tornGraceMs ?? DEFAULT_TORN_GRACE_MS;
    const old = fileAgeMs >= tornGraceMs;
    return {
      ...base,
      state: old ? 'stale' : 'initialising',
      reasons,
      reclaimable: old,
      ...(old ? {} : { graceEndsAtMs: identity.mtimeMs + tornGraceMs }),
      problem: raw.length === 0 ? 'the lock file is empty' : payload ? 'the lock payload has no valid pid' : 'the lock payload is not valid JSON (torn or garbage)',
    };
  }

  const reasons: StaleReason[] = [];
  if (createdAtMs === undefined) reasons.push('invalid-createdAt');
  const staleMs = options.staleMs ?? defaultStaleMs();
  if (createdAtMs !== undefined && now - createdAtMs > staleMs) reasons.push('too-old');
  if (maxHoldMs !== undefined && base.ageMs > maxHoldMs) reasons.push('hold-exceeded');

  const lockHost = typeof payload?.hostname === 'string' ? payload.hostname : undefined;
  if (lockHost !== undefined && lockHost !== selfHostname()) {
    return {
      ...base,
      state: 'unknown-host',
      reasons,
      problem: `the lock was written on host "${lockHost}" (this is "${selfHostname()}"); its pid ${pid} cannot be checked from here`,
    };
  }

  const lockStart = validStarttime(payload?.starttime);
  const environment = options.ownerEnvironment ?? defaultOwnerEnvironment();
  const foreign = foreignKernelProblem(environment.platform, lockStart, pid);
  if (foreign !== undefined) return { ...base, state: 'unknown-host', reasons, problem: foreign };

  // Our pid but another start: not us. In a container that is the rule, not the exception
  // (every container's first process is pid 1), so such a lock is judged like any other.
  if (pid === process.pid && !isAnotherProcessWithOurPid(lockStart, createdAtMs, environment)) {
    base.owner = { pid, alive: true, isSelf: true };
    if (isHeldByThisProcess(raw)) return { ...base, reasons };
    // Our pid, but not a lock we hold or are creating: left behind by an earlier run in this
    // process (or a pid reused by us), so nobody can ever release it.
    return { ...base, state: 'stale', reasons: ['orphan-self-pid', ...reasons], reclaimable: true };
  }

  const judged = judgeOwner({
    pid,
    ...(lockStart !== undefined ? { starttime: lockStart } : {}),
    ...(createdAtMs !== undefined ? { createdAtMs } : {}),
    ...(typeof payload?.pidns === 'string' ? { pidns: payload.pidns } : {}),
  }, environment);
  const owner = judged.owner;
  base.owner = owner;
  if (judged.gone !== undefined) {
    const stale = { ...base, state: 'stale' as const, reasons: [judged.gone, ...reasons] };
    // Not provable from here (a holder out of sight): shown as suspect, removed only by force.
    if (judged.unprovable !== undefined) return { ...stale, reclaimable: false, problem: judged.unprovable };
    return { ...stale, reclaimable: true };
  }

  if (options.readCommandLine !== false && judged.visiblePid !== undefined) {
    const commandLine = readCommandLine(judged.visiblePid);
    if (commandLine !== undefined) {
      owner.commandLine = commandLine;
      owner.isOpenClaw = isOpenClawCommandLine(commandLine);
      // Report only: this project's own locks are held by non-OpenClaw processes.
      if (!owner.isOpenClaw) reasons.push('non-openclaw-owner');
    }
  }
  return { ...base, reasons };
}
