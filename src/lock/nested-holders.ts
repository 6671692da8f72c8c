// Finding a lock's holder inside a child pid namespace (a container) from outside it.
// /proc/<pid>/status has `NSpid:` (the pid in each namespace from ours inwards) and
// /proc/<pid>/stat field 22 is the same start time inside and outside (one kernel clock), so
// a lock written in a container as {pid: 1, starttime: S} is held by the process whose
// innermost NSpid is 1 and whose start time is S.
//
// Only consulted when a lock would otherwise be judged stale, and one /proc scan serves many
// locks: a scan may be reused for a lock whose holder, by the payload's own start time,
// started before the scan began (such a holder, if alive, was in it). Anything else (a
// younger holder, no starttime, a scan older than SCAN_TTL_MS) rescans.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { readProcessStartTime } from './process';
import { LINUX_CLOCK_TICKS_PER_SECOND } from './start-clock';

export interface NestedHolder {
  /** The holder's pid as this process sees it. */
  hostPid: number;
  /** The holder's pid in its own (innermost) namespace: the lock's pid. */
  innerPid: number;
  /** Its start time in clock ticks since boot, when still readable. */
  starttime?: number;
  /** `pid:[<inode>]` of the holder's namespace, when readable. */
  namespace?: string;
  /** The container, when /proc/<pid>/cgroup names one (`docker 1a2b3c4d5e6f`, `lxc web`). */
  container?: string;
}

