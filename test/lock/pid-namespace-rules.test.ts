// The rules behind pid-namespace judging, on recorded /proc contents: how this process decides
// it runs in a child namespace, how a container is named, and how often /proc is scanned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPidNamespace, pidNamespaceMarker, type NamespaceProbe } from '../../src/lock/pid-namespace';
import { NestedHolderFinder, SCAN_TTL_MS, containerFromCgroup, type ProcSource } from '../../src/lock/nested-holders';

function probe(files: Record<string, string>, links: Record<string, string>): NamespaceProbe {
  return { readLink: (p) => links[p], readText: (p) => files[p] };
}

const KTHREADD = '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n';
const NOT_KTHREADD = '2 (node) S 1 2 1 0 -1 4194560 100 0 0 0 1 0 0 0 20 0 7 0 8123 0 0 0\n';

test('the initial pid namespace is told by its fixed inode, then by kernel threads; doubt means a child namespace', () => {
  assert.deepEqual(detectPidNamespace('linux', probe({}, { '/proc/self/ns/pid': 'pid:[4026531836]' })), { nested: false, id: 'pid:[4026531836]', how: 'it runs in the initial pid namespace' });
  assert.deepEqual(detectPidNamespace('linux', probe({ '/proc/2/stat': KTHREADD }, { '/proc/self/ns/pid': 'pid:[4026532179]' })), { nested: true, id: 'pid:[4026532179]', how: 'its pid namespace pid:[4026532179] is not the initial one' });
  // No readable link (old kernel, restricted /proc): kernel threads decide.
  assert.deepEqual(detectPidNamespace('linux', probe({ '/proc/2/stat': KTHREADD }, {})), { nested: false, how: 'kernel threads are visible' });
  assert.deepEqual(detectPidNamespace('linux', probe({ '/proc/2/stat': NOT_KTHREADD }, {})), { nested: true, how: 'kernel threads are not visible' });
  assert.deepEqual(detectPidNamespace('linux', probe({}, {})), { nested: true, how: '/proc does not show its pid namespace' });
  assert.equal(detectPidNamespace('darwin', probe({}, {})).nested, false);
  assert.equal(detectPidNamespace('win32', probe({}, {})).nested, false);
});

test('the pidns marker is written only from a child namespace, with this boot\'s id', () => {
  const boot = { '/proc/sys/kernel/random/boot_id': '1540f5a2-f731-4dc3-88ce-ee137032df2d\n' };
  assert.equal(pidNamespaceMarker({ nested: true, id: 'pid:[4026532179]', how: '' }, probe(boot, {})), 'pid:[4026532179]@1540f5a2-f731-4dc3-88ce-ee137032df2d');
  assert.equal(pidNamespaceMarker({ nested: false, id: 'pid:[4026531836]', how: '' }, probe(boot, {})), undefined);
  assert.equal(pidNamespaceMarker({ nested: true, how: '' }, probe(boot, {})), undefined);
  assert.equal(pidNamespaceMarker({ nested: true, id: 'pid:[4026532179]', how: '' }, probe({}, {})), undefined);
});

test('containers are named from /proc/<pid>/cgroup as Docker, Podman, containerd, CRI-O, LXC and Kubernetes leave it', () => {
  const id = '3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e';
  assert.equal(containerFromCgroup(`0::/system.slice/docker-${id}.scope\n`), 'docker 3f4e5d6c7b8a');
  assert.equal(containerFromCgroup(`12:pids:/docker/${id}\n11:memory:/docker/${id}\n`), 'docker 3f4e5d6c7b8a');
  assert.equal(containerFromCgroup(`0::/machine.slice/libpod-${id}.scope/container\n`), 'podman 3f4e5d6c7b8a');
  assert.equal(containerFromCgroup(`0::/kubepods.slice/kubepods-besteffort.slice/cri-containerd-${id}.scope\n`), 'cri-containerd 3f4e5d6c7b8a');
  assert.equal(containerFromCgroup(`0::/kubepods/besteffort/pod0b3a1c5e-2f4d-4a6b-8c9d-0e1f2a3b4c5d/crio-${id}\n`), 'crio 3f4e5d6c7b8a');
  assert.equal(containerFromCgroup('0::/lxc.payload.web/init.scope\n'), 'lxc web');
  assert.equal(containerFromCgroup('0::/\n'), undefined);
  assert.equal(containerFromCgroup('0::/user.slice/user-1000.slice/session-2.scope\n'), undefined);
});

interface FakeProc {
  uptime: number;
  procs: Map<number, { ns: number[]; ticks: number }>;
  statusReads: number;
}

function fakeSource(state: FakeProc): ProcSource {
  return {
    sinceBootSeconds: () => state.uptime,
    pids: () => [...state.procs.keys()],
    nsPids: (pid) => {
      state.statusReads++;
      return state.procs.get(pid)?.ns;
    },
    startTicks: (pid) => state.procs.get(pid)?.ticks,
    namespace: (pid) => (state.procs.get(pid)?.ns.length ?? 0) > 1 ? 'pid:[4026532200]' : 'pid:[4026531836]',
    selfNamespace: () => 'pid:[4026531836]',
    cgroup: () => '0::/\n',
  };
}

test('one /proc scan serves every lock whose holder started well before it; a younger holder or an old scan rescans', () => {
  const state: FakeProc = {
    uptime: 1000,
    procs: new Map([
      [1, { ns: [1], ticks: 5 }],
      [700, { ns: [700, 1], ticks: 40_000 }],
      [701, { ns: [701, 7], ticks: 40_100 }],
      [800, { ns: [800, 1], ticks: 60_000 }],
    ]),
    statusReads: 0,
  };
  let now = 0;
  const finder = new NestedHolderFinder(fakeSource(state), () => now);
  assert.deepEqual(finder.find(1, 40_000).map((h) => h.hostPid), [700]);
  assert.deepEqual(finder.find(1, 60_000).map((h) => h.hostPid), [800]);
  assert.deepEqual(finder.find(7, 40_100).map((h) => h.hostPid), [701]);
  assert.deepEqual(finder.find(7, 40_101), [], 'a start time must match exactly');
  assert.equal(finder.scans, 1, 'one scan for four locks');
  // Processes of our own namespace (by their ns link) are never read in full.
  assert.equal(state.statusReads, 3 + 6, 'the scan reads the three nested processes only (not pid 1), then six candidates are re-read');
  // A holder that started after (or just before) the scan began may be missing from it.
  state.procs.set(900, { ns: [900, 3], ticks: 99_990 });
  assert.deepEqual(finder.find(3, 99_990).map((h) => h.hostPid), [900]);
  assert.equal(finder.scans, 2);
  // No starttime in the payload: nothing bounds the holder's start, so always a fresh scan.
  finder.find(3, undefined);
  assert.equal(finder.scans, 3);
  // A scan older than its TTL is not reused.
  now += SCAN_TTL_MS + 1;
  finder.find(1, 40_000);
  assert.equal(finder.scans, 4);
  // A process gone since the scan is not reported (each candidate is re-read).
  state.procs.delete(700);
  assert.deepEqual(finder.find(1, 40_000), []);
});
