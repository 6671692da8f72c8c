// `openclaw-locks clear-stale`: removes only provably stale locks through the core's
// compare-and-delete; a live owner's lock goes only with --force <lockPath> --pid <pid>.
import * as path from 'node:path';
import { forceRemoveLock, inspectLock, removeStaleLock, type RemoveResult } from '../lock';
import { allLocks, lockViewFrom, needsAttention, scanStateDir, type LockEntry } from '../sessions';
import { containerNote, entryName, explainReason, unknownAgentsMessage } from './describe';
import { formatAge, paintSeverity } from './format';
import { missingStateDirMessage } from './status';
import { EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, UsageError, registerCommand, type CliContext } from './registry';

function reasonsText(entry: LockEntry): string {
  return entry.view.reasons.map((r) => `${r} (${explainReason(r, entry.view)})`).join('; ');
}

/** Why clear-stale leaves a lock that is not provably stale, with the way to remove it anyway. */
function keptWhy(entry: LockEntry): string {
  const { view } = entry;
  const force = view.pid !== undefined ? `; to remove anyway: --force ${view.lockPath} --pid ${view.pid}` : '';
  if (view.level === 'initialising') return 'being written right now (empty or partial, younger than the grace period)';
  // Stale by the simple check, but the owner may be alive out of sight (another pid namespace).
  if (view.inspection.state === 'stale' && view.inspection.problem) {
    return `${view.reasons.length ? `${view.reasons.join(', ')}, but ` : ''}${view.inspection.problem}${force}`;
  }
  if (view.pid !== undefined && view.inspection.owner?.alive) {
    return `held by live pid ${view.pid}${containerNote(view)}${view.reasons.length ? `; ${reasonsText(entry)}` : ''}${needsAttention(view.severity) ? force : ''}`;
  }
  return view.inspection.problem ?? `not provably stale (${view.level})`;
}

async function forceRemove(ctx: CliContext, lockPathArg: string, pidArg: string | undefined, dryRun: boolean): Promise<number> {
  if (pidArg === undefined) {
    throw new UsageError('--force needs --pid <pid>: the owner pid you saw in `openclaw-locks inspect <lock-path>`, so nothing else gets removed.');
  }
  if (!/^\d+$/.test(pidArg) || Number(pidArg) <= 0) throw new UsageError(`--pid must be a positive integer, got "${pidArg}".`);
  const pid = Number(pidArg);
  const lockPath = path.resolve(lockPathArg);
  if (!lockPath.endsWith('.lock')) throw new UsageError(`--force takes a lock file path ending in .lock, got "${lockPathArg}".`);
  const inspection = await inspectLock(lockPath);
  const view = lockViewFrom(inspection, ctx.thresholds);
  if (inspection.state === 'free') {
    ctx.out(`nothing to remove: there is no lock file at ${lockPath}`);
    return EXIT_OK;
  }
  if (inspection.payload?.pid !== pid) {
    const named = inspection.payload?.pid;
    ctx.err(`refusing: ${lockPath} names ${named === undefined ? 'no valid pid' : `pid ${String(named)}`}, not pid ${pid}. Run \`openclaw-locks inspect ${lockPath}\` and pass the pid it shows.`);
    return EXIT_ERROR;
  }
  const owner = inspection.owner?.alive ? `live owner pid ${pid}${inspection.owner.commandLine ? ` (${inspection.owner.commandLine})` : ''}` : `pid ${pid}`;
  if (dryRun) {
    ctx.out(`would force-remove ${lockPath}: ${view.level}, ${owner}, age ${formatAge(view.ageMs)}`);
    return EXIT_OK;
  }
  const result = await forceRemoveLock(lockPath, { pid, expected: inspection });
  if (!result.removed) {
    ctx.err(`kept ${lockPath}: ${result.keptBecause ?? 'not removed'}`);
    return EXIT_ERROR;
  }
  ctx.out(`removed ${lockPath} (${owner}, age ${formatAge(view.ageMs)})`);
  if (inspection.owner?.alive) ctx.out('The owner is still running: its next write to this session may fail or race; restart it if it is stuck.');
  return EXIT_OK;
}

