// What one log record says went wrong, in OpenClaw's own lines (shared/openclaw-logs-and-health.md,
// checked against the compiled 2026.7.35 and 2026.9.6). Pure: one record in, at most one event
// out; whether two events are one failure is decided later (pairing.ts).

import type { LogRecord } from './records';

export type FailureKind =
  /** A run gave up on the session write lock (`SessionWriteLockTimeoutError`, 7.35). */
  | 'lock-timeout'
  /** A run refused a lock held past its maxHoldMs or otherwise stale (`SessionWriteLockStaleError`, 7.35). */
  | 'lock-stale'
  /** A run failed for another reason (a lane task error that names no lock). */
  | 'run-failed'
  /** The reply pipeline's own line for a failed run: `Embedded agent failed before reply: …`. */
  | 'agent-failed'
  /** The gateway removed a stale lock when it started (7.35). */
  | 'stale-lock-removed'
  /** `stuck session` / `stalled session` / `long-running session` (both eras). */
  | 'stuck-session'
  /** `stuck session recovery: …` (both eras). */
  | 'stuck-recovery'
  /** 9.6: a write to the agent's SQLite store failed or waited out its busy timeout. */
  | 'store-write-failed'
  /** 9.6: a slow SQLite session write or lock wait (a warning, nothing lost). */
  | 'store-slow';

export interface FailureEvent {
  kind: FailureKind;
  time: number;
  /** The lane the line names (`session:agent:main:main`, `main`, `cron-nested`). */
  lane?: string;
  sessionKey?: string;
  sessionId?: string;
  agentId?: string;
  lockPath?: string;
  /** The error text as OpenClaw printed it, without the `FooError: ` prefix. */
  error: string;
  /** From a lock error: the holder OpenClaw saw. */
  holderPid?: number;
  holderAlive?: boolean;
  /** Stale reasons (`dead-pid`, `hold-exceeded`…) from a stale-lock line. */
  reasons?: string[];
  /** `stuck session`: the session's state and age as OpenClaw saw them. */
  state?: string;
  ageSeconds?: number;
  /** The process that wrote the line (9.6 meta `pid`). */
  pid?: number;
}

/**
 * Every line classify() looks at contains one of these: a substring test before JSON.parse
 * keeps a 100 MB log of ordinary lines cheap (bench/logs.bench.ts).
 */
const INTERESTING = /lane task error|failed before reply|stale session lock|session: sessionId=|session recovery: |SQLite (?:transaction lock wait failed|session write failed)|slow SQLite (?:session write|transaction lock wait)/;

export function mightBeFailure(line: string): boolean {
  return INTERESTING.test(line);
}

// `session file locked (timeout 60000ms): pid=4242 alive=true ageMs=61234 /path/x.jsonl.lock`;
// older releases: `pid=4242` or `unknown` instead of the alive/age part.
const LOCK_ERROR = /session file lock(?:ed \(timeout \d+ms\)| stale \(([^)]*)\)): (?:pid=(\d+)(?: alive=(true|false))?(?: ageMs=\d+)?|unknown) (\S+\.lock)\b/;
const ABORTED = /^(?:This operation was aborted|The operation was aborted|Aborted|aborted)\.?$|^AbortError\b/;
// OpenClaw cuts a file-log message at 4096 characters and appends `...(truncated)`: such a
// line has lost its closing quote, and is still one failure.
const LANE_ERROR = /^lane task error: lane=(\S+) durationMs=\d+ error="([\s\S]*?)(?:"|\.\.\.\(truncated\))$/;
const AGENT_FAILED = /^(?:Embedded|Followup) agent failed before reply: ([\s\S]*)$/;
const STALE_REMOVED = /^removed stale session lock: (.+\.lock) \(([^)]*)\)$/;
const STUCK = /^(stuck session|stalled session|long-running session|stuck session recovery): (.*)$/;
const STORE_LINE = /SQLite transaction lock wait failed|SQLite session write failed|slow SQLite session write|slow SQLite transaction lock wait/;
const SQLITE_PATH_AGENT = /[\\/]agents[\\/]([^\\/]+)[\\/]agent[\\/]openclaw-agent\.sqlite/;

