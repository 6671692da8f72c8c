// What to read, as plain data: the same request runs in this process or in a child reader.
import * as path from 'node:path';
import type { AgentDatabaseFacts, StateDatabaseFacts } from './facts';
import type { SqliteOpen } from './driver';
import { readAgentDatabase } from './agent-database';
import { readStateDatabase } from './state-database';

export const AGENT_DATABASE = path.join('agent', 'openclaw-agent.sqlite');
export const STATE_DATABASE = path.join('state', 'openclaw.sqlite');

export interface StoreReadRequest {
  kind?: 'store';
  /** `known`: each session's row signature from the last read, so unchanged entries are not read again. */
  agents: { agentId: string; path: string; known?: Record<string, string> }[];
  /** The shared state database, when there is one to read. */
  statePath?: string;
  now: number;
}

export interface StoreReadResult {
  agents: AgentDatabaseFacts[];
  state?: StateDatabaseFacts;
}

/** One session's transcript, rendered as JSONL. */
export interface TranscriptReadRequest {
  kind: 'transcript';
  path: string;
  sessionId: string;
  maxEvents?: number;
}

export type ReaderRequest = StoreReadRequest | TranscriptReadRequest;

export function agentDatabasePath(stateDir: string, agentId: string): string {
  return path.join(stateDir, 'agents', agentId, AGENT_DATABASE);
}

export function stateDatabasePath(stateDir: string): string {
  return path.join(stateDir, STATE_DATABASE);
}

/** Reads one database after the other: each connection is closed before the next opens. */
export function runStoreRead(open: SqliteOpen, request: StoreReadRequest): StoreReadResult {
  const result: StoreReadResult = { agents: request.agents.map((a) => readAgentDatabase(open, a.agentId, a.path, a.known)) };
  if (request.statePath) result.state = readStateDatabase(open, request.statePath, request.now);
  return result;
}
