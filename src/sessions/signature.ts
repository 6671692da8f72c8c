// What a person sees of a snapshot, as a string: the model tells its subscribers only when
// that changed, so a rescan of unchanged files (every 30 s, and after every watcher event)
// redraws nothing.
import { gatewayHealthKey } from '../openclaw/gateway-health';
import type { AgentInfo, Problem, SessionInfo, SessionsSnapshot } from './types';

type LockLike = { lockPath: string; level: string; pid?: number; createdAt?: string; reasons: string[] };
const lockKey = (v: LockLike) => `${v.lockPath}|${v.level}|${v.pid ?? ''}|${v.createdAt ?? ''}|${v.reasons.join(',')}`;
const problemsKey = (problems: readonly Problem[]) => problems.map((p) => `${p.path}|${p.message}`).join('\n');

const sessionKeys = new WeakMap<SessionInfo, string>();
/** What a person sees of one session; cached because a lock update reuses 9,999 of 10,000 sessions. */
function sessionKey(s: SessionInfo): string {
  let key = sessionKeys.get(s);
  if (key === undefined) {
    const row = s.sqlite?.row;
    const sqlite = row ? `|${row.status ?? ''}|${row.activeWriterRunId ?? ''}|${row.queued}|${row.interrupted}|${row.tombstone ? 1 : 0}|${row.startedAt ?? ''}` : '';
    key = `${s.key ?? ''}|${s.sessionId}|${s.title}|${s.updatedAt ?? ''}|${s.sizeBytes ?? ''}|${s.transcriptExists}|${problemsKey(s.problems)}|${!s.lock || s.lock.level === 'free' ? '' : lockKey(s.lock)}${sqlite}`;
    sessionKeys.set(s, key);
  }
  return key;
}

function agentHeader(a: AgentInfo): string {
  return [a.id, a.layout, a.sessionsDir, a.sideFiles.length, problemsKey(a.problems), ...a.orphanLocks.map(lockKey), a.storeLock ? lockKey(a.storeLock) : ''].join('\n');
}

/** What a SQLite-era snapshot tells beyond its sessions: the era, the graded findings, leftovers, the reader. */
function sqliteHeader(s: SessionsSnapshot): string {
  if (s.layout !== 'sqlite') return '';
  const findings = (s.findings ?? []).map((f) => `${f.id}|${f.kind}|${f.severity}|${f.since ?? ''}|${JSON.stringify(f.facts)}`);
  const agents = s.agents.map((a) => `${a.id}|${a.database?.failure?.kind ?? ''}|${a.database?.files.walBytes ?? ''}|${(a.leftoverLocks ?? []).map(lockKey).join(',')}`);
  return [JSON.stringify(s.era), s.sqlite?.reader.kind ?? '', ...agents, ...findings].join('\n');
}

function snapshotHeader(s: SessionsSnapshot): string {
  return [s.resolution.stateDir, s.resolution.exists, s.layout, JSON.stringify(s.gateway), gatewayHealthKey(s.gatewayHealth), problemsKey(s.problems), sqliteHeader(s)].join('\n');
}

/**
 * Whether `next` shows anything `previous` did not. Agents and sessions reused by a partial
 * update are the same objects, so this is mostly pointer comparisons.
 */
export function snapshotChanged(previous: SessionsSnapshot | undefined, next: SessionsSnapshot): boolean {
  if (!previous) return true;
  if (snapshotHeader(previous) !== snapshotHeader(next) || previous.agents.length !== next.agents.length) return true;
  for (let i = 0; i < next.agents.length; i++) {
    const a = previous.agents[i]!;
    const b = next.agents[i]!;
    if (a === b) continue;
    if (agentHeader(a) !== agentHeader(b) || a.sessions.length !== b.sessions.length) return true;
    for (let j = 0; j < b.sessions.length; j++) {
      const x = a.sessions[j]!;
      const y = b.sessions[j]!;
      if (x !== y && sessionKey(x) !== sessionKey(y)) return true;
    }
  }
  return false;
}

/** A fingerprint of everything subscribers are told about (equal fingerprints: nothing to tell). */
export function snapshotSignature(snapshot: SessionsSnapshot): string {
  return [snapshotHeader(snapshot), ...snapshot.agents.flatMap((a) => [agentHeader(a), ...a.sessions.map(sessionKey)])].join('\n');
}
