// Where OpenClaw's file log is, found exactly as OpenClaw finds it (tmp-openclaw-dir.js and
// the logger's log-file-path code of 2026.7.35 / 2026.9.6), with every input injectable so tests
// never depend on this machine's /tmp, uid, clock or config.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { expandTilde, resolveHome } from '../openclaw/state-dir';

export const PREFERRED_LOG_DIR = '/tmp/openclaw';
/** OpenClaw keeps `file.1.log` … `file.5.log` when it rotates by size. */
export const MAX_ROTATED = 5;
/** `openclaw-2026-12-01.log`, `openclaw-work-2026-12-01.log`: names OpenClaw rolls daily. */
const ROLLING_NAME = /^(openclaw(?:-[a-z0-9-]+)?)-(\d{4}-\d{2}-\d{2})\.log$/;
const MAX_PROFILE_SEGMENT = 220;

export interface DirStat {
  isDirectory: boolean;
  isSymbolicLink: boolean;
  uid: number;
  mode: number;
}

export interface LocationInputs {
  env?: NodeJS.ProcessEnv;
  /** The state dir (for `<stateDir>/openclaw.json`). */
  stateDir?: string;
  homedir?: string;
  tmpdir?: () => string;
  /** undefined on Windows. */
  uid?: number | null;
  platform?: NodeJS.Platform;
  lstat?: (p: string) => DirStat | undefined;
  readFile?: (p: string) => string | undefined;
  /** Overrides everything (a setting or `--log-file`). */
  logFile?: string;
}

export interface LogLocation {
  /** How the path was chosen, for the user: `setting`, `config` (logging.file) or `default`. */
  source: 'setting' | 'config' | 'default';
  /** The configured path or the default of today; see `fileFor` for another day. */
  configured: string;
  /** Whether the name rolls daily (OpenClaw's default shape). */
  rolling: boolean;
  /** Where `configured` came from when it is not the default: the config file read. */
  configPath?: string;
  /** 7.35 ignores OPENCLAW_PROFILE: with a profile, its file is the plain default. */
  withoutProfile?: string;
}

function defaultLstat(p: string): DirStat | undefined {
  try {
    const st = fs.lstatSync(p);
    return { isDirectory: st.isDirectory(), isSymbolicLink: st.isSymbolicLink(), uid: st.uid, mode: st.mode };
  } catch {
    return undefined;
  }
}

function defaultReadFile(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function currentUid(): number | undefined {
  try {
    return typeof process.getuid === 'function' ? process.getuid() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * OpenClaw's temp root: `/tmp/openclaw` when it is a real directory this user owns, else
 * `<tmpdir>/openclaw-<uid>` (Windows: `<tmpdir>\openclaw`). OpenClaw itself tightens group and
 * other write bits on a directory it owns (chmod 700) and then uses it, so such bits alone do not
 * move the log; someone else's directory or a symlink does. A missing `/tmp/openclaw` is what
 * OpenClaw would create, unless only the fallback exists (it could not).
 */
export function resolveLogDir(inputs: LocationInputs = {}): string {
  const platform = inputs.platform ?? process.platform;
  const uid = inputs.uid === undefined ? currentUid() : inputs.uid ?? undefined;
  const tmpdir = inputs.tmpdir ?? os.tmpdir;
  const lstat = inputs.lstat ?? defaultLstat;
  const fallback = (platform === 'win32' ? path.win32.join : path.join)(tmpdir(), uid === undefined ? 'openclaw' : `openclaw-${uid}`);
  if (platform === 'win32') return fallback;
  const preferred = lstat(PREFERRED_LOG_DIR);
  if (!preferred) return lstat(fallback)?.isDirectory ? fallback : PREFERRED_LOG_DIR;
  const trusted = preferred.isDirectory && !preferred.isSymbolicLink && (uid === undefined || preferred.uid === uid);
  return trusted ? PREFERRED_LOG_DIR : fallback;
}

/** 9.6's file-name segment for a profile: `[a-z0-9]` kept, everything else escaped. */
export function encodeProfileSegment(profile: string): string {
  let out = '';
  for (const ch of profile) {
    if (/^[a-z0-9]$/.test(ch)) out += ch;
    else if (ch === '-') out += '--';
    else if (ch === '_') out += '-0';
    else if (/^[A-Z]$/.test(ch)) out += `-1${ch.toLowerCase()}`;
    else out += `-2${ch.codePointAt(0)?.toString(16) ?? '0'}-`;
  }
  return out.length <= MAX_PROFILE_SEGMENT ? out : `-3${createHash('sha256').update(profile).digest('hex')}`;
}

/** `YYYY-MM-DD` of the host's local date, as OpenClaw names its files. */
export function localDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/**
 * `logging.file` from openclaw.json, which OpenClaw reads as JSON5: comments, trailing commas,
 * unquoted keys and single quotes are allowed. Tolerant on purpose: JSON after stripping the
 * JSON5 extras, else a look for `file` inside `logging`; undefined when neither finds it.
 */
export function loggingFileFromConfig(text: string): string | undefined {
  const stripped = stripJson5(text);
  try {
    const config: unknown = JSON.parse(stripped);
    const file = (config as { logging?: { file?: unknown } } | null)?.logging?.file;
    return typeof file === 'string' && file.trim() ? file.trim() : undefined;
  } catch {
    const m = /["']?logging["']?\s*:\s*\{[^{}]*?["']?file["']?\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/.exec(stripped);
    const file = m?.[1] ?? m?.[2];
    return file?.trim() ? file.trim() : undefined;
  }
}

/** JSON5's comments, trailing commas, unquoted keys and single-quoted strings, made JSON. */
function stripJson5(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let body = '';
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\' && j + 1 < text.length) {
          body += text[j + 1] === "'" ? "'" : text[j]! + text[j + 1]!;
          j += 2;
          continue;
        }
        body += ch === "'" && text[j] === '"' ? '\\"' : text[j];
        j++;
      }
      out += `"${body}"`;
      i = j;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += ch;
    }
  }
  return out
    .replace(/,(\s*[}\]])/g, '$1')
    .replace(/([{,]\s*)([A-Za-z_$][\w$]*)(\s*:)/g, '$1"$2"$3');
}

