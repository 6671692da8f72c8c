// How durations, ages, sizes and counts read, in one place: the CLI and the extension print
// them alike (`10m 56s` in a terminal and in a tooltip, never `10m56s` in one of them). Pure:
// no `vscode`, no disk, no clock (`now` is passed in).

/** `42s`, `3m 05s`, `2h 07m`, `3d 4h`; `?` for a negative or unknown duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  // Up to two days in hours: "held for 30h" reads better than "1d 6h" for a lock.
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/**
 * An age that changes at most once a minute after the first minute: `42s`, `3m`, then
 * `2h 07m`. For text that is redrawn as the clock ticks (a tree row), where a per-second age
 * would redraw it, and close its tooltip, every second.
 */
export function formatCoarseAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)}s`;
  if (minutes < 60) return `${minutes}m`;
  return formatDuration(ms);
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'];

/**
 * `512 B`, `1.5 KB`, `12 KB`, `3.4 MB`: powers of 1024 with VS Code's unit names, the same
 * convention as the `…MB` settings (`editing.largeFileMB` is 2^20 bytes per MB).
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal only while it says something (1.5 KB); 312.4 MB is just 312 MB.
  const shown = value < 10 ? value.toFixed(1) : value.toFixed(0);
  // 1023.96 KB rounds to "1024 KB": say 1.0 MB instead.
  if (shown === '1024' && unit < BYTE_UNITS.length - 1) return `1.0 ${BYTE_UNITS[unit + 1]}`;
  return `${shown} ${BYTE_UNITS[unit]}`;
}

/** `1,234`: digits grouped the same way whatever the machine's locale. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '?';
}

/** `1 lock`, `2 locks`, `1,500 sessions`; `plural` for irregular words (`1 process`, `2 processes`). */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * "14:20" today, "2026-11-30 14:20" on another day (local time): for text that does not tick,
 * where "since 14:20" stays true however long it is on screen.
 */
export function formatClockTime(ms: number, now: number): string {
  const at = new Date(ms);
  const today = new Date(now);
  const time = `${pad2(at.getHours())}:${pad2(at.getMinutes())}`;
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay ? time : `${at.getFullYear()}-${pad2(at.getMonth() + 1)}-${pad2(at.getDate())} ${time}`;
}