registerCommand({
  name: 'clear-stale',
  summary: 'Remove provably stale locks safely, printing each decision and its reason.',
  usage: 'clear-stale [--dry-run] [--force <lock-path> --pid <pid>]',
  description: [
    'Only locks the core proves abandoned are removed (dead-pid, recycled-pid, orphan-self-pid, and torn or empty',
    'payloads older than the grace period), and only if the file is still the one inspected (inode and bytes).',
    'A live owner\'s lock is removed only with --force <lock-path> --pid <pid>, naming exactly what you saw.',
    'Exit code: 0 when nothing needing attention is left, 1 when some lock still needs attention, 2 on error.',
  ].join('\n'),
  options: {
    'dry-run': { type: 'boolean', description: 'print what would be removed, remove nothing' },
    force: { type: 'string', valueName: '<lock-path>', description: 'remove this lock even though its owner may be alive (needs --pid)' },
    pid: { type: 'string', valueName: '<pid>', description: 'the owner pid the lock must still name for --force' },
  },
  examples: ['openclaw-locks clear-stale --dry-run', 'openclaw-locks clear-stale', 'openclaw-locks clear-stale --force ~/.openclaw/agents/main/sessions/abc.jsonl.lock --pid 4242'],
  async run(ctx: CliContext): Promise<number> {
    const dryRun = ctx.values['dry-run'] === true;
    const force = ctx.values.force as string | undefined;
    const pid = ctx.values.pid as string | undefined;
    if (force !== undefined) return forceRemove(ctx, force, pid, dryRun);
    if (pid !== undefined) throw new UsageError('--pid is only used with --force <lock-path>.');

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
    const entries = allLocks(snapshot);
    if (entries.length === 0) {
      ctx.out(snapshot.layout === 'sqlite' ? 'No lock files: this OpenClaw version keeps sessions in SQLite.' : 'No lock files.');
      return EXIT_OK;
    }
    const p = ctx.palette;
    let attention = false;
    let failed = false;
    const results: Record<string, unknown>[] = [];
    for (const entry of entries) {
      const where = `${entry.agent.id}  ${entryName(entry)}  ${entry.view.lockPath}`;
      if (!entry.view.inspection.reclaimable) {
        const why = keptWhy(entry);
        if (needsAttention(entry.view.severity)) attention = true;
        if (!ctx.json) ctx.out(`${paintSeverity(p, entry.view.severity, 'kept   ')} ${where}: ${why}`);
        results.push({ lockPath: entry.view.lockPath, agentId: entry.agent.id, action: 'kept', reason: why });
        continue;
      }
      if (dryRun) {
        if (!ctx.json) ctx.out(`${p.yellow('would remove')} ${where}: ${reasonsText(entry)}`);
        results.push({ lockPath: entry.view.lockPath, agentId: entry.agent.id, action: 'would-remove', reasons: entry.view.reasons });
        attention = true;
        continue;
      }
      let result: RemoveResult;
      try {
        result = await removeStaleLock(entry.view.lockPath, { expected: entry.view.inspection });
      } catch (error) {
        failed = true;
        ctx.err(`error   ${where}: ${(error as Error).message}`);
        results.push({ lockPath: entry.view.lockPath, agentId: entry.agent.id, action: 'error', reason: (error as Error).message });
        continue;
      }
      if (result.removed) {
        if (!ctx.json) ctx.out(`${p.green('removed')} ${where}: ${reasonsText(entry)}`);
        results.push({ lockPath: entry.view.lockPath, agentId: entry.agent.id, action: 'removed', reasons: entry.view.reasons });
      } else {
        attention = true;
        if (!ctx.json) ctx.out(`${p.yellow('kept   ')} ${where}: ${result.keptBecause ?? 'changed since inspected'}`);
        results.push({ lockPath: entry.view.lockPath, agentId: entry.agent.id, action: 'kept', reason: result.keptBecause });
      }
    }
    const exitCode = failed ? EXIT_ERROR : attention ? EXIT_ATTENTION : EXIT_OK;
    if (ctx.json) ctx.out(JSON.stringify({ dryRun, results, exitCode }, null, 2));
    return exitCode;
  },
});
