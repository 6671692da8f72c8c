// Follows OpenClaw's file log incrementally, the way `tail -F` would but without holding the
// file open between polls (an open handle would keep a pruned file's space, and on Windows
// could get in the way of OpenClaw's renames). It remembers the file by device and inode and
// how far it has read:
// - rotation by size (`file` renamed to `file.1.log`, a new `file` created): the old inode is
//   found among the rotated names and read to its end, then the new file from the start;
// - truncation (size below the offset): start the file over;
// - the day change (a new dated file): the old file is finished, then the new one read;
// - a partial last line (OpenClaw mid-append) is carried to the next poll, bounded;
// - first start: only the last `firstWindowBytes` of the files of the last `firstWindowMs`.
// Memory is bounded by the chunk size and the line cap whatever the file's size.
import { promises as fsp, type Stats } from 'node:fs';
import { MAX_ROTATED, rotatedLogFile } from './location';

export const DEFAULT_FIRST_WINDOW_BYTES = 16 * 1024 * 1024;
export const DEFAULT_FIRST_WINDOW_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface FollowOptions {
  /** The file OpenClaw writes at `now` (its name carries the local date). */
  fileFor: (now: Date) => string;
  now?: () => number;
  firstWindowBytes?: number;
  firstWindowMs?: number;
  /** Longer lines are skipped (counted in `skippedLines`). */
  maxLineBytes?: number;
  chunkBytes?: number;
  /**
   * A cheap test of a whole run of lines: when it fails, none of them is wanted and they are
   * counted, not handed out one by one (most of a log is ordinary lines; bench/logs.bench.ts).
   */
  anyWanted?: (text: string) => boolean;
}

export interface PollResult {
  /** The file being followed after this poll. */
  file: string;
  bytesRead: number;
  lines: number;
  skippedLines: number;
  /** What happened to the file since the last poll, if anything. */
  events: Array<'first-read' | 'rotated' | 'truncated' | 'day-change' | 'missing'>;
}

interface Position {
  path: string;
  dev: number;
  ino: number;
  offset: number;
}

type LineSink = (line: string) => void;

async function statOf(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.stat(p);
  } catch {
    return undefined;
  }
}

const sameFile = (st: Stats, pos: Position) => st.dev === pos.dev && st.ino === pos.ino;

export class LogFollower {
  private position: Position | undefined;
  /** The incomplete last line read so far (never more than maxLineBytes). */
  private partial: Buffer = Buffer.alloc(0);
  /** The current line grew past the cap: drop bytes until its newline. */
  private skippingLine = false;
  private readonly now: () => number;
  private readonly maxLineBytes: number;
  private readonly chunkBytes: number;
  private polling: Promise<PollResult> | undefined;