/** What a scan needs from /proc; tests replace it. */
export interface ProcSource {
  /** Now, in seconds since boot as /proc/<pid>/stat start times count them (see sinceBootSeconds). */
  sinceBootSeconds(): number;
  pids(): number[];
  /** The NSpid line's numbers for a pid (one per namespace, ours first), or undefined. */
  nsPids(pid: number): number[] | undefined;
  startTicks(pid: number): number | undefined;
  namespace(pid: number): string | undefined;
  /** `pid:[<inode>]` of this process's own namespace, when readable. */
  selfNamespace(): string | undefined;
  cgroup(pid: number): string | undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * Kernels have counted start times in CLOCK_BOOTTIME (as /proc/uptime does) or, in older
 * releases, CLOCK_MONOTONIC (process.hrtime), which lags behind after a suspend; the smaller of
 * the two can only make a scan look younger, which costs a rescan, never a missed holder.
 */
function sinceBootSeconds(): number {
  const monotonic = Number(process.hrtime.bigint() / 1_000_000n) / 1000;
  const first = readText('/proc/uptime')?.split(' ')[0];
  const uptime = first === undefined ? NaN : Number(first);
  return Number.isFinite(uptime) ? Math.min(uptime, monotonic) : monotonic;
}

function readNamespaceLink(pid: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

export const realProcSource: ProcSource = {
  sinceBootSeconds,
  pids() {
    try {
      return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
    } catch {
      return [];
    }
  },
  nsPids(pid) {
    const status = readText(`/proc/${pid}/status`);
    const line = status === undefined ? undefined : /^NSpid:\s*(.*)$/m.exec(status)?.[1];
    if (line === undefined) return undefined;
    const values = line.trim().split(/\s+/).map(Number);
    return values.every((v) => Number.isInteger(v) && v > 0) ? values : undefined;
  },
  startTicks: readProcessStartTime,
  namespace: (pid) => readNamespaceLink(String(pid)),
  selfNamespace: () => readNamespaceLink('self'),
  cgroup: (pid) => readText(`/proc/${pid}/cgroup`),
};

/** A container name from /proc/<pid>/cgroup (cgroup v1 or v2), when a runtime left one there. */
export function containerFromCgroup(cgroup: string): string | undefined {
  const runtime = /(docker|libpod|crio|cri-containerd|containerd)[-/:]([0-9a-f]{12,64})(?:\.scope)?\b/.exec(cgroup);
  if (runtime) return `${runtime[1] === 'libpod' ? 'podman' : runtime[1]} ${runtime[2]!.slice(0, 12)}`;
  const lxc = /\/lxc(?:\.payload)?[./]([^/\s]+)/.exec(cgroup);
  if (lxc) return `lxc ${lxc[1]}`;
  const kube = /kubepods[^\s]*?\/(?:pod)?([0-9a-f-]{36})/.exec(cgroup);
  if (kube) return `kubernetes pod ${kube[1]}`;
  return undefined;
}

interface Scan {
  /** performance.now() when the scan began. */
  atMs: number;
  /** Clock ticks since boot when the scan began. */
  atTicks: number;
  /** Host pids of processes in child namespaces, by their innermost pid. */
  byInnerPid: Map<number, number[]>;
}

/** How long a scan may serve later locks at all. */
export const SCAN_TTL_MS = 2_000;
/**
 * A holder must have started this long before a scan for that scan to have seen it. Start times
 * and the scan's "now" are whole ticks of the same (or, for the scan, a slower) clock, so a few
 * ticks would do; a quarter of a second leaves room for rounding anywhere on the way.
 */
const SCAN_MARGIN_TICKS = LINUX_CLOCK_TICKS_PER_SECOND / 4;

export class NestedHolderFinder {
  private scan: Scan | undefined;
  /** Scans taken so far, for tests and the benchmark. */
  scans = 0;

  constructor(private readonly source: ProcSource = realProcSource, private readonly nowMs: () => number = () => performance.now()) {}

  private takeScan(): Scan {
    const atMs = this.nowMs();
    const atTicks = Math.floor(this.source.sinceBootSeconds() * LINUX_CLOCK_TICKS_PER_SECOND);
    const byInnerPid = new Map<number, number[]>();
    const ours = this.source.selfNamespace();
    for (const pid of this.source.pids()) {
      // A readlink costs a tenth of reading /proc/<pid>/status: only processes of other (or
      // unreadable) namespaces are read in full.
      if (ours !== undefined && this.source.namespace(pid) === ours) continue;
      const ns = this.source.nsPids(pid);
      if (!ns || ns.length < 2) continue;
      const inner = ns[ns.length - 1]!;
      const list = byInnerPid.get(inner);
      if (list) list.push(pid);
      else byInnerPid.set(inner, [pid]);
    }
    this.scans++;
    this.scan = { atMs, atTicks, byInnerPid };
    return this.scan;
  }

  private scanFor(starttime: number | undefined): Scan {
    const scan = this.scan;
    const reusable = scan !== undefined && starttime !== undefined
      && this.nowMs() - scan.atMs < SCAN_TTL_MS
      && starttime + SCAN_MARGIN_TICKS < scan.atTicks;
    return reusable ? scan : this.takeScan();
  }

  /**
   * Live processes of child namespaces whose innermost pid is `innerPid` and, with
   * `starttime`, whose start time is exactly that. Each is re-read (a scan may be a moment old).
   */
  find(innerPid: number, starttime: number | undefined): NestedHolder[] {
    const found: NestedHolder[] = [];
    for (const hostPid of this.scanFor(starttime).byInnerPid.get(innerPid) ?? []) {
      const ns = this.source.nsPids(hostPid);
      if (!ns || ns.length < 2 || ns[ns.length - 1] !== innerPid) continue;
      const ticks = this.source.startTicks(hostPid);
      if (starttime !== undefined && ticks !== starttime) continue;
      const holder: NestedHolder = { hostPid, innerPid };
      if (ticks !== undefined) holder.starttime = ticks;
      const namespace = this.source.namespace(hostPid);
      if (namespace !== undefined) holder.namespace = namespace;
      const cgroup = this.source.cgroup(hostPid);
      const container = cgroup === undefined ? undefined : containerFromCgroup(cgroup);
      if (container !== undefined) holder.container = container;
      found.push(holder);
    }
    return found;
  }
}

export const sharedNestedHolderFinder = new NestedHolderFinder();

/** `docker 1a2b3c4d5e6f, host pid 4242`, or the namespace when no runtime is named. */
export function describeNestedHolder(holder: Pick<NestedHolder, 'hostPid' | 'namespace' | 'container'>): string {
  const where = holder.container ?? (holder.namespace ? `pid namespace ${holder.namespace}` : 'a child pid namespace');
  return `${where}, host pid ${holder.hostPid}`;
}
