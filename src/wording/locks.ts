// What a lock verdict means, in words for a person: one place for the CLI and the extension.
// Pure (no vscode, no disk). Each function takes a `t` (VS Code's l10n.t in the extension,
// `untranslated` in the CLI), with `{0}`-style placeholders, so the words are translatable
// and say the same thing everywhere.
import { describeNestedHolder } from '../lock/nested-holders';
import type { LockInspection, StaleReason } from '../lock/types';
import { formatDuration } from './format';

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Fills `{0}`, `{1}` … as l10n.t does, for callers without a translation. */
export const untranslated: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (placeholder, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : placeholder));

/**
 * What one of OpenClaw's reason words means for this lock, without brackets (callers put it
 * after `reason: `): "pid 4242 is not running".
 */
export function explainReason(reason: StaleReason, inspection: LockInspection, t: Translate = untranslated): string {
  const pid = inspection.owner?.pid ?? inspection.payload?.pid;
  const who = typeof pid === 'number' ? t('pid {0}', pid) : t('the owner');
  switch (reason) {
    case 'dead-pid':
      return t('{0} is not running', who);
    case 'recycled-pid':
      return inspection.owner?.starttimeMatches === false
        ? t('{0} now belongs to another process, whose start time differs', who)
        : t('{0} now belongs to another process, which started after the lock was written', who);
    case 'missing-pid':
      return t('the payload is empty or torn and names no valid pid');
    case 'invalid-createdAt':
      return t('the payload has no valid createdAt');
    case 'non-openclaw-owner':
      return t('{0} does not look like OpenClaw', who);
    case 'too-old':
      // The stale age itself can be changed by OpenClaw's environment: say what is known.
      return inspection.ageMs === undefined ? t('older than OpenClaw\'s stale age') : t('created {0} ago, older than OpenClaw\'s stale age', formatDuration(inspection.ageMs));
    case 'hold-exceeded':
      return inspection.maxHoldMs === undefined ? t('held past its own maxHoldMs') : t('held past its own maxHoldMs of {0}', formatDuration(inspection.maxHoldMs));
    case 'orphan-self-pid':
      return t('names this very process, which holds no such lock');
  }
}

/** `dead-pid: pid 4242 is not running; too-old: …`, every reason explained. */
export function explainReasons(inspection: LockInspection, t: Translate = untranslated): string {
  return inspection.reasons.length === 0 ? t('no stale reason') : inspection.reasons.map((r) => `${r}: ${explainReason(r, inspection, t)}`).join('; ');
}

/** `pid 4242`, or `no valid pid` when the lock names none. */
export function pidWords(pid: number | undefined, t: Translate = untranslated): string {
  return pid === undefined ? t('no valid pid') : t('pid {0}', pid);
}

/** `in a container (docker 1a2b3c4d5e6f, host pid 4242)`: an owner in a child pid namespace. */
export function inContainer(nested: NonNullable<NonNullable<LockInspection['owner']>['nested']>, t: Translate = untranslated): string {
  return t('in a container ({0})', describeNestedHolder(nested));
}

/** "pid 4242 (openclaw gateway)", "pid 9 (openclaw gateway, not running)", or what is known without a pid. */
export function holderName(holder: LockInspection | undefined, t: Translate = untranslated): string {
  if (!holder) return t('another process');
  const pid = holder.owner?.pid ?? holder.payload?.pid;
  if (typeof pid !== 'number') return holder.state === 'initialising' ? t('a process that is just taking the lock') : t('an unknown process');
  const command = shortCommand(holder.owner?.commandLine);
  const dead = holder.owner && !holder.owner.alive;
  if (command) return dead ? t('pid {0} ({1}, not running)', pid, command) : t('pid {0} ({1})', pid, command);
  return dead ? t('pid {0} (not running)', pid) : t('pid {0}', pid);
}

/** `node /usr/lib/node_modules/openclaw/dist/index.js gateway` reads better as `openclaw gateway`. */
export function shortCommand(commandLine: string | undefined): string | undefined {
  if (!commandLine) return undefined;
  const words = commandLine.trim().split(/\s+/);
  const program = (words[0] ?? '').split('/').pop() ?? '';
  const isNode = /^node(js)?$/.test(program);
  const script = words.slice(1).find((w) => !w.startsWith('-'));
  const named = isNode && script ? script.split('/').filter((p) => p && !/^(dist|bin|index\.m?js)$/.test(p)).pop() : program;
  const args = words.slice(isNode ? 2 : 1);
  const firstFlag = args.findIndex((w) => w.startsWith('-'));
  const leading = (firstFlag === -1 ? args : args.slice(0, firstFlag)).filter((w) => !w.includes('/'));
  // A launcher that passes its own name on (`openclaw … openclaw gateway`) would read "openclaw openclaw gateway".
  const rest = (leading[0] === (named ?? program) ? leading.slice(1) : leading).slice(0, 2);
  const text = [named ?? program, ...rest].join(' ').trim();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
