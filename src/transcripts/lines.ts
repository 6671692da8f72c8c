// The line scanner behind trim compaction, in OpenClaw's terms: a line is non-empty when it
// holds more than spaces, tabs and '\r'; the header is the first non-empty line. Reads in
// chunks with bounded memory: the tail backwards from the end, the dropped middle only counted.
import type { promises as fsp } from 'node:fs';
import { TranscriptError, checkAborted } from './errors';
import { copyBytes } from './fs';

export const CHUNK_BYTES = 1 << 20;
/** A torn last line larger than this is kept rather than parsed (bounded memory). */
const TORN_CHECK_LIMIT = 16 << 20;

export interface LineRange {
  start: number;
  /** Exclusive; excludes the '\n' (a '\r' before it stays part of the line). */
  end: number;
  terminated: boolean;
}

export interface TrimPlan {
  size: number;
  header?: LineRange;
  /** The last maxLines-1 non-empty lines, in file order. */
  tail: LineRange[];
  /** True when there are more than maxLines non-empty lines. */
  needed: boolean;
  /** Where the dropped middle starts and ends (bytes). */
  middle?: { start: number; end: number };
  /** Lines counted by the backwards scan (header and tail, when not needed: all of them). */
  linesSeen: number;
}

function isBlankByte(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d;
}

/** Finds the first non-empty line, reading forwards. */
async function findHeader(handle: fsp.FileHandle, size: number, signal: AbortSignal | undefined, path: string, chunkBytes: number): Promise<LineRange | undefined> {
  const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(size, 1)));
  let lineStart = 0;
  let nonBlank = false;
  let offset = 0;
  while (offset < size) {
    checkAborted(signal, path);
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) {
      const byte = buffer[i];
      if (byte === 0x0a) {
        if (nonBlank) return { start: lineStart, end: offset + i, terminated: true };
        lineStart = offset + i + 1;
      } else if (!nonBlank && !isBlankByte(byte)) {
        nonBlank = true;
        // The header is found; only its end is still needed, so jump to the next newline.
        const newline = buffer.subarray(0, bytesRead).indexOf(0x0a, i);
        if (newline !== -1) return { start: lineStart, end: offset + newline, terminated: true };
        break;
      }
    }
    offset += bytesRead;
    if (nonBlank) {
      // Continue looking for the end of a long header line.
      while (offset < size) {
        checkAborted(signal, path);
        const more = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
        if (more.bytesRead === 0) break;
        const newline = buffer.subarray(0, more.bytesRead).indexOf(0x0a);
        if (newline !== -1) return { start: lineStart, end: offset + newline, terminated: true };
        offset += more.bytesRead;
      }
      return { start: lineStart, end: size, terminated: false };
    }
  }
  return undefined;
}

/**
 * Plans the trim by reading backwards from the end: collects up to maxLines non-empty
 * lines after the header (one more than are kept, to know whether anything is dropped).
 */
export async function planTrim(handle: fsp.FileHandle, size: number, maxLines: number, signal?: AbortSignal, path = '', chunkBytes = CHUNK_BYTES): Promise<TrimPlan> {
  const header = await findHeader(handle, size, signal, path, chunkBytes);
  if (!header) return { size, tail: [], needed: false, linesSeen: 0 };
  const floor = header.terminated ? header.end + 1 : header.end;
  const wanted = maxLines; // maxLines-1 kept plus one to prove there is more
  const found: LineRange[] = [];
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let lineEnd = size; // exclusive end of the line being assembled
  let terminated = false; // whether that line is followed by '\n'
  let lineHasContent = false;
  let position = size;
  // A file that ends with '\n' has an empty "line" after it; handled by the blank check.
  while (position > floor && found.length < wanted) {
    checkAborted(signal, path);
    const readStart = Math.max(floor, position - buffer.length);
    const length = position - readStart;
    const { bytesRead } = await handle.read(buffer, 0, length, readStart);
    if (bytesRead !== length) throw new TranscriptError('CHANGED_ON_DISK', `${path} shrank while it was read.`, path);
    for (let i = length - 1; i >= 0; i--) {
      const byte = buffer[i];
      if (byte === 0x0a) {
        const start = readStart + i + 1;
        if (lineHasContent) {
          found.push({ start, end: lineEnd, terminated });
          if (found.length >= wanted) break;
        }
        lineEnd = readStart + i;
        terminated = true;
        lineHasContent = false;
      } else if (!lineHasContent && !isBlankByte(byte)) {
        lineHasContent = true;
      }
    }
    position = readStart;
  }
  if (found.length < wanted && position <= floor && lineHasContent) {
    found.push({ start: floor, end: lineEnd, terminated });
  }
  found.reverse();
  if (found.length < wanted) {
    return { size, header, tail: found, needed: false, linesSeen: 1 + found.length };
  }
  const tail = found.slice(1);
  return { size, header, tail, needed: true, middle: { start: floor, end: tail.length > 0 ? tail[0].start : size }, linesSeen: 1 + found.length };
}

/** Counts non-empty lines in [start, end), where start is a line start and end a line end or start. */
export async function countNonEmptyLines(
  handle: fsp.FileHandle, start: number, end: number, signal?: AbortSignal, path = '', onBytes?: (n: number) => void, chunkBytes = CHUNK_BYTES,
): Promise<number> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let count = 0;
  let lineHasContent = false;
  let offset = start;
  while (offset < end) {
    checkAborted(signal, path);
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - offset), offset);
    if (bytesRead === 0) break;
    let i = 0;
    while (i < bytesRead) {
      if (!lineHasContent) {
        const byte = buffer[i];
        if (byte === 0x0a) {
          i += 1;
          continue;
        }
        if (!isBlankByte(byte)) lineHasContent = true;
        else {
          i += 1;
          continue;
        }
      }
      const newline = buffer.indexOf(0x0a, i);
      if (newline === -1 || newline >= bytesRead) {
        i = bytesRead;
      } else {
        count += 1;
        lineHasContent = false;
        i = newline + 1;
      }
    }
    offset += bytesRead;
    onBytes?.(offset - start);
  }
  if (lineHasContent) count += 1;
  return count;
}

export async function isParsableLine(handle: fsp.FileHandle, range: LineRange): Promise<boolean> {
  const length = range.end - range.start;
  if (length > TORN_CHECK_LIMIT) return true;
  const buffer = Buffer.allocUnsafe(length);
  await handle.read(buffer, 0, length, range.start);
  try {
    const value: unknown = JSON.parse(buffer.toString('utf8'));
    return value !== null && typeof value === 'object';
  } catch {
    return false;
  }
}

/** Copies one line and its '\n' to where `to` stands; returns the bytes written. */
export async function copyLine(from: fsp.FileHandle, to: fsp.FileHandle, range: LineRange, buffer: Buffer): Promise<number> {
  const written = await copyBytes(from, to, range.start, range.end, buffer, 'copied');
  await to.write('\n');
  return written + 1;
}
