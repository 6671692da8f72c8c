// Names the files found in a sessions folder. Pure: works on names only, so a scan can
// classify 10,000 entries from one readdir without touching the disk again.
import type { SideFileKind } from './types';

/** OpenClaw's session id rule. */
export const SESSION_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/i;
export const STORE_FILE = 'sessions.json';
export const STORE_LOCK_FILE = 'sessions.json.lock';
export const LOCK_SUFFIX = '.lock';
export const TRANSCRIPT_SUFFIX = '.jsonl';

export type EntryClass =
  | { type: 'store' }
  | { type: 'store-lock' }
  /** `<transcript>.lock`; `transcript` is the transcript's file name. */
  | { type: 'transcript-lock'; transcript: string }
  | { type: 'transcript'; sessionId: string }
  | { type: 'side'; kind: SideFileKind };

const ARCHIVE = /\.jsonl\.(reset|deleted|bak)\.[^/]+$/;
const CHECKPOINT = /^.+\.checkpoint\.[^.]+\.jsonl$/;
const TRAJECTORY = /^.+\.trajectory\.jsonl$/;
const STORE_TMP = /^sessions\.json\.\d+\.[^.]+\.tmp$/;
const COMPACT_TMP = /\.jsonl\.compact\.[^.]+\.tmp$/;

export function isValidSessionId(id: string): boolean {
  return SESSION_ID_PATTERN.test(id);
}

export function classifyEntry(name: string): EntryClass {
  if (name === STORE_FILE) return { type: 'store' };
  if (name === STORE_LOCK_FILE) return { type: 'store-lock' };
  if (name.endsWith(TRANSCRIPT_SUFFIX + LOCK_SUFFIX)) {
    return { type: 'transcript-lock', transcript: name.slice(0, -LOCK_SUFFIX.length) };
  }
  const archive = ARCHIVE.exec(name);
  if (archive) return { type: 'side', kind: archive[1] as SideFileKind };
  if (STORE_TMP.test(name)) return { type: 'side', kind: 'store-tmp' };
  if (COMPACT_TMP.test(name)) return { type: 'side', kind: 'compact-tmp' };
  // Checkpoints and trajectories also match the id rule, so they are checked first.
  if (CHECKPOINT.test(name)) return { type: 'side', kind: 'checkpoint' };
  if (TRAJECTORY.test(name)) return { type: 'side', kind: 'trajectory' };
  if (name.endsWith(TRANSCRIPT_SUFFIX)) {
    const sessionId = name.slice(0, -TRANSCRIPT_SUFFIX.length);
    if (isValidSessionId(sessionId)) return { type: 'transcript', sessionId };
  }
  return { type: 'side', kind: 'other' };
}