  constructor(private readonly options: FollowOptions) {
    this.now = options.now ?? Date.now;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  /** The file and offset read up to (for tests and the log line). */
  get state(): Readonly<Position> | undefined {
    return this.position;
  }

  /** Reads what was appended since the last poll; one poll at a time (a second call waits for the first). */
  poll(onLine: LineSink): Promise<PollResult> {
    const run = (this.polling ?? Promise.resolve()).catch(() => undefined).then(() => this.pollNow(onLine));
    this.polling = run;
    return run;
  }

  private async pollNow(onLine: LineSink): Promise<PollResult> {
    const nowMs = this.now();
    const current = this.options.fileFor(new Date(nowMs));
    const result: PollResult = { file: current, bytesRead: 0, lines: 0, skippedLines: 0, events: [] };
    if (!this.position) {
      await this.firstRead(current, nowMs, onLine, result);
      return result;
    }
    const pos = this.position;
    if (pos.path !== current) {
      // The day changed: finish yesterday's file (wherever rotation put it), then today's from its start.
      result.events.push('day-change');
      await this.finishOld(pos, onLine, result);
      await this.startAt(current, 0, onLine, result);
      return result;
    }
    const st = await statOf(current);
    if (!st) {
      // Rotated away with no new file yet, or pruned: finish the old inode if it is still around.
      const rotated = await this.findRotated(pos);
      if (rotated) {
        result.events.push('rotated');
        await this.readRange(rotated, pos, onLine, result);
        this.endOfFile(onLine, result);
        this.position = { ...pos, offset: 0, dev: -1, ino: -1 };
      } else result.events.push('missing');
      return result;
    }
    if (!sameFile(st, pos)) {
      if (pos.dev !== -1) {
        result.events.push('rotated');
        await this.finishOld(pos, onLine, result);
      }
      await this.startAt(current, 0, onLine, result);
      return result;
    }
    if (st.size < pos.offset) {
      result.events.push('truncated');
      this.partial = Buffer.alloc(0);
      this.skippingLine = false;
      pos.offset = 0;
    }
    await this.readRange(current, pos, onLine, result);
    return result;
  }

  /** The rotated name that now holds the followed inode, if any. */
  private async findRotated(pos: Position): Promise<string | undefined> {
    for (let n = 1; n <= MAX_ROTATED; n++) {
      const candidate = rotatedLogFile(pos.path, n);
      const st = await statOf(candidate);
      if (st && sameFile(st, pos)) return candidate;
    }
    return undefined;
  }

  private async finishOld(pos: Position, onLine: LineSink, result: PollResult): Promise<void> {
    const st = await statOf(pos.path);
    const where = st && sameFile(st, pos) ? pos.path : await this.findRotated(pos);
    if (where) await this.readRange(where, pos, onLine, result);
    this.endOfFile(onLine, result);
  }

  /** A file that will not grow again: its last line, even without a newline, is a line. */
  private endOfFile(onLine: LineSink, result: PollResult): void {
    if (this.partial.length > 0 && !this.skippingLine) this.emit(this.partial.toString('utf8'), onLine, result);
    this.partial = Buffer.alloc(0);
    this.skippingLine = false;
  }

  private async startAt(file: string, offset: number, onLine: LineSink, result: PollResult): Promise<void> {
    const st = await statOf(file);
    if (!st) {
      // Not created yet (OpenClaw writes it with its first line of the day): follow it from 0.
      this.position = { path: file, dev: -1, ino: -1, offset: 0 };
      result.events.push('missing');
      return;
    }
    this.position = { path: file, dev: st.dev, ino: st.ino, offset };
    await this.readRange(file, this.position, onLine, result);
  }

  /**
   * The backlog: the rotated files and the current one, oldest first, those modified within the
   * time window, and of them only the last `firstWindowBytes` bytes.
   */
  private async firstRead(current: string, nowMs: number, onLine: LineSink, result: PollResult): Promise<void> {
    result.events.push('first-read');
    const windowMs = this.options.firstWindowMs ?? DEFAULT_FIRST_WINDOW_MS;
    let budget = this.options.firstWindowBytes ?? DEFAULT_FIRST_WINDOW_BYTES;
    const yesterday = this.options.fileFor(new Date(nowMs - windowMs));
    const names = [...new Set([yesterday, current])].flatMap((f) => [...Array.from({ length: MAX_ROTATED }, (_, i) => rotatedLogFile(f, MAX_ROTATED - i)), f]);
    const files: Array<{ path: string; st: Stats }> = [];
    for (const name of names) {
      const st = await statOf(name);
      if (st && st.isFile() && nowMs - st.mtimeMs <= windowMs) files.push({ path: name, st });
    }
    // Newest first, the budget spent from the end.
    const plan: Array<{ path: string; st: Stats; from: number }> = [];
    for (const file of [...files].reverse()) {
      if (budget <= 0) break;
      const from = Math.max(0, file.st.size - budget);
      budget -= file.st.size - from;
      plan.unshift({ ...file, from });
    }
    let followed: Position | undefined;
    for (const { path, st, from } of plan) {
      const pos: Position = { path, dev: st.dev, ino: st.ino, offset: from };
      // Started inside a line: drop its rest.
      this.skippingLine = from > 0;
      this.partial = Buffer.alloc(0);
      await this.readRange(path, pos, onLine, result);
      if (path === current) followed = pos;
      else this.endOfFile(onLine, result);
    }
    if (followed) {
      this.position = followed;
      return;
    }
    // Too old or over budget: follow it from its end.
    const st = await statOf(current);
    this.position = st ? { path: current, dev: st.dev, ino: st.ino, offset: st.size } : { path: current, dev: -1, ino: -1, offset: 0 };
    if (!st) result.events.push('missing');
  }

  /** Reads `path` from `pos.offset` to its end at this moment, in chunks; advances `pos.offset`. */
  private async readRange(path: string, pos: Position, onLine: LineSink, result: PollResult): Promise<void> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, 'r');
    } catch {
      return;
    }
    try {
      const st = await handle.stat();
      if (st.dev !== pos.dev || st.ino !== pos.ino) {
        // Replaced between the stat and the open: the next poll sees the new identity.
        return;
      }
      const end = st.size;
      const chunk = Buffer.allocUnsafe(this.chunkBytes);
      while (pos.offset < end) {
        const { bytesRead } = await handle.read(chunk, 0, Math.min(this.chunkBytes, end - pos.offset), pos.offset);
        if (bytesRead === 0) break;
        pos.offset += bytesRead;
        result.bytesRead += bytesRead;
        this.consume(chunk.subarray(0, bytesRead), onLine, result);
      }
    } finally {
      await handle.close();
    }
  }

  private consume(data: Buffer, onLine: LineSink, result: PollResult): void {
    let start = 0;
    if (this.skippingLine) {
      const nl = data.indexOf(10);
      if (nl < 0) return;
      this.skippingLine = false;
      start = nl + 1;
    }
    const lastNl = data.lastIndexOf(10);
    if (lastNl < start) {
      this.carry(data.subarray(start), result);
      return;
    }
    // Everything up to the last newline is whole lines (whole UTF-8 too: a newline byte never sits inside a character).
    if (this.partial.length > 0) {
      // The carried start of a line, and its end at the head of this chunk.
      const firstNl = data.indexOf(10, start);
      this.emit(Buffer.concat([this.partial, data.subarray(start, firstNl)]).toString('utf8'), onLine, result);
      this.partial = Buffer.alloc(0);
      start = firstNl + 1;
    }
    if (start < lastNl) this.emitAll(data.toString('utf8', start, lastNl), onLine, result);
    this.carry(data.subarray(lastNl + 1), result);
  }

  private carry(rest: Buffer, result: PollResult): void {
    if (rest.length === 0) return;
    if (this.partial.length + rest.length > this.maxLineBytes) {
      this.partial = Buffer.alloc(0);
      this.skippingLine = true;
      result.skippedLines++;
      return;
    }
    this.partial = this.partial.length === 0 ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
  }

  private emitAll(text: string, onLine: LineSink, result: PollResult): void {
    if (this.options.anyWanted && !this.options.anyWanted(text)) {
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) result.lines++;
      result.lines++;
      return;
    }
    let from = 0;
    while (from <= text.length) {
      const nl = text.indexOf('\n', from);
      const line = nl < 0 ? text.slice(from) : text.slice(from, nl);
      this.emit(line, onLine, result);
      if (nl < 0) break;
      from = nl + 1;
    }
  }

  private emit(line: string, onLine: LineSink, result: PollResult): void {
    if (line.length === 0) return;
    if (line.length > this.maxLineBytes) {
      result.skippedLines++;
      return;
    }
    result.lines++;
    onLine(line);
  }
}
