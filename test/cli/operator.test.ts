// Issue 10, items 11 and 12: sessions found the way people name them, and output an operator
// can act on (names in tables, complete quoted commands that work when pasted, lines that fit
// the terminal, a summary after clear-stale, "did you mean").
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deadPid, startHolder, type LiveHolder } from '../fixtures/live-holder';
import { isoAgo, makeSessionsDir, makeTempRoot, writeLock, writeStore, writeTranscript } from '../fixtures/state-dir';
import { cli, cliShimDir, decisionBlocks, gatewayTmp, pasteIntoShell } from './run-cli';

const TEAM_ID = '51103780-1f2e-4d3c-8b4a-000000000001';
const OPS_ID = '0b9b6f52-9a8b-4c7d-8e6f-000000000002';

/** Over-width lines are allowed only where no space could break them: one path, one command word. */
function assertFits(output: string, width: number, wholes: string[] = []): void {
  for (const original of output.split('\n')) {
    if (original.length <= width) continue;
    // A path with a space in it is still one word that must not be broken.
    const line = wholes.reduce((l, whole) => l.split(whole).join(whole.replace(/ /g, '_')), original);
    const words = line.trim().split(/\s+/).filter((w) => w !== '\\');
    assert.ok(words.length <= 2 && words.some((w) => w.length > width / 2), `line of ${line.length} > ${width} columns that could have been wrapped:\n${line}`);
  }
}

