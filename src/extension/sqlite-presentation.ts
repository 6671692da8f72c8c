// How the SQLite era (OpenClaw 2026.8+) looks in the view: icons, row words, contextValues and
// tooltips of sessions and findings. Pure (no `vscode`, no disk), so node --test covers it; the
// words themselves come from src/wording/findings.ts, through the caller's `t` (vscode.l10n.t).
import type { Finding, Remedy, SessionInfo, SessionsSnapshot, Severity } from '../sessions/types';
import { eraName, explainFinding, findingLabel, remedyLabel, type FindingWords } from '../wording/findings';
import { untranslated, type Translate } from '../wording/locks';
import { formatCoarseAge } from '../wording/format';
import { escapeMarkdown, formatBytes, formatRelative } from './lock-presentation';

export interface FindingPresentation {
  icon: string;
  color?: string;
}

const SEVERITY_COLOR: Readonly<Record<Severity, string | undefined>> = {
  error: 'list.errorForeground',
  warning: 'list.warningForeground',
  info: 'charts.blue',
  none: undefined,
};

/** The codicon of each kind; the colour follows the severity, which ticks with the age. */
const KIND_ICON: Readonly<Record<string, string>> = {
  'run-active': 'play-circle',
  'run-hung': 'watch',
  'run-orphaned': 'debug-disconnect',
  tombstone: 'circle-slash',
  'queue-stalled': 'inbox',
  'initialization-pending': 'loading~spin',
  archived: 'archive',
  'maintenance-lease': 'tools',
  'database-held-open': 'plug',
  'database-busy': 'clock',
  'database-unreadable': 'error',
  'wal-large': 'database',
  'migration-pending': 'arrow-swap',
  'owner-lock-dead': 'debug-disconnect',
  'no-sqlite-reader': 'warning',
};

export function findingPresentation(f: Pick<Finding, 'kind' | 'severity'>): FindingPresentation {
  const color = SEVERITY_COLOR[f.severity];
  return { icon: KIND_ICON[f.kind] ?? 'info', ...(color ? { color } : {}) };
}

/**
 * A finding as the wording layer takes it, its age at `now` (ages tick from `since`), in whole
 * minutes past the first: a row whose text changes is redrawn, and a redraw closes its tooltip.
 */
export function findingWords(f: Finding, now: number): FindingWords {
  const words: FindingWords = { kind: f.kind, facts: f.facts, coarse: true };
  if (f.sessionKey !== undefined) words.sessionKey = f.sessionKey;
  if (f.agentId !== undefined) words.agentId = f.agentId;
  if (f.since !== undefined) words.ageMs = Math.max(0, now - f.since);
  else if (typeof f.facts.ageMs === 'number') words.ageMs = f.facts.ageMs;
  return words;
}

/** Findings worth a badge, a colour and an alert: the rest (a run under the thresholds, an archive) are information. */
export function countsAsAttention(f: Pick<Finding, 'severity'>): boolean {
  return f.severity === 'warning' || f.severity === 'error';
}

/**
 * The state words a session row's contextValue carries, so menus offer only what applies:
 * `running` (any live run: Abort), `hung`, `interrupted` (left by a dead gateway), `tombstone`
 * (Recover), `queued`, `archived`, `initialising`, else `idle`.
 */
export function sqliteStates(findings: readonly Finding[], session: SessionInfo): string[] {
  const states = new Set<string>();
  for (const f of findings) {
    if (f.kind === 'run-active') states.add('running');
    else if (f.kind === 'run-hung') { states.add('running'); states.add('hung'); }
    else if (f.kind === 'run-orphaned') states.add('interrupted');
    else if (f.kind === 'tombstone') states.add('tombstone');
    else if (f.kind === 'queue-stalled') states.add('queued');
    else if (f.kind === 'archived') states.add('archived');
    else if (f.kind === 'initialization-pending') states.add('initialising');
  }
  if ((session.sqlite?.row.queued ?? 0) > 0) states.add('queued');
  return states.size > 0 ? [...states] : ['idle'];
}

/** `sqliteSession.running.hung.queued`, `sqliteSession.tombstone`, `sqliteSession.idle`. */
export function sqliteSessionContextValue(findings: readonly Finding[], session: SessionInfo): string {
  return `sqliteSession.${sqliteStates(findings, session).join('.')}`;
}

/** A remedy this extension cannot run for the user: OpenClaw runs it only with the gateway stopped. */
export function commandRemedies(f: Finding): Remedy[] {
  return f.remedies.filter((r) => r.command !== undefined && r.gatewayMustBeStopped === true);
}

/** `finding.wal-large.command`: the kind, and `.command` when a ready command can be copied. */
export function findingContextValue(f: Finding): string {
  return `finding.${f.kind}${commandRemedies(f).length > 0 ? '.command' : ''}`;
}

