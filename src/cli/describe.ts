// Words for locks, shared by status, clear-stale, watch and inspect, and their JSON shape.
import * as path from 'node:path';
import type { StaleReason } from '../lock';
import type { LockEntry, LockThresholds, LockView, SessionsSnapshot } from '../sessions';
import { DEFAULT_THRESHOLDS, gradeSnapshot, needsAttention } from '../sessions';
import { explainReason as explainLockReason, inContainer } from '../wording/locks';
import { unbreakable } from './format';
import { sessionName } from './resolve';

/**
 * What each of OpenClaw's reason words means for this lock (the shared wording), with its
 * durations glued so a wrapped line never splits "5m 00s".
 */
export function explainReason(reason: StaleReason, view: LockView): string {
  return explainLockReason(reason, view.inspection).replace(/\d+[smhd] \d+[smhd]/g, (duration) => unbreakable(duration));
}

/** `dead-pid: pid 4242 is not running; too-old: older than …`, every reason explained. */
export function reasonsText(view: LockView): string {
  return view.reasons.map((r) => `${r}: ${explainReason(r, view)}`).join('; ');
}

/** `; in a container (docker 1a2b3c4d5e6f, host pid 4242)` when the owner lives in a child pid namespace. */
export function containerNote(view: LockView): string {
  const nested = view.inspection.owner?.nested;
  return nested ? `; ${inContainer(nested)}` : '';
}

/** One short verdict for a table cell. */
export function verdict(view: LockView): string {
  const reasons = view.reasons.length > 0 ? view.reasons.join(', ') : '';
  const where = containerNote(view);
  switch (view.level) {
    case 'free': return 'no lock';
    case 'initialising': return 'being written (empty or partial, young)';
    case 'held': return `${reasons ? `ok (${reasons})` : 'ok'}${where}`;
    case 'held-long': return `held longer than the warn threshold${reasons ? ` (${reasons})` : ''}${where}`;
    case 'held-too-long': return `held too long${reasons ? ` (${reasons})` : ''}${where}`;
    case 'stale': return `stale: ${reasons}; safe to clear`;
    case 'suspect': return `suspect${reasons ? `: ${reasons}` : ''}${view.inspection.problem ? `; ${view.inspection.problem}` : ''}${where}`;
    case 'unreadable': return `unreadable: ${view.inspection.problem ?? 'cannot be judged'}`;
  }
}

/** A lock as a person knows it: the session's name and key, or what kind of lock it is. */
export function entryName(entry: LockEntry): string {
  if (entry.kind === 'store') return '(sessions.json)';
  if (entry.kind === 'orphan') return `(no session) ${path.basename(entry.view.lockPath)}`;
  return sessionName(entry.session!);
}

export function lockToJson(view: LockView, ageOffsetMs = 0): Record<string, unknown> {
  const i = view.inspection;
  return {
    lockPath: view.lockPath,
    state: i.state,
    level: view.level,
    severity: view.severity,
    reasons: view.reasons,
    reclaimable: i.reclaimable,
    pid: view.pid,
    ownerAlive: i.owner?.alive,
    starttimeMatches: i.owner?.starttimeMatches,
    ownerStartedAt: i.owner?.startedAtMs !== undefined ? new Date(i.owner.startedAtMs).toISOString() : undefined,
    ownerNested: i.owner?.nested,
    commandLine: view.commandLine,
    isOpenClaw: i.owner?.isOpenClaw,
    createdAt: view.createdAt,
    ageMs: view.ageMs !== undefined ? view.ageMs + ageOffsetMs : undefined,
    maxHoldMs: view.maxHoldMs,
    problem: i.problem,
    identity: i.identity,
    payload: i.payload,
    raw: i.raw?.toString('utf8'),
  };
}

export function entryToJson(entry: LockEntry): Record<string, unknown> {
  return {
    agentId: entry.agent.id,
    kind: entry.kind,
    sessionKey: entry.session?.key,
    sessionId: entry.session?.sessionId,
    sessionTitle: entry.session?.title,
    transcriptPath: entry.session?.transcriptPath,
    ...lockToJson(entry.view),
  };
}

/** A lock or, in the SQLite era, a finding needs a person (leftover lock files never do). */
export function attentionNeeded(snapshot: SessionsSnapshot, now = snapshot.scannedAt, thresholds?: LockThresholds): boolean {
  const graded = gradeSnapshot(snapshot, thresholds ?? DEFAULT_THRESHOLDS, now);
  return graded.locks.some((e) => needsAttention(e.view.severity)) || graded.findings.some((f) => needsAttention(f.severity));
}

/** A message for `--agent` names the state dir does not have, or undefined when all exist. */
export function unknownAgentsMessage(snapshot: SessionsSnapshot, wanted: readonly string[] | undefined): string | undefined {
  if (!wanted || wanted.length === 0 || snapshot.layout === 'missing') return undefined;
  const found = new Set(snapshot.agents.map((a) => a.id));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length === 0) return undefined;
  return `No agent ${missing.map((id) => `"${id}"`).join(', ')} in ${path.join(snapshot.resolution.stateDir, 'agents')}. Run \`openclaw-locks status\` without --agent to list the agents.`;
}
