// The public contract of the session write lock core. Other layers (session model, CLI,
// extension) depend only on what is exported from `src/lock/index.ts`, which re-exports
// these types. Keep this file free of Node and `vscode` imports except types.
import type { SessionLockError } from './errors';
import type { OwnerEnvironment } from './owner';

/**
 * OpenClaw's lock payload. 2026.7.x writes exactly `pid`, `createdAt`, `maxHoldMs`,
 * `starttime` (Linux) in that order; older releases omit the last two or one of them.
 * Readers ignore unknown keys, so we may add our own (`hostname`, `token`).
 */
export interface LockPayload {
  pid: number;
  /** ISO-8601 UTC, never epoch ms. */
  createdAt: string;
  maxHoldMs?: number;
  /** Linux only: field 22 of /proc/<pid>/stat, clock ticks since boot. */
  starttime?: number;
  /** Extra keys written by this project (OpenClaw ignores them). */
  hostname?: string;
  token?: string;
  /** Written only from a child pid namespace: `pid:[<inode>]@<boot id>` of the writer's namespace. */
  pidns?: string;
  [extra: string]: unknown;
}

/** OpenClaw's own stale-reason words; the UI shows them verbatim. */
export type StaleReason =
  | 'dead-pid'
  | 'recycled-pid'
  | 'missing-pid'
  | 'invalid-createdAt'
  | 'non-openclaw-owner'
  | 'too-old'
  | 'hold-exceeded'
  | 'orphan-self-pid';


/**
 * - `free`: no lock file.
 * - `initialising`: the file exists but its payload is empty/torn and younger than the grace.
 * - `held`: a live owner (possibly with report-only reasons such as `too-old`).
 * - `stale`: provably stale; `reclaimable` is true.
 * - `unknown-host`: the payload names another host; never judged by pid.
 * - `unreadable`: something is at the lock path that we cannot judge (directory, FIFO,
 *   symlink, permission error). Never removed automatically.
 */
export type LockState = 'free' | 'initialising' | 'held' | 'stale' | 'unknown-host' | 'unreadable';

export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface LockOwner {
  pid: number;
  /** kill(pid, 0) succeeded or failed with EPERM, and the process is not a zombie. */
  alive: boolean;
  /** Start time (clock ticks) of the live process, when readable (Linux). */
  starttime?: number;
  /** false when the payload's starttime differs from the live process's. */
  starttimeMatches?: boolean;
  /** The live process's command line, when readable (`/proc/<pid>/cmdline`). */
  commandLine?: string;
  /** Whether the command line looks like OpenClaw's; undefined when unreadable. */
  isOpenClaw?: boolean;
  /** The pid is this very process. */
  isSelf: boolean;
  /** Wall-clock start of the live process (epoch ms), when it was looked up to compare with createdAt. */
  startedAtMs?: number;
  /**
   * The lock's pid lives in a child pid namespace (a container) seen from here: the holder's
   * pid on this side and, when it can be told, its namespace and container.
   */
  nested?: {
    hostPid: number;
    namespace?: string;
    container?: string;
  };
}

export interface LockInspection {
  lockPath: string;
  state: LockState;
  /** The exact bytes read (for compare-and-delete). */
  raw?: Buffer;
  /** Parsed payload, when it parsed as an object (fields may still be invalid). */
  payload?: LockPayload;
  /** Identity of the file the bytes were read from (fstat on the same fd). */
  identity?: FileIdentity;
  /** Date.parse(createdAt), when valid. */
  createdAtMs?: number;
  /** now - createdAt when valid, else now - mtime. */
  ageMs?: number;
  /** now - mtime. */
  fileAgeMs?: number;
  /** An empty or torn lock still "being written": when (epoch ms) its grace ends and it turns stale. */
  graceEndsAtMs?: number;
  /** payload.maxHoldMs when valid. */
  maxHoldMs?: number;
  owner?: LockOwner;
  /** Every reason that applies, in OpenClaw's words. */
  reasons: StaleReason[];
  /**
   * True only when removal is provably safe: the owner is provably gone (dead-pid, recycled-pid,
   * orphan-self-pid), or the payload is torn (missing-pid, invalid-createdAt) past its grace.
   * too-old, hold-exceeded and non-openclaw-owner are only reported while the owner lives.
   */
  reclaimable: boolean;
  /** Human-readable explanation for `unreadable` / `unknown-host`, or a read error. */
  problem?: string;
}

export interface InspectOptions {
  /** Clock, for tests. Default Date.now(). */
  now?: number;
  /** `too-old` threshold. Default 30 min (or OPENCLAW_SESSION_WRITE_LOCK_STALE_MS). */
  staleMs?: number;
  /** Torn/empty payloads are reclaimable once the file's mtime is this old. Default 30 s. */
  tornGraceMs?: number;
  /** Look up the owner's command line (costs one /proc read). Default true. */
  readCommandLine?: boolean;
  /** Platform, clocks and namespace facts used to judge the owner; tests replace them. */
  ownerEnvironment?: OwnerEnvironment;
}

