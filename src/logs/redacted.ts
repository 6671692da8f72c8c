// OpenClaw masks what looks like a secret in every log line it writes (logging.redactSensitive,
// on by default), and a path is not spared: a session id whose fourth group ends in `fc` reads as
// an `fc-` API key, so `…-4e06-b7fc-0123456789ab.jsonl.lock` is logged as `…-4e06-b7***.jsonl.lock`
// (found with the real 2026.7.35 gateway, about one session in 256). A masked token shorter than
// 18 characters becomes `***`, a longer one its first 6 and last 4 characters around `…`. Such a
// path still names its lock: the kept parts, in order, with something in each gap. Two locks
// could match only if their session ids shared all that was kept (the first 20 characters of a
// random id in that case), so a masked path is taken as naming the lock it matches.

const MASK = /\*\*\*|…/;

/** Whether a path from a log line had part of it masked by OpenClaw. */
export function isRedactedPath(logged: string): boolean {
  return MASK.test(logged);
}

/** Whether `logged` (as OpenClaw wrote it, masked or not) names the file at `path`. */
export function loggedPathMatches(logged: string, path: string): boolean {
  if (logged === path) return true;
  if (!isRedactedPath(logged)) return false;
  const kept = logged.split(MASK);
  const first = kept[0]!;
  const last = kept[kept.length - 1]!;
  if (!path.startsWith(first) || !path.endsWith(last)) return false;
  let at = first.length;
  const end = path.length - last.length;
  for (const part of kept.slice(1, -1)) {
    // Each mask stands for at least one character.
    const found = path.indexOf(part, at + 1);
    if (found < 0 || found + part.length > end - 1) return false;
    at = found + part.length;
  }
  return end - at >= 1;
}
