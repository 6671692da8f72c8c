// `status` for a SQLite-era state dir (OpenClaw 2026.8+): every session with what blocks it,
// in this era's words, and OpenClaw's own remedy for each as a ready-to-run command.
import { gradeSnapshot, findingsOf, needsAttention, type Finding, type LockThresholds, type SessionInfo, type SessionsSnapshot } from '../sessions';
import { explainFinding, findingLabel, remedyLabel, type FindingWords } from '../wording/findings';
import { countOf } from '../wording/format';
import { fitTable, indentedBlock, labelled, paintSeverity, wrap, type Palette } from './format';
import { formatDuration } from '../wording/format';
import { sessionName } from './resolve';
import { commandBlock, shellQuote } from './shell';

export function findingWords(f: Finding, now: number): FindingWords {
  const words: FindingWords = { kind: f.kind, facts: f.facts };
  if (f.sessionKey !== undefined) words.sessionKey = f.sessionKey;
  if (f.agentId !== undefined) words.agentId = f.agentId;
  if (f.since !== undefined) words.ageMs = Math.max(0, now - f.since);
  return words;
}

/** Who a finding is about: "main Ops Discord (agent:main:discord:ops)", "agent main", "state dir". */
export function findingSubject(snapshot: SessionsSnapshot, f: Finding): string {
  if (f.sessionKey !== undefined) {
    const session = snapshot.agents.find((a) => a.id === f.agentId)?.sessions.find((s) => (s.key ?? s.sessionId) === f.sessionKey);
    return `${f.agentId} ${session ? sessionName(session) : f.sessionKey}`;
  }
  return f.agentId !== undefined ? `agent ${f.agentId}` : 'state dir';
}

/**
 * An OpenClaw command as shell words, aimed at the state dir this run looked at: a `--state-dir`
 * given here becomes OpenClaw's own OPENCLAW_STATE_DIR, so the command acts where status looked.
 */
export function openclawCommandWords(snapshot: SessionsSnapshot, command: string[]): string[] {
  const words = command.map(shellQuote);
  return snapshot.resolution.source === 'explicit' ? [`OPENCLAW_STATE_DIR=${shellQuote(snapshot.resolution.stateDir)}`, ...words] : words;
}

export function leftoverCount(snapshot: SessionsSnapshot): number {
  return snapshot.agents.reduce((n, a) => n + (a.leftoverLocks?.length ?? 0), 0);
}

export interface SqliteRenderOptions {
  now: number;
  all: boolean;
  thresholds: LockThresholds;
  palette: Palette;
  width: number;
  commandToRun: (args: string[]) => string[];
}

export function renderSqliteSessions(snapshot: SessionsSnapshot, options: SqliteRenderOptions): string[] {
  const { palette, width, now } = options;
  const findings = gradeSnapshot(snapshot, options.thresholds, now).findings;
  const lines: string[] = [];
  const rows: string[][] = [];
  for (const agent of snapshot.agents) {
    for (const session of agent.sessions) {
      const own = findingsOf(findings, session);
      if (!options.all && !own.some((f) => f.severity !== 'none')) continue;
      const top = own[0];
      const state = top ? paintSeverity(palette, top.severity, findingLabel(findingWords(top, now))) : session.sqlite?.row.status ?? 'idle';
      rows.push([agent.id, sessionName(session), state, session.sqlite?.row.queued ? String(session.sqlite.row.queued) : '-', top ? explainFinding(findingWords(top, now)) : 'nothing blocks it']);
    }
  }
  if (rows.length === 0) {
    const sessions = snapshot.agents.reduce((n, a) => n + a.sessions.length, 0);
    const unread = snapshot.agents.filter((a) => a.database?.failure);
    lines.push(unread.length > 0
      ? `Sessions of ${unread.map((a) => a.id).join(', ')} could not be read (see below).`
      : sessions > 0 ? `Nothing blocks any of the ${countOf(sessions, 'session')}.` : 'No sessions yet.');
  } else {
    const head = ['AGENT', options.all ? 'SESSION' : 'BLOCKED SESSION', 'STATE', 'QUEUED', 'WHAT IT MEANS'].map((h) => palette.bold(h));
    lines.push(...fitTable([head, ...rows], { width, shrinkColumn: 1 }));
  }
  const general = findings.filter((f) => f.sessionKey === undefined && f.severity !== 'none');
  if (general.length > 0) {
    lines.push('');
    for (const f of general) {
      lines.push(...indentedBlock(`${paintSeverity(palette, f.severity, findingLabel(findingWords(f, now)))}  ${findingSubject(snapshot, f)}`, [explainFinding(findingWords(f, now))], 2, width));
    }
  }
  const attention = findings.filter((f) => needsAttention(f.severity) && f.remedies.length > 0);
  for (const f of attention.slice(0, 10)) {
    lines.push('', ...wrap(palette.bold(`${findingSubject(snapshot, f)}: ${findingLabel(findingWords(f, now))}`), width));
    for (const remedy of f.remedies) {
      lines.push(...wrap(`${remedyLabel(remedy)}${remedy.command ? ':' : '.'}`, width - 2).map((line) => `  ${line}`));
      if (remedy.command) lines.push(...commandBlock(openclawCommandWords(snapshot, remedy.command), 4, width));
    }
  }
  const leftovers = leftoverCount(snapshot);
  if (leftovers > 0) {
    lines.push('', ...wrap(palette.dim(`${countOf(leftovers, 'leftover .jsonl.lock file')} from before the upgrade: inert (no 2026.8+ code reads them), not counted. Remove ${leftovers === 1 ? 'it' : 'them'} safely with:`), width));
    lines.push(...commandBlock(options.commandToRun(['clear-stale', '--leftovers']), 2, width));
  }
  return lines;
}

