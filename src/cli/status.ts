// `openclaw-locks status`: agents, every lock with owner, age and verdict, the gateway.
import { describeNestedHolder } from '../lock';
import { describeStateDirSource, allLocks, gradeLocks, gradeSnapshot, DEFAULT_THRESHOLDS, scanStateDir, needsAttention, withGatewayHealth, type LockEntry, type LockThresholds, type LockView, type SessionsSnapshot } from '../sessions';
import { countOf } from '../wording/format';
import { gatewayHealthPhrase } from '../wording/gateway';
import { PROBE_OPTIONS, gatewayJson, gatewayNeedsAttention, healthOptions } from './gateway';
import { attentionNeeded, entryName, entryToJson, unknownAgentsMessage, verdict } from './describe';
import { failureCountJson } from '../logs';
import { failedCell, storeFailuresText, stuckText } from '../wording/failures';
import { LOG_FILE_OPTION, byFailures, entryFailures, entryFailuresText, failuresJson, readCliFailures, summaryLine, type CliFailures } from './failures';
import { DEFAULT_WIDTH, fitTable, formatAge, indentedBlock, labelled, paintSeverity, unbreakable, wrap, type Palette } from './format';
import { sessionName } from './resolve';
import { commandBlock, commandWords } from './shell';
import { EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, registerCommand, type CliContext } from './command-table';
import { findingToJson, leftoverCount, renderSqliteSessions } from './sqlite-status';
import { eraName } from '../wording/findings';

const OWNER_ROLES: Record<string, string> = {
  'agent-embedded': '`openclaw agent --local`',
  'skill-workshop-apply': 'a skill workshop apply',
  'sqlite-maintenance': '`openclaw doctor` maintenance',
};

/** What the gateway's lock says. */
function gatewayLockWords(snapshot: SessionsSnapshot): string {
  const g = snapshot.gateway;
  if (!g.lockPath) {
    // Someone answers on the port, but no lock was found for this state dir (a release whose
    // lock lives elsewhere, or another state dir's gateway on the same port).
    if (snapshot.gatewayHealth?.probe?.live) return 'no gateway lock found for this state dir';
    return snapshot.era?.era === 'sqlite' ? 'not running (no owner lock in the state dir)' : 'not running (no gateway lock)';
  }
  if (g.role !== undefined) {
    const who = OWNER_ROLES[g.role] ?? `a ${g.role} process`;
    return g.alive ? `not running; the state dir is owned by ${who} (pid ${g.pid}) meanwhile` : `not running (the state dir's lock names ${who}, pid ${g.pid}, which is gone)`;
  }
  if (g.uncertain !== undefined) return `may be running (its lock names pid ${g.pid}: ${g.uncertain})`;
  const where = g.nested ? `, in a container: ${describeNestedHolder(g.nested)}` : '';
  if (g.alive) return `running (pid ${g.pid}${g.port !== undefined ? `, port ${g.port}` : ''}${where})`;
  return g.pid !== undefined ? `not running (its lock names pid ${g.pid}, which is gone)` : 'not running (unreadable gateway lock)';
}

/** `running (pid 4242, port 18789); answering /health in 3 ms, ready`: the lock, then the probe. */
export function gatewayLine(snapshot: SessionsSnapshot, now = Date.now()): string {
  const lock = gatewayLockWords(snapshot);
  const health = snapshot.gatewayHealth;
  return health ? `${lock}; ${gatewayHealthPhrase(health, now)}` : lock;
}

export function layoutLine(snapshot: SessionsSnapshot): string {
  const sessions = snapshot.agents.reduce((n, a) => n + a.sessions.length, 0);
  const locks = allLocks(snapshot).length;
  const counts = `${countOf(snapshot.agents.length, 'agent')}, ${countOf(sessions, 'session')}, ${countOf(locks, 'lock file')}`;
  switch (snapshot.layout) {
    case 'missing': return 'no state dir';
    case 'sqlite': {
      const leftovers = leftoverCount(snapshot);
      const era = snapshot.era ? eraName('sqlite', snapshot.era.version?.version) : 'SQLite era';
      const how = snapshot.era?.decidedBy === 'default' ? '' : snapshot.era?.version ? '' : ', from the agent databases';
      return `sqlite: ${era}${how}; sessions in SQLite, no session lock files (${countOf(snapshot.agents.length, 'agent')}, ${countOf(sessions, 'session')}${leftovers > 0 ? `, ${countOf(leftovers, 'leftover lock file')}` : ''})`;
    }
    case 'empty': return `empty: no sessions yet (${counts})`;
    case 'jsonl': return `jsonl (${counts})`;
  }
}

