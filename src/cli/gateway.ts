// The gateway's health on the command line: the probe options status, watch and metrics share,
// its JSON shape, and when it makes the exit code 1.
import type { GatewayHealth, HealthOptions, SessionsSnapshot } from '../sessions';
import { UsageError, type CliContext, type OptionSpec } from './command-table';

export const PROBE_OPTIONS: Record<string, OptionSpec> = {
  'no-probe': { type: 'boolean', description: 'do not connect to the gateway\'s port (127.0.0.1); judge its lock file only' },
  'probe-timeout': { type: 'string', valueName: '<ms>', description: 'give up on GET /health or /ready after this long, connect and answer (default 1500)' },
};

export function healthOptions(ctx: CliContext): HealthOptions {
  const options: HealthOptions = {};
  if (ctx.values['no-probe'] === true) options.probe = false;
  const raw = ctx.values['probe-timeout'];
  if (raw !== undefined) {
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 60_000) {
      throw new UsageError(`--probe-timeout takes milliseconds between 1 and 60000, got "${String(raw)}".`);
    }
    options.probeTimeoutMs = n;
  }
  return options;
}

/** Sessions a gateway would serve: an agent with sessions (JSONL) or a SQLite store. */
export function sessionsConfigured(snapshot: SessionsSnapshot): boolean {
  return snapshot.agents.some((a) => a.sessions.length > 0 || a.layout === 'sqlite');
}

/**
 * Exit 1 for the gateway: it is down, not answering or not ready where one is meant to run, and
 * sessions exist that it would serve. A machine that never runs a gateway (`openclaw agent
 * --local` only) stays 0: its health says `not-running`, an info.
 */
export function gatewayNeedsAttention(snapshot: SessionsSnapshot): boolean {
  return snapshot.gatewayHealth?.severity === 'error' && sessionsConfigured(snapshot);
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Every key always present (null when unknown): a stable shape for --json and NDJSON readers. */
export function gatewayHealthJson(health: GatewayHealth | undefined): Record<string, unknown> | null {
  if (!health) return null;
  const p = health.probe;
  return {
    state: health.state,
    severity: health.severity,
    port: health.port ?? null,
    expected: health.expected ?? null,
    servicePath: health.servicePath ?? null,
    since: iso(health.since),
    sinceKnown: health.sinceKnown === true,
    lastAnsweredAt: iso(health.lastAnsweredAt),
    probedAt: iso(p?.probedAt),
    live: p ? p.live : null,
    ready: p?.ready ?? null,
    failing: p?.failing ?? null,
    uptimeMs: p?.uptimeMs ?? null,
    latencyMs: p?.latencyMs ?? null,
    readyLatencyMs: p?.readyLatencyMs ?? null,
    httpStatus: p?.httpStatus ?? null,
    readyHttpStatus: p?.readyHttpStatus ?? null,
    error: p?.error ?? null,
    errorDetail: p?.errorDetail ?? null,
  };
}

/** The gateway as --json shows it: its lock's facts and, under `health`, the probe's. */
export function gatewayJson(snapshot: SessionsSnapshot): Record<string, unknown> {
  return { ...snapshot.gateway, health: gatewayHealthJson(snapshot.gatewayHealth) };
}
