// `openclaw-locks clear-stale`: removes only provably stale locks through the core's
// compare-and-delete; a live owner's lock goes only with --force <session|lock-path> --pid <pid>.
import * as path from 'node:path';
import { forceRemoveLock, inspectLock, removeReclaimLeftovers, removeStaleLock, type RemoveResult } from '../lock';
import { allLocks, lockViewFrom, needsAttention, scanStateDir, type LockEntry, type SessionsSnapshot } from '../sessions';
import { countOf } from '../wording/format';
import { keptBecause, whyNotStale } from '../wording/kept';
import { pidWords } from '../wording/locks';
import { entryName, reasonsText, unknownAgentsMessage } from './describe';
import { formatAge, indentedBlock, paintSeverity, unbreakable, wrap, type Palette } from './format';
import { resolutionProblem, resolveSession } from './resolve';
import { commandBlock, commandLine } from './shell';
import { missingStateDirMessage } from './status';
import { EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, UsageError, registerCommand, type CliContext } from './command-table';

/** Why a lock was left in place; the summary counts by this. */
type KeptBecause = 'healthy' | 'being-written' | 'needs-attention' | 'changed';

interface Decision {
  entry: LockEntry;
  action: 'removed' | 'would-remove' | 'kept' | 'error';
  kept?: KeptBecause;
  /** Sentences saying why, in order. */
  why: string[];
  /** A command that would remove it anyway (a live owner's lock needing attention). */
  forceCommand?: string[];
}

/** `would remove` and two spaces: the verbs' column; details are indented under the agent. */
const VERB_WIDTH = 14;

async function lockPathFor(ctx: CliContext, target: string): Promise<string> {
  // A lock path is taken as it is, even outside the state dir (another profile, a copy).
  if (target.endsWith('.lock')) return path.resolve(target);
  const snapshot = await scanStateDir(ctx.scanOptions);
  const resolution = resolveSession(snapshot, target);
  // A SQLite-era session has no lock file: an empty path, at which nothing is found.
  if (resolution.kind === 'found') return resolution.target.view?.lockPath ?? '';
  if (resolution.kind === 'ambiguous') throw new UsageError(resolutionProblem(resolution, target, snapshot.resolution.stateDir)!);
  throw new UsageError(`--force takes a session (a key, an id or its start, a name) or a lock file path ending in .lock; nothing matches "${target}" in ${snapshot.resolution.stateDir}.`);
}

async function forceRemove(ctx: CliContext, target: string, pidArg: string | undefined, dryRun: boolean): Promise<number> {
  if (pidArg === undefined) {
    throw new UsageError('--force needs --pid <pid>: the owner pid you saw in `openclaw-locks inspect <session>`, so nothing else gets removed.');
  }
  if (!/^\d+$/.test(pidArg) || Number(pidArg) <= 0) throw new UsageError(`--pid must be a positive integer, got "${pidArg}".`);
  const pid = Number(pidArg);
  const lockPath = await lockPathFor(ctx, target);
  const inspection = await inspectLock(lockPath);
  const view = lockViewFrom(inspection, ctx.thresholds);
  if (inspection.state === 'free') {
    ctx.out(`nothing to remove: there is no lock file at ${lockPath}`);
    return EXIT_OK;
  }
  if (inspection.payload?.pid !== pid) {
    const named = inspection.payload?.pid;
    ctx.err(`refusing: ${lockPath} names ${pidWords(named)}, not pid ${pid}. Look at it again and pass the pid it shows:\n  ${commandLine(['inspect', lockPath])}`);
    return EXIT_ERROR;
  }
  const owner = inspection.owner?.alive ? `live owner pid ${pid}${inspection.owner.commandLine ? ` (${inspection.owner.commandLine})` : ''}` : `pid ${pid}`;
  if (dryRun) {
    ctx.out(`would force-remove ${lockPath}: ${view.level}, ${owner}, age ${formatAge(view.ageMs)}`);
    return EXIT_OK;
  }
  const result = await forceRemoveLock(lockPath, { pid, expected: inspection });
  if (!result.removed) {
    ctx.err(`kept ${lockPath}: ${keptBecause(result)}`);
    return EXIT_ERROR;
  }
  ctx.out(`removed ${lockPath} (${owner}, age ${formatAge(view.ageMs)})`);
  if (inspection.owner?.alive) ctx.out('The owner is still running: its next write to this session may fail or race; restart it if it is stuck.');
  return EXIT_OK;
}

