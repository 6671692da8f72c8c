// How a lock looks to a person: icons, colours, words, ages, tooltips. Pure (no `vscode`,
// no disk): the tree, the status bar and the notifications share it, and node --test
// covers it.
import type { LockLevel, LockThresholds, LockView, SessionInfo, Severity } from '../sessions/types';
import { ageLockView } from '../sessions/levels';
import * as wording from '../wording/format';
import { failedCell } from '../wording/failures';
import { untranslated, type Translate } from '../wording/locks';

export interface LevelPresentation {
  /** A codicon id for `ThemeIcon`. */
  icon: string;
  /** A theme colour id for `ThemeColor`; undefined keeps the default foreground. */
  color?: string;
  /** Short words for descriptions and tooltips. */
  label: string;
}

export const LEVEL_PRESENTATION: Readonly<Record<LockLevel, LevelPresentation>> = {
  free: { icon: 'unlock', label: 'free' },
  initialising: { icon: 'loading~spin', color: 'descriptionForeground', label: 'initialising' },
  held: { icon: 'lock', color: 'charts.blue', label: 'held' },
  'held-long': { icon: 'lock', color: 'list.warningForeground', label: 'held long' },
  'held-too-long': { icon: 'watch', color: 'list.errorForeground', label: 'held too long' },
  stale: { icon: 'debug-disconnect', color: 'list.errorForeground', label: 'stale' },
  suspect: { icon: 'question', color: 'list.warningForeground', label: 'suspect' },
  unreadable: { icon: 'circle-slash', color: 'list.errorForeground', label: 'unreadable' },
};

/** What a lock is doing right now, between scans. */
export interface LockMoment {
  level: LockLevel;
  severity: Severity;
  /** Age now: the scan's age plus the time since the scan. */
  ageMs?: number;
}

/** A lock at `now`, by the session model's one rule for ageing a verdict (`ageLockView`). */
export function lockMoment(view: LockView, thresholds: LockThresholds, scannedAt: number, now: number): LockMoment {
  const elapsed = Math.max(0, now - scannedAt);
  const aged = ageLockView(view, elapsed, thresholds);
  return { level: aged.level, severity: aged.severity, ageMs: view.ageMs === undefined ? undefined : view.ageMs + elapsed };
}

/** `42s`, `3m 05s`, `2h 07m`, `3d 4h`: the shared wording, so the CLI prints the same ages. */
export function formatDuration(ms: number): string {
  return wording.formatDuration(ms);
}

/** `5m ago`, for free sessions' last update. */
export function formatRelative(timestampMs: number | undefined, now: number): string | undefined {
  if (timestampMs === undefined || !Number.isFinite(timestampMs)) return undefined;
  const ms = now - timestampMs;
  if (ms < 0) return 'just now';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

/**
 * A row's age: seconds for the first minute (a waiter's timeout is measured in them), then
 * whole minutes. A row whose text changes is redrawn, and a redraw closes its tooltip, so a
 * per-second age would keep the tooltip of any lock older than a minute from ever showing.
 */
export function formatRowAge(ms: number): string {
  return wording.formatCoarseAge(ms);
}

/**
 * The row's description for a locked item, most important first, because a narrow side
 * bar cuts it from the end: `stale · dead-pid · 22m · pid 4242`. The level says what to
 * do, the reasons why (at every level that has them), then the age and the holder; the
 * tooltip has all of it in full.
 */
export function describeLock(view: LockView, moment: LockMoment, failedMessages?: number, t: Translate = untranslated): string {
  const parts = [LEVEL_PRESENTATION[moment.level].label];
  // Right after the level: what the lock costs is the next thing to know.
  if (failedMessages !== undefined && failedMessages > 0) parts.push(failedCell(failedMessages, t));
  if (view.reasons.length > 0) parts.push(view.reasons.join(', '));
  if (moment.ageMs !== undefined) parts.push(formatRowAge(moment.ageMs));
  if (view.pid !== undefined) parts.push(`pid ${view.pid}`);
  return parts.join(' · ');
}

export function describeFreeSession(session: SessionInfo, now: number): string {
  const parts: string[] = [];
  if (session.channel) parts.push(session.channel);
  else if (session.chatType) parts.push(session.chatType);
  const updated = formatRelative(session.updatedAt ?? session.mtimeMs, now);
  if (updated) parts.push(updated);
  return parts.join(' · ');
}

const MAX_SHOWN_CHARS = 400;

/** A value from a lock file, a store or /proc, shown verbatim but bounded. */
export function clip(value: string, max = MAX_SHOWN_CHARS): string {
  const flat = value.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}… (${flat.length - max} more characters)` : flat;
}

/**
 * Escapes every character Markdown could give meaning to, so text from a lock file, a
 * session store or a command line renders as plain text: no links, no command links, no
 * HTML, no emphasis, no theme icons.
 */
export function escapeMarkdown(value: string): string {
  return clip(value).replace(/[\\`*_{}[\]()<>#+\-.!|~$&:"'=]/g, (c) => `\\${c}`);
}

