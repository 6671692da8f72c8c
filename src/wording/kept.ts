// Why a lock (or a reclaim leftover) was kept, not removed: the lock core returns the facts
// (a `KeptReason` and the inspection it judged), and these are the words for them, one place
// for `openclaw-locks clear-stale` and VS Code's lock commands. Pure; `t` as in ./locks.
import type { AbandonedBecause, LockInspection, RemoveResult } from '../lock/types';
import { formatDuration } from './format';
import { explainReasons, inContainer, pidWords, untranslated, type Translate } from './locks';

/**
 * Why a lock that is there is not provably stale, as a clause: the one wording for
 * clear-stale's "kept" lines, VS Code's removal reports and Clear Stale Lock's refusal.
 * `age` formats the holder's age (the CLI keeps it from wrapping).
 */
export function whyNotStale(inspection: LockInspection, t: Translate = untranslated, age: (ms: number) => string = formatDuration): string {
  switch (inspection.state) {
    case 'initialising':
      return t('the lock file is being written right now (empty or partial, younger than the grace period)');
    case 'unknown-host':
      return inspection.problem ?? t('the lock belongs to another host');
    case 'unreadable':
      return inspection.problem ?? t('the lock file cannot be judged');
    case 'stale':
      return t('not provably stale ({0}): {1}', inspection.reasons.join(', '), inspection.problem ?? t('the owner may be alive out of sight'));
  }
  const owner = inspection.owner;
  if (!owner?.alive) return inspection.problem ?? t('not provably stale ({0})', inspection.state);
  const where = owner.nested ? `; ${inContainer(owner.nested, t)}` : '';
  return inspection.ageMs === undefined
    ? t('held by live pid {0}{1}', owner.pid, where)
    : t('held by live pid {0}{1} for {2}', owner.pid, where, age(inspection.ageMs));
}

function abandoned(why: AbandonedBecause, t: Translate): string {
  switch (why.code) {
    case 'reclaimer-dead':
      return t('its reclaimer (pid {0}) is dead', why.pid);
    case 'names-this-process':
      return t('it names this process, which is not reclaiming');
    case 'guard-old':
      return t('it is older than {0} s', why.staleMs / 1000);
    case 'maker-dead':
      return t('the process that made it (pid {0}) is dead', why.pid);
  }
}

/** Why a removal left the file in place, as a clause: "the owner (pid 4242) is alive". */
export function keptBecause(result: Pick<RemoveResult, 'kept' | 'inspection'>, t: Translate = untranslated): string {
  const kept = result.kept;
  // The core gives a reason with every kept file; a result without one was not judged by it.
  if (!kept) return t('not provably stale');
  switch (kept.code) {
    case 'no-lock-file':
      return t('there is no lock file');
    case 'changed-since-inspected':
      return t('the lock file changed since it was inspected');
    case 'not-stale':
      return whyNotStale(result.inspection, t);
    case 'names-another-pid':
      return t('the lock now names {0}, not pid {1}', pidWords(kept.named, t), kept.pid);
    case 'unreadable':
      return t('the lock file could not be read');
    case 'already-gone':
      return t('the lock file was already gone');
    case 'reclaim-busy':
      return t('another process is reclaiming this lock right now');
    case 'replaced':
      return t('the lock file changed after it was inspected; the new one was kept');
    case 'displaced':
      return t(
        'the lock file changed after it was inspected and another lock was created meanwhile; the newest lock was kept and the one it displaced was left at {0}',
        kept.asidePath ?? t('its aside name'),
      );
    case 'leftover-unjudgeable':
      return result.inspection.problem ?? t('the file cannot be judged');
    case 'guard-in-use':
      return t('a reclaimer may be using this guard right now (its pid is alive and it is young)');
    case 'maker-alive':
      return t('the process that made it (pid {0}) is alive', kept.pid);
    case 'leftover-changed':
      return t('the file changed while it was inspected');
    case 'maker-young':
      return t('its maker (pid {0}) is dead, but the file is younger than {1} s', kept.pid, kept.youngerThanMs / 1000);
    case 'leftover-gone':
      return t('the file was already gone');
    case 'leftover-replaced':
      return t('judged abandoned ({0}), but the file changed before it could be removed; the new one was kept', abandoned(kept.abandoned, t));
  }
}

/**
 * What Clear Stale Lock says when the lock is there but not provably stale, before anything is
 * tried: a sentence naming the session. `holder` is how the caller describes a live holder.
 */
export function notStaleMessage(title: string, inspection: LockInspection, holder: string, t: Translate = untranslated): string {
  switch (inspection.state) {
    case 'initialising':
      return t('The lock of "{0}" is not stale: {1}. Try again in a few seconds.', title, whyNotStale(inspection, t));
    case 'unreadable':
      return t('The lock of "{0}" cannot be judged, so it is not removed: {1}', title, inspection.problem ?? 'unreadable');
    case 'unknown-host':
      return t('The lock of "{0}" belongs to another host ({1}), so its pid cannot be checked here. Not removed.', title, inspection.problem ?? 'unknown host');
    default:
      return inspection.reasons.length > 0
        ? t('The lock of "{0}" is held by a live process: {1}. It is not stale, so it was not removed (reported: {2}).', title, holder, explainReasons(inspection, t))
        : t('The lock of "{0}" is held by a live process: {1}. It is not stale, so it was not removed.', title, holder);
  }
}
