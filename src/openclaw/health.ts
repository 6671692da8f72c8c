// Asks a gateway how it is, as the incident's check script did: `GET /health` (is the process
// answering HTTP at all: `{ok, status: "live"}`, served before config and auth) and then
// `GET /ready` (`{ready, failing, uptimeMs}`, 200 or 503). Only ever 127.0.0.1: a port number
// is all this takes, so no setting or lock payload can point it at another host. Short
// deadlines on the whole exchange, not just the connect: a wedged event loop accepts TCP (the
// kernel does that) and never answers, which is exactly the failure worth seeing.
import { request, type IncomingMessage } from 'node:http';

export const PROBE_HOST = '127.0.0.1';
/** Connect plus the whole answer, per request. A healthy local gateway answers in a few ms. */
export const DEFAULT_PROBE_TIMEOUT_MS = 1500;
/** OpenClaw's answers are a few hundred bytes; anything this large is not a health answer. */
export const DEFAULT_PROBE_MAX_BODY_BYTES = 64 * 1024;

export type ProbeError =
  | 'timeout' // no complete answer within the deadline (accepts but never answers, or too slow)
  | 'refused' // nothing listens on the port
  | 'reset' // the connection was closed before a complete answer
  | 'http' // answered, but not 200 (or 503 for /ready)
  | 'too-large' // the body exceeded the cap
  | 'not-openclaw' // 200, but not OpenClaw's JSON
  | 'other';

export interface ProbeOptions {
  timeoutMs?: number;
  maxBodyBytes?: number;
}

/** One probe of one gateway port. */
export interface GatewayProbe {
  /** Epoch ms when the probe began. */
  probedAt: number;
  port: number;
  /** `/health` answered 200 with OpenClaw's `{ok: true}` or `{status: "live"}`. */
  live: boolean;
  /** `/ready`'s verdict; undefined when /health failed or /ready gave no verdict. */
  ready?: boolean;
  /** `/ready`'s `failing` (what keeps it from being ready), when it says. */
  failing?: string[];
  uptimeMs?: number;
  /** Round trip of `GET /health`, when it answered. */
  latencyMs?: number;
  /** Round trip of `GET /ready`, when it answered. */
  readyLatencyMs?: number;
  /** `/health`'s status code, when any answer came. */
  httpStatus?: number;
  readyHttpStatus?: number;
  /** Why /health (or, with live true, /ready) did not give a usable answer. */
  error?: ProbeError;
  /** The underlying message (`connect ECONNREFUSED 127.0.0.1:18789`), for logs and --json. */
  errorDetail?: string;
}

interface Answer {
  status: number;
  body: unknown;
  latencyMs: number;
}

class ProbeFailure extends Error {
  constructor(readonly kind: ProbeError, message: string, readonly status?: number, readonly latencyMs?: number) {
    super(message);
  }
}

function classify(error: unknown): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return new ProbeFailure('refused', message);
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(message)) return new ProbeFailure('reset', message);
  return new ProbeFailure('other', code ? `${code}: ${message}` : message);
}

function getJson(port: number, urlPath: string, timeoutMs: number, maxBodyBytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      fn();
    };
    // agent: false: a fresh connection each time, so a pooled socket to a since-restarted
    // gateway can neither fake an answer nor keep the process alive.
    const req = request({ host: PROBE_HOST, port, path: urlPath, method: 'GET', agent: false, headers: { accept: 'application/json', connection: 'close' } });
    const deadline = setTimeout(() => {
      finish(() => reject(new ProbeFailure('timeout', `no answer from ${PROBE_HOST}:${port}${urlPath} within ${timeoutMs} ms`)));
      req.destroy();
    }, timeoutMs);
    req.once('error', (error) => finish(() => reject(classify(error))));
    req.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          finish(() => reject(new ProbeFailure('too-large', `${urlPath} answered more than ${maxBodyBytes} bytes`, response.statusCode)));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.once('error', (error) => finish(() => reject(classify(error))));
      response.once('aborted', () => finish(() => reject(new ProbeFailure('reset', `${urlPath}: the answer was cut off`, response.statusCode))));
      response.once('end', () => finish(() => {
        const latencyMs = performance.now() - began;
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        resolve({ status: response.statusCode ?? 0, body, latencyMs });
      }));
    });
    req.end();
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const rounded = (ms: number) => Math.round(ms * 10) / 10;

/** Probes `/health`, then `/ready` when the gateway is live. Never throws. */
export async function probeGateway(port: number, options: ProbeOptions = {}): Promise<GatewayProbe> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_PROBE_MAX_BODY_BYTES;
  const probe: GatewayProbe = { probedAt: Date.now(), port, live: false };
  const fail = (failure: ProbeFailure) => {
    probe.error = failure.kind;
    probe.errorDetail = failure.message;
  };
  try {
    const health = await getJson(port, '/health', timeoutMs, maxBodyBytes);
    probe.httpStatus = health.status;
    probe.latencyMs = rounded(health.latencyMs);
    if (health.status !== 200) throw new ProbeFailure('http', `/health answered HTTP ${health.status}`);
    const body = health.body;
    if (!isObject(body) || !(body.ok === true || body.status === 'live')) throw new ProbeFailure('not-openclaw', '/health answered 200 without OpenClaw\'s {ok, status}');
    probe.live = true;
  } catch (error) {
    fail(classify(error));
    return probe;
  }
  try {
    const ready = await getJson(port, '/ready', timeoutMs, maxBodyBytes);
    probe.readyHttpStatus = ready.status;
    probe.readyLatencyMs = rounded(ready.latencyMs);
    // 503 is /ready's "not ready", with the same body; anything else gives no verdict.
    if (ready.status !== 200 && ready.status !== 503) throw new ProbeFailure('http', `/ready answered HTTP ${ready.status}`);
    const body = ready.body;
    if (isObject(body) && typeof body.ready === 'boolean') probe.ready = body.ready;
    else if (ready.status === 503) probe.ready = false;
    else throw new ProbeFailure('not-openclaw', '/ready answered without OpenClaw\'s {ready}');
    if (isObject(body) && Array.isArray(body.failing)) probe.failing = body.failing.filter((f): f is string => typeof f === 'string');
    if (isObject(body) && typeof body.uptimeMs === 'number' && Number.isFinite(body.uptimeMs)) probe.uptimeMs = body.uptimeMs;
  } catch (error) {
    fail(classify(error));
  }
  return probe;
}
