// A SQLite-era transcript, read-only, as the JSONL it would have been: `transcript_events`
// of one session window in order, each event as one line. Large events are stored
// zstd-compressed (`event_zstd`); Node's zlib decompresses them (22.15+/24), so the read runs
// where `node:sqlite` is (this process or the child reader), never writing anything.
import * as zlib from 'node:zlib';
import type { SqliteOpen } from './driver';
import { DatabaseReadError, tableColumns, withReadOnlyDatabase } from './read-database';

export const DEFAULT_MAX_EVENTS = 50_000;

export interface TranscriptRead {
  jsonl: string;
  events: number;
  /** More events exist past `maxEvents`. */
  truncated: boolean;
  /** Events that could not be decoded (left out, counted). */
  undecodable: number;
}

type Row = { event_json?: unknown; event_zstd?: unknown };

function decode(row: Row): string | undefined {
  if (typeof row.event_json === 'string') return row.event_json;
  if (row.event_zstd instanceof Uint8Array) {
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
    if (!zstd) return undefined;
    try {
      return zstd(row.event_zstd).toString('utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function readTranscriptEvents(open: SqliteOpen, databasePath: string, sessionId: string, maxEvents = DEFAULT_MAX_EVENTS): TranscriptRead {
  return withReadOnlyDatabase(open, databasePath, (db) => {
    const columns = tableColumns(db, 'transcript_events');
    if (!columns.has('session_id') || !columns.has('seq')) throw new DatabaseReadError('unknown-schema', 'no transcript_events table');
    const zstd = columns.has('event_zstd') ? 'event_zstd' : 'NULL AS event_zstd';
    const rows = db.prepare(`SELECT event_json, ${zstd} FROM transcript_events WHERE session_id = ? ORDER BY seq LIMIT ?`).all(sessionId, maxEvents + 1) as Row[];
    const truncated = rows.length > maxEvents;
    const lines: string[] = [];
    let undecodable = 0;
    for (const row of rows.slice(0, maxEvents)) {
      const text = decode(row);
      if (text === undefined) undecodable++;
      // One event per line, as a JSONL transcript has it; stored JSON never holds a raw newline.
      else lines.push(text.replace(/\r?\n/g, ' '));
    }
    return { jsonl: lines.length > 0 ? `${lines.join('\n')}\n` : '', events: lines.length, truncated, undecodable };
  });
}