describe('openclaw-locks: finding sessions and acting on what it prints', () => {
  const { root, cleanup } = makeTempRoot('oc-cli-operator-');
  // A space and a quote in the state dir: printed commands must quote it to work when pasted.
  const stateDir = path.join(root, "state dir's");
  let holder: LiveHolder;
  let env: NodeJS.ProcessEnv;
  let main: string;
  let dead: number;
  before(async () => {
    main = makeSessionsDir(stateDir, 'main');
    const ops = makeSessionsDir(stateDir, 'ops');
    const now = Date.now();
    writeStore(main, {
      'agent:main:telegram:group:1': { sessionId: TEAM_ID, displayName: 'Team Telegram', updatedAt: now },
      'agent:main:discord:channel:9': { sessionId: OPS_ID, label: 'Ops Discord', updatedAt: now },
      'agent:main:chat': { sessionId: '77770000-0000-4000-8000-00000000000a', label: 'Chat', updatedAt: now },
      'agent:main:other': { sessionId: '77771111-0000-4000-8000-00000000000b', updatedAt: now },
      'cron:nightly': { sessionId: 's-nightly', label: 'Nightly digest', updatedAt: now },
    });
    writeStore(ops, { 'agent:ops:chat': { sessionId: 'ops-chat', label: 'Chat', updatedAt: now } });
    for (const id of [TEAM_ID, OPS_ID, '77770000-0000-4000-8000-00000000000a', '77771111-0000-4000-8000-00000000000b', 's-nightly']) writeTranscript(main, `${id}.jsonl`, 5);
    writeTranscript(ops, 'ops-chat.jsonl');
    dead = deadPid();
    // Dead owner, and past its own maxHoldMs: two reasons, one of them with a number in it.
    writeLock(path.join(main, `${OPS_ID}.jsonl.lock`), { pid: dead, createdAt: isoAgo(10 * 60_000), maxHoldMs: 300_000 });
    writeLock(path.join(main, '77771111-0000-4000-8000-00000000000b.jsonl.lock'), { pid: dead, createdAt: isoAgo(60_000) });
    holder = await startHolder([{ sessionFile: path.join(main, 's-nightly.jsonl'), createdAt: isoAgo(47 * 60_000), maxHoldMs: 300_000 }]);
    env = { TMPDIR: gatewayTmp(root) };
  });
  after(async () => {
    await holder.kill();
    cleanup();
  });
  // The command comes first; global options may follow it.
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => cli([...args, '--state-dir', stateDir], { ...env, ...extra });

  it('inspect finds a session by its display name or label, in any case', async () => {
    const byName = await run(['inspect', 'Team Telegram']);
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stdout, /^Session\s+Team Telegram$/m);
    assert.match(byName.stdout, /^Key\s+agent:main:telegram:group:1$/m);
    const lower = await run(['inspect', 'ops discord']);
    assert.equal(lower.code, 1, 'its lock is stale');
    assert.match(lower.stdout, /^Key\s+agent:main:discord:channel:9$/m);
  });

  it('inspect and compact take the start of a session id', async () => {
    const r = await run(['inspect', '51103780']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Id\\s+${TEAM_ID}$`, 'm'));
    const compacted = await run(['compact', '51103780', '--max-lines', '2']);
    assert.equal(compacted.code, 0, compacted.stderr);
    assert.match(compacted.stdout, /^Compacted Team Telegram \(agent:main:telegram:group:1\): 5 → 2 lines, /m);
    assert.equal(readFileSync(path.join(main, `${TEAM_ID}.jsonl`), 'utf8').trimEnd().split('\n').length, 2);
  });

  it('lists the sessions when several match, and takes --agent to pick one', async () => {
    const prefix = await run(['inspect', '7777']);
    assert.equal(prefix.code, 2);
    assert.match(prefix.stderr, /^"7777" matches 2 sessions by id prefix; say which one:$/m);
    assert.match(prefix.stderr, /^ {2}main {2}Chat \(agent:main:chat\) {2}id 77770000-/m);
    assert.match(prefix.stderr, /^ {2}main {2}agent:main:other {2}id 77771111-/m);
    const tooShort = await run(['inspect', '777']);
    assert.equal(tooShort.code, 2);
    assert.match(tooShort.stderr, /Nothing matches "777"[\s\S]*first 4\+ characters/);
    const name = await run(['inspect', 'Chat']);
    assert.equal(name.code, 2);
    assert.match(name.stderr, /"Chat" matches 2 sessions by name[\s\S]*main {2}Chat \(agent:main:chat\)[\s\S]*ops {2}Chat \(agent:ops:chat\)[\s\S]*--agent <id>/);
    const picked = await run(['inspect', 'Chat', '--agent', 'ops']);
    assert.equal(picked.code, 0, picked.stderr);
    assert.match(picked.stdout, /^Key\s+agent:ops:chat$/m);
    // An exact key wins over a looser rule that would match more.
    const key = await run(['inspect', 'agent:main:chat']);
    assert.equal(key.code, 0, key.stderr);
  });

  it('status tables show names next to keys', async () => {
    const r = await run(['status', '--all'], { COLUMNS: '300' });
    assert.match(r.stdout, /^main\s+Team Telegram \(agent:main:telegram:group:1\)\s+free\s/m);
    assert.match(r.stdout, /^main\s+Nightly digest \(cron:nightly\)\s+held-too-long\s/m);
  });

  it('fits 80 columns (COLUMNS) and wraps reasons instead of running on', async () => {
    for (const args of [['status'], ['status', '--all'], ['inspect', 'Ops Discord'], ['inspect', 'Nightly digest'], ['clear-stale', '--dry-run'], ['clear-stale', '--help']]) {
      const r = await run(args, { COLUMNS: '80' });
      assertFits(r.stdout, 80, [stateDir]);
      assertFits(r.stderr, 80, [stateDir]);
    }
    const wide = await run(['clear-stale', '--dry-run'], { COLUMNS: '300' });
    assert.ok(wide.stdout.split('\n').some((l) => l.length > 100), 'a wide terminal gets long lines');
    const narrowDefault = await run(['clear-stale', '--dry-run']);
    assertFits(narrowDefault.stdout, 100, [stateDir]);
  });

  it('says each reason once, without brackets inside brackets', async () => {
    for (const args of [['clear-stale', '--dry-run'], ['inspect', 'Ops Discord'], ['status']]) {
      const r = await run(args, { COLUMNS: '300' });
      assert.doesNotMatch(r.stdout, /\([^()\n]*\(/, `${args.join(' ')}:\n${r.stdout}`);
    }
    const r = await run(['inspect', 'Ops Discord']);
    assert.match(r.stdout, /^Reason\s+hold-exceeded: held past its own maxHoldMs of 5m 00s$/m);
  });

  it('lines up every label of the status header, Agents included', async () => {
    const r = await run(['status']);
    const header = r.stdout.split('\n').slice(0, 4);
    assert.deepEqual(header.map((l) => l.split(/^(\S+(?: \S+)?)\s+/)[1]), ['State dir', 'Layout', 'Gateway', 'Agents']);
    const starts = header.map((l) => l.length - l.replace(/^\S+(?: dir)?\s+/, '').length);
    assert.deepEqual(new Set(starts).size, 1, header.join('\n'));
  });

  it('prints the commands it recommends complete and quoted, and they work when pasted', async () => {
    const shim = cliShimDir(root);
    const status = await run(['status', '--warn', '30', '--error', '600'], { COLUMNS: '80' });
    assert.equal(status.code, 1);
    // The lock that needs attention, by path, with this run's state dir and thresholds.
    const commandLines = status.stdout.split('\n');
    const start = commandLines.findIndex((l) => l.startsWith('  openclaw-locks inspect'));
    assert.ok(start >= 0, status.stdout);
    let end = start;
    while (commandLines[end]!.endsWith(' \\')) end++;
    const inspect = commandLines.slice(start, end + 1).join('\n');
    assert.match(inspect, /'[^']*state dir'\\''s'/, 'the state dir is quoted for the shell');
    const pasted = await pasteIntoShell(inspect, env, shim);
    assert.equal(pasted.code, 1, pasted.stderr);
    assert.match(pasted.stdout, /^Key\s+cron:nightly$/m);
    assert.match(pasted.stdout, /^Verdict\s+held too long/m);
    // clear-stale's recommendation for it removes it when pasted.
    const dry = await run(['clear-stale', '--dry-run'], { COLUMNS: '80' });
    const nightly = decisionBlocks(dry.stdout).find((b) => b.head.includes('Nightly digest'))!;
    assert.equal(nightly.verb, 'kept');
    assert.ok(nightly.command?.startsWith('openclaw-locks clear-stale --force '), dry.stdout);
    const summary = (await run(['clear-stale', '--dry-run'], { COLUMNS: '300' })).stdout;
    assert.match(summary, /^2 stale locks would be removed \(dry run: nothing was\); kept 1 \(1 needing attention\)\.$/m);
    assert.match(summary, /^Exit 1: 2 stale locks are still there and 1 kept lock still needs attention \(see above\)\.$/m);
  });

  it('clear-stale takes sessions by name and touches only their locks', async () => {
    const r = await run(['clear-stale', 'Ops Discord']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const blocks = decisionBlocks(r.stdout);
    assert.deepEqual(blocks.map((b) => [b.verb, b.head]), [['removed', 'main  Ops Discord (agent:main:discord:channel:9)']]);
    assert.match(blocks[0]!.body, new RegExp(`^dead-pid: pid ${dead} is not running; hold-exceeded: held past its own maxHoldMs of 5m 00s `));
    assert.match(r.stdout, /^Removed 1 stale lock; kept 0\.\nExit 0: nothing left needs attention\.$/m);
    assert.ok(!existsSync(path.join(main, `${OPS_ID}.jsonl.lock`)));
    assert.ok(existsSync(path.join(main, '77771111-0000-4000-8000-00000000000b.jsonl.lock')), 'the other stale lock is left alone');
    const again = await run(['clear-stale', 'Ops Discord']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /^nothing to clear: "Ops Discord" is not locked$/m);
    const unclear = await run(['clear-stale', '7777', 'Ops Discord']);
    assert.equal(unclear.code, 2, 'an unclear name removes nothing');
    assert.ok(existsSync(path.join(main, '77771111-0000-4000-8000-00000000000b.jsonl.lock')));
  });

  it('suggests the command or option that was probably meant', async () => {
    const typo = await run(['statuss']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^Unknown command "statuss"\. Did you mean status\?/);
    const prefix = await run(['insp', 'x']);
    assert.match(prefix.stderr, /Did you mean inspect\?/);
    const far = await run(['frobnicate']);
    assert.doesNotMatch(far.stderr, /Did you mean/);
    const option = await run(['clear-stale', '--dry-rn']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /Unknown option '--dry-rn'\. Did you mean --dry-run\?/);
  });
});
