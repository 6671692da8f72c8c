// What a gateway's lock and a probe of its port mean together, and since when: pure (no disk,
// no network, no clock of its own), so that the live model can carry it across scans and the
// rules are tested with node --test.
import type { GatewayProbe } from './health';
import type { GatewayInfo } from './types';

export type GatewayState =
  | 'up' // answers /health, and /ready says ready (or gives no verdict)
  | 'starting' // started moments ago: not answering yet, or answering and not ready yet
  | 'not-ready' // answers, /ready says not ready
  | 'not-answering' // its lock's owner is alive, but /health gets no answer
  | 'down' // no live owner and no answer, where a gateway is meant to run
  | 'not-running' // no live owner and no answer, and nothing says one should run here
  | 'unprobed'; // its lock's owner is alive; probing is turned off

export type GatewaySeverity = 'none' | 'info' | 'warning' | 'error';

/** Why a gateway is meant to run for this state dir, so that its absence is an error. */
export type GatewayExpectation = 'lock' | 'service' | 'answered';

/**
 * A gateway's /ready is false for its first seconds (4.5 s for 2026.7.35, 9–10 s for 9.6 on
 * two busy cores); past this uptime, not ready is a fault, not a start.
 */
export const STARTUP_GRACE_MS = 60_000;

export interface GatewayHealth {
  state: GatewayState;
  severity: GatewaySeverity;
  /** The port probed (or that would be). */
  port?: number;
  /** The latest probe; undefined when probing is off or nothing called for one. */
  probe?: GatewayProbe;
  /** Why a gateway is meant to run here; undefined: nothing says so. */
  expected?: GatewayExpectation;
  /** The service unit that says so, when one does. */
  servicePath?: string;
  /**
   * When it entered its current kind of state (answering and ready; answering, not ready; not
   * answering), as first seen by whoever tracks it.
   */
  since?: number;
  /** True when the change itself was seen; false when it was already so at the first look. */
  sinceKnown?: boolean;
  /** The last probe that got a live answer. */
  lastAnsweredAt?: number;
  /** The live lock owner's pid, and when it was first seen (undefined: it was there at the first look). */
  ownerPid?: number;
  ownerSeenAt?: number;
}

export interface HealthInputs {
  gateway: GatewayInfo;
  /** Undefined when probing is off, or nothing called for a probe. */
  probe?: GatewayProbe;
  port?: number;
  servicePath?: string;
}

const SEVERITY: Record<GatewayState, GatewaySeverity> = {
  up: 'none',
  unprobed: 'none',
  starting: 'warning',
  'not-ready': 'error',
  'not-answering': 'error',
  down: 'error',
  'not-running': 'info',
};

type Kind = 'ready' | 'not-ready' | 'no-answer';
function kindOf(state: GatewayState): Kind {
  if (state === 'up' || state === 'unprobed') return 'ready';
  if (state === 'starting' || state === 'not-ready') return 'not-ready';
  return 'no-answer';
}

function stateOf(inputs: HealthInputs, expected: GatewayExpectation | undefined, owner: { seenAt?: number; answered: boolean }, now: number): GatewayState {
  const { gateway, probe } = inputs;
  if (probe?.live) {
    if (probe.ready !== false) return 'up';
    return probe.uptimeMs !== undefined && probe.uptimeMs < STARTUP_GRACE_MS ? 'starting' : 'not-ready';
  }
  if (gateway.alive) {
    if (!probe) return 'unprobed';
    // Found running the real gateway: it writes its lock, then refuses connections and then
    // accepts them without answering for seconds (22 s on two busy cores) before /health
    // answers. An owner seen to appear moments ago that never answered is starting; one
    // that was there at the first look, or answered before, is not answering.
    return owner.seenAt !== undefined && !owner.answered && now - owner.seenAt < STARTUP_GRACE_MS ? 'starting' : 'not-answering';
  }
  return expected ? 'down' : 'not-running';
}

/** The health after one more look (`previous`: the last one for the same state dir). */
export function nextGatewayHealth(previous: GatewayHealth | undefined, inputs: HealthInputs, now: number): GatewayHealth {
  const lastAnsweredAt = inputs.probe?.live ? inputs.probe.probedAt : previous?.lastAnsweredAt;
  // A stale lock says a gateway ran here and died, which is the incident; a service unit says
  // one should run; so does one that answered earlier in this watch. Otherwise (only
  // `openclaw agent --local`, or a gateway stopped cleanly, which removes its lock) nobody
  // answering is how this machine is used, not a fault.
  const expected: GatewayExpectation | undefined = inputs.gateway.lockPath
    ? 'lock'
    : inputs.servicePath
      ? 'service'
      : lastAnsweredAt !== undefined
        ? 'answered'
        : undefined;
  const ownerPid = inputs.gateway.alive ? inputs.gateway.pid : undefined;
  const sameOwner = ownerPid !== undefined && previous?.ownerPid === ownerPid;
  const ownerSeenAt = ownerPid === undefined ? undefined : sameOwner ? previous!.ownerSeenAt : previous !== undefined ? now : undefined;
  const ownerAnswered = sameOwner && previous!.lastAnsweredAt !== undefined && (previous!.ownerSeenAt === undefined || previous!.lastAnsweredAt >= previous!.ownerSeenAt);
  const state = stateOf(inputs, expected, { ...(ownerSeenAt !== undefined ? { seenAt: ownerSeenAt } : {}), answered: ownerAnswered }, now);
  const sameKind = previous !== undefined && kindOf(previous.state) === kindOf(state);
  const health: GatewayHealth = {
    state,
    severity: SEVERITY[state],
    since: sameKind ? (previous.since ?? now) : now,
    sinceKnown: sameKind ? previous.sinceKnown === true : previous !== undefined,
  };
  if (inputs.port !== undefined) health.port = inputs.port;
  if (inputs.probe) health.probe = inputs.probe;
  if (expected) health.expected = expected;
  if (inputs.servicePath) health.servicePath = inputs.servicePath;
  if (lastAnsweredAt !== undefined) health.lastAnsweredAt = lastAnsweredAt;
  if (ownerPid !== undefined) health.ownerPid = ownerPid;
  if (ownerSeenAt !== undefined) health.ownerSeenAt = ownerSeenAt;
  return health;
}

/**
 * What a person would see change: state, readiness, why, since when. Not the latency or the
 * probe time, which move on every probe and would redraw every view every ten seconds.
 */
export function gatewayHealthKey(health: GatewayHealth | undefined): string {
  if (!health) return '';
  const p = health.probe;
  return [health.state, health.severity, health.port ?? '', health.expected ?? '', health.since ?? '', health.sinceKnown ? 1 : 0,
    p?.ready ?? '', (p?.failing ?? []).join(','), p?.error ?? '', p?.httpStatus ?? ''].join('|');
}
