// Reads OpenClaw's gateway lock to tell whether a gateway runs for this state dir: 2026.8+
// keeps it in the state dir (`<realpath stateDir>/tmp/openclaw-<uid>/gateway.state.lock`, payload
// `{pid, ownerId, createdAt, configPath, stateDir, port?, role?, startTime?}` and a line of
// whitespace that JSON.parse ignores), 2026.7 in `<tmpdir>/openclaw-<uid>/gateway.<hash>.lock`
// (`{pid, createdAt, configPath, startTime?}`).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { judgeOwner, readCommandLine, validCreatedAtMs, type OwnerEnvironment } from '../lock';
import type { GatewayInfo, Problem } from './types';

const GATEWAY_LOCK = /^gateway\..+\.lock$/;
/** 2026.8+'s state-dir owner lock: held by whichever process owns the state dir. */
export const STATE_LOCK = 'gateway.state.lock';
export const DEFAULT_GATEWAY_PORT = 18789;
/** A gateway lock is a few hundred bytes; anything larger is not one. */
const MAX_GATEWAY_LOCK_BYTES = 64 * 1024;

function uidPart(): string | number {
  return typeof process.getuid === 'function' ? process.getuid() : 'user';
}

export function defaultGatewayLockDir(): string {
  return path.join(os.tmpdir(), `openclaw-${uidPart()}`);
}

/** Where 2026.8+ keeps its owner locks: inside the state dir, by its real path. */
export async function stateLockDir(stateDir: string): Promise<string> {
  let real = stateDir;
  try {
    real = await fs.realpath(stateDir);
  } catch {
    // not there (yet): the plain path
  }
  return path.join(real, 'tmp', `openclaw-${uidPart()}`);
}

interface Candidate {
  lockPath: string;
  pid?: number;
  port?: number;
  configPath?: string;
  stateDir?: string;
  role?: string;
  createdAt?: string;
  alive: boolean;
  /** Set when the gateway may be alive but cannot be seen from here (kept as alive: saves ask first). */
  uncertain?: string;
  nested?: GatewayInfo['nested'];
  /** The pid to read its command line by, on this side. */
  visiblePid?: number;
}

async function readCandidate(lockPath: string, problems: Problem[], environment?: OwnerEnvironment): Promise<Candidate | undefined> {
  let text: string;
  try {
    const stat = await fs.lstat(lockPath);
    if (!stat.isFile()) return { lockPath, alive: false };
    if (stat.size > MAX_GATEWAY_LOCK_BYTES) {
      problems.push({ path: lockPath, message: `gateway lock is ${stat.size} bytes, too large to be one; ignored` });
      return { lockPath, alive: false };
    }
    text = await fs.readFile(lockPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    problems.push({ path: lockPath, message: `cannot read gateway lock (${code ?? String(error)})` });
    return { lockPath, alive: false };
  }
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    payload = parsed as Record<string, unknown>;
  } catch {
    // Empty or torn: the gateway writes right after creating it.
    return { lockPath, alive: false };
  }
  const candidate: Candidate = { lockPath, alive: false };
  if (Number.isInteger(payload.pid) && (payload.pid as number) > 0) candidate.pid = payload.pid as number;
  if (Number.isInteger(payload.port) && (payload.port as number) > 0) candidate.port = payload.port as number;
  if (typeof payload.configPath === 'string') candidate.configPath = payload.configPath;
  if (typeof payload.stateDir === 'string') candidate.stateDir = payload.stateDir;
  if (typeof payload.role === 'string' && payload.role) candidate.role = payload.role;
  if (typeof payload.createdAt === 'string') candidate.createdAt = payload.createdAt;
  if (candidate.pid !== undefined) judgeGateway(candidate, candidate.pid, payload, environment);
  return candidate;
}

/** The session locks' judging (namespaces, start times), applied to the gateway's own lock. */
function judgeGateway(candidate: Candidate, pid: number, payload: Record<string, unknown>, environment: OwnerEnvironment | undefined): void {
  const createdAtMs = validCreatedAtMs(payload.createdAt);
  // startTime is Linux clock ticks there; other platforms' releases write other units, so it is
  // compared on Linux only and createdAt decides elsewhere.
  const starttime = process.platform === 'linux' && Number.isSafeInteger(payload.startTime) ? payload.startTime as number : undefined;
  const judged = judgeOwner({ pid, ...(starttime !== undefined ? { starttime } : {}), ...(createdAtMs !== undefined ? { createdAtMs } : {}) }, environment);
  if (judged.gone === undefined) {
    candidate.alive = true;
    if (judged.owner.nested) candidate.nested = judged.owner.nested;
    if (judged.visiblePid !== undefined) candidate.visiblePid = judged.visiblePid;
  } else if (judged.unprovable !== undefined) {
    candidate.alive = true;
    candidate.uncertain = `${judged.gone}, but ${judged.unprovable}`;
  }
}