/** The shell words of a remedy, aimed at the state dir the view shows (OpenClaw's own variable). */
export function remedyCommandLine(snapshot: Pick<SessionsSnapshot, 'resolution'>, remedy: Remedy): string {
  const words = (remedy.command ?? []).map(shellQuote);
  return snapshot.resolution.source === 'default' ? words.join(' ') : [`OPENCLAW_STATE_DIR=${shellQuote(snapshot.resolution.stateDir)}`, ...words].join(' ');
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A session row's description, most important first (a narrow side bar cuts the end):
 * `hung 7m · 3 queued · discord · 2m ago`. An idle session shows its channel and last activity.
 */
export function sqliteSessionDescription(session: SessionInfo, findings: readonly Finding[], now: number, t: Translate = untranslated): string {
  const parts: string[] = [];
  const row = session.sqlite?.row;
  const top = findings[0];
  if (top) parts.push(findingLabel(findingWords(top, now), t));
  if (row && row.queued > 0 && top?.kind !== 'queue-stalled') parts.push(t('{0} queued', row.queued));
  if (row && row.interrupted > 0) parts.push(t('{0} interrupted', row.interrupted));
  const channel = session.channel ?? row?.channel ?? session.chatType;
  if (channel) parts.push(channel);
  const last = formatRelative(row?.lastActivityAt ?? session.updatedAt, now);
  if (last) parts.push(last);
  return parts.join(' · ');
}

function line(name: string, value: string | number | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : `${name}: ${escapeMarkdown(String(value))}`;
}

function remedyLines(snapshot: Pick<SessionsSnapshot, 'resolution'>, findings: readonly Finding[], t: Translate): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    for (const r of f.remedies) {
      const label = remedyLabel(r, t);
      if (seen.has(label)) continue;
      seen.add(label);
      lines.push(r.command ? `- ${escapeMarkdown(label)}: ${escapeMarkdown(remedyCommandLine(snapshot, r))}` : `- ${escapeMarkdown(label)}`);
    }
  }
  return lines.length > 0 ? ['', `**${escapeMarkdown(t('What to do'))}**`, ...lines] : [];
}

/**
 * A SQLite-era session's tooltip as Markdown, every value escaped; the caller still wraps it
 * in an untrusted MarkdownString.
 */
export function sqliteSessionTooltip(snapshot: Pick<SessionsSnapshot, 'resolution'>, session: SessionInfo, findings: readonly Finding[], now: number, t: Translate = untranslated): string {
  const row = session.sqlite?.row;
  const top = findings[0];
  const run = findings.find((f) => f.kind === 'run-active' || f.kind === 'run-hung' || f.kind === 'run-orphaned');
  const lines: (string | undefined)[] = [
    `**${escapeMarkdown(session.title)}**`,
    line(t('Status'), top ? findingLabel(findingWords(top, now), t) : row?.status ?? t('idle')),
    line(t('Session key'), session.key),
    line(t('Session id'), session.sessionId),
    line(t('Run id'), row?.activeWriterRunId),
    // The status already says the run's age when the run is what it is about.
    line(t('Run age'), run && run !== top && run.since !== undefined ? formatCoarseAge(Math.max(0, now - run.since)) : undefined),
    line(t('Queued messages'), row && row.queued > 0 ? row.queued : undefined),
    line(t('Interrupted messages'), row && row.interrupted > 0 ? row.interrupted : undefined),
    line(t('Channel'), session.channel ?? row?.channel),
    line(t('Last activity'), formatRelative(row?.lastActivityAt ?? session.updatedAt, now)),
    line(t('Total tokens'), session.totalTokens),
    line(t('Database'), session.sqlite?.databasePath),
  ];
  // What it means comes right under the status, before the details: that is what a person hovers for.
  const [heading, status, ...details] = lines.filter((l): l is string => l !== undefined);
  const out = [heading!, ...(status ? [status] : [])];
  for (const f of findings) out.push('', escapeMarkdown(explainFinding(findingWords(f, now), t)));
  if (findings.length === 0) out.push('', escapeMarkdown(t('Nothing blocks this session.')));
  out.push('', ...details);
  out.push(...remedyLines(snapshot, findings, t));
  // Two trailing spaces: a Markdown line break without any HTML.
  return out.join('  \n');
}

/** An agent-level or state-dir-level finding's row: its label, and who it is about. */
export function findingRowLabel(f: Finding, now: number, t: Translate = untranslated): string {
  return findingLabel(findingWords(f, now), t);
}

export function findingRowDescription(f: Finding, t: Translate = untranslated): string {
  if (f.kind === 'database-held-open') return t('pid {0}', String(f.facts.pid ?? '?'));
  if (f.kind === 'wal-large' || f.kind === 'database-unreadable' || f.kind === 'database-busy' || f.kind === 'no-sqlite-reader') {
    return typeof f.facts.path === 'string' ? f.facts.path.split(/[\\/]/).slice(-2).join('/') : '';
  }
  if (f.kind === 'migration-pending') return t('agents: {0}', String(f.facts.agents ?? ''));
  if (f.kind === 'owner-lock-dead') return t('pid {0}', String(f.facts.pid ?? '?'));
  if (f.kind === 'maintenance-lease') return String(f.facts.owner ?? '');
  return '';
}

