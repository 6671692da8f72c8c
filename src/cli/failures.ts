// What OpenClaw's log says failed, for `status` and `inspect`: read once per run (the last
// 24 h, at most the last 16 MiB), attributed to the locks and sessions of the snapshot.
import { existsSync } from 'node:fs';
import { failureCountJson, failuresBehind, readFailureLog, type FailureCount, type FailureLogState, type FailureTally } from '../logs';
import type { LockEntry, SessionsSnapshot } from '../sessions';
import { failuresSummaryText, lockFailuresText, sessionFailuresText } from '../wording/failures';
import type { CliContext, OptionSpec } from './command-table';

export const LOG_FILE_OPTION: Record<string, OptionSpec> = {
  'log-file': { type: 'string', valueName: '<file>', description: 'OpenClaw\'s file log (default: as OpenClaw finds it: logging.file in openclaw.json, else /tmp/openclaw/openclaw-<date>.log)' },
};

export interface CliFailures extends FailureLogState {
  /** Whether the file exists (no log is no failure, but the user is told where it was looked for). */
  found: boolean;
}

/** Never fails the command: an unreadable log reads as no log. */
export async function readCliFailures(ctx: CliContext, snapshot: SessionsSnapshot): Promise<CliFailures | undefined> {
  const logFile = typeof ctx.values['log-file'] === 'string' ? ctx.values['log-file'] : undefined;
  try {
    const state = await readFailureLog({ env: ctx.scanOptions.env ?? ctx.env, homedir: ctx.scanOptions.homedir, stateDir: snapshot.resolution.stateDir, logFile });
    return { ...state, found: existsSync(state.file) };
  } catch {
    return undefined;
  }
}

/** The failed messages behind a lock: the lock's own count, else its sessions' (a lock line names the lock). */
export function entryFailures(tally: FailureTally | undefined, entry: Pick<LockEntry, 'view' | 'session'>): FailureCount | undefined {
  return failuresBehind(tally, entry.view.lockPath, entry.session?.key);
}

/** Lock entries with failures behind them first (most first), the rest in their order. */
export function byFailures<T extends Pick<LockEntry, 'view' | 'session'>>(entries: T[], tally: FailureTally | undefined): T[] {
  if (!tally || tally.total === 0) return entries;
  const count = (e: T) => entryFailures(tally, e)?.count ?? 0;
  return entries.map((e, i) => ({ e, i, n: count(e) })).sort((a, b) => b.n - a.n || a.i - b.i).map((x) => x.e);
}

export function summaryLine(failures: CliFailures, now: number): string {
  return failuresSummaryText({ total: failures.tally.total, since: failures.tally.since, firstAt: failures.tally.firstAt, file: failures.file, found: failures.found }, now);
}

/** "7 messages failed since 14:20 because of this lock" or, without a lock line, the session's. */
export function entryFailuresText(tally: FailureTally | undefined, entry: Pick<LockEntry, 'view' | 'session'>, now: number): string | undefined {
  if (!tally) return undefined;
  const lock = tally.failuresOfLock(entry.view.lockPath);
  if (lock) return lockFailuresText(lock, now);
  const session = entry.session?.key !== undefined ? tally.sessions.get(entry.session.key) : undefined;
  return session ? sessionFailuresText(session, now) : undefined;
}

/** `--json`: the log read, the total, and each session's count. */
export function failuresJson(failures: CliFailures | undefined): Record<string, unknown> | undefined {
  if (!failures) return undefined;
  const { tally } = failures;
  return {
    logFile: failures.file,
    logFound: failures.found,
    logSource: failures.location.source,
    since: new Date(tally.since).toISOString(),
    total: tally.total,
    sessions: Object.fromEntries([...tally.sessions].map(([key, count]) => [key, failureCountJson(count)])),
    storeWrites: Object.fromEntries([...tally.storeWrites].map(([agent, count]) => [agent, failureCountJson(count)])),
    stuck: Object.fromEntries([...tally.stuck].map(([key, s]) => [key, { ...s, at: new Date(s.at).toISOString() }])),
    removedLocks: Object.fromEntries([...tally.removedLocks].map(([p, r]) => [p, { ...r, at: new Date(r.at).toISOString() }])),
  };
}
