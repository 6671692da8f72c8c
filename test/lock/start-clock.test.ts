// Owner start time vs the lock's createdAt: the recycled-pid check where no starttime can be
// compared (macOS and Windows always, Linux payloads from releases before 2026.3.2).
// The macOS and Windows parts run here on recorded command outputs through the same
// interface the platform code uses; the Linux part runs for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectLockSync, readProcessStartTime, type OwnerEnvironment } from '../../src/lock';
import { NestedHolderFinder } from '../../src/lock/nested-holders';
import {
  cachedStartClock,
  linuxStartClock,
  macStartClock,
  parseBootTimeSeconds,
  parseLstart,
  parseWindowsStartTime,
  startedAfterLock,
  windowsStartClock,
  type CommandRunner,
  type ProcessStartClock,
} from '../../src/lock/start-clock';
import { lockBytes, spawnSleeper, withDir } from './helpers';

// `LC_ALL=C TZ=UTC ps -o lstart= -p <pid>`: strftime's %c in the C locale, day padded with a space.
// Recorded from procps-ng on this Linux; BSD ps on macOS prints lstart with the same %c format.
const LSTART_RECORDED = 'Tue Dec  1 09:37:27 2026\n';
const LSTART_TWO_DIGIT_DAY = 'Sun Nov 22 10:31:05 2026   \n';
// PowerShell `(Get-Process -Id <pid>).StartTime.ToUniversalTime().ToString('o')`: .NET's
// round-trip format, seven fractional digits and a Z for UTC.
const POWERSHELL_RECORDED = '2026-11-22T10:31:05.1234567Z\r\n';

test('lstart and PowerShell outputs parse to epoch ms; anything else is unknown', () => {
  assert.equal(parseLstart(LSTART_RECORDED), Date.UTC(2026, 11, 1, 9, 37, 27));
  assert.equal(parseLstart(LSTART_TWO_DIGIT_DAY), Date.UTC(2026, 10, 22, 10, 31, 5));
  assert.equal(parseWindowsStartTime(POWERSHELL_RECORDED), Date.UTC(2026, 10, 22, 10, 31, 5, 123));
  for (const junk of ['', '\n', 'Di  1 Dez 09:37:27 2026', 'Tue Dec  1 09:37:27 CET 2026', '2026-11-22 10:31:05', 'Tue Foo  1 09:37:27 2026']) {
    assert.equal(parseLstart(junk), undefined, JSON.stringify(junk));
  }
  for (const junk of ['', '22.11.2026 10:31:05', '2026-11-22T10:31:05.1234567+01:00', 'Get-Process : Cannot find a process with the process identifier 4242.']) {
    assert.equal(parseWindowsStartTime(junk), undefined, JSON.stringify(junk));
  }
  assert.equal(parseBootTimeSeconds('cpu  1 2 3\nintr 5\nctxt 9\nbtime 1796117847\nprocesses 4\n'), 1796117847);
  assert.equal(parseBootTimeSeconds('cpu 1 2 3\n'), undefined);
});

test('the macOS clock runs ps with the C locale and UTC; the Windows clock asks PowerShell for the start in UTC', () => {
  const calls: { file: string; args: readonly string[]; env: NodeJS.ProcessEnv }[] = [];
  const recorder = (output: string | undefined): CommandRunner => (file, args, env) => {
    calls.push({ file, args, env });
    return output;
  };
  assert.equal(macStartClock(recorder(LSTART_RECORDED)).startedAtMs(4242), Date.UTC(2026, 11, 1, 9, 37, 27));
  assert.deepEqual([calls[0]!.file, calls[0]!.args, calls[0]!.env.LC_ALL, calls[0]!.env.TZ], ['/bin/ps', ['-o', 'lstart=', '-p', '4242'], 'C', 'UTC']);
  assert.equal(windowsStartClock(recorder(POWERSHELL_RECORDED)).startedAtMs(4242), Date.UTC(2026, 10, 22, 10, 31, 5, 123));
  assert.equal(calls[1]!.file, 'powershell.exe');
  assert.match(calls[1]!.args.join(' '), /-NoProfile -NonInteractive -Command \(Get-Process -Id 4242 -ErrorAction Stop\)\.StartTime\.ToUniversalTime\(\)\.ToString\('o'\)/);
  // ps and PowerShell fail (no such pid, access denied): unknown, never a guess.
  assert.equal(macStartClock(recorder(undefined)).startedAtMs(4242), undefined);
  assert.equal(windowsStartClock(recorder('\r\n')).startedAtMs(4242), undefined);
});

test('a start is "after the lock" only beyond the clock\'s rounding plus a second', () => {
  const createdAt = Date.UTC(2026, 10, 22, 10, 31, 5, 900);
  assert.equal(startedAfterLock(undefined, createdAt, 1000), false);
  assert.equal(startedAfterLock(createdAt - 3_600_000, createdAt, 1000), false);
  assert.equal(startedAfterLock(createdAt + 2_000, createdAt, 1000), false);
  assert.equal(startedAfterLock(createdAt + 2_001, createdAt, 1000), true);
  assert.equal(startedAfterLock(createdAt + 1_002, createdAt, 1), true);
});

