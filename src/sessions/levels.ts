// Turns a lock inspection into what a person should see: a level and a severity, judged
// against the user's {warn, error} thresholds. Pure, so the extension and the CLI agree.
import { isWrittenBySessionLocks } from '../lock/payload';
import type { LockInspection, StaleReason } from '../lock/types';
import { DEFAULT_THRESHOLDS, type LockLevel, type LockThresholds, type LockView, type Severity } from './types';

const SEVERITY_RANK: Record<Severity, number> = { none: 0, info: 1, warning: 2, error: 3 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** Severity at or above which a lock needs a person's attention (CLI exit code 1). */
export function needsAttention(severity: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK.warning;
}

export function lockLevel(inspection: LockInspection, thresholds: LockThresholds = DEFAULT_THRESHOLDS): LockLevel {
  switch (inspection.state) {
    case 'free': return 'free';
    case 'initialising': return 'initialising';
    case 'unreadable': return 'unreadable';
    case 'unknown-host': return 'suspect';
    case 'stale': return inspection.reclaimable ? 'stale' : 'suspect';
    case 'held': {
      const age = inspection.ageMs ?? 0;
      const pastOwnHold = inspection.reasons.includes('hold-exceeded')
        || (inspection.maxHoldMs !== undefined && age > inspection.maxHoldMs);
      if (pastOwnHold || age > thresholds.errorMs || inspection.reasons.includes('too-old')) return 'held-too-long';
      // A live non-OpenClaw owner is suspect unless it is this tool saving or compacting.
      if (inspection.reasons.includes('non-openclaw-owner') && !isWrittenBySessionLocks(inspection.payload)) return 'suspect';
      if (age > thresholds.warnMs) return 'held-long';
      return 'held';
    }
  }
}

export function levelSeverity(level: LockLevel): Severity {
  switch (level) {
    case 'free': return 'none';
    case 'initialising':
    case 'held': return 'info';
    case 'held-long':
    case 'suspect':
    case 'unreadable': return 'warning';
    case 'held-too-long':
    case 'stale': return 'error';
  }
}

export function lockViewFrom(
  inspection: LockInspection,
  thresholds: LockThresholds = DEFAULT_THRESHOLDS,
  commandLine?: string,
): LockView {
  const level = lockLevel(inspection, thresholds);
  const view: LockView = {
    lockPath: inspection.lockPath,
    level,
    severity: levelSeverity(level),
    inspection,
    reasons: inspection.reasons,
  };
  const pid = inspection.payload?.pid;
  if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0) view.pid = pid;
  const owned = inspection.owner?.commandLine ?? commandLine;
  if (owned !== undefined) view.commandLine = owned;
  if (inspection.ageMs !== undefined) view.ageMs = inspection.ageMs;
  if (inspection.maxHoldMs !== undefined) view.maxHoldMs = inspection.maxHoldMs;
  const createdAt = inspection.payload?.createdAt;
  if (typeof createdAt === 'string') view.createdAt = createdAt;
  return view;
}

const NO_REASONS: StaleReason[] = Object.freeze([]) as unknown as StaleReason[];

/** The view of a lock path with no file: built directly, as a scan makes one per free session. */
export function freeLockView(lockPath: string): LockView {
  const inspection: LockInspection = { lockPath, state: 'free', reasons: NO_REASONS, reclaimable: false };
  return { lockPath, level: 'free', severity: 'none', inspection, reasons: NO_REASONS };
}

/** Thresholds from user settings in seconds, falling back to defaults for nonsense. */
export function thresholdsFromSeconds(
  input: { warn?: number | undefined; error?: number | undefined } | undefined,
  defaults: LockThresholds = DEFAULT_THRESHOLDS,
): LockThresholds {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  const warnMs = ok(input?.warn) ? input.warn * 1000 : defaults.warnMs;
  const errorMs = ok(input?.error) ? input.error * 1000 : defaults.errorMs;
  return { warnMs, errorMs: Math.max(errorMs, warnMs) };
}

/** Worse locks sort first and win the status bar. */
const LEVEL_RANK: Readonly<Record<LockLevel, number>> = {
  free: 0,
  initialising: 1,
  held: 2,
  'held-long': 3,
  suspect: 4,
  unreadable: 5,
  'held-too-long': 6,
  stale: 7,
};

export function levelRank(level: LockLevel): number {
  return LEVEL_RANK[level];
}

const LIVE_LEVELS: ReadonlySet<LockLevel> = new Set(['held', 'held-long', 'held-too-long']);

/** A live owner holds it: the only levels the clock moves. */
export function isLiveLevel(level: LockLevel): boolean {
  return LIVE_LEVELS.has(level);
}

/**
 * The same lock `deltaMs` later, without touching the disk: how ages tick and live locks cross
 * thresholds between scans, for the view, the badge, the alerts and the CLI alike. A live lock
 * crosses thresholds without its file changing, so no watcher event tells of it; the level
 * only ever gets worse than the view's verdict, since getting better needs a fresh inspection.
 */
export function ageLockView(view: LockView, deltaMs: number, thresholds: LockThresholds = DEFAULT_THRESHOLDS): LockView {
  if (deltaMs <= 0 || view.level === 'free') return view;
  const inspection = { ...view.inspection };
  if (inspection.ageMs !== undefined) inspection.ageMs += deltaMs;
  if (inspection.fileAgeMs !== undefined) inspection.fileAgeMs += deltaMs;
  const aged: LockView = { ...view, inspection };
  if (view.ageMs !== undefined) aged.ageMs = view.ageMs + deltaMs;
  if (isLiveLevel(view.level) && aged.ageMs !== undefined) {
    const ticked = lockLevel({ ...inspection, ageMs: aged.ageMs }, thresholds);
    if (levelRank(ticked) > levelRank(view.level)) {
      aged.level = ticked;
      aged.severity = levelSeverity(ticked);
    }
  }
  return aged;
}

/**
 * The same lock judged against other thresholds: its level afresh from its inspection (the
 * facts), so a changed setting re-grades a snapshot without reading the disk again.
 */
export function regradeLockView(view: LockView, thresholds: LockThresholds): LockView {
  if (view.level === 'free') return view;
  const level = lockLevel(view.inspection, thresholds);
  return level === view.level ? view : { ...view, level, severity: levelSeverity(level) };
}
