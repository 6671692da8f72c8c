// Whether the process a lock names is still its owner, across pid namespaces and platforms.
// Shared by session locks (inspect.ts) and the gateway's lock (openclaw/gateway.ts), so both
// say the same thing about the same process. Fails closed: "gone" is returned as proof only
// when this process could have seen the owner had it been alive.
import { processFactsForOneJudgement } from './process';
import { describeNestedHolder, sharedNestedHolderFinder, type NestedHolderFinder } from './nested-holders';
import { selfPidNamespace, selfPidNamespaceMarker, type PidNamespaceView } from './pid-namespace';
import { platformStartClock, startedAfterLock, type ProcessStartClock } from './start-clock';
import type { LockOwner } from './types';

/** The facts a lock states about its owner. */
export interface OwnerClaim {
  pid: number;
  /** Linux start time in clock ticks, when the payload has one. */
  starttime?: number;
  createdAtMs?: number;
  /** The payload's `pidns` marker (this project's locks written from a container). */
  pidns?: string;
}

/** Where the judging happens; tests replace parts of it. */
export interface OwnerEnvironment {
  platform: NodeJS.Platform;
  clock: ProcessStartClock;
  namespace: PidNamespaceView;
  /** This process's own `pidns` marker, when it writes one. */
  pidnsMarker: string | undefined;
  nested: NestedHolderFinder;
  isAlive(pid: number): boolean;
  startTicks(pid: number): number | undefined;
}

export function defaultOwnerEnvironment(): OwnerEnvironment {
  const facts = processFactsForOneJudgement();
  return {
    platform: process.platform,
    clock: platformStartClock(),
    namespace: selfPidNamespace(),
    pidnsMarker: selfPidNamespaceMarker(),
    nested: sharedNestedHolderFinder,
    isAlive: facts.isAlive,
    startTicks: facts.startTicks,
  };
}

export interface OwnerJudgement {
  owner: LockOwner;
  /** Set when the named process is not the owner any more (OpenClaw's words). */
  gone?: 'dead-pid' | 'recycled-pid';
  /** With `gone`: why that is no proof here (the owner may be out of sight). */
  unprovable?: string;
  /** The pid to read the owner's command line and other /proc facts by, on this side. */
  visiblePid?: number;
}

export const INSIDE_CONTAINER_PROBLEM = 'this runs inside a container; the holder may be outside it';

/** Clock-tick comparison on Linux; elsewhere (and for payloads without one) start vs createdAt. */
function recycledHere(claim: OwnerClaim, owner: LockOwner, env: OwnerEnvironment): boolean {
  const liveStart = env.platform === 'linux' ? env.startTicks(claim.pid) : undefined;
  if (liveStart !== undefined) owner.starttime = liveStart;
  if (liveStart !== undefined && claim.starttime !== undefined) {
    owner.starttimeMatches = liveStart === claim.starttime;
    return !owner.starttimeMatches;
  }
  if (claim.createdAtMs === undefined) return false;
  const startedAtMs = env.clock.startedAtMs(claim.pid);
  if (startedAtMs !== undefined) owner.startedAtMs = startedAtMs;
  return startedAfterLock(startedAtMs, claim.createdAtMs, env.clock.granularityMs);
}

/**
 * The lock's pid in a child namespace: with a payload start time, the process with exactly
 * that start time holds it; without one, any such process that started before the lock might.
 */
function lookInside(claim: OwnerClaim, env: OwnerEnvironment): { held?: NonNullable<LockOwner['nested']> & { starttime?: number }; maybe?: string } {
  if (env.platform !== 'linux') return {};
  const candidates = env.nested.find(claim.pid, claim.starttime);
  if (claim.starttime !== undefined) {
    const holder = candidates[0];
    if (!holder) return {};
    return { held: { hostPid: holder.hostPid, ...(holder.namespace ? { namespace: holder.namespace } : {}), ...(holder.container ? { container: holder.container } : {}), ...(holder.starttime !== undefined ? { starttime: holder.starttime } : {}) } };
  }
  const possible = candidates.filter((c) => {
    if (claim.createdAtMs === undefined || c.starttime === undefined) return true;
    return !startedAfterLock(env.clock.startedAtMs(c.hostPid), claim.createdAtMs, env.clock.granularityMs);
  });
  if (possible.length === 0) return {};
  const names = possible.slice(0, 3).map(describeNestedHolder).join('; ');
  return { maybe: `pid ${claim.pid} is alive in a container (${names}) and the payload has no starttime to tell whether it is the holder` };
}

export function judgeOwner(claim: OwnerClaim, env: OwnerEnvironment = defaultOwnerEnvironment()): OwnerJudgement {
  const owner: LockOwner = { pid: claim.pid, alive: env.isAlive(claim.pid), isSelf: false };
  let gone: OwnerJudgement['gone'];
  if (!owner.alive) gone = 'dead-pid';
  else if (recycledHere(claim, owner, env)) gone = 'recycled-pid';
  if (gone === undefined) return { owner, visiblePid: claim.pid };

  // Only now, when the simple check would call the lock stale, is /proc scanned.
  const inside = lookInside(claim, env);
  if (inside.held) {
    const { starttime, ...nested } = inside.held;
    const held: LockOwner = { pid: claim.pid, alive: true, isSelf: false, nested };
    if (starttime !== undefined) {
      held.starttime = starttime;
      held.starttimeMatches = true;
    }
    return { owner: held, visiblePid: nested.hostPid };
  }
  if (inside.maybe) return { owner, gone, unprovable: inside.maybe };
  const writtenHere = claim.pidns !== undefined && claim.pidns === env.pidnsMarker;
  if (env.namespace.nested && !writtenHere) return { owner, gone, unprovable: `${INSIDE_CONTAINER_PROBLEM} (${env.namespace.how})` };
  return { owner, gone };
}

/** The pid by which this process can watch the owner: a container holder's pid on this side. */
export function visibleOwnerPid(owner: LockOwner): number {
  return owner.nested?.hostPid ?? owner.pid;
}

/**
 * A `starttime` is written only by Linux, so a lock carrying one seen from macOS or Windows came
 * from another kernel (a Linux container or VM sharing the folder) whose pids mean nothing here.
 */
export function foreignKernelProblem(platform: NodeJS.Platform, starttime: number | undefined, pid: number): string | undefined {
  if (platform === 'linux' || starttime === undefined) return undefined;
  return `the lock has a Linux starttime but this is ${platform}: it was written by a Linux kernel (a container or VM), whose pid ${pid} cannot be checked from here`;
}
