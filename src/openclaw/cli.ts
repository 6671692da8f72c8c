// Finding and calling the `openclaw` CLI for the "Summarize with OpenClaw" route: the
// gateway does a model compaction under its own lock; we only start it and report.
import { spawn } from 'node:child_process';
import { promises as fsp, constants as fsc } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export type OpenClawCliErrorCode = 'CLI_NOT_FOUND' | 'CLI_FAILED' | 'GATEWAY_UNREACHABLE' | 'BAD_OUTPUT' | 'ABORTED' | 'TIMEOUT';

export class OpenClawCliError extends Error {
  override readonly name = 'OpenClawCliError';
  constructor(
    readonly code: OpenClawCliErrorCode,
    message: string,
    readonly details: { exitCode?: number | null; stderr?: string; stdout?: string } = {},
  ) {
    super(message);
  }
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CliRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const stats = await fsp.stat(path);
    if (!stats.isFile()) return false;
    await fsp.access(path, fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The configured path when it is an executable file, else `openclaw` on PATH. Undefined when
 * neither is found (the caller then hides the "Summarize with OpenClaw" route).
 */
export async function findOpenClawCli(options: { configuredPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const configured = options.configuredPath?.trim();
  if (configured) {
    const expanded = configured.startsWith('~/') && env.HOME ? join(env.HOME, configured.slice(2)) : configured;
    if (isAbsolute(expanded)) return (await isExecutableFile(expanded)) ? expanded : undefined;
    // A bare name such as `openclaw-dev` is looked up on PATH like a shell would.
    return searchPath(expanded, env);
  }
  return searchPath('openclaw', env);
}

async function searchPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

const OUTPUT_LIMIT = 4 << 20;

/** Runs the CLI without a shell; never throws for a non-zero exit (the caller decides). */
export function runOpenClawCli(cliPath: string, args: string[], options: CliRunOptions = {}): Promise<CliRunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new OpenClawCliError('ABORTED', 'Cancelled before OpenClaw was started.'));
      return;
    }
    const child = spawn(cliPath, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < OUTPUT_LIMIT) stderr += text;
    });
    const onAbort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
        }, options.timeoutMs)
      : undefined;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      action();
    };
    child.on('error', (error) =>
      finish(() => reject(new OpenClawCliError('CLI_NOT_FOUND', `Cannot run ${cliPath}: ${error.message}`))),
    );
    child.on('close', (exitCode, signal) =>
      finish(() => {
        if (options.signal?.aborted) reject(new OpenClawCliError('ABORTED', 'Cancelled; OpenClaw was stopped.', { exitCode, stderr, stdout }));
        else if (timedOut) reject(new OpenClawCliError('TIMEOUT', `OpenClaw did not answer within ${Math.round((options.timeoutMs ?? 0) / 1000)} s.`, { exitCode, stderr, stdout }));
        else resolve({ exitCode, signal, stdout, stderr });
      }),
    );
  });
}

/** Parses the last JSON value a CLI printed (some commands print log lines before it). */
export function parseCliJson(stdout: string): unknown {
  const text = stdout.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Fall back to the last line that parses on its own, or the last `{` block.
  }
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]);
    } catch {
      // keep looking
    }
  }
  const brace = text.lastIndexOf('\n{');
  if (brace !== -1) {
    try {
      return JSON.parse(text.slice(brace + 1));
    } catch {
      // not JSON
    }
  }
  return undefined;
}

/** OpenClaw's own words for a failure: its JSON error message, else stderr, else stdout. */
export function openClawErrorMessage(result: CliRunResult): string {
  const json = parseCliJson(result.stdout) as Record<string, unknown> | undefined;
  const fromJson = json && typeof json === 'object' ? pickErrorText(json) : undefined;
  const text = fromJson ?? (result.stderr.trim() || result.stdout.trim());
  const exit = result.exitCode !== null ? `exit ${result.exitCode}` : `signal ${result.signal}`;
  return text ? `${text} (${exit})` : `openclaw failed with ${exit} and printed nothing`;
}

function pickErrorText(json: Record<string, unknown>): string | undefined {
  const error = json.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  if (json.ok === false && typeof json.message === 'string') return json.message;
  return undefined;
}