export interface RenderOptions {
  now: number;
  all: boolean;
  thresholds: LockThresholds;
  palette: Palette;
  /** Columns to fit into. Default 100. */
  width?: number;
  /** A printed command's quoted words (this run's --state-dir and thresholds repeated). */
  commandToRun?: (args: string[]) => string[];
  /** What OpenClaw's log says failed (undefined: not read). */
  failures?: CliFailures;
}

/** Lock entries as they are at `now` (ages tick from the scan time without rereading disk). */
export function entriesAt(snapshot: SessionsSnapshot, now: number, thresholds: LockThresholds): LockEntry[] {
  return gradeLocks(snapshot, thresholds, now);
}

function agentNotes(agent: SessionsSnapshot['agents'][number]): string {
  const notes = [agent.layout === 'missing' ? 'no sessions folder' : countOf(agent.sessions.length, 'session')];
  if (agent.layout === 'sqlite') notes.push('sqlite');
  if (agent.sideFiles.length > 0) notes.push(countOf(agent.sideFiles.length, 'side file'));
  if (agent.problems.length > 0) notes.push(countOf(agent.problems.length, 'problem'));
  return `${agent.id} (${notes.join(', ')})`;
}

/** Commands listed under a hint are capped: past this, `status --json` has every path. */
const LISTED_COMMANDS = 10;

/** Everything on disk that could not be read or understood: the state dir's, each agent's, each session's. */
function problemLines(snapshot: SessionsSnapshot, palette: Palette, width: number): string[] {
  const problems = [...snapshot.problems, ...snapshot.agents.flatMap((a) => [...a.problems, ...a.sessions.flatMap((s) => s.problems)])];
  if (problems.length === 0) return [];
  return ['', palette.bold('Problems'), ...problems.flatMap((p) => indentedBlock(`  ${p.path}`, [p.message], 4, width))];
}

