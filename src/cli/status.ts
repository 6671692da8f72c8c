// `openclaw-locks status`: agents, every lock with owner, age and verdict, the gateway.
import { describeNestedHolder } from '../lock';
import { describeStateDirSource, allLocks, ageLockView, scanStateDir, needsAttention, type LockEntry, type LockThresholds, type SessionsSnapshot } from '../sessions';
import { attentionNeeded, entryName, entryToJson, unknownAgentsMessage, verdict } from './describe';
import { formatAge, paintSeverity, table, truncate, type Palette } from './format';
import { EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, registerCommand, type CliContext } from './registry';

export function gatewayLine(snapshot: SessionsSnapshot): string {
  const g = snapshot.gateway;
  if (!g.lockPath) return 'not running (no gateway lock)';
  if (g.uncertain !== undefined) return `may be running (its lock names pid ${g.pid}: ${g.uncertain})`;
  const where = g.nested ? `, in a container: ${describeNestedHolder(g.nested)}` : '';
  if (g.alive) return `running (pid ${g.pid}${g.port !== undefined ? `, port ${g.port}` : ''}${where})`;
  return g.pid !== undefined ? `not running (its lock names pid ${g.pid}, which is gone)` : 'not running (unreadable gateway lock)';
}

export function layoutLine(snapshot: SessionsSnapshot): string {
  const sessions = snapshot.agents.reduce((n, a) => n + a.sessions.length, 0);
  const locks = allLocks(snapshot).length;
  const counts = `${snapshot.agents.length} agent${snapshot.agents.length === 1 ? '' : 's'}, ${sessions} session${sessions === 1 ? '' : 's'}, ${locks} lock file${locks === 1 ? '' : 's'}`;
  switch (snapshot.layout) {
    case 'missing': return 'no state dir';
    case 'sqlite': return `sqlite: OpenClaw 2026.8.1+ keeps sessions in SQLite and writes no .jsonl.lock files (${counts})`;
    case 'empty': return `empty: no sessions yet (${counts})`;
    case 'jsonl': return `jsonl (${counts})`;
  }
}

export interface RenderOptions {
  now: number;
  all: boolean;
  thresholds: LockThresholds;
  palette: Palette;
}

/** Lock entries as they are at `now` (ages tick from the scan time without rereading disk). */
export function entriesAt(snapshot: SessionsSnapshot, now: number, thresholds: LockThresholds): LockEntry[] {
  const delta = now - snapshot.scannedAt;
  return allLocks(snapshot).map((e) => ({ ...e, view: ageLockView(e.view, delta, thresholds) }));
}

export function renderStatus(snapshot: SessionsSnapshot, options: RenderOptions): string[] {
  const { palette } = options;
  const lines: string[] = [];
  const r = snapshot.resolution;
  lines.push(...table([
    ['State dir', `${r.stateDir} (${describeStateDirSource(r)})`],
    ['Layout', layoutLine(snapshot)],
    ['Gateway', gatewayLine(snapshot)],
  ]));
  if (snapshot.agents.length > 0) {
    const agents = snapshot.agents.map((a) => {
      const notes = [a.layout === 'missing' ? 'no sessions folder' : `${a.sessions.length} session${a.sessions.length === 1 ? '' : 's'}`];
      if (a.layout === 'sqlite') notes.push('sqlite');
      if (a.sideFiles.length > 0) notes.push(`${a.sideFiles.length} side file${a.sideFiles.length === 1 ? '' : 's'}`);
      if (a.problems.length > 0) notes.push(`${a.problems.length} problem${a.problems.length === 1 ? '' : 's'}`);
      return `${a.id} (${notes.join(', ')})`;
    });
    lines.push(...table([['Agents', agents.join('; ')]]));
  }
  lines.push('');
  const entries = entriesAt(snapshot, options.now, options.thresholds);
  const rows: string[][] = [];
  if (options.all) {
    const delta = options.now - snapshot.scannedAt;
    for (const agent of snapshot.agents) {
      for (const s of agent.sessions) {
        const view = ageLockView(s.lock, delta, options.thresholds);
        rows.push([agent.id, truncate(s.key ?? s.sessionId, 48), paintSeverity(palette, view.severity, view.level), view.pid?.toString() ?? '-', view.level === 'free' ? '-' : formatAge(view.ageMs), verdict(view)]);
      }
    }
    for (const e of entries.filter((e) => e.kind !== 'session')) {
      rows.push([e.agent.id, entryName(e), paintSeverity(palette, e.view.severity, e.view.level), e.view.pid?.toString() ?? '-', formatAge(e.view.ageMs), verdict(e.view)]);
    }
  } else {
    for (const e of entries) {
      rows.push([e.agent.id, truncate(entryName(e), 48), paintSeverity(palette, e.view.severity, e.view.level), e.view.pid?.toString() ?? '-', formatAge(e.view.ageMs), verdict(e.view)]);
    }
  }
  if (rows.length === 0) {
    lines.push(snapshot.layout === 'sqlite' ? 'No lock files: this OpenClaw version does not use them.' : 'No lock files: every session is free.');
  } else {
    lines.push(...table([['AGENT', options.all ? 'SESSION' : 'LOCKED SESSION', 'STATE', 'PID', 'AGE', 'VERDICT'].map((h) => palette.bold(h)), ...rows]));
  }
  const problems = [...snapshot.problems, ...snapshot.agents.flatMap((a) => [...a.problems, ...a.sessions.flatMap((s) => s.problems)])];
  if (problems.length > 0) {
    lines.push('', palette.bold('Problems'));
    for (const p of problems) lines.push(`  ${p.path}: ${p.message}`);
  }
  const stale = entries.filter((e) => e.view.level === 'stale').length;
  const over = entries.filter((e) => e.view.level !== 'stale' && needsAttention(e.view.severity)).length;
  if (stale > 0 || over > 0) {
    lines.push('');
    if (stale > 0) lines.push(palette.red(`${stale} stale lock${stale === 1 ? '' : 's'}: remove safely with \`openclaw-locks clear-stale\` (add --dry-run to preview).`));
    if (over > 0) lines.push(palette.yellow(`${over} lock${over === 1 ? '' : 's'} need${over === 1 ? 's' : ''} attention: see \`openclaw-locks inspect <lock-path>\`; a stuck live owner's lock can be removed with \`openclaw-locks clear-stale --force <lock-path> --pid <pid>\`.`));
  }
  return lines;
}