/** `SessionWriteLockTimeoutError: session file locked …` reads `session file locked …`. */
function withoutErrorName(text: string): string {
  return text.replace(/^(?:[A-Z][A-Za-z]*)?Error: /, '');
}

/** `key=value` words of a diagnostic line (values run to the next space). */
function words(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z]+)=(\S*)/g)) if (!found.has(m[1]!)) found.set(m[1]!, m[2]!);
  return found;
}

function lockDetails(error: string): Pick<FailureEvent, 'lockPath' | 'holderPid' | 'holderAlive' | 'reasons'> & { stale?: boolean } | undefined {
  const m = LOCK_ERROR.exec(error);
  if (!m) return undefined;
  return {
    lockPath: m[4],
    holderPid: m[2] !== undefined ? Number(m[2]) : undefined,
    holderAlive: m[3] === undefined ? undefined : m[3] === 'true',
    reasons: m[1] !== undefined ? m[1].split(/,\s*/).filter(Boolean) : undefined,
    stale: m[1] !== undefined,
  };
}

const known = (value: string | undefined) => (value === undefined || value === '' || value === 'unknown' ? undefined : value);

function agentOfStore(fields: Record<string, unknown>): string | undefined {
  if (typeof fields.agentId === 'string') return fields.agentId;
  for (const value of [fields.database, fields.storePath]) {
    if (typeof value !== 'string') continue;
    if (value.startsWith('openclaw-agent:')) return value.slice('openclaw-agent:'.length);
    const m = SQLITE_PATH_AGENT.exec(value);
    if (m) return m[1];
  }
  return typeof fields.agent_id === 'string' ? fields.agent_id : undefined;
}

/** The failure a record tells of, or undefined for every other line. */
export function classify(record: LogRecord): FailureEvent | undefined {
  const { message, time, fields } = record;
  const lane = LANE_ERROR.exec(message);
  if (lane) {
    const error = withoutErrorName(lane[2]!);
    // A run someone stopped (`sessions.abort`, /stop) fails its lane too: found with the real
    // 9.6 gateway (fixtures/real-9.6-smoke.log). Nobody's message failed, so it is no failure.
    if (ABORTED.test(error)) return undefined;
    const lock = lockDetails(error);
    const laneName = lane[1]!;
    const sessionKey = laneName.startsWith('session:') ? laneName.slice('session:'.length) : undefined;
    const { stale, ...details } = lock ?? {};
    return { kind: lock ? (stale ? 'lock-stale' : 'lock-timeout') : 'run-failed', time, lane: laneName, sessionKey, error, ...details };
  }
  const failed = AGENT_FAILED.exec(message);
  if (failed) {
    const error = withoutErrorName(failed[1]!.trim());
    const { stale: _stale, ...details } = lockDetails(error) ?? {};
    return { kind: 'agent-failed', time, error, ...details };
  }
  const removed = STALE_REMOVED.exec(message);
  if (removed) {
    return { kind: 'stale-lock-removed', time, lockPath: removed[1], reasons: removed[2]!.split(/,\s*/).filter(Boolean), error: message };
  }
  const stuck = STUCK.exec(message);
  if (stuck) {
    const w = words(stuck[2]!);
    const age = /^(\d+)s$/.exec(w.get('age') ?? '');
    return {
      kind: stuck[1] === 'stuck session recovery' ? 'stuck-recovery' : 'stuck-session',
      time,
      sessionKey: known(w.get('sessionKey')),
      sessionId: known(w.get('sessionId')),
      state: known(w.get('state')),
      ageSeconds: age ? Number(age[1]) : undefined,
      error: message,
    };
  }
  // 9.6 flattens the meta object into the message text as JSON: match the phrase, not the start.
  const store = STORE_LINE.exec(message);
  if (store) {
    const label = store[0];
    const pid = typeof fields.pid === 'number' ? fields.pid : undefined;
    if (label.startsWith('slow ')) return { kind: 'store-slow', time, agentId: agentOfStore(fields), error: label, pid };
    const detail = typeof fields.error === 'string' ? fields.error : typeof fields.failureKind === 'string' ? fields.failureKind : undefined;
    return { kind: 'store-write-failed', time, agentId: agentOfStore(fields), error: detail ? `${label}: ${detail}` : label, pid };
  }
  return undefined;
}
