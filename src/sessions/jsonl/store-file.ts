// The JSONL era's `sessions.json`: read whole once per scan (bounded in size), every entry
// turned into a session whose transcript and lock paths follow OpenClaw's own rules. What
// cannot be read is a problem on the agent, never a thrown scan.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isValidSessionId, STORE_FILE } from '../classify';
import { describeFsError, errorCode } from '../fs-errors';
import type { LockView, Problem, JsonlSession } from '../types';

/** Bigger than any real store (10,000 sessions is a few MB); refusing protects the editor's heap. */
export const MAX_STORE_BYTES = 256 * 1024 * 1024;

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export async function readStore(storePath: string, problems: Problem[]): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    const stat = await fs.stat(storePath);
    if (!stat.isFile()) {
      problems.push({ path: storePath, message: 'sessions.json is not a file; sessions listed from transcripts only' });
      return undefined;
    }
    if (stat.size > MAX_STORE_BYTES) {
      problems.push({ path: storePath, message: `sessions.json is ${stat.size} bytes, larger than any real store; sessions listed from transcripts only` });
      return undefined;
    }
    text = await fs.readFile(storePath, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined; // vanished mid-scan
    problems.push({ path: storePath, message: describeFsError(error, 'sessions.json') + '; sessions listed from transcripts only' });
    return undefined;
  }
  if (text.trim() === '') {
    problems.push({ path: storePath, message: 'sessions.json is empty; sessions listed from transcripts only' });
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push({ path: storePath, message: 'sessions.json is not a JSON object; sessions listed from transcripts only' });
      return undefined;
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    problems.push({
      path: storePath,
      message: `sessions.json is not valid JSON (${(error as Error).message}); sessions listed from transcripts only`,
    });
    return undefined;
  }
}

export interface PendingSession {
  info: JsonlSession;
  /** File name inside the sessions folder, when the transcript lives there. */
  localName?: string;
}

const NUMERIC_FIELDS = ['updatedAt', 'inputTokens', 'outputTokens', 'totalTokens', 'contextTokens', 'compactionCount'] as const;

// Paths below are built by concatenation: both halves are already normal, and path.join's
// normalisation is a measurable share of a 10,000-session scan.
export function sessionFromEntry(
  agentId: string,
  key: string,
  entry: Record<string, unknown>,
  sessionsDir: string,
  lockBase: string,
  problems: Problem[],
): PendingSession | undefined {
  const storePath = sessionsDir + path.sep + STORE_FILE;
  const sessionId = nonEmptyString(entry.sessionId);
  const sessionFile = nonEmptyString(entry.sessionFile);
  if (!sessionId) {
    problems.push({ path: storePath, message: `entry "${key}" has no sessionId; skipped` });
    return undefined;
  }
  let transcriptPath: string;
  let localName: string | undefined;
  if (sessionFile) {
    transcriptPath = path.resolve(sessionsDir, sessionFile);
    if (path.dirname(transcriptPath) === sessionsDir || path.dirname(transcriptPath) === lockBase) {
      localName = path.basename(transcriptPath);
    }
  } else if (isValidSessionId(sessionId)) {
    localName = `${sessionId}.jsonl`;
    transcriptPath = sessionsDir + path.sep + localName;
  } else {
    problems.push({ path: storePath, message: `entry "${key}" has an invalid sessionId ${JSON.stringify(sessionId)}; skipped` });
    return undefined;
  }
  const label = nonEmptyString(entry.label);
  const displayName = nonEmptyString(entry.displayName);
  const info: JsonlSession = {
    agentId,
    key,
    sessionId,
    title: label ?? displayName ?? key ?? sessionId,
    transcriptPath,
    transcriptExists: false,
    lockPath: localName ? `${lockBase}${path.sep}${localName}.lock` : `${transcriptPath}.lock`,
    lock: undefined as unknown as LockView, // filled once locks are inspected
    inStore: true,
    problems: [],
  };
  if (label) info.label = label;
  if (displayName) info.displayName = displayName;
  const chatType = nonEmptyString(entry.chatType);
  if (chatType) info.chatType = chatType;
  const channel = nonEmptyString(entry.lastChannel) ?? nonEmptyString(entry.channel);
  if (channel) info.channel = channel;
  for (const field of NUMERIC_FIELDS) {
    const value = finiteNumber(entry[field]);
    if (value !== undefined) info[field] = value;
  }
  return localName ? { info, localName } : { info };
}
