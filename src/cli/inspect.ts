// `openclaw-locks inspect <query>`: everything known about one lock.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { inspectLock } from '../lock';
import { lockViewFrom, needsAttention, scanStateDir, type FoundLock } from '../sessions';
import { resolutionProblem, resolveSession, type Target } from './resolve';
import { containerNote, explainReason, lockToJson, verdict } from './describe';
import { formatAge, formatBytes, labelled, paintSeverity, unbreakable, wrap } from './format';
import { commandBlock } from './shell';
import { inspectSqliteSession } from './sqlite-status';
import { failureCountJson } from '../logs';
import { stuckText } from '../wording/failures';
import { LOG_FILE_OPTION, entryFailures, entryFailuresText, readCliFailures, summaryLine } from './failures';
import { EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, UsageError, registerCommand, type CliContext } from './command-table';

/** A process's command line can run to kilobytes; --json has all of it. */
function clipped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters in --json)`;
}

/** What to do about this lock, with the complete command when there is one. */
function nextStep(ctx: CliContext, found: FoundLock): string[] {
  const v = found.view;
  const block = (words: string[]) => commandBlock(words, 2, ctx.width);
  switch (v.level) {
    case 'stale': return [...wrap('Safe to remove; this removes it and every other provably stale lock:', ctx.width), ...block(ctx.commandToRun(['clear-stale']))];
    case 'held-too-long':
    case 'suspect':
      // A suspect lock's owner may be alive out of sight (another namespace or host): force only.
      return v.pid !== undefined && (v.inspection.owner?.alive || v.level === 'suspect')
        ? [
          ...wrap(`If pid ${v.pid} is stuck, stop it, or remove its lock (the owner may then write without the lock) with:`, ctx.width),
          ...block(ctx.commandToRun(['clear-stale', '--force', v.lockPath, '--pid', String(v.pid)])),
        ]
        : [];
    case 'initialising': return ['The lock is being written; look again in a few seconds.'];
    default: return [];
  }
}

registerCommand({
  name: 'inspect',
  summary: 'Everything known about one lock: owner, payload, age, reasons, file identity.',
  usage: 'inspect <session> [--json]',
  description: [
    '<session> is a key (agent:main:main), a session id or its first 4+ characters, a session\'s name',
    '("Team Telegram"), a transcript path or a lock path. When several sessions match, they are listed.',
    'Exit code: 0 when the lock needs no attention, 1 when it does, 2 when nothing (or more than one) matches.',
  ].join('\n'),
  allowPositionals: true,
  options: { ...LOG_FILE_OPTION },
  examples: ['openclaw-locks inspect agent:main:main', 'openclaw-locks inspect "Team Telegram"', 'openclaw-locks inspect 51103780', 'openclaw-locks inspect ~/.openclaw/agents/main/sessions/abc.jsonl.lock --json'],
  async run(ctx: CliContext): Promise<number> {
    const query = ctx.positionals[0];
    if (!query) throw new UsageError('inspect needs a session: a key (agent:main:main), an id or its start, a name, a transcript path or a lock path.');
    if (ctx.positionals.length > 1) throw new UsageError(`inspect takes one session, got ${ctx.positionals.length} arguments (quote a name with spaces: "Team Telegram").`);
    const snapshot = await scanStateDir(ctx.scanOptions);
    const resolution = resolveSession(snapshot, query);
    let found: Target | undefined = resolution.kind === 'found' ? resolution.target : undefined;
    if (resolution.kind === 'none' && query.endsWith('.lock') && existsSync(query)) {
      // A lock outside the state dir (another profile): judge it alone.
      const inspection = await inspectLock(path.resolve(query));
      found = { agent: { id: '-', sessionsDir: path.dirname(path.resolve(query)), layout: 'jsonl', sessions: [], orphanLocks: [], sideFiles: [], problems: [] }, view: lockViewFrom(inspection, ctx.thresholds), sessions: [], kind: 'orphan' };
    }
    if (!found) {
      ctx.err(resolutionProblem(resolution, query, snapshot.resolution.stateDir)!);
      return EXIT_ERROR;
    }
    if (!found.view) {
      const result = inspectSqliteSession(snapshot, found.sessions[0], { now: Date.now(), all: false, thresholds: ctx.thresholds, palette: ctx.palette, width: ctx.width, commandToRun: ctx.commandToRun });
      const code = result.attention ? EXIT_ATTENTION : EXIT_OK;
      if (ctx.json) ctx.out(JSON.stringify({ ...result.json, exitCode: code }, null, 2));
      else for (const line of result.lines) ctx.out(line);
      return code;
    }
    const v = found.view;
    const exitCode = needsAttention(v.severity) ? EXIT_ATTENTION : EXIT_OK;
    const failures = await readCliFailures(ctx, snapshot);
    const failedEntry = { view: v, session: found.sessions[0] };
    const now = Date.now();
    if (ctx.json) {
      ctx.out(JSON.stringify({
        agentId: found.agent.id,
        kind: found.kind,
        sessions: found.sessions.map((s) => ({ key: s.key, sessionId: s.sessionId, title: s.title, label: s.label, displayName: s.displayName, transcriptPath: s.transcriptPath, transcriptExists: s.transcriptExists, sizeBytes: s.sizeBytes, updatedAt: s.updatedAt })),
        lock: lockToJson(v),
        failures: failures
          ? { logFile: failures.file, logFound: failures.found, since: new Date(failures.tally.since).toISOString(), ...(failureCountJson(entryFailures(failures.tally, failedEntry)) ?? { count: 0 }) }
          : undefined,
        exitCode,
      }, null, 2));
      return exitCode;
    }
    const i = v.inspection;
    const rows: [string, string][] = [
      ['Lock', unbreakable(v.lockPath)],
      ['Agent', found.agent.id],
      ['Kind', found.kind === 'session' ? 'session lock' : found.kind === 'store' ? 'sessions.json lock (releases up to 2026.4.x)' : 'lock with no session'],
    ];
    for (const s of found.sessions) {
      const name = s.label ?? s.displayName;
      if (name !== undefined && name !== s.key) rows.push(['Session', name]);
      rows.push(['Key', s.key ?? '(not in sessions.json)']);
      rows.push(['Id', s.sessionId]);
      rows.push(['Transcript', `${unbreakable(s.transcriptPath)} (${s.transcriptExists ? formatBytes(s.sizeBytes) : 'missing'})`]);
    }
    rows.push(['State', `${paintSeverity(ctx.palette, v.severity, v.level)} (core state: ${i.state}${i.reclaimable ? ', reclaimable' : ''})`]);
    rows.push(['Verdict', verdict(v)]);
    if (v.pid !== undefined) {
      const o = i.owner;
      const alive = o ? (o.alive ? 'alive' : 'not running') : 'not checked';
      rows.push(['Owner', `pid ${v.pid}, ${alive}${o?.isSelf ? ' (this process)' : ''}${containerNote(v)}`]);
      if (o?.startedAtMs !== undefined) rows.push(['Started', new Date(o.startedAtMs).toISOString()]);
      if (o?.starttime !== undefined) rows.push(['Start time', `${o.starttime}${o.starttimeMatches === false ? ` (lock says ${String(i.payload?.starttime)}: recycled pid)` : o.starttimeMatches ? ' (matches the lock)' : ''}`]);
      if (v.commandLine) rows.push(['Command', `${clipped(v.commandLine, 3 * ctx.width)}${o?.isOpenClaw === false ? ' (not OpenClaw)' : ''}`]);
    }
    if (v.createdAt !== undefined) rows.push(['Created', v.createdAt]);
    if (v.ageMs !== undefined) rows.push(['Age', formatAge(v.ageMs)]);
    if (v.maxHoldMs !== undefined) rows.push(['Max hold', formatAge(v.maxHoldMs)]);
    for (const reason of v.reasons) rows.push(['Reason', `${reason}: ${explainReason(reason, v)}`]);
    if (i.problem) rows.push(['Problem', i.problem]);
    if (i.identity) rows.push(['File', `dev ${i.identity.dev} ino ${i.identity.ino}, ${i.identity.size} bytes, modified ${formatAge(i.fileAgeMs)} ago`]);
    if (i.raw) rows.push(['Payload', JSON.stringify(i.raw.toString('utf8'))]);
    if (failures) {
      const failed = entryFailures(failures.tally, failedEntry);
      rows.push(['Failures', failed ? entryFailuresText(failures.tally, failedEntry, now)! : summaryLine(failures, now)]);
      if (failed) rows.push(['Last error', `${failed.lastError} (OpenClaw's log: ${unbreakable(failures.file)})`]);
      for (const s of found.sessions) {
        const stuck = s.key !== undefined ? failures.tally.stuck.get(s.key) : undefined;
        if (stuck) rows.push(['Stuck', stuckText(stuck, now)]);
      }
    }
    for (const line of labelled(rows, ctx.width)) ctx.out(line);
    const step = nextStep(ctx, found);
    if (step.length > 0) {
      ctx.out('');
      for (const line of step) ctx.out(line);
    }
    return exitCode;
  },
});