export interface GatewayStatus {
  reachable: boolean;
  /** e.g. ws://127.0.0.1:18789, when reported. */
  url?: string;
  /** Why it is not reachable, in OpenClaw's words when it gave any. */
  problem?: string;
  raw?: unknown;
}

/** `openclaw gateway status --json`: whether the gateway answers. */
export async function getGatewayStatus(cliPath: string, options: CliRunOptions = {}): Promise<GatewayStatus> {
  let result: CliRunResult;
  try {
    result = await runOpenClawCli(cliPath, ['gateway', 'status', '--json'], { timeoutMs: 15_000, ...options });
  } catch (error) {
    if ((error as OpenClawCliError).code === 'ABORTED') throw error;
    return { reachable: false, problem: (error as Error).message };
  }
  const json = parseCliJson(result.stdout) as Record<string, unknown> | undefined;
  if (result.exitCode !== 0) return { reachable: false, problem: openClawErrorMessage(result), raw: json };
  if (!json || typeof json !== 'object') return { reachable: false, problem: 'openclaw gateway status printed no JSON', raw: json };
  const rpc = json.rpc as Record<string, unknown> | undefined;
  const saysDown = json.ok === false || json.running === false || json.reachable === false || rpc?.ok === false || json.status === 'stopped';
  const url = [json.url, json.address, (json.gateway as Record<string, unknown> | undefined)?.url].find((v) => typeof v === 'string') as string | undefined;
  return saysDown
    ? { reachable: false, url, problem: pickErrorText(json) ?? 'the gateway is not running', raw: json }
    : { reachable: true, url, raw: json };
}

export interface OpenClawCompactOptions extends CliRunOptions {
  cliPath: string;
  /** The `sessions.json` key, e.g. `agent:main:main`. */
  key: string;
  agentId?: string;
  /** With maxLines the gateway trims instead of summarizing (OpenClaw's semantics). */
  maxLines?: number;
}

export interface OpenClawCompactResult {
  argv: string[];
  compacted?: boolean;
  tokensBefore?: number;
  tokensAfter?: number;
  raw: unknown;
}

/** `openclaw sessions compact <key> --json [--agent id]`: a model compaction by the gateway. */
export async function compactWithOpenClaw(options: OpenClawCompactOptions): Promise<OpenClawCompactResult> {
  const argv = ['sessions', 'compact', options.key, '--json'];
  if (options.agentId && options.agentId !== 'main') argv.push('--agent', options.agentId);
  if (options.maxLines !== undefined) argv.push('--max-lines', String(options.maxLines));
  // A model compaction can take minutes on a long session.
  const result = await runOpenClawCli(options.cliPath, argv, { timeoutMs: 15 * 60_000, ...options });
  if (result.exitCode !== 0) {
    throw new OpenClawCliError('CLI_FAILED', `OpenClaw could not compact ${options.key}: ${openClawErrorMessage(result)}${pairingHint(result)}`, {
      exitCode: result.exitCode, stderr: result.stderr, stdout: result.stdout,
    });
  }
  const json = parseCliJson(result.stdout);
  if (json === undefined || typeof json !== 'object' || json === null) {
    throw new OpenClawCliError('BAD_OUTPUT', `OpenClaw finished but printed no JSON: ${result.stdout.trim().slice(0, 200) || '(nothing)'}`, {
      exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr,
    });
  }
  const record = json as Record<string, unknown>;
  const error = record.ok === false ? pickErrorText(record) ?? 'ok: false' : undefined;
  if (error) throw new OpenClawCliError('CLI_FAILED', `OpenClaw could not compact ${options.key}: ${error}`, { exitCode: result.exitCode, stdout: result.stdout });
  return { argv, ...readTokenCounts(record), raw: json };
}

/**
 * A real gateway pairs a CLI device with the scopes its first call asked for (`gateway call
 * agent`: write). `sessions compact` needs more, and a scope upgrade is never approved
 * silently, not even on loopback: OpenClaw refuses with "pairing required … scope upgrade
 * pending approval (requestId: …)" and does not say how to approve. Say it.
 * (Found by running the real gateway; the fake `openclaw` of the fixtures never refused.)
 */
