// Which session (or lock) a command-line argument means. People type what they see: the key
// (`agent:main:main`), the id or the start of it (`51103780`, as git takes a commit's prefix),
// the name shown in VS Code (`"Team Telegram"`), or a path they copied. Every command that takes
// a session resolves it here, so they all accept the same things.
//
// Rules are tried in order and the first that matches anything decides, so a more exact kind
// of match is never shadowed by a looser one (a label that happens to equal another session's
// key cannot win over that key). Several matches under one rule are listed, never guessed.
import * as path from 'node:path';
import { sessionsOfLock, type AgentInfo, type FoundLock, type LockView, type SessionInfo, type SessionsSnapshot, type SqliteSession } from '../sessions';

export type MatchRule = 'path' | 'key' | 'id' | 'name' | 'id prefix';

/** A SQLite-era session named on the command line: it has no lock file, so it is the session alone. */
export interface SqliteTarget {
  agent: AgentInfo;
  view?: undefined;
  sessions: [SqliteSession];
  kind: 'session';
}

/** What a command-line argument names: a lock file (with the sessions it guards), or a SQLite-era session. */
export type Target = FoundLock | SqliteTarget;

export type Resolution =
  | { kind: 'found'; target: Target; rule: MatchRule }
  | { kind: 'ambiguous'; candidates: Target[]; rule: MatchRule }
  | { kind: 'none' };

/** Shorter prefixes match too much by accident; git asks for 4 characters too. */
export const MIN_ID_PREFIX = 4;

function sessionTarget(agent: AgentInfo, session: SessionInfo): Target {
  if (session.sqlite) return { agent, sessions: [session], kind: 'session' };
  // Sessions that share a transcript share its lock: one target, every session named.
  return { agent, view: session.lock, sessions: sessionsOfLock(agent, session.lockPath), kind: 'session' };
}

const targetKey = (t: Target) => (t.view ? t.view.lockPath : `sqlite:${t.agent.id}:${t.sessions[0].key}`);

/** One target per lock file: two keys for one transcript are one answer, not an ambiguity. */
function distinct(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = targetKey(t);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function lockTargets(snapshot: SessionsSnapshot, lockPath: string): FoundLock[] {
  const found: FoundLock[] = [];
  for (const agent of snapshot.agents) {
    const orphan = agent.orphanLocks.find((v: LockView) => v.lockPath === lockPath);
    if (orphan) found.push({ agent, view: orphan, sessions: [], kind: 'orphan' });
    if (agent.storeLock?.lockPath === lockPath) found.push({ agent, view: agent.storeLock, sessions: [], kind: 'store' });
  }
  return found;
}

const normalName = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

export function resolveSession(snapshot: SessionsSnapshot, query: string, cwd = process.cwd()): Resolution {
  const sessions = snapshot.agents.flatMap((agent) => agent.sessions.map((session) => ({ agent, session })));
  const asPath = path.resolve(cwd, query);
  const wantedName = normalName(query);
  const prefix = query.toLowerCase();
  const rules: [MatchRule, () => Target[]][] = [
    ['path', () => [
      ...lockTargets(snapshot, asPath),
      ...sessions.filter(({ session }) => !session.sqlite && (session.transcriptPath === asPath || session.lockPath === asPath)).map(({ agent, session }) => sessionTarget(agent, session)),
    ]],
    ['key', () => sessions.filter(({ session }) => session.key === query).map(({ agent, session }) => sessionTarget(agent, session))],
    ['id', () => sessions.filter(({ session }) => session.sessionId === query).map(({ agent, session }) => sessionTarget(agent, session))],
    ['name', () => wantedName === '' ? [] : sessions
      .filter(({ session }) => [session.label, session.displayName].some((n) => n !== undefined && normalName(n) === wantedName))
      .map(({ agent, session }) => sessionTarget(agent, session))],
    ['id prefix', () => query.length < MIN_ID_PREFIX ? [] : sessions
      .filter(({ session }) => session.sessionId.toLowerCase().startsWith(prefix))
      .map(({ agent, session }) => sessionTarget(agent, session))],
  ];
  for (const [rule, match] of rules) {
    const targets = distinct(match());
    if (targets.length === 1) return { kind: 'found', target: targets[0]!, rule };
    if (targets.length > 1) return { kind: 'ambiguous', candidates: targets, rule };
  }
  return { kind: 'none' };
}

/** What a session is called where a person reads it: its name, then what identifies it. */
export function sessionName(session: SessionInfo): string {
  const id = session.key ?? session.sessionId;
  const name = session.label ?? session.displayName;
  return name !== undefined && name.trim() !== '' && name !== id ? `${name} (${id})` : id;
}

/** A target as one line of a "which one?" list. */
export function describeTarget(target: Target): string {
  if (target.kind === 'store') return `${target.agent.id}  sessions.json lock  ${target.view.lockPath}`;
  if (target.kind === 'orphan') return `${target.agent.id}  lock with no session  ${target.view.lockPath}`;
  const s = target.sessions[0]!;
  return `${target.agent.id}  ${sessionName(s)}  id ${s.sessionId}`;
}

const LISTED = 20;

/** The message for a query that matches nothing or too much; undefined when it found one. */
export function resolutionProblem(resolution: Resolution, query: string, stateDir: string): string | undefined {
  if (resolution.kind === 'found') return undefined;
  if (resolution.kind === 'none') {
    return [
      `Nothing matches "${query}" in ${stateDir}.`,
      `Give a session key (agent:main:main), a session id or its first ${MIN_ID_PREFIX}+ characters, a session's name, a transcript path or a lock path; \`openclaw-locks status --all\` lists sessions.`,
    ].join('\n');
  }
  const { candidates, rule } = resolution;
  const shown = candidates.slice(0, LISTED).map((t) => `  ${describeTarget(t)}`);
  if (candidates.length > LISTED) shown.push(`  … and ${candidates.length - LISTED} more`);
  const agents = new Set(candidates.map((t) => t.agent.id));
  const ids = new Set(candidates.map((t) => t.sessions[0]?.sessionId));
  return [
    `"${query}" matches ${candidates.length} sessions by ${rule}; say which one:`,
    ...shown,
    // Two transcripts of one session id (a topic's own file) differ only by key.
    `Give its key${ids.size === candidates.length ? ' or full id' : ''}${agents.size > 1 ? ', or pick the agent with --agent <id>' : ''}.`,
  ].join('\n');
}