test('cached answers are reused per pid for a while, then asked again', () => {
  let asked = 0;
  let now = 0;
  const clock = cachedStartClock({ granularityMs: 7, startedAtMs: (pid) => { asked++; return pid * 1000; } }, 30_000, 256, () => now);
  assert.equal(clock.granularityMs, 7);
  assert.equal(clock.startedAtMs(5), 5000);
  assert.equal(clock.startedAtMs(5), 5000);
  assert.equal(asked, 1);
  now = 30_001;
  clock.startedAtMs(5);
  assert.equal(asked, 2);
});

function environment(platform: NodeJS.Platform, clock: ProcessStartClock): OwnerEnvironment {
  return {
    platform,
    clock,
    namespace: { nested: false, how: `${platform} has no pid namespaces` },
    pidnsMarker: undefined,
    nested: new NestedHolderFinder({ sinceBootSeconds: () => 0, pids: () => [], nsPids: () => undefined, startTicks: () => undefined, namespace: () => undefined, selfNamespace: () => undefined, cgroup: () => undefined }),
    isAlive: () => true,
    startTicks: () => undefined,
  };
}

const fixed = (platform: NodeJS.Platform, output: string | undefined): OwnerEnvironment =>
  environment(platform, platform === 'darwin' ? macStartClock(() => output) : windowsStartClock(() => output));

for (const [platform, startedLate, startedEarly, withinRounding] of [
  ['darwin', 'Sun Nov 22 11:31:05 2026\n', 'Sun Nov 22 09:00:00 2026\n', 'Sun Nov 22 10:31:06 2026\n'],
  ['win32', '2026-11-22T11:31:05.0000000Z\r\n', '2026-11-22T09:00:00.0000000Z\r\n', '2026-11-22T10:31:06.0000000Z\r\n'],
] as const) {
  test(`${platform}: a live pid that started after createdAt is recycled-pid; before it, or within rounding, held`, withDir(async (dir) => {
    const lockPath = join(dir, 's.jsonl.lock');
    // As OpenClaw 2026.7 writes it off Linux: no starttime.
    writeFileSync(lockPath, lockBytes({ pid: 4242, createdAt: '2026-11-22T10:31:05.414Z', maxHoldMs: 300000 }));
    const now = Date.parse('2026-11-22T12:00:00.000Z');
    const late = inspectLockSync(lockPath, { now, readCommandLine: false, ownerEnvironment: fixed(platform, startedLate) });
    assert.deepEqual([late.state, late.reasons[0], late.reclaimable], ['stale', 'recycled-pid', true]);
    assert.equal(late.owner?.startedAtMs, Date.parse('2026-11-22T11:31:05.000Z'));
    for (const output of [startedEarly, withinRounding, undefined]) {
      const kept = inspectLockSync(lockPath, { now, readCommandLine: false, ownerEnvironment: fixed(platform, output) });
      assert.equal(kept.state, 'held', String(output));
      assert.equal(kept.reclaimable, false);
    }
  }));
}

test('off Linux, a lock carrying a Linux starttime came from another kernel (a container or VM): never judged by pid', withDir(async (dir) => {
  const lockPath = join(dir, 's.jsonl.lock');
  writeFileSync(lockPath, lockBytes({ pid: 1, createdAt: new Date().toISOString(), maxHoldMs: 300000, starttime: 51186 }));
  const seen = inspectLockSync(lockPath, { ownerEnvironment: { ...fixed('darwin', undefined), isAlive: () => false } });
  assert.equal(seen.state, 'unknown-host');
  assert.equal(seen.reclaimable, false);
  assert.match(seen.problem!, /Linux starttime but this is darwin/);
}));

test('Linux, a payload without starttime (before 2026.3.2) whose pid was reused after createdAt: recycled-pid', withDir(async (dir) => {
  const createdAt = new Date(Date.now() - 10 * 60_000).toISOString();
  const sleeper = spawnSleeper('openclaw');
  try {
    let ticks: number | undefined;
    for (let i = 0; i < 100 && ticks === undefined; i++) ticks = readProcessStartTime(sleeper.pid);
    const lockPath = join(dir, 's.jsonl.lock');
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt }));
    const inspection = inspectLockSync(lockPath);
    assert.deepEqual([inspection.state, inspection.reasons, inspection.reclaimable], ['stale', ['recycled-pid'], true]);
    const startedAt = inspection.owner!.startedAtMs!;
    assert.ok(Math.abs(startedAt - Date.now()) < 60_000, `start ${new Date(startedAt).toISOString()} is about now`);
    assert.equal(startedAt, linuxStartClock().startedAtMs(sleeper.pid));
    // The same pid with a createdAt after its start: its owner, held.
    writeFileSync(lockPath, lockBytes({ pid: sleeper.pid, createdAt: new Date().toISOString() }));
    assert.equal(inspectLockSync(lockPath).state, 'held');
  } finally {
    sleeper.stop();
  }
}));
