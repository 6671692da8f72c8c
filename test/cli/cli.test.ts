// The CLI as users run it: `node dist/cli.js ...` in a separate process, against fixture
// state dirs with real lock holders. Asserts output and exit codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deadPid, startHolder, type LiveHolder } from '../fixtures/live-holder';
import {
  buildRichFixture,
  isoAgo,
  lockBytes,
  makeSessionsDir,
  makeTempRoot,
  writeLock,
  writeStore,
  writeTranscript,
  type RichFixture,
} from '../fixtures/state-dir';
import { CLI, ROOT, cli, cliShimDir, decisionBlocks, gatewayTmp, pasteIntoShell } from './run-cli';

const ANSI = /\x1b\[/;

/**
 * The empty lock stands for one being written, which it is only for the 30 s torn grace; on a
 * loaded machine a suite can take longer, so tests that expect it young make it young again.
 */
function keepInitialising(fx: RichFixture): void {
  writeLock(fx.paths.initLock, '');
}

describe('openclaw-locks basics', () => {
  it('prints its version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await cli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('lists its commands and has help per command', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    for (const name of ['status', 'clear-stale', 'watch', 'inspect']) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
    assert.match(r.stdout, /--state-dir <dir>/);
    const c = await cli(['clear-stale', '--help']);
    assert.equal(c.code, 0);
    assert.match(c.stdout, /Usage: openclaw-locks clear-stale/);
    assert.match(c.stdout, /--dry-run/);
    assert.match(c.stdout, /--force <session\|lock-path>/);
    assert.match(c.stdout, /--pid <pid>/);
    const i = await cli(['inspect', '-h']);
    assert.match(i.stdout, /Usage: openclaw-locks inspect <session>/);
  });

  it('explains bad command lines with exit 2 and a pointer to help', async () => {
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "frobnicate".*status, clear-stale, watch, inspect/);
    const flag = await cli(['status', '--bogus']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Run `openclaw-locks status --help`/);
    const warn = await cli(['--warn', 'soon']);
    assert.equal(warn.code, 2);
    assert.match(warn.stderr, /--warn takes a positive number of seconds, got "soon"/);
    const order = await cli(['--warn', '100', '--error', '10']);
    assert.equal(order.code, 2);
    assert.match(order.stderr, /--warn must not be larger than --error/);
  });

  it('says what to do when there is no state dir (exit 2)', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-missing-');
    try {
      const r = await cli(['status'], { HOME: root, TMPDIR: gatewayTmp(root) });
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`No OpenClaw state dir at ${path.join(root, '.openclaw')}[\\s\\S]*--state-dir[\\s\\S]*OPENCLAW_STATE_DIR`));
      const json = await cli(['status', '--json'], { HOME: root, TMPDIR: gatewayTmp(root) });
      assert.equal(json.code, 2);
      assert.equal(JSON.parse(json.stdout).layout, 'missing');
    } finally {
      cleanup();
    }
  });
});