function row(name: string, value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : `${name}: ${escapeMarkdown(value)}`;
}

/**
 * The tooltip as Markdown text, every value escaped. The caller must still wrap it in an
 * untrusted MarkdownString (isTrusted false, supportHtml false): two independent guards.
 */
export function lockTooltipMarkdown(
  title: string,
  view: LockView,
  moment: LockMoment,
  extra: { sessionKey?: string; transcriptPath?: string; kind?: 'orphan' | 'store'; failures?: string; lastError?: string; stuck?: string } = {},
): string {
  const presentation = LEVEL_PRESENTATION[moment.level];
  const heading =
    extra.kind === 'orphan' ? 'Orphan lock file' : extra.kind === 'store' ? 'Session store lock (sessions.json.lock)' : undefined;
  const lines: (string | undefined)[] = [
    `**${escapeMarkdown(title)}**`,
    heading,
    `Lock: **${escapeMarkdown(presentation.label)}**`,
    // The sentence itself, bold: "7 messages failed since 14:20 because of this lock".
    extra.failures === undefined ? undefined : `**${escapeMarkdown(extra.failures)}**`,
    row('Last error', extra.lastError),
    row('OpenClaw', extra.stuck),
    row('Session key', extra.sessionKey),
    row('Holder pid', view.pid === undefined ? undefined : String(view.pid)),
    row('Owner alive', view.inspection.owner ? String(view.inspection.owner.alive) : undefined),
    row('Command line', view.commandLine),
    row('Created at', view.createdAt),
    // The row's own precision: the tooltip is rebuilt exactly when the row's text changes.
    row('Age', moment.ageMs === undefined ? undefined : formatRowAge(moment.ageMs)),
    row('maxHoldMs', view.maxHoldMs === undefined ? undefined : String(view.maxHoldMs)),
    row('Stale reasons', view.reasons.length > 0 ? view.reasons.join(', ') : undefined),
    row('Provably stale', moment.level === 'stale' ? String(view.inspection.reclaimable) : undefined),
    row('Problem', view.inspection.problem),
    row('Transcript', extra.transcriptPath),
    row('Lock file', view.lockPath),
  ];
  // Two trailing spaces: a Markdown line break without any HTML.
  return lines.filter((line): line is string => line !== undefined).join('  \n');
}

export function sessionTooltipMarkdown(session: SessionInfo, now: number): string {
  const lines: (string | undefined)[] = [
    `**${escapeMarkdown(session.title)}**`,
    'Lock: **free**',
    row('Session key', session.key),
    row('Session id', session.sessionId),
    row('Channel', session.channel),
    row('Chat type', session.chatType),
    row('Updated', formatRelative(session.updatedAt, now)),
    row('Total tokens', session.totalTokens === undefined ? undefined : String(session.totalTokens)),
    row('Compactions', session.compactionCount === undefined ? undefined : String(session.compactionCount)),
    row('Size', session.sizeBytes === undefined ? undefined : formatBytes(session.sizeBytes)),
    row('Transcript', session.transcriptPath + (session.transcriptExists ? '' : ' (missing)')),
  ];
  for (const problem of session.problems) lines.push(row('Problem', problem.message));
  return lines.filter((line): line is string => line !== undefined).join('  \n');
}

/** `1.5 KB`, `3.4 MB`: the shared wording, so sizes read the same in the CLI. */
export function formatBytes(bytes: number): string {
  return wording.formatBytes(bytes);
}

/** Plain-text lock details for the clipboard (Copy Lock Details). */
export function lockDetailsText(title: string, view: LockView, moment: LockMoment): string {
  const lines = [
    `Session: ${title}`,
    `Lock file: ${view.lockPath}`,
    `State: ${moment.level} (${view.inspection.state})`,
    view.pid !== undefined ? `Holder pid: ${view.pid}` : undefined,
    view.inspection.owner ? `Owner alive: ${view.inspection.owner.alive}` : undefined,
    view.commandLine ? `Command line: ${clip(view.commandLine, 2000)}` : undefined,
    view.createdAt ? `createdAt: ${view.createdAt}` : undefined,
    moment.ageMs !== undefined ? `Age: ${formatDuration(moment.ageMs)} (${Math.round(moment.ageMs)} ms)` : undefined,
    view.maxHoldMs !== undefined ? `maxHoldMs: ${view.maxHoldMs}` : undefined,
    `Stale reasons: ${view.reasons.length > 0 ? view.reasons.join(', ') : 'none'}`,
    `Provably stale: ${view.inspection.reclaimable}`,
    view.inspection.problem ? `Problem: ${view.inspection.problem}` : undefined,
    view.inspection.raw ? `Payload: ${clip(view.inspection.raw.toString('utf8'), 4000)}` : undefined,
  ];
  return lines.filter((line): line is string => line !== undefined).join('\n');
}
