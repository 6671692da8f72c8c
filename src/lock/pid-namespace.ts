// Whether this process sees every pid of the machine. A pid in a lock file means something
// only in the pid namespace that wrote it; from a child namespace (a container) a holder
// outside is invisible, so "no such pid" is no proof there.
//
// The rule, in order (Linux only; other platforms have no pid namespaces):
// 1. readlink /proc/self/ns/pid: the initial namespace is `pid:[4026531836]`
//    (PROC_PID_INIT_INO, fixed since Linux 3.8); any other inode is a child namespace.
// 2. If that link cannot be read: kernel threads live only in the initial namespace, so
//    /proc/2 being `kthreadd` with parent 0 means we see them; otherwise assume a child.
// 3. Nothing readable at all: assume a child namespace (fail closed: nothing is removed on a
//    dead pid without the explicit force path).
// Failure modes are listed in the README ("How locks are judged").
import { readFileSync, readlinkSync } from 'node:fs';

export const INITIAL_PID_NAMESPACE_INODE = 4026531836;

export interface PidNamespaceView {
  /** True when this process may not see every pid of the machine (it runs in a container). */
  nested: boolean;
  /** `pid:[<inode>]` of this process's namespace, when readable. */
  id?: string;
  /** Which rule decided, for messages and logs. */
  how: string;
}

export interface NamespaceProbe {
  readLink(path: string): string | undefined;
  readText(path: string): string | undefined;
}

const realProbe: NamespaceProbe = {
  readLink(path) {
    try {
      return readlinkSync(path);
    } catch {
      return undefined;
    }
  },
  readText(path) {
    try {
      return readFileSync(path, 'latin1');
    } catch {
      return undefined;
    }
  },
};

export function detectPidNamespace(platform: NodeJS.Platform = process.platform, probe: NamespaceProbe = realProbe): PidNamespaceView {
  if (platform !== 'linux') return { nested: false, how: `${platform} has no pid namespaces` };
  const link = probe.readLink('/proc/self/ns/pid');
  const inode = link !== undefined ? /^pid:\[(\d+)\]$/.exec(link)?.[1] : undefined;
  if (inode !== undefined) {
    const nested = Number(inode) !== INITIAL_PID_NAMESPACE_INODE;
    return { nested, id: link!, how: nested ? `its pid namespace ${link} is not the initial one` : 'it runs in the initial pid namespace' };
  }
  const stat = probe.readText('/proc/2/stat');
  // `2 (kthreadd) S 0 ...`: field 4, the parent, is 0 only for kernel threads.
  if (stat !== undefined && /^2 \(kthreadd\) \S+ 0 /.test(stat)) return { nested: false, how: 'kernel threads are visible' };
  return { nested: true, how: stat === undefined && link === undefined ? '/proc does not show its pid namespace' : 'kernel threads are not visible' };
}

let cachedView: PidNamespaceView | undefined;
/** This process's namespace never changes (setns does not move an existing process's pid namespace). */
export function selfPidNamespace(): PidNamespaceView {
  cachedView ??= detectPidNamespace();
  return cachedView;
}

/**
 * What this project writes as `pidns` into its own lock payloads when it runs in a child
 * namespace: the namespace inode plus this boot's id, so a later process of the same
 * container can still judge such a lock by pid. Undefined in the initial namespace (the
 * payload stays as it always was) and where the namespace cannot be read.
 */
export function pidNamespaceMarker(view: PidNamespaceView = selfPidNamespace(), probe: NamespaceProbe = realProbe): string | undefined {
  if (!view.nested || view.id === undefined) return undefined;
  const bootId = probe.readText('/proc/sys/kernel/random/boot_id')?.trim();
  return bootId ? `${view.id}@${bootId}` : undefined;
}

let cachedMarker: string | undefined | null = null;
export function selfPidNamespaceMarker(): string | undefined {
  if (cachedMarker === null) cachedMarker = pidNamespaceMarker();
  return cachedMarker;
}
