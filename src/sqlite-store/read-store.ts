// Reads a SQLite-era state dir's databases: in this process when its Node has `node:sqlite`,
// else in a child on a Node that has (found once, then reused while it keeps working).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadSqlite } from './driver';
import { databaseFiles } from './files';
import type { SqliteStoreFacts } from './facts';
import { nodeCandidates, type NodeCandidateInputs } from './node-finder';
import { runStoreRead, type ReaderRequest, type StoreReadRequest, type StoreReadResult } from './request';
import { DEFAULT_MAX_EVENTS, readTranscriptEvents, type TranscriptRead } from './transcript';
import { DatabaseReadError } from './read-database';
import type { ReadFailure, SqliteSessionRow } from './facts';

const NO_SQLITE_EXIT = 3;
const CHILD_TIMEOUT_MS = 15_000;
const OUTPUT_LIMIT = 64 << 20;

export interface StoreReadOptions extends NodeCandidateInputs {
  /** Never read in this process (tests of the child path on a Node that has sqlite). */
  forceChild?: boolean;
  /** The child reader script; default `sqlite-reader.js` beside the bundle. */
  readerScript?: string;
  /** Read only the entries that changed since this process's last read of each database (default true). */
  incremental?: boolean;
}

/** `dist/sqlite-reader.js` beside the extension and CLI bundles, or the checkout's when run from tests. */
export function defaultReaderScript(): string {
  const candidates = [path.join(__dirname, 'sqlite-reader.js')];
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, 'dist', 'sqlite-reader.js'));
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

class NoSqliteError extends Error {}

