// Times of day for text that does not tick (notifications, decoration tooltips): "since
// 14:20" stays true however long it is on screen, where "for 47m" would freeze and lie.

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:20" today, "2026-11-30 14:20" on another day (local time). */
export function formatClockTime(ms: number, now: number): string {
  const at = new Date(ms);
  const today = new Date(now);
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

/** A lock payload's `createdAt` as epoch ms, or undefined when it is not a valid ISO time. */
export function createdAtMs(createdAt: string | undefined): number | undefined {
  if (typeof createdAt !== 'string') return undefined;
  const ms = Date.parse(createdAt);
  return Number.isFinite(ms) ? ms : undefined;
}
