// Real OpenClaw 2026.7.35 (JSONL era): the incident for real (a gateway SIGKILLed mid-reply,
// scenario 2) and a reply that hangs past the lock's maxHoldMs (scenario 3).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { startModelStandin, type ModelStandin } from '../fixtures/model-standin';
import { startLiveHolder } from '../fixtures/live-holder';
import { JSONL_ERA_RELEASE, createOpenClawWorld, waitFor, type OpenClawWorld } from '../fixtures/real-openclaw';
import { readFailureLog } from '../../src/logs/watch';
import { loggedPathMatches } from '../../src/logs/redacted';
import { ARTIFACTS, lockFiles, lockFor, productCli, statusJson, timing, tmpOpenClawGuard, writtenLockFiles, type LockJson } from './helpers';

const KEY = 'agent:main:main';
const guard = tmpOpenClawGuard();
after(() => guard.restore());

function assistantTexts(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { type: string; message?: { role?: string; content?: unknown } })
    .filter((e) => e.type === 'message' && e.message?.role === 'assistant')
    .map((e) => (Array.isArray(e.message!.content) ? (e.message!.content as { text?: string }[]).map((p) => p.text ?? '').join('') : String(e.message!.content)));
}

/**
 * Whether a gateway log message names the lock at `lockPath`, as OpenClaw logs it: its redaction
 * masks part of a session id that looks like a key (`…-b7fc-<12 hex>` reads as an `fc-` key), so
 * the path may come back as `…-b7***.jsonl.lock`; said in the output when it does.
 */
function namesLock(message: unknown, lockPath: string): boolean {
  const logged = [...String(message).matchAll(/\S+\.lock\b/g)].map((m) => m[0]).find((path) => loggedPathMatches(path, lockPath));
  if (logged !== undefined && logged !== lockPath) process.stdout.write(`# real-openclaw: OpenClaw logged the lock path masked: ${logged}\n`);
  return logged !== undefined;
}