export function renderStatus(snapshot: SessionsSnapshot, options: RenderOptions): string[] {
  const { palette } = options;
  const width = options.width ?? DEFAULT_WIDTH;
  const commandToRun = options.commandToRun ?? ((args: string[]) => commandWords(args));
  const lines: string[] = [];
  const r = snapshot.resolution;
  // One table, so every label lines up (`Agents` with `State dir`).
  const header: [string, string][] = [
    ['State dir', `${unbreakable(r.stateDir)} (${describeStateDirSource(r)})`],
    ['Layout', layoutLine(snapshot)],
    ['Gateway', gatewayLine(snapshot, options.now)],
  ];
  if (snapshot.agents.length > 0) header.push(['Agents', snapshot.agents.map(agentNotes).join('; ')]);
  if (snapshot.sqlite?.reader.kind === 'child') header.push(['Reader', `node:sqlite on ${snapshot.sqlite.reader.nodePath} (Node ${snapshot.sqlite.reader.nodeVersion}), read-only`]);
  if (options.failures) header.push(['Failures', summaryLine(options.failures, options.now)]);
  // 2026.8+ keeps sessions in SQLite: no lock rows, but its failed writes are in the log.
  for (const [agentId, count] of options.failures?.tally.storeWrites ?? []) header.push(['Store', storeFailuresText(agentId, count, options.now)]);
  // The gateway's own word for a session that stopped moving (both eras; 9.6 has no lock file to show).
  const stuck = [...(options.failures?.tally.stuck ?? [])].reverse();
  for (const [key, entry] of stuck.slice(0, LISTED_COMMANDS)) header.push(['Stuck', `${key}: ${stuckText(entry, options.now)}`]);
  if (stuck.length > LISTED_COMMANDS) header.push(['Stuck', `… and ${stuck.length - LISTED_COMMANDS} more (\`openclaw-locks status --json\` lists them)`]);
  const tally = options.failures?.tally;
  lines.push(...labelled(header, width));
  lines.push('');
  if (snapshot.layout === 'sqlite') {
    lines.push(...renderSqliteSessions(snapshot, { now: options.now, all: options.all, thresholds: options.thresholds, palette, width, commandToRun }));
    lines.push(...problemLines(snapshot, palette, width));
    return lines;
  }
  // A lock with failed messages behind it first: it is what costs the user now.
  const entries = byFailures(entriesAt(snapshot, options.now, options.thresholds), tally);
  const rows: string[][] = [];
  const failedNote = (view: LockView, session?: LockEntry['session']) => {
    const failed = entryFailures(tally, { view, session });
    return failed ? `; ${palette.red(failedCell(failed.count))}` : '';
  };
  const row = (agentId: string, name: string, view: LockView, age: string, session?: LockEntry['session']) =>
    [agentId, name, paintSeverity(palette, view.severity, view.level), view.pid?.toString() ?? '-', age, verdict(view) + (view.level === 'free' ? '' : failedNote(view, session))];
  if (options.all) {
    // Free locks do not age: a session's lock is its graded entry, or free as scanned.
    const graded = new Map(entries.map((e) => [e.view.lockPath, e.view]));
    for (const agent of snapshot.agents) {
      for (const s of agent.sessions) {
        // A JSONL-layout snapshot holds JSONL sessions only; the SQLite era's table is its own.
        if (s.sqlite) continue;
        const view = s.lock.level === 'free' ? s.lock : graded.get(s.lock.lockPath) ?? s.lock;
        rows.push(row(agent.id, sessionName(s), view, view.level === 'free' ? '-' : formatAge(view.ageMs), s));
      }
    }
    for (const e of entries.filter((e) => e.kind !== 'session')) rows.push(row(e.agent.id, entryName(e), e.view, formatAge(e.view.ageMs), e.session));
  } else {
    for (const e of entries) rows.push(row(e.agent.id, entryName(e), e.view, formatAge(e.view.ageMs), e.session));
  }
  if (rows.length === 0) {
    lines.push('No lock files: every session is free.');
  } else {
    const head = ['AGENT', options.all ? 'SESSION' : 'LOCKED SESSION', 'STATE', 'PID', 'AGE', 'VERDICT'].map((h) => palette.bold(h));
    lines.push(...fitTable([head, ...rows], { width, shrinkColumn: 1 }));
  }
  lines.push(...problemLines(snapshot, palette, width));
  const failing = entries.map((e) => [e, entryFailuresText(tally, e, options.now)] as const).filter(([, text]) => text !== undefined);
  if (failing.length > 0) {
    lines.push('', palette.bold('Failed messages (OpenClaw\'s log)'));
    for (const [e, text] of failing.slice(0, LISTED_COMMANDS)) lines.push(...wrap(`${entryName(e)}: ${text}`, width));
  }
  const stale = entries.filter((e) => e.view.level === 'stale');
  const over = entries.filter((e) => e.view.level !== 'stale' && needsAttention(e.view.severity));
  if (stale.length > 0) {
    lines.push('', ...wrap(palette.red(`${countOf(stale.length, 'stale lock')}: remove ${stale.length === 1 ? 'it' : 'them'} safely with this command (add --dry-run to preview):`), width));
    lines.push(...commandBlock(commandToRun(['clear-stale']), 2, width));
  }
  if (over.length > 0) {
    lines.push('', ...wrap(palette.yellow(`${countOf(over.length, 'lock')} need${over.length === 1 ? 's' : ''} attention; look at ${over.length === 1 ? 'it with this command' : 'each with these commands'}. If an owner is stuck, inspect prints the command that removes its lock.`), width));
    for (const e of over.slice(0, LISTED_COMMANDS)) lines.push(...commandBlock(commandToRun(['inspect', e.view.lockPath]), 2, width));
    if (over.length > LISTED_COMMANDS) lines.push(`  … and ${over.length - LISTED_COMMANDS} more (\`openclaw-locks status --json\` lists every lock path)`);
  }
  return lines;
}