/**
 * Several gateways (one per config) may have locks; prefer the one whose config lives in this
 * state dir, then any live one.
 */
async function lockNames(lockDir: string, problems: Problem[]): Promise<string[]> {
  try {
    return (await fs.readdir(lockDir)).filter((n) => GATEWAY_LOCK.test(n)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') problems.push({ path: lockDir, message: `cannot list gateway locks (${code ?? String(error)})` });
    return [];
  }
}

export async function readGatewayInfo(stateDir: string, lockDir = defaultGatewayLockDir(), problems: Problem[] = [], environment?: OwnerEnvironment): Promise<GatewayInfo> {
  // 2026.8+'s locks live in the state dir and name it: they are this state dir's by definition.
  const ownDir = await stateLockDir(stateDir);
  const own = (await lockNames(ownDir, problems))
    // The state lock first: every 2026.8+ owner holds it, a gateway also holds its config's lock.
    .sort((a, b) => (a === STATE_LOCK ? -1 : b === STATE_LOCK ? 1 : a.localeCompare(b)));
  const shared = path.resolve(lockDir) === path.resolve(ownDir) ? [] : await lockNames(lockDir, problems);
  const candidates = (await Promise.all([
    ...own.map((n) => readCandidate(path.join(ownDir, n), problems, environment).then((c) => c && { ...c, own: true })),
    ...shared.map((n) => readCandidate(path.join(lockDir, n), problems, environment).then((c) => c && { ...c, own: false })),
  ])).filter((c): c is Candidate & { own: boolean } => c !== undefined);
  if (candidates.length === 0) return { alive: false };
  const resolvedStateDir = path.resolve(stateDir);
  const inStateDir = (c: Candidate & { own: boolean }) => c.own
    || (c.stateDir !== undefined && path.resolve(c.stateDir) === resolvedStateDir)
    || (c.configPath !== undefined && path.resolve(c.configPath).startsWith(resolvedStateDir + path.sep));
  const chosen = candidates.find((c) => inStateDir(c) && c.alive)
    ?? candidates.find(inStateDir)
    ?? candidates.find((c) => c.alive)
    ?? candidates[0]!;
  const info: GatewayInfo = { lockPath: chosen.lockPath, alive: chosen.alive };
  if (chosen.role !== undefined) info.role = chosen.role;
  if (chosen.createdAt !== undefined) info.createdAt = chosen.createdAt;
  if (chosen.own) info.stateLock = true;
  if (chosen.pid !== undefined) info.pid = chosen.pid;
  if (chosen.uncertain !== undefined) info.uncertain = chosen.uncertain;
  if (chosen.nested !== undefined) info.nested = chosen.nested;
  const port = chosen.port ?? (chosen.alive ? await livePort(chosen, stateDir) : undefined);
  if (port !== undefined) info.port = port;
  return info;
}

function validPort(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/**
 * OpenClaw's gateway lock does not record the port: take it from the live gateway's own
 * `--port`, else from `gateway.port` in the config it names, else OpenClaw's default.
 */
async function livePort(gateway: Candidate, stateDir: string): Promise<number> {
  const pid = gateway.visiblePid ?? gateway.pid;
  const commandLine = pid !== undefined && gateway.uncertain === undefined ? readCommandLine(pid) : undefined;
  const flag = commandLine ? /(?:^|\s)--port(?:=|\s+)(\d+)(?:\s|$)/.exec(commandLine) : null;
  const fromFlag = validPort(flag?.[1]);
  if (fromFlag !== undefined) return fromFlag;
  const configPath = gateway.configPath ?? path.join(stateDir, 'openclaw.json');
  try {
    const text = await fs.readFile(configPath, 'utf8');
    // openclaw.json may be JSON5; a config plain JSON cannot read simply yields the default.
    const config = JSON.parse(text) as { gateway?: { port?: unknown } };
    const fromConfig = validPort(config?.gateway?.port);
    if (fromConfig !== undefined) return fromConfig;
  } catch {
    // missing, unreadable or JSON5: fall through
  }
  return DEFAULT_GATEWAY_PORT;
}
