// Words for what the lock core decided: why a lock is stale, why it was kept, what a forced
// release means. Pure, so the messages are tested with node --test.
import type { LockInspection, RemoveResult } from '../lock/types';
import { keptBecause } from '../wording/kept';
import { explainReasons as explainLockReasons, inContainer, pidWords, untranslated, type Translate } from '../wording/locks';
import { describeNestedHolder } from '../lock/nested-holders';
import { clip, formatDuration } from './lock-presentation';

/** OpenClaw's reason words, each with what it means for this lock, in the shared wording. */
export function explainReasons(inspection: LockInspection, t: Translate = untranslated): string {
  return explainLockReasons(inspection, t);
}

/** "pid 4242 (openclaw gateway), alive, held 3m 05s". */
export function describeHolder(inspection: LockInspection): string {
  const pid = inspection.payload?.pid;
  const parts = [pidWords(typeof pid === 'number' ? pid : undefined)];
  if (inspection.owner?.commandLine) parts[0] += ` (${clip(inspection.owner.commandLine, 120)})`;
  if (inspection.owner) parts.push(inspection.owner.alive ? 'alive' : 'not running');
  if (inspection.owner?.nested) parts.push(inContainer(inspection.owner.nested));
  if (inspection.ageMs !== undefined) parts.push(`held ${formatDuration(inspection.ageMs)}`);
  return parts.join(', ');
}

/** The lines of the modal confirmation before a forced release. */
export function forceReleaseDetail(inspection: LockInspection, t: Translate = untranslated): string {
  const owner = inspection.owner;
  const pid = String(inspection.payload?.pid ?? t('unknown'));
  return [
    t('Holder pid: {0}', pid),
    t('Command line: {0}', owner?.commandLine ? clip(owner.commandLine, 300) : t('unknown')),
    t('Running: {0}', owner ? (owner.alive ? t('yes') : t('no')) : t('unknown')),
    ...(owner?.nested ? [t('Container: {0}', describeNestedHolder(owner.nested))] : []),
    ...(inspection.problem ? [t('Note: {0}', inspection.problem)] : []),
    t('Age: {0}', inspection.ageMs === undefined ? t('unknown') : formatDuration(inspection.ageMs)),
    t('Created at: {0}', typeof inspection.payload?.createdAt === 'string' ? clip(inspection.payload.createdAt, 60) : t('unknown')),
    t('maxHoldMs: {0}', inspection.maxHoldMs ?? t('not set')),
    t('Stale reasons: {0}', inspection.reasons.length > 0 ? inspection.reasons.join(', ') : t('none')),
    '',
    t('If this process is still writing the session, releasing its lock lets another writer in at the same time, ' +
      'and a transcript written by two processes can lose messages. Release only a lock you know is stuck.'),
    t('The lock is removed only if it still names pid {0} and is byte-for-byte the file inspected now.', pid),
  ].join('\n');
}

export interface RemovalReport {
  removed: boolean;
  message: string;
}

export function describeRemoval(title: string, result: RemoveResult, forced = false, t: Translate = untranslated): RemovalReport {
  if (result.removed) {
    const why = forced ? t('forced by you; holder {0}', describeHolder(result.inspection)) : explainReasons(result.inspection, t);
    return { removed: true, message: t('Removed the lock of "{0}": {1}.', title, why) };
  }
  return { removed: false, message: t('Kept the lock of "{0}": {1}.', title, keptBecause(result, t)) };
}

/** One line per removal for the log. */
export function removalLogLine(result: RemoveResult, how: 'clear' | 'force' | 'auto' | 'clear-all'): string {
  const inspection = result.inspection;
  const facts = [
    `pid=${String(inspection.payload?.pid ?? 'none')}`,
    inspection.owner ? `alive=${inspection.owner.alive}` : undefined,
    inspection.ageMs !== undefined ? `ageMs=${Math.round(inspection.ageMs)}` : undefined,
    `reasons=${inspection.reasons.join(',') || 'none'}`,
    inspection.identity ? `ino=${inspection.identity.ino}` : undefined,
  ].filter((part) => part !== undefined);
  return result.removed
    ? `${how}: removed ${result.lockPath} ${facts.join(' ')}`
    : `${how}: kept ${result.lockPath} because ${keptBecause(result)} ${facts.join(' ')}`;
}

export interface ClearAllSummary {
  removed: RemoveResult[];
  /** Guard, aside and copy files a process killed mid-reclaim, mid-create or mid-release left behind, removed as provably abandoned. */
  leftovers?: RemoveResult[];
  kept: RemoveResult[];
  failed: { lockPath: string; error: string }[];
}

export function describeClearAll(summary: ClearAllSummary, titleOf: (lockPath: string) => string, t: Translate = untranslated): string {
  const { removed, kept, failed } = summary;
  if (removed.length === 0 && kept.length === 0 && failed.length === 0) return t('No lock files to clear.');
  const parts: string[] = [];
  const removedList = removed.map((r) => `${titleOf(r.lockPath)} (${r.inspection.reasons.join(', ')})`).join('; ');
  parts.push(
    removed.length === 0
      ? t('Removed no lock.')
      : removed.length === 1 ? t('Removed 1 stale lock: {0}.', removedList) : t('Removed {0} stale locks: {1}.', removed.length, removedList),
  );
  if (kept.length > 0) {
    parts.push(t('Kept {0}: {1}.', kept.length, kept.map((r) => `${titleOf(r.lockPath)} (${keptBecause(r, t)})`).join('; ')));
  }
  if (failed.length > 0) parts.push(t('Failed {0}: {1}.', failed.length, failed.map((f) => `${titleOf(f.lockPath)} (${f.error})`).join('; ')));
  const leftovers = summary.leftovers?.length ?? 0;
  if (leftovers > 0) parts.push(leftovers === 1 ? t('Also removed a file left by an interrupted lock operation.') : t('Also removed {0} files left by an interrupted lock operation.', leftovers));
  return parts.join(' ');
}
