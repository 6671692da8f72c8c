// OpenClaw's defaults and their environment overrides (digits only, like OpenClaw: "1e3",
// "-5" or "60s" are ignored rather than misread).

export const DEFAULT_ACQUIRE_TIMEOUT_MS = 60_000;
export const DEFAULT_STALE_MS = 30 * 60_000;
export const DEFAULT_MAX_HOLD_MS = 5 * 60_000;
export const DEFAULT_TORN_GRACE_MS = 30_000;
export const DEFAULT_WATCHDOG_INTERVAL_MS = 60_000;

export function readDigitsEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[name]?.trim();
  if (!raw || !/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function defaultAcquireTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return readDigitsEnv('OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS', env) ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
}

export function defaultStaleMs(env: NodeJS.ProcessEnv = process.env): number {
  return readDigitsEnv('OPENCLAW_SESSION_WRITE_LOCK_STALE_MS', env) ?? DEFAULT_STALE_MS;
}

/** What OpenClaw's callers pass: max(5 min, timeout + 120 s), unless the environment says otherwise. */
export function defaultMaxHoldMs(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): number {
  return readDigitsEnv('OPENCLAW_SESSION_WRITE_LOCK_MAX_HOLD_MS', env) ?? Math.max(DEFAULT_MAX_HOLD_MS, timeoutMs + 120_000);
}
