// Terminal output: aligned columns, and colour only on a TTY without NO_COLOR. Ages, sizes and
// counts come from the shared wording (`src/wording/format.ts`), so they read as in VS Code.
import type { LockLevel, Severity } from '../sessions';
import { formatBytes as formatSize, formatDuration } from '../wording/format';

/** An age or duration as everywhere else (`10m 56s`); `-` in a table when it is not known. */
export function formatAge(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '-' : formatDuration(Math.max(0, ms));
}

/** A size as everywhere else (`1.5 KB`); `-` when it is not known. */
export function formatBytes(bytes: number | undefined): string {
  return bytes === undefined ? '-' : formatSize(bytes);
}

export interface Palette {
  enabled: boolean;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function makePalette(enabled: boolean): Palette {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { enabled, red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Colour only for a terminal, never when NO_COLOR is set (any value) or --no-color is given. */
export function colourWanted(isTTY: boolean, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

export function paintSeverity(palette: Palette, severity: Severity, text: string): string {
  switch (severity) {
    case 'error': return palette.red(text);
    case 'warning': return palette.yellow(text);
    case 'info': return palette.green(text);
    case 'none': return palette.dim(text);
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell)); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell)))).join('  ').trimEnd());
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The level as printed: OpenClaw-ish words a person can act on. */
export const LEVEL_WORDS: Record<LockLevel, string> = {
  free: 'free',
  initialising: 'initialising',
  held: 'held',
  'held-long': 'held-long',
  'held-too-long': 'held-too-long',
  stale: 'stale',
  suspect: 'suspect',
  unreadable: 'unreadable',
};