/** `$OPENCLAW_CONFIG_PATH`, else `<stateDir>/openclaw.json`. */
export function configPathFor(inputs: LocationInputs): string | undefined {
  const env = inputs.env ?? process.env;
  const home = resolveHome({ env, homedir: inputs.homedir });
  const fromEnv = env.OPENCLAW_CONFIG_PATH?.trim();
  if (fromEnv) return path.resolve(expandTilde(fromEnv, home));
  return inputs.stateDir ? path.join(inputs.stateDir, 'openclaw.json') : undefined;
}

export function resolveLogLocation(inputs: LocationInputs = {}, now = new Date()): LogLocation {
  const env = inputs.env ?? process.env;
  const home = resolveHome({ env, homedir: inputs.homedir });
  if (inputs.logFile?.trim()) {
    const configured = path.resolve(expandTilde(inputs.logFile.trim(), home));
    return { source: 'setting', configured, rolling: ROLLING_NAME.test(path.basename(configured)) };
  }
  const configPath = configPathFor(inputs);
  const text = configPath ? (inputs.readFile ?? defaultReadFile)(configPath) : undefined;
  const fromConfig = text === undefined ? undefined : loggingFileFromConfig(text);
  if (fromConfig) {
    const configured = path.resolve(expandTilde(fromConfig, home));
    return { source: 'config', configured, rolling: ROLLING_NAME.test(path.basename(configured)), configPath };
  }
  const profile = env.OPENCLAW_PROFILE?.trim();
  const segment = profile && profile.toLowerCase() !== 'default' ? `-${encodeProfileSegment(profile)}` : '';
  const dir = resolveLogDir(inputs);
  const configured = path.join(dir, `openclaw${segment}-${localDate(now)}.log`);
  return { source: 'default', configured, rolling: true, ...(segment ? { withoutProfile: path.join(dir, `openclaw-${localDate(now)}.log`) } : {}) };
}

function onDate(file: string, date: Date): string {
  const m = ROLLING_NAME.exec(path.basename(file));
  return m ? path.join(path.dirname(file), `${m[1]}-${localDate(date)}.log`) : file;
}

/**
 * The file OpenClaw writes on `date`: a rolling name carries that day's date, any other stays.
 * With a profile, the 9.6 name unless only 7.35's plain one exists.
 */
export function logFileFor(location: LogLocation, date: Date, exists: (p: string) => boolean = fs.existsSync): string {
  if (!location.rolling) return location.configured;
  const primary = onDate(location.configured, date);
  if (location.withoutProfile === undefined || exists(primary)) return primary;
  const plain = onDate(location.withoutProfile, date);
  return exists(plain) ? plain : primary;
}

/** `openclaw-2026-12-01.log` → `openclaw-2026-12-01.3.log` (OpenClaw's size rotation, 1…5). */
export function rotatedLogFile(file: string, n: number): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${n}${ext}`;
}
