// Decides whether a path opened through the plain `file:` scheme is an OpenClaw transcript,
// from the session model's last snapshot only (no disk scan): such a file is written by the
// gateway under the session write lock, which a plain editor save ignores. Pure (no vscode).
import * as path from 'node:path';
import { findSession } from '../sessions/find';
import type { SessionsSnapshot } from '../sessions/types';

export interface TranscriptMatch {
  transcriptPath: string;
  /** The session's title when the snapshot knows it. */
  title?: string;
  agentId: string;
  /** `snapshot`: a session the model listed; `layout`: a `.jsonl` in an agent's sessions folder it has not listed (yet, or filtered out). */
  via: 'snapshot' | 'layout';
}

/**
 * `filePath` is compared as given; `realPath` (optional) is the same file with symlinks
 * resolved and `realStateDir` the state dir resolved, for a state dir reached through a link.
 */
export function matchTranscript(
  snapshot: SessionsSnapshot | undefined,
  filePath: string,
  real?: { realPath?: string; realStateDir?: string },
): TranscriptMatch | undefined {
  if (!snapshot || snapshot.layout === 'missing') return undefined;
  if (!filePath.endsWith('.jsonl')) return undefined;
  const stateDir = snapshot.resolution.stateDir;
  const candidates = [path.resolve(filePath)];
  if (real?.realPath && real.realStateDir) {
    const relative = path.relative(real.realStateDir, real.realPath);
    if (isInside(relative)) candidates.push(path.join(stateDir, relative));
  }
  for (const candidate of candidates) {
    // findSession also matches keys and ids; only an exact transcript path counts here.
    const session = findSession(snapshot, candidate);
    if (session && session.transcriptPath === candidate) {
      return { transcriptPath: session.transcriptPath, title: session.title, agentId: session.agentId, via: 'snapshot' };
    }
  }
  // From 2026.8.1 sessions live in SQLite and nothing appends to a leftover .jsonl.
  if (snapshot.layout === 'sqlite') return undefined;
  for (const candidate of candidates) {
    const relative = path.relative(stateDir, candidate);
    if (!isInside(relative)) continue;
    const parts = relative.split(path.sep);
    // agents/<agentId>/sessions/<file>.jsonl, exactly (not deeper: OpenClaw keeps no transcripts there).
    if (parts.length === 4 && parts[0] === 'agents' && parts[1] !== '' && parts[2] === 'sessions') {
      return { transcriptPath: candidate, agentId: parts[1]!, via: 'layout' };
    }
  }
  return undefined;
}

function isInside(relative: string): boolean {
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