/** Why a lock that is not provably stale stays, and whether someone should look at it. */
function keepDecision(ctx: CliContext, entry: LockEntry): Decision {
  const v = entry.view;
  const attention = needsAttention(v.severity);
  const why = [whyNotStale(v.inspection, undefined, (ms) => unbreakable(formatAge(ms)))];
  if (v.level === 'initialising') return { entry, action: 'kept', kept: 'being-written', why };
  // Stale by the simple check, but the owner may be alive out of sight (this runs in another pid namespace).
  if (v.inspection.state === 'stale' && v.inspection.problem) {
    return {
      entry, action: 'kept', kept: 'needs-attention', why,
      ...(v.pid !== undefined ? { forceCommand: ctx.commandToRun(['clear-stale', '--force', v.lockPath, '--pid', String(v.pid)]) } : {}),
    };
  }
  if (v.pid !== undefined && v.inspection.owner?.alive) {
    if (v.reasons.length > 0) why[0] += `; ${reasonsText(v)}`;
    if (!attention) return { entry, action: 'kept', kept: 'healthy', why };
    return {
      entry, action: 'kept', kept: 'needs-attention', why,
      forceCommand: ctx.commandToRun(['clear-stale', '--force', v.lockPath, '--pid', String(v.pid)]),
    };
  }
  return { entry, action: 'kept', kept: attention ? 'needs-attention' : 'healthy', why };
}

/** Removes abandoned reclaim guard, aside and lock copy files in every sessions folder; returns their paths. */
async function removeLeftovers(ctx: CliContext, snapshot: SessionsSnapshot): Promise<string[]> {
  const removed: string[] = [];
  for (const agent of snapshot.agents) {
    for (const result of await removeReclaimLeftovers(agent.sessionsDir)) {
      if (!result.removed) continue;
      removed.push(result.lockPath);
      if (!ctx.json) ctx.out(`removed a file left by an interrupted lock operation: ${result.lockPath}`);
    }
  }
  return removed;
}

async function decide(ctx: CliContext, entry: LockEntry, dryRun: boolean): Promise<Decision> {
  if (!entry.view.inspection.reclaimable) return keepDecision(ctx, entry);
  const why = [reasonsText(entry.view)];
  if (dryRun) return { entry, action: 'would-remove', why };
  let result: RemoveResult;
  try {
    result = await removeStaleLock(entry.view.lockPath, { expected: entry.view.inspection });
  } catch (error) {
    return { entry, action: 'error', why: [(error as Error).message] };
  }
  if (result.removed) return { entry, action: 'removed', why };
  return { entry, action: 'kept', kept: 'changed', why: [keptBecause(result)] };
}

const VERB: Record<Decision['action'], string> = { removed: 'removed', 'would-remove': 'would remove', kept: 'kept', error: 'error' };

/** One block per lock: what happened, to which session, why, its path and what to run next. */
function decisionLines(d: Decision, palette: Palette, width: number): string[] {
  const verb = VERB[d.action].padEnd(VERB_WIDTH);
  const painted = d.action === 'removed' ? palette.green(verb)
    : d.action === 'error' ? palette.red(verb)
      : d.action === 'would-remove' ? palette.yellow(verb)
        : paintSeverity(palette, d.entry.view.severity, verb);
  const lines = indentedBlock(`${painted}${d.entry.agent.id}  ${entryName(d.entry)}`, [...d.why, unbreakable(d.entry.view.lockPath)], VERB_WIDTH, width);
  if (d.forceCommand) {
    lines.push(...wrap('to remove it anyway (only if that owner is stuck):', width - VERB_WIDTH).map((l) => `${' '.repeat(VERB_WIDTH)}${l}`));
    lines.push(...commandBlock(d.forceCommand, VERB_WIDTH + 2, width));
  }
  return lines;
}