export function statusJson(snapshot: SessionsSnapshot, exitCode: number): Record<string, unknown> {
  return {
    stateDir: snapshot.resolution.stateDir,
    stateDirSource: snapshot.resolution.source,
    stateDirExists: snapshot.resolution.exists,
    layout: snapshot.layout,
    gateway: snapshot.gateway,
    agents: snapshot.agents.map((a) => ({ id: a.id, layout: a.layout, sessionsDir: a.sessionsDir, sessions: a.sessions.length, sideFiles: a.sideFiles.length, problems: a.problems })),
    locks: allLocks(snapshot).map(entryToJson),
    problems: [...snapshot.problems, ...snapshot.agents.flatMap((a) => a.sessions.flatMap((s) => s.problems))],
    scannedAt: new Date(snapshot.scannedAt).toISOString(),
    scanMs: Math.round(snapshot.scanMs),
    exitCode,
  };
}

export function missingStateDirMessage(snapshot: SessionsSnapshot): string {
  return `No OpenClaw state dir at ${snapshot.resolution.stateDir}. Pass --state-dir <dir> or set OPENCLAW_STATE_DIR to the folder that holds agents/<id>/sessions.`;
}

export function statusExitCode(snapshot: SessionsSnapshot): number {
  if (snapshot.layout === 'missing') return EXIT_ERROR;
  return attentionNeeded(snapshot) ? EXIT_ATTENTION : EXIT_OK;
}

registerCommand({
  name: 'status',
  summary: 'Show agents, every lock with its owner, age and verdict, and the gateway (default).',
  usage: 'status [--all] [--json]',
  description: 'Exit code: 0 when no lock needs attention, 1 when a stale or over-threshold lock exists, 2 on error.',
  options: {
    all: { type: 'boolean', description: 'list every session, not only locked ones' },
  },
  examples: ['openclaw-locks status', 'openclaw-locks status --json --agent main', 'openclaw-locks --warn 30 --error 120'],
  async run(ctx: CliContext): Promise<number> {
    const snapshot = await scanStateDir(ctx.scanOptions);
    const unknownAgents = unknownAgentsMessage(snapshot, ctx.scanOptions.agents);
    if (unknownAgents) {
      ctx.err(unknownAgents);
      return EXIT_ERROR;
    }
    const exitCode = statusExitCode(snapshot);
    if (ctx.json) {
      ctx.out(JSON.stringify(statusJson(snapshot, exitCode), null, 2));
      return exitCode;
    }
    if (snapshot.layout === 'missing') {
      ctx.err(missingStateDirMessage(snapshot));
      return exitCode;
    }
    for (const line of renderStatus(snapshot, { now: Date.now(), all: ctx.values.all === true, thresholds: ctx.thresholds, palette: ctx.palette })) ctx.out(line);
    return exitCode;
  },
});
