// What `watch --json` prints: NDJSON for log shippers, one object per change. A `start`
// object with the whole state first, then `lock` (added, changed, released), `gateway` and
// `layout` objects only when something a person would notice changed: a rescan that finds
// the same locks and the same gateway prints nothing. Every object of a kind has the same
// keys (null when unknown), so that a shipper's schema never meets a missing field.
import { gatewayHealthKey, type LockEntry, type SessionsSnapshot } from '../sessions';
import { gatewayHealthJson } from './gateway';

/** Bumped when a key changes meaning or goes away (new keys may be added). */
export const WATCH_SCHEMA_VERSION = 1;

type Json = Record<string, unknown>;

interface SeenLock {
  level: string;
  pid: number | undefined;
  createdAt: string | undefined;
  record: Json;
}

function lockRecord(e: LockEntry): Json {
  const v = e.view;
  return {
    agentId: e.agent.id,
    kind: e.kind,
    sessionKey: e.session?.key ?? null,
    sessionId: e.session?.sessionId ?? null,
    lockPath: v.lockPath,
    level: v.level,
    severity: v.severity,
    reasons: v.reasons,
    reclaimable: v.inspection.reclaimable,
    pid: v.pid ?? null,
    ownerAlive: v.inspection.owner?.alive ?? null,
    createdAt: v.createdAt ?? null,
    ageMs: v.ageMs !== undefined ? Math.round(v.ageMs) : null,
  };
}

function gatewayRecord(snapshot: SessionsSnapshot): Json {
  const g = snapshot.gateway;
  const health = gatewayHealthJson(snapshot.gatewayHealth);
  return {
    lockPath: g.lockPath ?? null,
    pid: g.pid ?? null,
    ownerAlive: g.lockPath !== undefined ? g.alive : null,
    uncertain: g.uncertain ?? null,
    ...(health ?? { state: null, severity: null }),
  };
}

function gatewayKey(snapshot: SessionsSnapshot): string {
  const g = snapshot.gateway;
  return [g.lockPath ?? '', g.pid ?? '', g.alive, gatewayHealthKey(snapshot.gatewayHealth)].join('|');
}

export class WatchEvents {
  private locks: Map<string, SeenLock> | undefined;
  private gateway: { key: string; state: unknown } | undefined;
  private layout: string | undefined;

  /** The objects to print for this snapshot (`entries`: its locks, aged to now). */
  next(snapshot: SessionsSnapshot, entries: readonly LockEntry[], now: number): Json[] {
    const at = new Date(now).toISOString();
    const head = (event: string): Json => ({ v: WATCH_SCHEMA_VERSION, at, event, stateDir: snapshot.resolution.stateDir });
    const seen = new Map<string, SeenLock>();
    for (const e of entries) {
      seen.set(e.view.lockPath, { level: e.view.level, pid: e.view.pid, createdAt: e.view.createdAt, record: lockRecord(e) });
    }
    const gateway = gatewayRecord(snapshot);
    const gatewayNow = { key: gatewayKey(snapshot), state: gateway.state };
    if (!this.locks) {
      this.locks = seen;
      this.gateway = gatewayNow;
      this.layout = snapshot.layout;
      return [{ ...head('start'), layout: snapshot.layout, locks: [...seen.values()].map((s) => s.record), gateway }];
    }
    const out: Json[] = [];
    if (snapshot.layout !== this.layout) {
      out.push({ ...head('layout'), layout: snapshot.layout, previousLayout: this.layout ?? null });
      this.layout = snapshot.layout;
    }
    for (const [lockPath, now] of seen) {
      const was = this.locks.get(lockPath);
      if (!was) out.push({ ...head('lock'), change: 'added', previousLevel: null, ...now.record });
      else if (was.level !== now.level || was.pid !== now.pid || was.createdAt !== now.createdAt) {
        out.push({ ...head('lock'), change: 'changed', previousLevel: was.level, ...now.record });
      }
    }
    for (const [lockPath, was] of this.locks) {
      if (seen.has(lockPath)) continue;
      // The lock as it was last seen, so a shipper can tell which session it freed.
      out.push({ ...head('lock'), change: 'released', previousLevel: was.level, ...was.record, level: null, severity: null, lockPath });
    }
    this.locks = seen;
    if (gatewayNow.key !== this.gateway?.key) {
      out.push({ ...head('gateway'), previousState: this.gateway?.state ?? null, ...gateway });
      this.gateway = gatewayNow;
    }
    return out;
  }
}