describe(`real OpenClaw ${JSONL_ERA_RELEASE}: the gateway SIGKILLed mid-reply`, { timeout: 240_000 }, () => {
  let model: ModelStandin;
  let world: OpenClawWorld;
  const began = Date.now();

  after(async () => {
    world?.keepLogs(ARTIFACTS, 'jsonl-incident');
    await world?.dispose();
    await model?.close();
    timing('jsonl-incident total', began);
  });

  test('scenario 2: its lock stays with a dead pid; the CLI says stale and clears it; a restarted gateway answers; or cleans it up itself', async () => {
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: JSONL_ERA_RELEASE, model });
    const first = await world.startGateway();

    // (a) Killed mid-reply, cleared by the product before any restart.
    const hangs = model.nextHang();
    model.script({ kind: 'hang' });
    await world.sendMessage(KEY, 'a question that will never be answered');
    await hangs;
    const [lockPath] = await waitFor('the gateway\'s session lock', () => writtenLockFiles(world).length === 1 && writtenLockFiles(world), { timeoutMs: 10_000 });
    const { bytes } = await first.killHolding(lockPath!);
    assert.equal(fs.readFileSync(lockPath!, 'utf8'), bytes, 'SIGKILL leaves the lock behind, unchanged');

    const { json, run } = await statusJson(world);
    const stale = json.locks.find((l) => l.lockPath === lockPath);
    assert.ok(stale, `status lists the left-behind lock: ${run.stdout.slice(0, 500)}`);
    assert.equal(stale.level, 'stale');
    assert.deepEqual(stale.reasons, ['dead-pid']);
    assert.equal(stale.pid, first.pid);
    assert.equal(stale.ownerAlive, false);
    assert.equal(stale.reclaimable, true);
    assert.equal(run.code, 1, 'status exits 1: a lock needs attention');
    const human = await productCli(world, ['status']);
    assert.match(human.stdout, /stale: dead-pid; safe to clear/);

    const dry = await productCli(world, ['clear-stale', '--dry-run']);
    assert.match(dry.stdout, /would remove/);
    assert.ok(fs.existsSync(lockPath!), '--dry-run removes nothing');
    const clear = await productCli(world, ['clear-stale']);
    assert.equal(clear.code, 0, clear.stdout + clear.stderr);
    assert.match(clear.stdout, /^removed /m);
    assert.match(clear.stdout, /dead-pid/);
    assert.equal(fs.existsSync(lockPath!), false, 'Clear Stale Lock removed it');

    const requestsBeforeRestart = model.requests.length;
    const restartBegan = Date.now();
    const second = await world.startGateway();
    timing('restarted gateway ready', restartBegan);
    const removedByGateway = world.readLog().filter((r) => /removed stale session lock/.test(String(r.message)));
    assert.deepEqual(removedByGateway.map((r) => r.message), [], 'nothing was left for the gateway to clean up');
    // (OpenClaw may re-run the interrupted turn on its own: `when` keeps it off this answer.)
    model.script({ kind: 'answer', text: 'Back after the restart.', when: /are you there\?$/ });
    const runId = await world.sendMessage(KEY, 'are you there?');
    const done = await world.waitForRun(runId, 60_000);
    assert.equal(done.status, 'ok', JSON.stringify(done));
    assert.ok(assistantTexts(world.transcriptFor(KEY)!).includes('Back after the restart.'), 'the restarted gateway answered the next message to that session');
    const reruns = model.requests.slice(requestsBeforeRestart).filter((r) => /never be answered$/.test(r.lastUserText));
    process.stdout.write(`# real-openclaw: the restarted gateway re-ran the interrupted turn ${reruns.length} time(s) by itself (${Date.now() - restartBegan} ms after its start)\n`);

    // (b) Killed mid-reply again, restarted at once: the gateway's own startup cleanup removes
    // the lock; the product then reports no lock (not a stale one).
    await waitFor('no lock', () => lockFiles(world).length === 0, { timeoutMs: 10_000 });
    const hangs2 = model.nextHang();
    model.script({ kind: 'hang' });
    await world.sendMessage(KEY, 'another question, cut off');
    await hangs2;
    const [lockPath2] = await waitFor('the lock again', () => writtenLockFiles(world).length === 1 && writtenLockFiles(world), { timeoutMs: 10_000 });
    await second.killHolding(lockPath2!);
    assert.equal((await lockFor(world, lockPath2!))?.level, 'stale');
    const third = await world.startGateway();
    const readyAt = Date.now();
    const record = await world.waitForLog(/removed stale session lock: .*\(dead-pid\)/, { timeoutMs: 15_000 });
    assert.ok(namesLock(record.message, lockPath2!), `the gateway names the lock it removed: ${record.message}`);
    await waitFor('the lock to be gone', () => !fs.existsSync(lockPath2!), { timeoutMs: 5000 });
    // The product's log reader: the gateway's own cleanup, by path and reason, and no failed message.
    const { tally: restartTally } = await readFailureLog({ logFile: world.logFile, since: 0 });
    assert.deepEqual(restartTally.removalOfLock(lockPath2!)?.reasons, ['dead-pid']);
    assert.equal(restartTally.total, 0, 'a killed run is no failed lane task: the gateway died with it');
    process.stdout.write(`# real-openclaw: the restarted gateway removed the dead lock itself (${Date.now() - readyAt} ms after ready was seen): ${record.message}\n`);
    const { json: after3, run: run3 } = await statusJson(world);
    assert.equal(after3.locks.find((l) => l.lockPath === lockPath2), undefined, 'the product reports no lock for it');
    assert.equal(run3.code, 0, 'and nothing that needs attention');
    await third.stop();
  });
});

