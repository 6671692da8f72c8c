// `openclaw-locks inspect <query>`: everything known about one lock.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { inspectLock } from '../lock';
import { findLock, lockViewFrom, needsAttention, scanStateDir, type FoundLock } from '../sessions';
import { containerNote, explainReason, lockToJson, verdict } from './describe';
import { formatAge, formatBytes, paintSeverity, table } from './format';
import { EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, UsageError, registerCommand, type CliContext } from './registry';

function nextStep(found: FoundLock): string | undefined {
  const v = found.view;
  switch (v.level) {
    case 'stale': return 'Safe to remove: `openclaw-locks clear-stale`.';
    case 'held-too-long':
    case 'suspect':
      // A suspect lock's owner may be alive out of sight (another namespace or host): force only.
      return v.pid !== undefined && (v.inspection.owner?.alive || v.level === 'suspect')
        ? `If the owner is stuck, stop it, or remove the lock with \`openclaw-locks clear-stale --force ${v.lockPath} --pid ${v.pid}\`.`
        : undefined;
    case 'initialising': return 'The lock is being written; look again in a few seconds.';
    default: return undefined;
  }
}

registerCommand({
  name: 'inspect',
  summary: 'Everything known about one lock: owner, payload, age, reasons, file identity.',
  usage: 'inspect <session-key | session-id | transcript-path | lock-path> [--json]',
  description: 'Exit code: 0 when the lock needs no attention, 1 when it does, 2 when nothing matches.',
  allowPositionals: true,
  examples: ['openclaw-locks inspect agent:main:main', 'openclaw-locks inspect ~/.openclaw/agents/main/sessions/abc.jsonl.lock --json'],
  async run(ctx: CliContext): Promise<number> {
    const query = ctx.positionals[0];
    if (!query) throw new UsageError('inspect needs a session key (agent:main:main), a session id, a transcript path or a lock path.');
    if (ctx.positionals.length > 1) throw new UsageError(`inspect takes one argument, got ${ctx.positionals.length}.`);
    const snapshot = await scanStateDir(ctx.scanOptions);
    let found = findLock(snapshot, query);
    if (!found && query.endsWith('.lock') && existsSync(query)) {
      // A lock outside the state dir (another profile): judge it alone.
      const inspection = await inspectLock(path.resolve(query));
      found = { agent: { id: '-', sessionsDir: path.dirname(path.resolve(query)), layout: 'jsonl', sessions: [], orphanLocks: [], sideFiles: [], problems: [] }, view: lockViewFrom(inspection, ctx.thresholds), sessions: [], kind: 'orphan' };
    }
    if (!found) {
      ctx.err(`Nothing matches "${query}" in ${snapshot.resolution.stateDir}. Give a session key (agent:main:main), a session id, a transcript path or a lock path; \`openclaw-locks status --all\` lists sessions.`);
      return EXIT_ERROR;
    }
    const v = found.view;
    const exitCode = needsAttention(v.severity) ? EXIT_ATTENTION : EXIT_OK;
    if (ctx.json) {
      ctx.out(JSON.stringify({
        agentId: found.agent.id,
        kind: found.kind,
        sessions: found.sessions.map((s) => ({ key: s.key, sessionId: s.sessionId, title: s.title, transcriptPath: s.transcriptPath, transcriptExists: s.transcriptExists, sizeBytes: s.sizeBytes, updatedAt: s.updatedAt })),
        lock: lockToJson(v),
        exitCode,
      }, null, 2));
      return exitCode;
    }
    const i = v.inspection;
    const rows: string[][] = [
      ['Lock', v.lockPath],
      ['Agent', found.agent.id],
      ['Kind', found.kind === 'session' ? 'session lock' : found.kind === 'store' ? 'sessions.json lock (releases up to 2026.4.x)' : 'lock with no session'],
    ];
    for (const s of found.sessions) {
      rows.push(['Session', `${s.key ?? '(not in sessions.json)'}  ${s.sessionId}${s.title !== (s.key ?? s.sessionId) ? `  "${s.title}"` : ''}`]);
      rows.push(['Transcript', `${s.transcriptPath} (${s.transcriptExists ? formatBytes(s.sizeBytes) : 'missing'})`]);
    }
    rows.push(['State', `${paintSeverity(ctx.palette, v.severity, v.level)} (core state: ${i.state}${i.reclaimable ? ', reclaimable' : ''})`]);
    rows.push(['Verdict', verdict(v)]);
    if (v.pid !== undefined) {
      const o = i.owner;
      const alive = o ? (o.alive ? 'alive' : 'not running') : 'not checked';
      rows.push(['Owner', `pid ${v.pid}, ${alive}${o?.isSelf ? ' (this process)' : ''}${containerNote(v)}`]);
      if (o?.startedAtMs !== undefined) rows.push(['Started', new Date(o.startedAtMs).toISOString()]);
      if (o?.starttime !== undefined) rows.push(['Start time', `${o.starttime}${o.starttimeMatches === false ? ` (lock says ${String(i.payload?.starttime)}: recycled pid)` : o.starttimeMatches ? ' (matches the lock)' : ''}`]);
      if (v.commandLine) rows.push(['Command', `${v.commandLine}${o?.isOpenClaw === false ? ' (not OpenClaw)' : ''}`]);
    }
    if (v.createdAt !== undefined) rows.push(['Created', v.createdAt]);
    if (v.ageMs !== undefined) rows.push(['Age', formatAge(v.ageMs)]);
    if (v.maxHoldMs !== undefined) rows.push(['Max hold', formatAge(v.maxHoldMs)]);
    for (const reason of v.reasons) rows.push(['Reason', `${reason}: ${explainReason(reason, v)}`]);
    if (i.problem) rows.push(['Problem', i.problem]);
    if (i.identity) rows.push(['File', `dev ${i.identity.dev} ino ${i.identity.ino}, ${i.identity.size} bytes, modified ${formatAge(i.fileAgeMs)} ago`]);
    if (i.raw) rows.push(['Payload', JSON.stringify(i.raw.toString('utf8'))]);
    for (const line of table(rows)) ctx.out(line);
    const step = nextStep(found);
    if (step) ctx.out(`\n${step}`);
    return exitCode;
  },
});