export function pairingHint(result: Pick<CliRunResult, 'stdout' | 'stderr'>): string {
  const text = `${result.stdout}\n${result.stderr}`;
  if (!/pairing required|pending approval/i.test(text)) return '';
  // Only a whole id: the JSON error on stdout cuts it off mid-way, stderr has it in full.
  const requestId = /requestId:\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(text)?.[1];
  return requestId
    ? ` To let this device do it, approve the request in a terminal: openclaw devices approve ${requestId}, then try again.`
    : ' To let this device do it, approve its pending request in a terminal (openclaw devices list, then openclaw devices approve <requestId>), then try again.';
}

/**
 * `: 48,210 → 6,120 tokens`, or with only the count before (what 2026.7.35 reports:
 * `{ok, key, compacted, result: {summary, firstKeptEntryId, tokensBefore}}`, no count after)
 * `: 48,210 tokens before (OpenClaw reported no count after)`; empty when it reported neither.
 */
export function describeCompactTokens(result: Pick<OpenClawCompactResult, 'tokensBefore' | 'tokensAfter'>): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const { tokensBefore: before, tokensAfter: after } = result;
  if (before !== undefined && after !== undefined) return `: ${n(before)} → ${n(after)} tokens`;
  if (before !== undefined) return `: ${n(before)} tokens before (OpenClaw reported no count after)`;
  if (after !== undefined) return `: ${n(after)} tokens after (OpenClaw reported no count before)`;
  return '';
}

/** Tokens before/after, wherever this OpenClaw release puts them (top level or `result`). */
export function readTokenCounts(json: Record<string, unknown>): { compacted?: boolean; tokensBefore?: number; tokensAfter?: number } {
  const layers = [json, json.result, json.compaction, (json.result as Record<string, unknown> | undefined)?.compaction]
    .filter((l): l is Record<string, unknown> => !!l && typeof l === 'object');
  const pick = (...names: string[]) => {
    for (const layer of layers) for (const name of names) if (typeof layer[name] === 'number' && Number.isFinite(layer[name])) return layer[name] as number;
    return undefined;
  };
  const flag = layers.map((l) => l.compacted).find((v) => typeof v === 'boolean') as boolean | undefined;
  return {
    compacted: flag,
    tokensBefore: pick('tokensBefore', 'beforeTokens'),
    tokensAfter: pick('tokensAfter', 'afterTokens', 'totalTokens'),
  };
}

export interface GatewayCallResult {
  ok: boolean;
  /** OpenClaw's JSON answer. */
  response?: Record<string, unknown>;
  /** Why it failed, in OpenClaw's words. */
  problem?: string;
  ms: number;
}

/**
 * `openclaw gateway call <method> --params <json> --json`. The CLI finds the gateway and its
 * credentials itself (config, OPENCLAW_GATEWAY_TOKEN…): this product never handles a token. It
 * exits 0 even when the call failed, so the answer's `ok` decides.
 */
/** `gateway call <method> --params <json> --json`: what `callGateway` runs, and what a remedy prints after `openclaw`. */
export function gatewayCallArgs(method: string, params: Record<string, unknown>): string[] {
  return ['gateway', 'call', method, '--params', JSON.stringify(params), '--json'];
}

export async function callGateway(cliPath: string, method: string, params: Record<string, unknown>, options: CliRunOptions = {}): Promise<GatewayCallResult> {
  const started = Date.now();
  const result = await runOpenClawCli(cliPath, gatewayCallArgs(method, params), { timeoutMs: 60_000, ...options });
  const json = parseCliJson(result.stdout) as Record<string, unknown> | undefined;
  const ms = Date.now() - started;
  const failed = result.exitCode !== 0 || !json || typeof json !== 'object' || json.ok === false || json.error !== undefined;
  if (failed) {
    const hint = pairingHint(result);
    return { ok: false, ...(json && typeof json === 'object' ? { response: json } : {}), problem: `${openClawErrorMessage(result)}${hint ? ` ${hint}` : ''}`, ms };
  }
  return { ok: true, response: json, ms };
}