describe(`real OpenClaw ${JSONL_ERA_RELEASE}: a reply that hangs past the lock's maxHoldMs`, { timeout: 240_000 }, () => {
  let model: ModelStandin;
  let world: OpenClawWorld;
  const began = Date.now();

  after(async () => {
    world?.keepLogs(ARTIFACTS, 'jsonl-hold');
    await world?.dispose();
    await model?.close();
    timing('jsonl-hold total', began);
  });

  test('scenario 3: held too long (hold-exceeded), never removed while its owner lives; a message that needs the lock fails in the gateway (stale hold-exceeded / lock timeout)', async () => {
    model = await startModelStandin();
    // OpenClaw reads session.writeLock.{maxHoldMs,acquireTimeoutMs} from its config (or the
    // OPENCLAW_SESSION_WRITE_LOCK_* variables): short, so the test does not wait 5 minutes.
    world = await createOpenClawWorld({ release: JSONL_ERA_RELEASE, model, config: { session: { writeLock: { maxHoldMs: 4000, acquireTimeoutMs: 5000 } } } });
    const gateway = await world.startGateway();

    // (a) The gateway's own run hangs past maxHoldMs.
    const hangs = model.nextHang();
    model.script({ kind: 'hang' });
    const runA = await world.sendMessage(KEY, 'a very long think');
    const hangA = await hangs;
    const [lockPath] = await waitFor('the gateway\'s lock', () => writtenLockFiles(world).length === 1 && writtenLockFiles(world), { timeoutMs: 10_000 });
    const bytes = fs.readFileSync(lockPath!, 'utf8');
    assert.equal(JSON.parse(bytes).maxHoldMs, 4000, 'the configured maxHoldMs is in the payload');
    const createdAt = Date.parse(JSON.parse(bytes).createdAt);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, createdAt + 4500 - Date.now())));
    const long = await lockFor(world, lockPath!);
    assert.equal(long?.level, 'held-too-long');
    assert.deepEqual(long?.reasons, ['hold-exceeded']);
    assert.equal(long?.pid, gateway.pid);
    assert.equal(long?.reclaimable, false);
    assert.match((await productCli(world, ['status'])).stdout, /held too long \(hold-exceeded\)/);
    const keep = await productCli(world, ['clear-stale']);
    assert.match(keep.stdout, /^kept /m, keep.stdout);
    assert.equal(fs.readFileSync(lockPath!, 'utf8'), bytes, 'clear-stale kept it: the owner is alive');

    // A second message to that session does not time out on the lock: the gateway queues it in
    // the session's lane behind the hung run (our fixtures had not predicted this).
    const runA2 = await world.sendMessage(KEY, 'are you still there?');
    // Longer than acquireTimeoutMs (5 s): a waiter on the lock would have failed by now.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    assert.equal(world.readLog().some((r) => /SessionWriteLockTimeoutError/.test(String(r.message))), false, 'no lock timeout inside one gateway');
    model.script({ kind: 'answer', text: 'Second answer, after the first.', when: /are you still there\?$/ });
    hangA.release('Finally done.');
    assert.equal((await world.waitForRun(runA)).status, 'ok');
    assert.equal((await world.waitForRun(runA2)).status, 'ok', 'the queued message ran after the hung one');
    const laneWait = await world.waitForLog(/lane wait exceeded: lane=session:agent:main:main waitedMs=\d+/, { timeoutMs: 10_000 });
    const waitedMs = Number(/waitedMs=(\d+)/.exec(String(laneWait.message))![1]);
    assert.ok(waitedMs > 5000, `it waited in the lane (${waitedMs} ms) past the lock's acquire timeout without failing`);
    process.stdout.write(`# real-openclaw: ${laneWait.message}\n`);
    await waitFor('the lock to go', () => lockFiles(world).length === 0, { timeoutMs: 10_000 });

    // (b) The hung holder in another process with an OpenClaw command line (`openclaw gateway
    // …`, a second OpenClaw on this state dir), past its maxHoldMs. The gateway's run does not
    // wait out acquireTimeoutMs: 7.35 refuses at once with SessionWriteLockStaleError
    // "(hold-exceeded)", and leaves the lock alone (report-only). (Not `openclaw agent --local`
    // as the holder: its process renames itself `openclaw-agent`, which 7.35's owner check does
    // not count as OpenClaw; the gateway deleted that live lock as non-openclaw-owner.)
    const transcript = world.transcriptFor(KEY)!;
    const stuck = await startLiveHolder({ sessionFile: transcript, maxHoldMs: 4000, createdAt: new Date(Date.now() - 10_000).toISOString() });
    try {
      const heldB = await lockFor(world, stuck.lockPath);
      assert.equal(heldB?.level, 'held-too-long');
      assert.deepEqual(heldB?.reasons, ['hold-exceeded']);
      assert.equal(heldB?.isOpenClaw, true, `an OpenClaw owner: ${heldB?.commandLine}`);
      const stuckBytes = fs.readFileSync(stuck.lockPath, 'utf8');
      const sentAt = Date.now();
      const runB = await world.sendMessage(KEY, 'a message while another OpenClaw holds the lock too long');
      const refusal = await world.waitForLog(/lane=session:agent:main:main .*SessionWriteLockStaleError: session file lock stale \(hold-exceeded\)/, { timeoutMs: 30_000, since: sentAt - 1000 });
      process.stdout.write(`# real-openclaw: the gateway refused ${Date.now() - sentAt} ms after the message was sent: ${String(refusal.message).slice(0, 400)}\n`);
      assert.ok(String(refusal.message).includes(`pid=${stuck.pid} alive=true`) && namesLock(refusal.message, stuck.lockPath), String(refusal.message));
      const waitedB = await world.waitForRun(runB, 15_000).catch((error: unknown) => ({ status: `error: ${String(error).slice(0, 200)}` }));
      assert.notEqual(waitedB.status, 'ok', `the refused run did not succeed: ${JSON.stringify(waitedB)}`);
      assert.equal(fs.readFileSync(stuck.lockPath, 'utf8'), stuckBytes, 'the gateway left the live holder\'s lock alone');
      assert.equal((await lockFor(world, stuck.lockPath))?.level, 'held-too-long', 'the product still says held too long');
      const keepB = await productCli(world, ['clear-stale']);
      assert.match(keepB.stdout, /^kept /m, keepB.stdout);
      assert.equal(fs.readFileSync(stuck.lockPath, 'utf8'), stuckBytes, 'and never removes it on its own: the owner is alive');
    } finally {
      await stuck.stop();
    }

    // (c) The same within its maxHoldMs: the gateway waits acquireTimeoutMs (5 s here) and fails
    // with its lock-timeout error.
    const busy = await startLiveHolder({ sessionFile: transcript });
    try {
      assert.equal((await lockFor(world, busy.lockPath))?.level, 'held');
      const sentAt = Date.now();
      const runC = await world.sendMessage(KEY, 'a message while another OpenClaw holds the lock');
      const timeout = await world.waitForLog(/lane=session:agent:main:main .*SessionWriteLockTimeoutError: session file locked \(timeout 5000ms\)/, { timeoutMs: 30_000, since: sentAt - 1000 });
      process.stdout.write(`# real-openclaw: the gateway's lock-timeout error ${Date.now() - sentAt} ms after the message was sent: ${String(timeout.message).slice(0, 400)}\n`);
      assert.ok(String(timeout.message).includes(`pid=${busy.pid} alive=true`) && namesLock(timeout.message, busy.lockPath), String(timeout.message));
      const waitedC = await world.waitForRun(runC, 15_000).catch((error: unknown) => ({ status: `error: ${String(error).slice(0, 200)}` }));
      assert.notEqual(waitedC.status, 'ok', `the refused run did not succeed: ${JSON.stringify(waitedC)}`);
      assert.ok(fs.existsSync(busy.lockPath), 'the holder still has its lock');

      // The product's log reader on the real gateway's log: (b) and (c) are two failed messages
      // of this session because of this lock, though the gateway logged each twice (lane=main, then
      // lane=session:agent:main:main); the CLI finds the log through logging.file in openclaw.json.
      const { tally } = await readFailureLog({ logFile: world.logFile, since: 0 });
      assert.equal(tally.total, 2, `two failed messages: ${world.readLog().filter((r) => /lane task error/.test(String(r.message))).map((r) => r.message).join('\n')}`);
      assert.equal(tally.failuresOfLock(busy.lockPath)?.count, 2);
      assert.equal(tally.sessions.get(KEY)?.count, 2);
      assert.equal(tally.failuresOfLock(busy.lockPath)?.lastKind, 'lock-timeout');
      const { json: withFailures } = await statusJson(world);
      const failing = withFailures.locks.find((l) => l.lockPath === busy.lockPath) as (LockJson & { failures?: { count: number } }) | undefined;
      assert.equal(failing?.failures?.count, 2, JSON.stringify(failing));
      assert.equal((withFailures as { failures?: { total: number; logSource: string } }).failures?.total, 2);
      assert.equal((withFailures as { failures?: { logSource: string } }).failures?.logSource, 'config');
      const human = await productCli(world, ['inspect', busy.lockPath]);
      assert.match(human.stdout, /Failures\s+2 messages failed since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d because of this lock/, human.stdout);
      process.stdout.write(`# real-openclaw: the log reader attributes ${tally.total} failed messages to ${busy.lockPath}\n`);
    } finally {
      await busy.stop();
    }
    await gateway.stop();
  });
});
