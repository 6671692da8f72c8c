// Terminal output: aligned columns, and colour only on a TTY without NO_COLOR. Ages, sizes and
// counts come from the shared wording (`src/wording/format.ts`), so they read as in VS Code.
import type { Severity } from '../sessions';
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

/** Without a terminal to ask, lines are kept to this many columns. */
export const DEFAULT_WIDTH = 100;
/** Narrower than this, wrapping makes text harder to read, not easier. */
export const MIN_WIDTH = 40;

/**
 * How wide output may be: the terminal's own width on a TTY, else `COLUMNS` when set (what
 * `script`, CI logs and `COLUMNS=200 openclaw-locks … | less` say), else 100.
 */
export function outputWidth(isTTY: boolean, columns: number | undefined, env: NodeJS.ProcessEnv): number {
  if (isTTY && columns !== undefined && columns > 0) return Math.max(MIN_WIDTH, columns);
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS !== undefined && Number.isInteger(fromEnv) && fromEnv > 0) return Math.max(MIN_WIDTH, fromEnv);
  return DEFAULT_WIDTH;
}

/** Stands for a space that `wrap` must not break at; printed as a plain space. */
const GLUE = '\u0000';

/** Text (a path with a space in it) that `wrap` keeps on one line. */
export function unbreakable(text: string): string {
  return text.replace(/ /g, GLUE);
}

/** Glued text back to plain spaces (output that was never wrapped must not carry the glue). */
export const unglue = (text: string): string => text.replace(/\u0000/g, ' ');

/**
 * Breaks text at spaces into lines of at most `width` visible characters. A word longer than
 * that (a path, a command line's argument) stays whole on a line of its own: a path broken in
 * two can no longer be copied.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line === '') line = word;
    else if (visibleLength(line) + 1 + visibleLength(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines.map(unglue);
}

/** `wrap` for text of several lines; each keeps its own leading indentation when wrapped. */
export function wrapParagraphs(text: string, width: number): string {
  return text.split('\n').flatMap((line) => {
    const indent = /^ */.exec(line)![0];
    return wrap(line.slice(indent.length), Math.max(MIN_WIDTH - indent.length, width - indent.length)).map((l) => `${indent}${l}`);
  }).join('\n');
}

export interface FitOptions {
  /** Total width available. */
  width: number;
  /** A column that may be cut short (with …) before the last column gets narrow: names. */
  shrinkColumn?: number;
  /** The shrinking column keeps at least this many characters. Default 16. */
  minShrink?: number;
  /** The last column wraps, but is not made narrower than this. Default 24. */
  minLast?: number;
}

/**
 * `table`, fitted to a width: the last column (verdicts, values, reasons) wraps under itself,
 * and a name column gives up characters first so that the last column stays readable.
 */
export function fitTable(rows: string[][], options: FitOptions): string[] {
  const columns = Math.max(...rows.map((r) => r.length));
  if (columns <= 1) return rows.flatMap((r) => wrap(r[0] ?? '', options.width));
  const widths = Array.from({ length: columns - 1 }, (_, i) => Math.max(...rows.map((r) => (i < r.length - 1 ? visibleLength(r[i]!) : 0))));
  const minLast = options.minLast ?? 24;
  const lastStart = () => widths.reduce((a, b) => a + b, 0) + 2 * widths.length;
  const shrink = options.shrinkColumn;
  if (shrink !== undefined && shrink < widths.length && lastStart() + minLast > options.width) {
    const spare = lastStart() + minLast - options.width;
    widths[shrink] = Math.max(Math.min(widths[shrink]!, options.minShrink ?? 16), widths[shrink]! - spare);
  }
  const indent = lastStart();
  const lastWidth = Math.max(minLast, options.width - indent);
  const lines: string[] = [];
  for (const row of rows) {
    const cells = row.slice(0, -1).map((cell, i) => {
      const fitted = unglue(visibleLength(cell) > widths[i]! ? truncate(cell, widths[i]!) : cell);
      return fitted + ' '.repeat(widths[i]! - visibleLength(fitted));
    });
    const [first, ...rest] = wrap(row[row.length - 1] ?? '', lastWidth);
    lines.push([...cells, first].join('  ').trimEnd());
    for (const more of rest) lines.push(`${' '.repeat(indent)}${more}`);
  }
  return lines;
}

/** `Label  value` rows (inspect, the status header), the values wrapped under each other. */
export function labelled(rows: [string, string][], width: number): string[] {
  return fitTable(rows, { width, minLast: 24 });
}

/** A line that starts a block, then its details indented under it, each wrapped. */
export function indentedBlock(head: string, details: string[], indent: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  return [head, ...details.flatMap((d) => wrap(d, Math.max(MIN_WIDTH - indent, width - indent)).map((l) => `${pad}${l}`))];
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

