// Times of day for text that does not tick (notifications, decoration tooltips): "since
// 14:20" stays true however long it is on screen, where "for 47m" would freeze and lie.
// The clock itself is the shared wording's (the CLI says "down since 14:20" too).
export { formatClockTime } from '../wording/format';

/** A lock payload's `createdAt` as epoch ms, or undefined when it is not a valid ISO time. */
export function createdAtMs(createdAt: string | undefined): number | undefined {
  if (typeof createdAt !== 'string') return undefined;
  const ms = Date.parse(createdAt);
  return Number.isFinite(ms) ? ms : undefined;
}
