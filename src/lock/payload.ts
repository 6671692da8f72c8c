import type { LockPayload } from './types';

// OpenClaw 2026.7.x writes these keys in this order; anything else goes after them so that a
// payload without extras is byte-identical to OpenClaw's.
const OPENCLAW_KEY_ORDER = ['pid', 'createdAt', 'maxHoldMs', 'starttime'] as const;

/** `JSON.stringify(payload, null, 2) + "\n"` with OpenClaw's keys first, in OpenClaw's order. */
export function formatLockPayload(payload: LockPayload): string {
  const ordered: Record<string, unknown> = {};
  for (const key of OPENCLAW_KEY_ORDER) {
    if (payload[key] !== undefined) ordered[key] = payload[key];
  }
  for (const [key, value] of Object.entries(payload)) {
    if (!(key in ordered) && value !== undefined) ordered[key] = value;
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * Parses lock bytes tolerantly: no trailing newline, a BOM, missing keys and unknown keys are
 * all fine. Returns undefined when the bytes are empty, torn or not a JSON object; the fields
 * of the result may still be invalid (check them with the validators below).
 */
export function parseLockPayload(bytes: Buffer): LockPayload | undefined {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return parsed as LockPayload;
}

/** A pid OpenClaw could have written: a positive integer within the kernel's range (pid_max <= 2^22). */
export function validPid(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 4_194_304 ? value : undefined;
}

/** createdAt must be an ISO-8601 string; epoch numbers are what old bugs wrote, not what OpenClaw writes. */
export function validCreatedAtMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function validPositiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function validStarttime(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

const SESSION_LOCKS_TOKEN = /^[0-9a-f]{20}$/;

/**
 * Whether this project's lock core wrote the payload (it adds `hostname` and a 20-hex-digit
 * `token` after OpenClaw's keys). Such a holder is a known, well-behaved writer (our CLI or
 * editor saving a session), so a person need not be warned that its owner is not OpenClaw.
 */
export function isWrittenBySessionLocks(payload: LockPayload | undefined): boolean {
  return typeof payload?.hostname === 'string' && typeof payload.token === 'string' && SESSION_LOCKS_TOKEN.test(payload.token);
}
