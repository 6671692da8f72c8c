// One line of OpenClaw's file log as a record. OpenClaw writes tslog objects: `"0"` is the
// logger's bindings as a JSON string (`{"subsystem":"diagnostic"}`), then either `"1"` the
// message or `"1"` a meta object and `"2"` the message; `_meta` has the level and the UTC
// date; the top level has `time` (local, with offset) and `message` (the flattened text).
// The root logger has no bindings, so its `"0"` is the message itself. Anything else is
// ignored, and a line that is not such a record is no record: this never throws.

export interface LogRecord {
  /** Epoch ms: `_meta.date` (UTC), else the top-level `time`. */
  time: number;
  /** `INFO`, `WARN`, `ERROR`…; undefined when the line does not say. */
  level?: string;
  /** `diagnostic`, `gateway`, `sqlite/transaction`…; undefined for the root logger. */
  subsystem?: string;
  message: string;
  /** The meta object a call passed (`"1"` when `"2"` is the message), plus `agent_id`/`session_id`/`channel`. */
  fields: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The subsystem named by a bindings string, or undefined when the string is no bindings object. */
function subsystemOf(bindings: unknown): string | undefined {
  if (typeof bindings !== 'string' || !bindings.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(bindings);
    return isObject(parsed) && typeof parsed.subsystem === 'string' ? parsed.subsystem : undefined;
  } catch {
    return undefined;
  }
}

function timeOf(record: Json, meta: Json | undefined): number | undefined {
  for (const candidate of [meta?.date, record.time]) {
    if (typeof candidate !== 'string') continue;
    const ms = Date.parse(candidate);
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/** The record on one line, or undefined for a blank, torn or foreign line. */
export function parseRecord(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const meta = isObject(parsed._meta) ? parsed._meta : undefined;
  const time = timeOf(parsed, meta);
  if (time === undefined) return undefined;
  const subsystem = subsystemOf(parsed['0']) ?? subsystemOf(meta?.name);
  const fields: Json = {};
  let message = typeof parsed.message === 'string' ? parsed.message : undefined;
  // The positional arguments after the bindings (or all of them for the root logger).
  const args: unknown[] = [];
  for (let i = subsystemOf(parsed['0']) !== undefined ? 1 : 0; i < 10 && String(i) in parsed; i++) args.push(parsed[String(i)]);
  for (const arg of args) if (isObject(arg)) Object.assign(fields, arg);
  if (message === undefined) {
    const texts = args.filter((a): a is string => typeof a === 'string');
    if (texts.length === 0) return undefined;
    message = texts.join(' ');
  }
  for (const key of ['agent_id', 'session_id', 'channel']) if (typeof parsed[key] === 'string') fields[key] = parsed[key];
  const level = typeof meta?.logLevelName === 'string' ? meta.logLevelName.toUpperCase() : undefined;
  return { time, level, subsystem, message, fields };
}
