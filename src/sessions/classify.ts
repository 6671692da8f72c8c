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
const CHECKPOINT = /\.checkpoint\.[^.]+\.jsonl$/;
const STORE_TMP = /^sessions\.json\.\d+\.[^.]+\.tmp$/;
const COMPACT_TMP = /\.jsonl\.compact\.[^.]+\.tmp$/;

export function isValidSessionId(id: string): boolean {
  return SESSION_ID_PATTERN.test(id);
}

const TRANSCRIPT_LOCK_SUFFIX = TRANSCRIPT_SUFFIX + LOCK_SUFFIX;
const TRAJECTORY_SUFFIX = '.trajectory.jsonl';

/** Cheap string tests first: this runs once per entry of folders with 10,000 transcripts. */
export function classifyEntry(name: string): EntryClass {
  if (name.endsWith(TRANSCRIPT_SUFFIX)) {
    // Checkpoints and trajectories also match the id rule, so they are checked first.
    if (name.length > TRAJECTORY_SUFFIX.length && name.endsWith(TRAJECTORY_SUFFIX)) return { type: 'side', kind: 'trajectory' };
    if (name.includes('.checkpoint.') && CHECKPOINT.test(name)) return { type: 'side', kind: 'checkpoint' };
    const sessionId = name.slice(0, -TRANSCRIPT_SUFFIX.length);
    return isValidSessionId(sessionId) ? { type: 'transcript', sessionId } : { type: 'side', kind: 'other' };
  }
  if (name === STORE_FILE) return { type: 'store' };
  if (name === STORE_LOCK_FILE) return { type: 'store-lock' };
  if (name.endsWith(TRANSCRIPT_LOCK_SUFFIX)) return { type: 'transcript-lock', transcript: name.slice(0, -LOCK_SUFFIX.length) };
  if (name.includes('.jsonl.')) {
    const archive = ARCHIVE.exec(name);
    if (archive) return { type: 'side', kind: archive[1] as SideFileKind };
    if (COMPACT_TMP.test(name)) return { type: 'side', kind: 'compact-tmp' };
  }
  if (name.startsWith('sessions.json.') && STORE_TMP.test(name)) return { type: 'side', kind: 'store-tmp' };
  return { type: 'side', kind: 'other' };
}