describe('openclaw-locks status, inspect and watch on a rich fixture', () => {
  let fx: RichFixture;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    fx = await buildRichFixture();
    // Wide, so that rows and messages stay on one line each here; fitting 80 columns is tested below.
    env = { OPENCLAW_STATE_DIR: fx.stateDir, COLUMNS: '300', TMPDIR: gatewayTmp(fx.root, { pid: fx.holder.pid, createdAt: isoAgo(1000), configPath: path.join(fx.stateDir, 'openclaw.json') }) };
  });
  after(() => fx.cleanup());

  it('prints every lock with owner, age and verdict, and exits 1', async () => {
    keepInitialising(fx);
    const r = await cli(['status'], env);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, ANSI, 'no colour when not a TTY');
    assert.match(r.stdout, new RegExp(`^State dir  ${fx.stateDir} \\(from OPENCLAW_STATE_DIR\\)$`, 'm'));
    assert.match(r.stdout, /^Layout     jsonl \(3 agents, 11 sessions, 9 lock files\)$/m);
    // OpenClaw's gateway lock has no port; with no --port and no config it is OpenClaw's default.
    // The lock's owner here is a stand-in process that serves no HTTP: probed, it does not answer.
    assert.match(r.stdout, new RegExp(`^Gateway    running \\(pid ${fx.holder.pid}, port 18789\\); not answering on port 18789 \\(`, 'm'));
    const row = (name: string, state: string, pid: string, age: RegExp, verdict: RegExp) => {
      const line = r.stdout.split('\n').find((l) => l.startsWith('main') && (l.includes(` ${name} `) || l.includes(`(${name})`)));
      assert.ok(line, `a row for ${name}`);
      const cells = line.split(/\s{2,}/);
      assert.equal(cells[2], state, line);
      assert.equal(cells[3], pid, line);
      assert.match(cells[4]!, age, line);
      assert.match(cells[5]!, verdict, line);
    };
    const holder = String(fx.holder.pid);
    row('agent:main:main', 'held', holder, /^(\d+m )?\d+s$/, /^ok$/);
    row('agent:main:telegram:group:42', 'stale', String(fx.deadPid), /^[1-9]m \d\ds$/, /dead-pid; safe to clear/);
    row('cron:nightly', 'stale', holder, /^(\d+m )?\d+s$/, /recycled-pid/);
    row('hook:0b7c2a1e-4f7e-4d0a-9a41-111111111111', 'stale', '-', /^[2-9]m \d\ds$/, /missing-pid/);
    row('agent:main:fresh', 'initialising', '-', /s$/, /being written/);
    row('agent:main:long', 'held-too-long', holder, /^4\dm \d\ds$/, /too-old/);
    row('agent:main:warn', 'held-long', holder, /^[2-9]m \d\ds$/, /warn threshold/);
    row('ghost.jsonl.lock', 'stale', String(fx.deadPid), /^1h 0\dm$/, /dead-pid/);
    row('(sessions.json)', 'stale', String(fx.deadPid), /^1\dm \d\ds$/, /dead-pid/);
    assert.doesNotMatch(r.stdout, /agent:main:idle/, 'free sessions are listed only with --all');
    assert.match(r.stdout, /sessions\.json is not valid JSON/);
    assert.match(r.stdout, /^5 stale locks: remove them safely with this command \(add --dry-run to preview\):\n  openclaw-locks clear-stale$/m);
    // Columns line up: every row's STATE cell starts at the header's column.
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('AGENT'))!;
    const stateCol = header.indexOf('STATE');
    for (const l of lines.filter((x) => x.startsWith('main '))) assert.match(l.slice(stateCol), /^(held|stale|initialising|held-too-long|held-long)\b/);
  });

  it('lists free sessions too with --all', async () => {
    const r = await cli(['status', '--all'], env);
    assert.match(r.stdout, /^main\s+agent:main:idle\s+free\s+-\s+-\s+no lock$/m);
    assert.match(r.stdout, /^main\s+loose-1\s+free/m);
  });

  it('gives machines JSON with the same verdicts', async () => {
    keepInitialising(fx);
    const r = await cli(['status', '--json'], env);
    assert.equal(r.code, 1);
    const data = JSON.parse(r.stdout);
    assert.equal(data.exitCode, 1);
    assert.equal(data.layout, 'jsonl');
    const { createdAt, health, ...lock } = data.gateway;
    assert.equal(typeof createdAt, 'string');
    assert.deepEqual(lock, { lockPath: path.join(env.TMPDIR!, `openclaw-${process.getuid!()}`, 'gateway.1a2b3c4d.lock'), pid: fx.holder.pid, alive: true, port: 18789 });
    assert.equal(health.state, 'not-answering');
    assert.equal(health.severity, 'error');
    assert.equal(health.expected, 'lock');
    assert.equal(health.port, 18789);
    assert.equal(health.live, false);
    assert.equal(data.locks.length, 9);
    const byPath = new Map<string, Record<string, unknown>>(data.locks.map((l: Record<string, unknown>) => [l.lockPath, l]));
    assert.deepEqual(byPath.get(fx.paths.deadLock)?.reasons, ['dead-pid']);
    assert.equal(byPath.get(fx.paths.deadLock)?.sessionKey, 'agent:main:telegram:group:42');
    assert.equal(byPath.get(fx.paths.liveLock)?.level, 'held');
    assert.equal(byPath.get(fx.paths.liveLock)?.ownerAlive, true);
    assert.equal(byPath.get(fx.paths.orphanLock)?.kind, 'orphan');
    assert.equal(byPath.get(fx.paths.storeLock)?.kind, 'store');
    assert.equal(byPath.get(fx.paths.initLock)?.level, 'initialising');
  });

  it('scopes to one agent with --agent', async () => {
    // --no-probe: this fixture's gateway lock names a process that serves no HTTP (a hung
    // gateway, probed: exit 1); the point here is the scope.
    const r = await cli(['status', '--agent', 'ops', '--no-probe'], env);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /No lock files: every session is free\./);
    assert.match(r.stdout, /^Agents\s+ops \(1 session, 1 problem\)$/m);
    const typo = await cli(['status', '--agent', 'opz'], env);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /No agent "opz" in .*agents\. Run `openclaw-locks status` without --agent/);
  });

  it('inspects a session by key: owner, command line, payload bytes', async () => {
    const r = await cli(['inspect', 'agent:main:main'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Lock\\s+${fx.paths.liveLock}$`, 'm'));
    assert.match(r.stdout, /^Session\s+Main chat\nKey\s+agent:main:main\nId\s+s-live\n/m);
    assert.match(r.stdout, new RegExp(`^Owner\\s+pid ${fx.holder.pid}, alive$`, 'm'));
    assert.match(r.stdout, /^Start time\s+\d+ \(matches the lock\)$/m);
    assert.match(r.stdout, /^Command\s+.*--openclaw-test-holder/m);
    assert.match(r.stdout, /^Max hold\s+5m 00s$/m);
    assert.match(r.stdout, new RegExp(`^Payload\\s+"\\{\\\\n  \\\\"pid\\\\": ${fx.holder.pid},`, 'm'));
  });

  it('inspects a lock path and a recycled pid, with exit 1 and what to do', async () => {
    const dead = await cli(['inspect', fx.paths.orphanLock], env);
    assert.equal(dead.code, 1);
    assert.match(dead.stdout, /^Kind\s+lock with no session$/m);
    assert.match(dead.stdout, new RegExp(`^Reason\\s+dead-pid: pid ${fx.deadPid} is not running$`, 'm'));
    assert.match(dead.stdout, /^Safe to remove; .*:\n  openclaw-locks clear-stale$/m);
    const recycled = await cli(['inspect', 's-recycled', '--json'], env);
    assert.equal(recycled.code, 1);
    const data = JSON.parse(recycled.stdout);
    assert.deepEqual(data.lock.reasons, ['recycled-pid']);
    assert.equal(data.lock.starttimeMatches, false);
    assert.equal(data.sessions[0].key, 'cron:nightly');
  });

  it('says what to try when nothing matches (exit 2)', async () => {
    const r = await cli(['inspect', 'agent:nope'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Nothing matches "agent:nope"[\s\S]*status --all/);
    const none = await cli(['inspect'], env);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /inspect needs a session: a key/);
  });

  it('watch --json prints one JSON object per change', async () => {
    const child = spawn(process.execPath, [CLI, 'watch', '--json', '--agent', 'ops'], { env: { PATH: process.env.PATH, HOME: '/nonexistent-home', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const lines = () => out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { event: string; locks?: { lockPath: string }[]; lockPath?: string; level?: string });
    const until = async (accept: () => boolean) => {
      for (let waited = 0; !accept(); waited += 50) {
        if (waited > 20_000) throw new Error(`watch --json printed:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until(() => out.includes('\n'));
      assert.equal(lines()[0]!.event, 'start');
      assert.deepEqual(lines()[0]!.locks, []);
      const lockPath = path.join(fx.ops, 'ops-1.jsonl.lock');
      writeLock(lockPath, { pid: fx.deadPid, createdAt: isoAgo(0) });
      await until(() => lines().some((l) => l.event === 'lock' && l.lockPath === lockPath && l.level === 'stale'));
      child.kill('SIGINT');
      assert.equal(await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c))), 0);
      const { rmSync } = await import('node:fs');
      rmSync(lockPath);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('watch logs locks appearing and going when not a TTY, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, 'watch'], { env: { PATH: process.env.PATH, HOME: '/nonexistent-home', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const waitFor = (pattern: RegExp) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch never printed ${pattern}; got:\n${out}`)), 20_000);
      const check = () => {
        if (pattern.test(out)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve();
        }
      };
      const onData = () => check();
      child.stdout.on('data', onData);
      check();
    });
    try {
      await waitFor(/watching .* lock files\)/);
      await waitFor(/\+ held main Main chat \(agent:main:main\) pid \d+/);
      const newLock = path.join(fx.main, 's-idle.jsonl.lock');
      writeLock(newLock, { pid: fx.deadPid, createdAt: isoAgo(0) });
      await waitFor(new RegExp(`\\+ stale main agent:main:idle pid ${fx.deadPid} age \\d+s: stale: dead-pid; safe to clear \\[${newLock.replace(/[.]/g, '\\.')}\\]`));
      const { rmSync } = await import('node:fs');
      rmSync(newLock);
      await waitFor(new RegExp(`- released ${newLock.replace(/[.]/g, '\\.')}`));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      assert.equal(code, 0);
      assert.match(out, /stopped\n$/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('openclaw-locks clear-stale', () => {
  let fx: RichFixture;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    fx = await buildRichFixture();
    env = { OPENCLAW_STATE_DIR: fx.stateDir, COLUMNS: '300', TMPDIR: gatewayTmp(fx.root) };
  });
  after(() => fx.cleanup());
  const stale = () => [fx.paths.deadLock, fx.paths.recycledLock, fx.paths.tornLock, fx.paths.orphanLock, fx.paths.storeLock];
  const kept = () => [fx.paths.liveLock, fx.paths.longLock, fx.paths.warnLock, fx.paths.initLock];

  it('previews with --dry-run and removes nothing', async () => {
    keepInitialising(fx);
    const r = await cli(['clear-stale', '--dry-run'], env);
    assert.equal(r.code, 1);
    const blocks = decisionBlocks(r.stdout);
    for (const p of stale()) assert.equal(blocks.find((b) => b.lockPath === p)?.verb, 'would remove', p);
    for (const p of [...stale(), ...kept()]) assert.ok(existsSync(p), p);
    assert.match(blocks.find((b) => b.lockPath === fx.paths.deadLock)!.body, new RegExp(`^dead-pid: pid ${fx.deadPid} is not running `));
    assert.match(r.stdout, /^5 stale locks would be removed \(dry run: nothing was\); kept 4 \(1 healthy, 1 being written, 2 needing attention\)\.$/m);
    assert.match(r.stdout, /^Exit 1: 5 stale locks are still there and 2 kept locks still need attention \(see above\)\.$/m);
    const json = await cli(['clear-stale', '--dry-run', '--json'], env);
    assert.equal(json.code, 1);
    const data = JSON.parse(json.stdout);
    assert.equal(data.dryRun, true);
    const actions = new Map<string, string>(data.results.map((x: { lockPath: string; action: string }) => [x.lockPath, x.action]));
    for (const p of stale()) assert.equal(actions.get(p), 'would-remove', p);
    for (const p of kept()) assert.equal(actions.get(p), 'kept', p);
    for (const p of stale()) assert.ok(existsSync(p), p);
  });

  it('removes only provably stale locks, saying why for each, and keeps live owners\'', async () => {
    keepInitialising(fx);
    const r = await cli(['clear-stale'], env);
    assert.equal(r.code, 1, 'held-too-long and held-long locks still need attention');
    const blocks = decisionBlocks(r.stdout);
    for (const p of stale()) {
      assert.ok(!existsSync(p), `${p} removed`);
      assert.equal(blocks.find((b) => b.lockPath === p)?.verb, 'removed', p);
    }
    for (const p of kept()) {
      assert.ok(existsSync(p), `${p} kept`);
      assert.equal(blocks.find((b) => b.lockPath === p)?.verb, 'kept', p);
    }
    const long = blocks.find((b) => b.lockPath === fx.paths.longLock)!;
    assert.match(long.head, /^main  agent:main:long$/);
    assert.match(long.body, new RegExp(`^held by live pid ${fx.holder.pid} for 4\\dm \\d\\ds; too-old: created 4\\dm \\d\\ds ago, older than OpenClaw's stale age `));
    assert.equal(long.command, `openclaw-locks clear-stale --force ${fx.paths.longLock} --pid ${fx.holder.pid}`);
    assert.equal(blocks.find((b) => b.lockPath === fx.paths.liveLock)!.command, undefined, 'a healthy lock gets no force command');
    assert.match(blocks.find((b) => b.lockPath === fx.paths.initLock)!.body, /being written right now/);
    assert.match(r.stdout, /^Removed 5 stale locks; kept 4 \(1 healthy, 1 being written, 2 needing attention\)\.\nExit 1: 2 kept locks still need attention \(see above\)\.$/m);
    // Transcripts and the store are never touched.
    assert.ok(existsSync(path.join(fx.main, 's-dead.jsonl')));
    assert.ok(existsSync(path.join(fx.main, 'sessions.json')));
  });

  it('refuses --force without the right pid, and the printed command removes the lock when pasted', async () => {
    const noPid = await cli(['clear-stale', '--force', fx.paths.longLock], env);
    assert.equal(noPid.code, 2);
    assert.match(noPid.stderr, /--force needs --pid <pid>/);
    const wrong = await cli(['clear-stale', '--force', fx.paths.longLock, '--pid', String(fx.deadPid)], env);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, new RegExp(`names pid ${fx.holder.pid}, not pid ${fx.deadPid}`));
    assert.ok(existsSync(fx.paths.longLock));
    const notLock = await cli(['clear-stale', '--force', path.join(fx.main, 'sessions.json'), '--pid', '1'], env);
    assert.equal(notLock.code, 2);
    assert.match(notLock.stderr, /ending in \.lock/);
    const dry = await cli(['clear-stale', '--force', 'agent:main:long', '--pid', String(fx.holder.pid), '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`^would force-remove ${fx.paths.longLock.replace(/[.]/g, '\\.')}: `, 'm'), 'a session key names its lock');
    assert.ok(existsSync(fx.paths.longLock));
    // What clear-stale prints for a live owner's lock, pasted into a shell at 80 columns (so with ` \` continuations).
    const listing = await cli(['clear-stale', '--dry-run', 'agent:main:long'], { ...env, COLUMNS: '80' });
    const printed = listing.stdout.split('\n').filter((l) => /^ {16}(openclaw-locks| {2})/.test(l)).map((l) => l.trim()).join('\n');
    assert.match(printed, /^openclaw-locks clear-stale --force \\\n/, listing.stdout);
    const right = await pasteIntoShell(printed, env, cliShimDir(fx.root));
    assert.equal(right.code, 0, right.stderr);
    assert.match(right.stdout, new RegExp(`^removed ${fx.paths.longLock.replace(/[.]/g, '\\.')} \\(live owner pid ${fx.holder.pid}`, 'm'));
    assert.ok(!existsSync(fx.paths.longLock));
    assert.ok(existsSync(fx.paths.liveLock), 'other locks of the same owner stay');
  });
});

describe('openclaw-locks exit codes and layouts', () => {
  const { root, cleanup } = makeTempRoot('oc-cli-codes-');
  let holder: LiveHolder | undefined;
  after(async () => {
    if (holder) {
      await holder.kill();
    }
    cleanup();
  });

  it('exits 0 with a young live lock, 1 once it is over --warn', async () => {
    const stateDir = path.join(root, 'clean');
    const dir = makeSessionsDir(stateDir, 'main');
    writeStore(dir, { 'agent:main:main': { sessionId: 'a', updatedAt: Date.now() } });
    writeTranscript(dir, 'a.jsonl');
    holder = await startHolder([{ sessionFile: path.join(dir, 'a.jsonl'), createdAt: isoAgo(120_000), maxHoldMs: 3_600_000 }]);
    const env = { TMPDIR: gatewayTmp(root) };
    const relaxed = await cli(['--state-dir', stateDir, '--warn', '600', '--error', '1200'], env);
    assert.equal(relaxed.code, 0, relaxed.stdout);
    assert.match(relaxed.stdout, /^main\s+agent:main:main\s+held\s+\d+\s+[2-9]m \d\ds\s+ok$/m);
    // No gateway lock, no service unit: nobody on the port is how this machine is used, not a fault (exit 0).
    assert.match(relaxed.stdout, /^Gateway    not running \(no gateway lock\); nothing answers on port 18789$/m);
    const strict = await cli(['--state-dir', stateDir], env);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /held-long/);
    const clear = await cli(['clear-stale', '--state-dir', stateDir, '--warn', '600', '--error', '1200'], env);
    assert.equal(clear.code, 0);
  });

  it('says plainly when OpenClaw keeps sessions in SQLite', async () => {
    const stateDir = path.join(root, 'sqlite');
    makeSessionsDir(stateDir, 'main');
    mkdirSync(path.join(stateDir, 'agents', 'main', 'agent'), { recursive: true });
    writeFileSync(path.join(stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'), 'SQLite format 3\0');
    const r = await cli(['--state-dir', stateDir], { TMPDIR: gatewayTmp(root) });
    assert.match(r.stdout, /^Layout     sqlite: SQLite era, from the agent databases; sessions in SQLite, no session lock files/m);
    // A database nothing here can read (a 16-byte stub, or no node:sqlite) is said plainly and needs attention.
    assert.match(r.stdout, /Sessions of main could not be read/);
    assert.equal(r.code, 1);
  });

  it('finds a legacy ~/.clawdbot state dir through HOME', async () => {
    const home = path.join(root, 'home');
    const dir = makeSessionsDir(path.join(home, '.clawdbot'), 'main');
    writeTranscript(dir, 'x.jsonl');
    writeLock(path.join(dir, 'x.jsonl.lock'), { pid: deadPid(), createdAt: isoAgo(5_000) });
    const r = await cli(['status'], { HOME: home, TMPDIR: gatewayTmp(root) });
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^State dir  ${path.join(home, '.clawdbot')} \\(legacy location\\)$`, 'm'));
    assert.match(r.stdout, /^main\s+x\s+stale/m);
  });

  it('reports a folder it may not read as a problem, not a crash', async (t) => {
    const stateDir = path.join(root, 'perm');
    const open = makeSessionsDir(stateDir, 'open');
    writeTranscript(open, 'o.jsonl');
    writeLock(path.join(open, 'o.jsonl.lock'), lockBytes({ pid: deadPid(), createdAt: isoAgo(1_000) }));
    const secret = makeSessionsDir(stateDir, 'secret');
    writeTranscript(secret, 's.jsonl');
    chmodSync(secret, 0o700);
    const asRoot = process.getuid?.() === 0;
    // Root reads everything, so the scan runs as `nobody` and the fixture is made readable to it.
    if (asRoot) {
      for (let d = path.dirname(secret); d !== path.dirname(root); d = path.dirname(d)) chmodSync(d, 0o755);
    } else {
      chmodSync(secret, 0o000);
    }
    const tmp = path.join(root, 'tmp-nobody');
    mkdirSync(tmp, { recursive: true, mode: 0o777 });
    chmodSync(tmp, 0o777);
    const r = await cli(['status', '--json', '--state-dir', stateDir], { TMPDIR: tmp }, asRoot ? { uid: 65534, gid: 65534 } : {});
    if (!asRoot) chmodSync(secret, 0o700);
    t.diagnostic(`ran as ${asRoot ? 'nobody' : 'the current user'}`);
    assert.equal(r.code, 1, r.stderr);
    const data = JSON.parse(r.stdout);
    const agent = data.agents.find((a: { id: string }) => a.id === 'secret');
    assert.match(agent.problems[0].message, /permission denied reading the sessions folder; run as the user that runs OpenClaw/);
    assert.equal(data.locks.length, 1, 'the readable agent is still scanned');
  });
});

describe('openclaw-locks clear-stale and what interrupted reclaims leave behind', () => {
  it('removes an abandoned reclaim guard beside the locks, says so, and leaves it alone in a dry run', async () => {
    const { root, cleanup } = makeTempRoot('oc-cli-leftovers-');
    try {
      const stateDir = path.join(root, 'state');
      const dir = makeSessionsDir(stateDir, 'main');
      writeTranscript(dir, 'a.jsonl');
      // A process SIGKILLed in the middle of a reclaim leaves `<lock>.reclaim` naming itself.
      const guard = path.join(dir, 'a.jsonl.lock.reclaim');
      writeLock(guard, { pid: deadPid(), createdAt: isoAgo(1_000) });
      const env = { OPENCLAW_STATE_DIR: stateDir, TMPDIR: gatewayTmp(root) };
      const dry = await cli(['clear-stale', '--dry-run'], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.ok(existsSync(guard), 'a dry run removes nothing');
      const r = await cli(['clear-stale'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^removed a file left by an interrupted lock operation: ${guard.replace(/[.]/g, '\\.')}$`, 'm'));
      assert.equal(existsSync(guard), false);
      writeLock(guard, { pid: deadPid(), createdAt: isoAgo(1_000) });
      const json = JSON.parse((await cli(['clear-stale', '--json'], env)).stdout);
      assert.deepEqual(json.leftoversRemoved, [guard]);
    } finally {
      cleanup();
    }
  });
});