export function findingToJson(snapshot: SessionsSnapshot, f: Finding, now: number): Record<string, unknown> {
  const words = findingWords(f, now);
  return {
    id: f.id,
    kind: f.kind,
    severity: f.severity,
    agentId: f.agentId,
    sessionKey: f.sessionKey,
    subject: findingSubject(snapshot, f),
    label: findingLabel(words),
    explanation: explainFinding(words),
    since: f.since !== undefined ? new Date(f.since).toISOString() : undefined,
    ageMs: words.ageMs,
    facts: f.facts,
    remedies: f.remedies.map((r) => ({ action: r.action, label: remedyLabel(r), command: r.command ? openclawCommandWords(snapshot, r.command).join(' ') : undefined, rpc: r.rpc, gatewayMustBeStopped: r.gatewayMustBeStopped })),
  };
}

/** `inspect` of a SQLite-era session: its row, what blocks it, and OpenClaw's remedies. */
export function inspectSqliteSession(snapshot: SessionsSnapshot, session: SessionInfo, options: SqliteRenderOptions): { lines: string[]; json: Record<string, unknown>; attention: boolean } {
  const { now, width, palette } = options;
  const row = session.sqlite!.row;
  const findings = findingsOf(gradeSnapshot(snapshot, options.thresholds, now).findings, session);
  const at = (ms: number | undefined) => (ms !== undefined ? new Date(ms).toISOString() : undefined);
  const rows: [string, string][] = [['Session', sessionName(session)], ['Agent', session.agentId], ['Id', row.sessionId], ['Database', session.sqlite!.databasePath]];
  rows.push(['Status', row.status ?? 'never run']);
  if (row.activeWriterRunId) rows.push(['Writer run', `${row.activeWriterRunId}${row.status === 'running' ? ' (active)' : ' (last claim; a new run overwrites it)'}`]);
  if (row.startedAt !== undefined) rows.push(['Run started', `${at(row.startedAt)} (${formatDuration(Math.max(0, now - row.startedAt))} ago)`]);
  if (row.lastActivityAt !== undefined) rows.push(['Last activity', at(row.lastActivityAt)!]);
  rows.push(['Queued', `${row.queued}${row.oldestQueuedAt !== undefined ? ` (oldest ${formatDuration(Math.max(0, now - row.oldestQueuedAt))} ago)` : ''}, interrupted ${row.interrupted}`]);
  if (row.channel) rows.push(['Channel', row.channel]);
  if (row.tombstone) rows.push(['Tombstone', row.tombstone.reason ?? 'set']);
  if (row.abortedLastRun) rows.push(['Last run', 'aborted']);
  const lines = labelled(rows, width);
  if (findings.length === 0) lines.push('', 'Nothing blocks it.');
  for (const f of findings) {
    lines.push('', ...indentedBlock(`${paintSeverity(palette, f.severity, findingLabel(findingWords(f, now)))}`, [explainFinding(findingWords(f, now))], 2, width));
    for (const remedy of f.remedies) {
      lines.push(...wrap(`${remedyLabel(remedy)}${remedy.command ? ':' : '.'}`, width - 2).map((line) => `  ${line}`));
      if (remedy.command) lines.push(...commandBlock(openclawCommandWords(snapshot, remedy.command), 4, width));
    }
  }
  const json = { agentId: session.agentId, kind: 'sqlite-session', session: { ...row, title: session.title, databasePath: session.sqlite!.databasePath }, findings: findings.map((f) => findingToJson(snapshot, f, now)) };
  return { lines, json, attention: findings.some((f) => needsAttention(f.severity)) };
}
