import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { readFileSync } from 'node:fs';
import { isOpenClawCommandLine, isProcessAlive, readCommandLine, readProcessStartTime, readProcessState } from '../../src/lock';
import { isNamedProcessAlive, pidExists } from '../../src/lock/process';
import { deadPid, spawnSleeper, waitForExit } from './helpers';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

test('isProcessAlive: self and a live child are alive, a reaped child is dead, nonsense pids are dead', () => {
  assert.equal(isProcessAlive(process.pid), true);
  const sleeper = spawnSleeper();
  try {
    assert.equal(isProcessAlive(sleeper.pid), true);
  } finally {
    sleeper.stop();
  }
  assert.equal(isProcessAlive(deadPid()), false);
  assert.equal(pidExists(process.pid), true);
  assert.equal(pidExists(deadPid()), false);
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.equal(isProcessAlive(bad), false);
});

test('isProcessAlive: EPERM (a process we may not signal) counts as alive', async () => {
  if (process.getuid?.() !== 0) {
    // Unprivileged: pid 1 belongs to root, so kill(1, 0) fails with EPERM right here.
    assert.equal(isProcessAlive(1), true);
    return;
  }
  // As root kill() never fails with EPERM, so probe from a child that dropped to nobody.
  const probe = spawn(process.execPath, ['-e', `
    process.setgid(65534); process.setuid(65534);
    let code = 'none'; try { process.kill(1, 0); } catch (e) { code = e.code; }
    const { isProcessAlive } = require(${JSON.stringify(join(__dirname, 'fixtures/process-probe.js'))});
    process.stdout.write(code + ' ' + isProcessAlive(1));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  probe.stdout!.on('data', (d) => (out += d));
  await waitForExit(probe);
  assert.equal(out, 'EPERM true');
});

test('a zombie counts as dead', async () => {
  // The grandchild exits while its parent (a shell that ignores it) keeps running, so it stays a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  for await (const chunk of parent.stdout!) {
    out += chunk;
    if (out.includes('\n')) break;
  }
  const zombie = Number(out.trim());
  try {
    for (let i = 0; i < 500 && readProcessState(zombie) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(readProcessState(zombie), 'Z');
    assert.equal(isProcessAlive(zombie), false);
    // By name too (a ticket's or a copy's maker): its start time still matches, but it has exited.
    assert.equal(isNamedProcessAlive(zombie, readProcessStartTime(zombie)), false);
  } finally {
    parent.kill('SIGKILL');
  }
});

test('isNamedProcessAlive: the live process with that start time only, judged from one read of its /proc stat', () => {
  const sleeper = spawnSleeper();
  try {
    const starttime = readProcessStartTime(sleeper.pid);
    assert.ok(starttime !== undefined);
    const statReads = mock.method(fs, 'readFileSync');
    try {
      assert.equal(isNamedProcessAlive(sleeper.pid, starttime), true);
      // A waiter judges the process it wakes at every handover: state and start time come from one read.
      assert.equal(statReads.mock.calls.filter((call) => call.arguments[0] === `/proc/${sleeper.pid}/stat`).length, 1);
    } finally {
      statReads.mock.restore();
    }
    assert.equal(isNamedProcessAlive(sleeper.pid, starttime + 1), false, 'another process now has that pid');
    assert.equal(isNamedProcessAlive(sleeper.pid, undefined), true);
  } finally {
    sleeper.stop();
  }
  assert.equal(isNamedProcessAlive(deadPid(), undefined), false);
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.equal(isNamedProcessAlive(bad, undefined), false);
});

test('readProcessStartTime reads field 22 of /proc/<pid>/stat', () => {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // /proc/self is this process.
  assert.equal(readProcessStartTime(process.pid), Number(fields[19]));
  assert.equal(readProcessStartTime(deadPid()), undefined);
});

test('readCommandLine and isOpenClawCommandLine', () => {
  const sleeper = spawnSleeper('openclaw-gateway');
  try {
    const commandLine = readCommandLine(sleeper.pid);
    assert.ok(commandLine?.includes('openclaw-gateway'), commandLine);
    assert.equal(isOpenClawCommandLine(commandLine!), true);
  } finally {
    sleeper.stop();
  }
  assert.equal(readCommandLine(deadPid()), undefined);
  for (const yes of ['openclaw gateway --port 18789', 'node /usr/lib/node_modules/openclaw/dist/index.js gateway', '/home/u/.local/bin/openclaw', 'clawdbot gateway']) {
    assert.equal(isOpenClawCommandLine(yes), true, yes);
  }
  for (const no of ['node /x/extensionHost.js', 'sleep 60', 'myopenclawclone', 'vim notopenclawish']) {
    assert.equal(isOpenClawCommandLine(no), false, no);
  }
});