function runChild<T>(nodePath: string, script: string, request: ReaderRequest): Promise<T & { nodeVersion: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodePath, ['--no-warnings', script], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (t: string) => { if (out.length < OUTPUT_LIMIT) out += t; });
    child.stderr.setEncoding('utf8').on('data', (t: string) => { if (err.length < 8192) err += t; });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === NO_SQLITE_EXIT) return reject(new NoSqliteError(err.trim()));
      if (code !== 0) return reject(new Error(`the SQLite reader on ${nodePath} failed (${signal ?? `exit ${code}`}): ${err.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolve(JSON.parse(out) as T & { nodeVersion: string });
      } catch (error) {
        reject(new Error(`the SQLite reader on ${nodePath} printed no result (${(error as Error).message})`));
      }
    });
    child.stdin.on('error', () => { /* the child exited first; its exit code says why */ });
    child.stdin.end(JSON.stringify(request));
  });
}

let workingNode: string | undefined;

/** Entry-only fields, kept from the last read of each database for rows whose entry did not change. */
const ENTRY_ONLY = ['startedAt', 'activeWriterRunId', 'lastRunId', 'abortedLastRun', 'initializationPending', 'tombstone', 'channel', 'chatType', 'inputTokens', 'outputTokens', 'totalTokens', 'contextTokens', 'compactionCount'] as const;
const lastRows = new Map<string, Map<string, { signature: string; row: SqliteSessionRow }>>();

function withKnown(request: StoreReadRequest, incremental: boolean): StoreReadRequest {
  if (!incremental) return request;
  return {
    ...request,
    agents: request.agents.map((a) => {
      const cached = lastRows.get(a.path);
      return cached ? { ...a, known: Object.fromEntries([...cached].map(([key, { signature }]) => [key, signature])) } : a;
    }),
  };
}

/** Fills reused rows from the last read and remembers this one (whole rows only). */
function mergeRows(facts: StoreReadResult): StoreReadResult {
  for (const agent of facts.agents) {
    if (agent.failure) continue;
    const cached = lastRows.get(agent.files.path);
    const next = new Map<string, { signature: string; row: SqliteSessionRow }>();
    agent.sessions = agent.sessions.map((row) => {
      const { entryReused, signature, ...full } = row;
      if (entryReused) {
        const previous = cached?.get(row.key)?.row;
        for (const field of ENTRY_ONLY) if (previous?.[field] !== undefined) (full as unknown as Record<string, unknown>)[field] = previous[field];
      }
      if (signature !== undefined) next.set(row.key, { signature, row: full });
      return full;
    });
    lastRows.set(agent.files.path, next);
  }
  return facts;
}

export async function readSqliteStore(request: StoreReadRequest, options: StoreReadOptions = {}): Promise<SqliteStoreFacts> {
  const facts = await readSqliteStoreOnce(withKnown(request, options.incremental !== false), options);
  return { ...mergeRows(facts), reader: facts.reader };
}

type Reader = SqliteStoreFacts['reader'];

/**
 * Runs `request` where `node:sqlite` is: this process, else the first Node (the one that last
 * worked first) whose child reader answers. `result` is undefined when none could.
 */
async function withReader<T>(request: ReaderRequest, options: StoreReadOptions, inProcess: (open: NonNullable<ReturnType<typeof loadSqlite>['open']>) => T): Promise<{ result?: T; reader: Reader }> {
  const { open, reason } = loadSqlite();
  if (open && !options.forceChild) return { result: inProcess(open), reader: { kind: 'in-process', nodeVersion: process.versions.node } };
  const script = options.readerScript ?? defaultReaderScript();
  const tried: string[] = [];
  const candidates = nodeCandidates(options);
  if (workingNode && candidates.includes(workingNode)) candidates.unshift(...candidates.splice(candidates.indexOf(workingNode), 1));
  for (const nodePath of candidates) {
    try {
      const { nodeVersion, ...result } = await runChild<T>(nodePath, script, request);
      workingNode = nodePath;
      return { result: result as T, reader: { kind: 'child', nodePath, nodeVersion } };
    } catch (error) {
      tried.push(error instanceof NoSqliteError ? `${nodePath} (no node:sqlite)` : `${nodePath} (${(error as Error).message})`);
    }
  }
  return { reader: { kind: 'none', reason: [reason ?? 'this process reads in a child', tried.length > 0 ? `tried ${tried.join('; ')}` : 'no other node on PATH or beside openclaw'].join('; ') } };
}

async function readSqliteStoreOnce(request: StoreReadRequest, options: StoreReadOptions): Promise<SqliteStoreFacts> {
  const { result, reader } = await withReader<StoreReadResult>(request, options, (open) => runStoreRead(open, request));
  if (result) return { ...result, reader };
  const why = reader.kind === 'none' ? reader.reason : 'no reader';
  return {
    agents: request.agents.map((a) => ({ agentId: a.agentId, files: databaseFiles(a.path), sessions: [], failure: { kind: 'no-sqlite', message: why }, readMs: 0 })),
    reader,
  };
}

export type TranscriptResult =
  | (TranscriptRead & { reader: string })
  | { failure: { kind: ReadFailure; message: string }; reader: string };

/** Which Node reads, in words: "in-process (Node 24.21.0)", the child's path, or "none". */
function readerWords(reader: Reader): string {
  return reader.kind === 'in-process' ? `in-process (Node ${reader.nodeVersion})` : reader.kind === 'child' ? `${reader.nodePath} (Node ${reader.nodeVersion})` : 'none';
}

/** One SQLite-era session's transcript as JSONL, read-only. */
export async function readSqliteTranscript(databasePath: string, sessionId: string, options: StoreReadOptions & { maxEvents?: number } = {}): Promise<TranscriptResult> {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const request: ReaderRequest = { kind: 'transcript', path: databasePath, sessionId, maxEvents };
  const read = await withReader<TranscriptRead | { failure: { kind: ReadFailure; message: string } }>(request, options, (open) => {
    try {
      return readTranscriptEvents(open, databasePath, sessionId, maxEvents);
    } catch (error) {
      return { failure: { kind: error instanceof DatabaseReadError ? error.kind : 'other', message: (error as Error).message } };
    }
  });
  const reader = readerWords(read.reader);
  if (!read.result) return { failure: { kind: 'no-sqlite', message: read.reader.kind === 'none' ? read.reader.reason : 'no reader' }, reader };
  return { ...read.result, reader };
}