const KEPT_WORDS: Record<KeptBecause, string> = {
  healthy: 'healthy',
  'being-written': 'being written',
  'needs-attention': 'needing attention',
  changed: 'changed since inspected',
};

/** The closing lines: how many of each, and what the exit code means this time. */
export function summaryLines(decisions: Decision[], dryRun: boolean, exitCode: number): string[] {
  const count = (action: Decision['action']) => decisions.filter((d) => d.action === action).length;
  const kept = decisions.filter((d) => d.action === 'kept');
  const keptParts = (Object.keys(KEPT_WORDS) as KeptBecause[])
    .map((k) => [k, kept.filter((d) => d.kept === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${KEPT_WORDS[k]}`);
  const parts = [
    dryRun ? `${countOf(count('would-remove'), 'stale lock')} would be removed (dry run: nothing was)` : `Removed ${countOf(count('removed'), 'stale lock')}`,
    `kept ${kept.length}${keptParts.length > 0 ? ` (${keptParts.join(', ')})` : ''}`,
  ];
  if (count('error') > 0) parts.push(`${count('error')} failed`);
  const attention = kept.filter((d) => d.kept === 'needs-attention' || d.kept === 'changed').length;
  let meaning: string;
  if (exitCode === EXIT_OK) meaning = 'nothing left needs attention';
  else if (exitCode === EXIT_ERROR) meaning = `${countOf(count('error'), 'lock')} could not be removed`;
  else {
    const reasons = [];
    if (dryRun && count('would-remove') > 0) reasons.push(`${countOf(count('would-remove'), 'stale lock')} ${count('would-remove') === 1 ? 'is' : 'are'} still there`);
    if (attention > 0) reasons.push(`${countOf(attention, 'kept lock')} still need${attention === 1 ? 's' : ''} attention (see above)`);
    meaning = reasons.join(' and ');
  }
  return [`${parts.join('; ')}.`, `Exit ${exitCode}: ${meaning}.`];
}

/** The locks of the sessions named on the command line (all locks when none are). */
function selectEntries(snapshot: SessionsSnapshot, targets: string[]): { entries: LockEntry[]; problems: string[]; free: string[] } {
  const entries = allLocks(snapshot);
  if (targets.length === 0) return { entries, problems: [], free: [] };
  const wanted = new Set<string>();
  const problems: string[] = [];
  const free: string[] = [];
  for (const target of targets) {
    const resolution = resolveSession(snapshot, target);
    if (resolution.kind !== 'found') problems.push(resolutionProblem(resolution, target, snapshot.resolution.stateDir)!);
    else if (!resolution.target.view || resolution.target.view.level === 'free') free.push(target);
    else wanted.add(resolution.target.view.lockPath);
  }
  return { entries: entries.filter((e) => wanted.has(e.view.lockPath)), problems, free };
}

/**
 * The SQLite era has no session locks: say so, offer the era's own actions, and with
 * --leftovers remove the old era's lock files, each only if it is still the file inspected and
 * its owner is provably gone (a live pid keeps it: it could be an OpenClaw 2026.7 still running).
 */
async function clearInSqliteEra(ctx: CliContext, snapshot: SessionsSnapshot, dryRun: boolean): Promise<number> {
  const leftovers = snapshot.agents.flatMap((agent) => (agent.leftoverLocks ?? []).map((view) => ({ agent, view })));
  if (ctx.values.leftovers !== true) {
    const lines = [
      'This state dir is in the SQLite era (OpenClaw 2026.8+): sessions have no lock files, so there is no stale lock to clear.',
      'What blocks a session here, and OpenClaw\'s remedy for it: `openclaw-locks status`. Abort a hung run: `openclaw-locks abort <session>`; recover a session that refuses messages: `openclaw-locks recover <session>` (both take --dry-run).',
    ];
    if (leftovers.length > 0) lines.push(`${countOf(leftovers.length, 'leftover .jsonl.lock file')} from before the upgrade ${leftovers.length === 1 ? 'is' : 'are'} inert; remove ${leftovers.length === 1 ? 'it' : 'them'} with: ${ctx.commandToRun(['clear-stale', '--leftovers']).join(' ')}`);
    if (ctx.json) ctx.out(JSON.stringify({ era: 'sqlite', dryRun, results: [], leftovers: leftovers.map((l) => l.view.lockPath), exitCode: EXIT_OK }, null, 2));
    else for (const line of lines) for (const l of wrap(line, ctx.width)) ctx.out(l);
    return EXIT_OK;
  }
  const results: { lockPath: string; agentId: string; action: string; reason?: string }[] = [];
  for (const { agent, view } of leftovers) {
    if (dryRun) {
      const removable = view.inspection.reclaimable;
      results.push({ lockPath: view.lockPath, agentId: agent.id, action: removable ? 'would-remove' : 'kept', ...(removable ? {} : { reason: `its owner pid ${view.pid ?? '?'} is alive` }) });
      continue;
    }
    const removed = await removeStaleLock(view.lockPath, { expected: view.inspection });
    results.push({ lockPath: view.lockPath, agentId: agent.id, action: removed.removed ? 'removed' : 'kept', ...(removed.removed ? {} : { reason: keptBecause(removed) }) });
  }
  const kept = results.filter((r) => r.action === 'kept');
  if (ctx.json) {
    ctx.out(JSON.stringify({ era: 'sqlite', dryRun, results, exitCode: kept.length > 0 ? EXIT_ATTENTION : EXIT_OK }, null, 2));
  } else {
    if (results.length === 0) ctx.out('No leftover .jsonl.lock files.');
    for (const r of results) for (const l of wrap(`${r.action.padEnd(VERB_WIDTH)}${r.agentId} ${r.lockPath}${r.reason ? `: ${r.reason}` : ''}`, ctx.width)) ctx.out(l);
  }
  return kept.length > 0 ? EXIT_ATTENTION : EXIT_OK;
}

registerCommand({
  name: 'clear-stale',
  summary: 'Remove provably stale locks safely, printing each decision and its reason.',
  usage: 'clear-stale [<session>...] [--dry-run] [--leftovers] [--force <session|lock-path> --pid <pid>]',
  description: [
    'Only locks the core proves abandoned are removed (dead-pid, recycled-pid, orphan-self-pid, and torn or empty',
    'payloads older than the grace period), and only if the file is still the one inspected (inode and bytes).',
    'With sessions named (a key, an id or its first 4+ characters, a name, a path), only their locks are considered.',
    'A live owner\'s lock is removed only with --force <session|lock-path> --pid <pid>, naming exactly what you saw.',
    'Exit code: 0 when nothing needing attention is left, 1 when some lock still needs attention, 2 on error.',
  ].join('\n'),
  options: {
    'dry-run': { type: 'boolean', description: 'print what would be removed, remove nothing' },
    leftovers: { type: 'boolean', description: 'SQLite era (2026.8+): remove the inert .jsonl.lock files left from before the upgrade' },
    force: { type: 'string', valueName: '<session|lock-path>', description: 'remove this lock even though its owner may be alive (needs --pid)' },
    pid: { type: 'string', valueName: '<pid>', description: 'the owner pid the lock must still name for --force' },
  },
  allowPositionals: true,
  examples: [
    'openclaw-locks clear-stale --dry-run',
    'openclaw-locks clear-stale',
    'openclaw-locks clear-stale "Ops Discord"',
    'openclaw-locks clear-stale --force ~/.openclaw/agents/main/sessions/abc.jsonl.lock --pid 4242',
  ],
  async run(ctx: CliContext): Promise<number> {
    const dryRun = ctx.values['dry-run'] === true;
    const force = ctx.values.force as string | undefined;
    const pid = ctx.values.pid as string | undefined;
    if (force !== undefined) {
      if (ctx.positionals.length > 0) throw new UsageError('--force removes one lock: name it with --force only, not also as an argument.');
      return forceRemove(ctx, force, pid, dryRun);
    }
    if (pid !== undefined) throw new UsageError('--pid is only used with --force <session|lock-path>.');

    const snapshot = await scanStateDir(ctx.scanOptions);
    if (snapshot.layout === 'missing') {
      ctx.err(missingStateDirMessage(snapshot));
      return EXIT_ERROR;
    }
    const unknownAgents = unknownAgentsMessage(snapshot, ctx.scanOptions.agents);
    if (unknownAgents) {
      ctx.err(unknownAgents);
      return EXIT_ERROR;
    }
    if (snapshot.layout === 'sqlite') return clearInSqliteEra(ctx, snapshot, dryRun);
    if (ctx.values.leftovers === true) throw new UsageError('--leftovers is for SQLite-era state dirs (OpenClaw 2026.8+), where old .jsonl.lock files are inert; here lock files are live: run clear-stale without it.');
    const { entries, problems, free } = selectEntries(snapshot, ctx.positionals);
    if (problems.length > 0) {
      // Nothing is removed when one of the named sessions is unclear: the command is all or nothing.
      for (const problem of problems) ctx.err(problem);
      return EXIT_ERROR;
    }
    if (!ctx.json) for (const target of free) ctx.out(`nothing to clear: "${target}" is not locked`);
    // Files a process killed mid-reclaim, mid-create or mid-release left beside the locks, when provably abandoned (whole state dir only).
    const leftovers = dryRun || ctx.positionals.length > 0 ? [] : await removeLeftovers(ctx, snapshot);
    if (entries.length === 0) {
      if (ctx.json) ctx.out(JSON.stringify({ dryRun, results: [], leftoversRemoved: leftovers, exitCode: EXIT_OK }, null, 2));
      else if (free.length === 0) ctx.out('No lock files.');
      return EXIT_OK;
    }
    const decisions: Decision[] = [];
    for (const entry of entries) {
      const decision = await decide(ctx, entry, dryRun);
      decisions.push(decision);
      if (ctx.json) continue;
      if (decision.action === 'error') for (const line of decisionLines(decision, ctx.palette, ctx.width)) ctx.err(line);
      else for (const line of decisionLines(decision, ctx.palette, ctx.width)) ctx.out(line);
    }
    const failed = decisions.some((d) => d.action === 'error');
    const attention = decisions.some((d) => d.action === 'would-remove' || (d.action === 'kept' && (d.kept === 'needs-attention' || d.kept === 'changed')));
    const exitCode = failed ? EXIT_ERROR : attention ? EXIT_ATTENTION : EXIT_OK;
    if (ctx.json) {
      ctx.out(JSON.stringify({
        dryRun,
        results: decisions.map((d) => ({
          lockPath: d.entry.view.lockPath,
          agentId: d.entry.agent.id,
          action: d.action,
          ...(d.action === 'removed' || d.action === 'would-remove' ? { reasons: d.entry.view.reasons } : { reason: d.why.join('; ') }),
          ...(d.kept ? { keptBecause: d.kept } : {}),
          ...(d.forceCommand ? { forceCommand: d.forceCommand.join(' ') } : {}),
        })),
        leftoversRemoved: leftovers,
        exitCode,
      }, null, 2));
      return exitCode;
    }
    ctx.out('');
    for (const line of summaryLines(decisions, dryRun, exitCode)) for (const l of wrap(line, ctx.width)) ctx.out(l);
    return exitCode;
  },
});
