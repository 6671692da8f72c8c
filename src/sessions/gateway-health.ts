// One look at a snapshot's gateway: which port, whether a probe is worth it, the probe, and the
// verdict with its history. Shared by the live model (every scan and every 10 s) and the
// one-shot CLI commands (status, metrics).
import { gatewayServiceFile, expectedGatewayPort } from '../openclaw/gateway-expected';
import { nextGatewayHealth, type GatewayHealth } from '../openclaw/gateway-health';
import { probeGateway } from '../openclaw/health';
import type { HealthOptions, ScanOptions, SessionsSnapshot } from './types';

/**
 * A probe is worth it when something says a gateway belongs here (its lock, a service unit) or
 * sessions exist that one would serve; a fresh machine with neither is not probed at all.
 */
export function gatewayWorthProbing(snapshot: SessionsSnapshot, servicePath: string | undefined): boolean {
  if (snapshot.layout === 'missing') return false;
  return snapshot.gateway.lockPath !== undefined || servicePath !== undefined || snapshot.agents.some((a) => a.sessions.length > 0 || a.layout === 'sqlite');
}

export async function observeGatewayHealth(
  snapshot: SessionsSnapshot,
  options: HealthOptions & Pick<ScanOptions, 'env'>,
  previous?: GatewayHealth,
  now = Date.now(),
): Promise<GatewayHealth> {
  const env = options.env ?? process.env;
  const gateway = snapshot.gateway;
  const [servicePath, port] = await Promise.all([
    gatewayServiceFile(env),
    // The live owner's own port first (its lock or its --port); else where one would listen.
    gateway.port !== undefined ? Promise.resolve(gateway.port) : expectedGatewayPort(snapshot.resolution.stateDir, env),
  ]);
  const prober = options.probe === false ? undefined : options.probe ?? probeGateway;
  const probe = prober && gatewayWorthProbing(snapshot, servicePath)
    ? await prober(port, options.probeTimeoutMs !== undefined ? { timeoutMs: options.probeTimeoutMs } : {})
    : undefined;
  return nextGatewayHealth(previous, { gateway, port, ...(probe ? { probe } : {}), ...(servicePath ? { servicePath } : {}) }, now);
}

/** A snapshot with its gateway's health looked at once (the one-shot commands). */
export async function withGatewayHealth(snapshot: SessionsSnapshot, options: HealthOptions & Pick<ScanOptions, 'env'>): Promise<SessionsSnapshot> {
  if (snapshot.layout === 'missing') return snapshot;
  return { ...snapshot, gatewayHealth: await observeGatewayHealth(snapshot, options) };
}
