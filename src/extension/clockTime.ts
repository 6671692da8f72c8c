// Times of day for text that does not tick (notifications, decoration tooltips): "since
// 14:20" stays true however long it is on screen, where "for 47m" would freeze and lie.

/** "14:20" today, "2026-11-30 14:20" on another day (local time): the shared wording's. */
export { formatClockTime } from '../wording/format';

/** A lock payload's `createdAt` as epoch ms, or undefined when it is not a valid ISO time. */
export function createdAtMs(createdAt: string | undefined): number | undefined {
  if (typeof createdAt !== 'string') return undefined;
  const ms = Date.parse(createdAt);
  return Number.isFinite(ms) ? ms : undefined;
}
