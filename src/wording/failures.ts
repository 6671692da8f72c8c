// What OpenClaw's log says failed, in words for a person: the CLI and the extension say it
// alike. Pure (no vscode, no disk, no clock: `now` is passed). Each function takes a `t`
// (VS Code's l10n.t in the extension, `untranslated` in the CLI). Times are times of day
// ("since 14:20"), not ages: a tooltip or a notification does not tick.
import { countOf, formatClockTime } from './format';
import { untranslated, type Translate } from './locks';

/** A count of failures as the log reader keeps it (structurally: the wording imports no reader). */
export interface FailureCounted {
  count: number;
  firstAt: number;
  lastAt: number;
  lastError?: string;
}

/** "since 14:20", or "at 14:20" for a single failure. */
function when(failures: FailureCounted, now: number, t: Translate): string {
  const at = formatClockTime(failures.firstAt, now);
  return failures.count === 1 ? t('at {0}', at) : t('since {0}', at);
}

/** "7 messages failed since 14:20 because of this lock". */
export function lockFailuresText(failures: FailureCounted, now: number, t: Translate = untranslated): string {
  return failures.count === 1
    ? t('1 message failed {0} because of this lock', when(failures, now, t))
    : t('{0} messages failed {1} because of this lock', failures.count, when(failures, now, t));
}

/** "3 messages to this session failed since 14:20". */
export function sessionFailuresText(failures: FailureCounted, now: number, t: Translate = untranslated): string {
  return failures.count === 1
    ? t('1 message to this session failed {0}', when(failures, now, t))
    : t('{0} messages to this session failed {1}', failures.count, when(failures, now, t));
}

/** For a notification: "7 messages to Ops Discord are failing (since 14:20)." */
export function failingMessagesNotice(failures: FailureCounted, title: string, now: number, t: Translate = untranslated): string {
  return failures.count === 1
    ? t('A message to "{0}" failed {1}.', title, when(failures, now, t))
    : t('{0} messages to "{1}" are failing ({2}).', failures.count, title, when(failures, now, t));
}

/** A short cell for a table or a row's description: "7 failed", "1 failed". */
export function failedCell(count: number, t: Translate = untranslated): string {
  return t('{0} failed', count);
}

/** One line for the top of `status` and the status-bar tooltip. */
export function failuresSummaryText(
  summary: { total: number; since: number; firstAt?: number; file: string; found: boolean },
  now: number,
  t: Translate = untranslated,
): string {
  if (!summary.found) return t('no OpenClaw log at {0}', summary.file);
  if (summary.total === 0) return t('no failed messages since {0} ({1})', formatClockTime(summary.since, now), summary.file);
  return t('{0} failed since {1} ({2})', countOf(summary.total, 'message'), formatClockTime(summary.firstAt ?? summary.since, now), summary.file);
}

/** "OpenClaw reported this session stuck (processing, 240s) at 14:20". */
export function stuckText(stuck: { at: number; label: string; state?: string; ageSeconds?: number }, now: number, t: Translate = untranslated): string {
  const details = [stuck.state, stuck.ageSeconds !== undefined ? `${stuck.ageSeconds}s` : undefined].filter((d) => d !== undefined).join(', ');
  return details
    ? t('OpenClaw logged "{0}" ({1}) at {2}', stuck.label, details, formatClockTime(stuck.at, now))
    : t('OpenClaw logged "{0}" at {1}', stuck.label, formatClockTime(stuck.at, now));
}

/** 9.6: "2 writes to agent main's SQLite store failed since 14:20". */
export function storeFailuresText(agentId: string, failures: FailureCounted, now: number, t: Translate = untranslated): string {
  return failures.count === 1
    ? t('1 write to agent {0}\'s SQLite store failed {1}', agentId || '?', when(failures, now, t))
    : t('{0} writes to agent {1}\'s SQLite store failed {2}', failures.count, agentId || '?', when(failures, now, t));
}