export function statusJson(snapshot: SessionsSnapshot, exitCode: number, failures?: CliFailures, thresholds?: LockThresholds): Record<string, unknown> {
  return {
    stateDir: snapshot.resolution.stateDir,
    stateDirSource: snapshot.resolution.source,
    stateDirExists: snapshot.resolution.exists,
    layout: snapshot.layout,
    gateway: gatewayJson(snapshot),
    agents: snapshot.agents.map((a) => ({ id: a.id, layout: a.layout, sessionsDir: a.sessionsDir, sessions: a.sessions.length, sideFiles: a.sideFiles.length, problems: a.problems })),
    era: snapshot.era,
    locks: allLocks(snapshot).map((e) => ({ ...entryToJson(e), failures: failureCountJson(entryFailures(failures?.tally, e)) ?? { count: 0 } })),
    failures: failuresJson(failures),
    ...(snapshot.layout === 'sqlite' ? {
      reader: snapshot.sqlite?.reader,
      sessions: snapshot.agents.flatMap((a) => a.sessions.map((s) => ({ agentId: a.id, key: s.key, sessionId: s.sessionId, title: s.title, status: s.sqlite?.row.status, queued: s.sqlite?.row.queued, interrupted: s.sqlite?.row.interrupted, updatedAt: s.updatedAt, activeWriterRunId: s.sqlite?.row.activeWriterRunId }))),
      findings: gradeSnapshot(snapshot, thresholds ?? DEFAULT_THRESHOLDS, Date.now()).findings.map((f) => findingToJson(snapshot, f, Date.now())),
      leftoverLocks: snapshot.agents.flatMap((a) => (a.leftoverLocks ?? []).map((v) => ({ agentId: a.id, lockPath: v.lockPath, pid: v.pid, level: v.level }))),
      databases: snapshot.agents.filter((a) => a.database).map((a) => ({ agentId: a.id, ...a.database!.files, schemaVersion: a.database!.schemaVersion, appVersion: a.database!.appVersion, failure: a.database!.failure, readMs: Math.round(a.database!.readMs) })),
    } : {}),
    problems: [...snapshot.problems, ...snapshot.agents.flatMap((a) => a.sessions.flatMap((s) => s.problems))],
    scannedAt: new Date(snapshot.scannedAt).toISOString(),
    scanMs: Math.round(snapshot.scanMs),
    exitCode,
  };
}

export function missingStateDirMessage(snapshot: SessionsSnapshot): string {
  return `No OpenClaw state dir at ${snapshot.resolution.stateDir}. Pass --state-dir <dir> or set OPENCLAW_STATE_DIR to the folder that holds agents/<id>/sessions.`;
}

export function statusExitCode(snapshot: SessionsSnapshot, thresholds?: LockThresholds): number {
  if (snapshot.layout === 'missing') return EXIT_ERROR;
  return attentionNeeded(snapshot, Date.now(), thresholds) || gatewayNeedsAttention(snapshot) ? EXIT_ATTENTION : EXIT_OK;
}

registerCommand({
  name: 'status',
  summary: 'Show agents, every lock with its owner, age and verdict, and the gateway (default).',
  usage: 'status [--all] [--json] [--no-probe] [--probe-timeout <ms>]',
  description: 'The gateway is probed with GET /health and /ready on 127.0.0.1 (its port from its lock, OPENCLAW_GATEWAY_PORT or gateway.port). Exit code: 0 when nothing needs attention; 1 when a stale or over-threshold lock exists, or when sessions exist and the gateway is down, not answering or not ready where one is meant to run (its lock or a service unit says so); 2 on error.',
  options: {
    all: { type: 'boolean', description: 'list every session, not only locked ones' },
    ...LOG_FILE_OPTION,
    ...PROBE_OPTIONS,
  },
  examples: ['openclaw-locks status', 'openclaw-locks status --json --agent main', 'openclaw-locks --warn 30 --error 120'],
  async run(ctx: CliContext): Promise<number> {
    const probeOptions = healthOptions(ctx);
    const snapshot = await withGatewayHealth(await scanStateDir(ctx.scanOptions), { ...probeOptions, env: ctx.env });
    const unknownAgents = unknownAgentsMessage(snapshot, ctx.scanOptions.agents);
    if (unknownAgents) {
      ctx.err(unknownAgents);
      return EXIT_ERROR;
    }
    const exitCode = statusExitCode(snapshot, ctx.thresholds);
    const failures = await readCliFailures(ctx, snapshot);
    if (ctx.json) {
      ctx.out(JSON.stringify(statusJson(snapshot, exitCode, failures, ctx.thresholds), null, 2));
      return exitCode;
    }
    if (snapshot.layout === 'missing') {
      ctx.err(missingStateDirMessage(snapshot));
      return exitCode;
    }
    const options = { now: Date.now(), all: ctx.values.all === true, thresholds: ctx.thresholds, palette: ctx.palette, width: ctx.width, commandToRun: ctx.commandToRun, failures };
    for (const line of renderStatus(snapshot, options)) ctx.out(line);
    return exitCode;
  },
});