export function findingTooltip(snapshot: Pick<SessionsSnapshot, 'resolution'>, f: Finding, now: number, t: Translate = untranslated): string {
  const out = [
    `**${escapeMarkdown(findingRowLabel(f, now, t))}**`,
    line(t('Agent'), f.agentId),
    line(t('Path'), typeof f.facts.path === 'string' ? f.facts.path : undefined),
    line(t('WAL size'), typeof f.facts.walBytes === 'number' ? formatBytes(f.facts.walBytes) : undefined),
    '',
    escapeMarkdown(explainFinding(findingWords(f, now), t)),
  ].filter((l): l is string => l !== undefined);
  out.push(...remedyLines(snapshot, [f], t));
  return out.join('  \n');
}

/** The view's description: "SQLite era · OpenClaw 2026.9.6", with the reader when it is a child. */
export function eraDescription(snapshot: Pick<SessionsSnapshot, 'era' | 'layout'>, t: Translate = untranslated): string | undefined {
  if (snapshot.layout !== 'sqlite') return undefined;
  const version = snapshot.era.version?.version;
  return version ? t('{0} · OpenClaw {1}', eraName('sqlite', undefined, t), version) : eraName('sqlite', undefined, t);
}

/** What the leftover group row says: inert, and from where. */
export function leftoversLabel(count: number, t: Translate = untranslated): string {
  return count === 1 ? t('1 leftover lock file') : t('{0} leftover lock files', count);
}

/**
 * A notification's sentence for a new error finding, whole per kind (no English spliced into
 * a translated template). Its age is said once: a notification's text does not tick.
 */
export function findingAlertMessage(subject: string, f: Finding, now: number, t: Translate = untranslated): string {
  const age = f.since !== undefined ? formatCoarseAge(Math.max(0, now - f.since)) : undefined;
  switch (f.kind) {
    case 'run-hung':
      return age ? t('{0}: a run has been hung for {1}; messages queue behind it.', subject, age) : t('{0}: a run is hung; messages queue behind it.', subject);
    case 'tombstone':
      return t('{0}: restart recovery gave up; the session refuses new messages until it is recovered.', subject);
    case 'queue-stalled':
      return t('{0}: {1} queued message(s) have not moved for {2}.', subject, typeof f.facts.queued === 'number' ? f.facts.queued : 0, age ?? '?');
    case 'wal-large':
      return t('{0}: the database\'s write-ahead log is {1}; OpenClaw\'s startup may hang until it is checkpointed.', subject, formatBytes(typeof f.facts.walBytes === 'number' ? f.facts.walBytes : 0));
    case 'migration-pending':
      return t('This OpenClaw will not start its gateway until the legacy session store is migrated (agents: {0}).', String(f.facts.agents ?? ''));
    case 'no-sqlite-reader':
      return t('{0}: the session database cannot be read here: no Node with node:sqlite was found. Set openclawSessions.nodePath.', subject);
    default:
      return t('{0}: {1}', subject, explainFinding(findingWords(f, now), t));
  }
}

/** The era row's description: whether the state dir's owner is alive ("gateway pid 4242 · port 18789"). */
export function eraRowDescription(snapshot: Pick<SessionsSnapshot, 'gateway'>, t: Translate = untranslated): string {
  const g = snapshot.gateway;
  if (!g.alive) return g.pid !== undefined ? t('gateway gone (pid {0})', g.pid) : t('gateway not running');
  const role = g.role && g.role !== 'gateway' ? g.role : undefined;
  const who = role ? t('{0} pid {1}', role, g.pid ?? '?') : t('gateway pid {0}', g.pid ?? '?');
  return g.port !== undefined ? t('{0} · port {1}', who, g.port) : who;
}

/** How the databases were read, for the era row's tooltip. */
export function readerWords(snapshot: Pick<SessionsSnapshot, 'sqlite'>, t: Translate = untranslated): string {
  const reader = snapshot.sqlite?.reader;
  if (!reader) return t('not read');
  if (reader.kind === 'in-process') return t('read-only, in this process (Node {0})', reader.nodeVersion);
  if (reader.kind === 'child') return t('read-only, by {0} (Node {1})', reader.nodePath, reader.nodeVersion);
  return t('not read: {0}', reader.reason);
}

export function eraTooltip(snapshot: Pick<SessionsSnapshot, 'era' | 'layout' | 'gateway' | 'sqlite' | 'resolution'>, t: Translate = untranslated): string {
  return [
    `**${escapeMarkdown(eraDescription(snapshot, t) ?? '')}**`,
    escapeMarkdown(t('OpenClaw 2026.8+ keeps sessions in SQLite and writes no session lock files: what blocks a session here is its run, its queue or its database.')),
    line(t('State dir'), snapshot.resolution.stateDir),
    line(t('Owner'), eraRowDescription(snapshot, t)),
    line(t('Databases'), readerWords(snapshot, t)),
  ].filter((l): l is string => l !== undefined).join('  \n');
}