export interface AcquireOptions {
  /** The transcript path; need not exist and is never created. */
  sessionFile: string;
  /** Give up after this long. Default 60 s (or OPENCLAW_SESSION_WRITE_LOCK_ACQUIRE_TIMEOUT_MS). */
  timeoutMs?: number;
  staleMs?: number;
  /** Written to the payload; the watchdog force-releases after it. Default max(5 min, timeout + 120 s). */
  maxHoldMs?: number;
  tornGraceMs?: number;
  signal?: AbortSignal;
  /** Called (never throws into the caller) when the lock is lost: watchdog, takeover, deletion. */
  onCompromised?: (error: SessionLockError) => void;
  /** Called while waiting, at most about once a second, so a UI can name the holder. */
  onWait?: (info: { waitedMs: number; holder: LockInspection }) => void;
  /** Reentrancy: acquisitions with the same owner token nest; default is a fresh owner per call. */
  owner?: object;
}

export interface SessionWriteLock {
  readonly lockPath: string;
  readonly sessionFile: string;
  readonly payload: LockPayload;
  /** The bytes we wrote. */
  readonly bytes: Buffer;
  /** True once released or compromised. */
  readonly released: boolean;
  /** Set when the lock was lost (watchdog, takeover, deletion). */
  readonly compromised: SessionLockError | undefined;
  /**
   * Re-reads the lock file: true only if it still has our device/inode and our bytes.
   * Safe editing calls this right before its rename.
   */
  isHeld(): Promise<boolean>;
  /** Throws a SessionLockError with code LOCK_LOST unless isHeld(). */
  assertHeld(): Promise<void>;
  /** Decrements the reentrancy count; at zero removes the file if (and only if) it is still ours. Idempotent. */
  release(): Promise<void>;
}

export type SessionLockErrorCode =
  | 'SESSION_LOCK_TIMEOUT'
  | 'SESSION_LOCK_ABORTED'
  | 'SESSION_LOCK_LOST'
  | 'SESSION_LOCK_UNSAFE_PATH'
  | 'SESSION_LOCK_IO';

export interface RemoveResult {
  /**
   * `lock` (also when absent): a session lock. `reclaim-leftover` (from sweepStaleLocks and removeReclaimLeftovers):
   * a `<lock>.reclaim` guard or `<lock>.reclaim.<pid>.<hex>` aside file that a process dying
   * mid-reclaim left behind, or a `<lock>.new.<pid>.<starttime>.<hex>` copy of a lock whose maker
   * died while creating it; `lockPath` is then that file's path, and `inspection` reads its
   * bytes as a lock payload (the verdict on it follows the leftover's own rules, not `reclaimable`).
   */
  kind?: 'lock' | 'reclaim-leftover';
  lockPath: string;
  removed: boolean;
  /** What was judged right before acting. */
  inspection: LockInspection;
  /** Why nothing was removed (set whenever `removed` is false), as facts; src/wording/kept.ts words it. */
  kept?: KeptReason;
}

/** Why a reclaim leftover was judged abandoned. */
export type AbandonedBecause =
  | { code: 'reclaimer-dead'; pid: number }
  | { code: 'names-this-process' }
  | { code: 'guard-old'; staleMs: number }
  | { code: 'maker-dead'; pid: number };

/**
 * Why a removal left the file in place. `not-stale`: the inspection itself says why (being
 * written, another host, unreadable, stale only by a check that cannot see the owner, alive).
 */
export type KeptReason =
  | { code: 'no-lock-file' }
  | { code: 'changed-since-inspected' }
  | { code: 'not-stale' }
  | { code: 'names-another-pid'; pid: number; named?: number }
  | { code: 'unreadable' }
  | { code: 'already-gone' }
  | { code: 'reclaim-busy' }
  | { code: 'replaced' }
  | { code: 'displaced'; asidePath?: string }
  | { code: 'leftover-unjudgeable' }
  | { code: 'guard-in-use' }
  | { code: 'maker-alive'; pid: number }
  | { code: 'leftover-changed' }
  | { code: 'maker-young'; pid: number; youngerThanMs: number }
  | { code: 'leftover-gone' }
  | { code: 'leftover-replaced'; abandoned: AbandonedBecause };

export interface RemoveOptions extends InspectOptions {
  /** Remove only if the file still matches this earlier inspection (inode and bytes). */
  expected?: Pick<LockInspection, 'identity' | 'raw'>;
}

export interface ForceRemoveOptions extends RemoveOptions {
  /** The pid the user saw and confirmed; the lock is removed only if it still names it. */
  pid: number;
}

/** The error class (code + lockPath) lives in errors.ts; re-exported here for the contract. */
export type { SessionLockError } from './errors';
