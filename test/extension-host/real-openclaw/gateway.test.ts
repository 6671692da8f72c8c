// The real OpenClaw 2026.7.35 gateway beside the real extension host (run by
// scripts/vscode/suite-real-openclaw.mjs with OPENCLAW_REAL_OPENCLAW=1; the plain integration
// suite leaves this folder out). The extension is pointed at the gateway's private state dir
// through the stateDir setting; the model stand-in runs in this host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../../src/extension/extension';
import type { JsonlSessionNode } from '../../../src/extension/tree-model';
import { startModelStandin, type ModelStandin } from '../../fixtures/model-standin';
import { JSONL_ERA_RELEASE, createOpenClawWorld, waitFor as waitForValue, type OpenClawWorld, type RealGateway } from '../../fixtures/real-openclaw';
import { api, resetSettings, setSetting, stubInformation, waitFor } from '../lock-scenes';

const KEY = 'agent:main:main';

suite('Real OpenClaw gateway (real VS Code)', function () {
  this.timeout(180_000);
  let ext: OpenClawSessionsApi;
  let model: ModelStandin;
  let world: OpenClawWorld;
  let gateway: RealGateway;

  const row = (): JsonlSessionNode | undefined => {
    const transcript = world.transcriptFor(KEY);
    return transcript ? ext.treeModel().nodeForTranscript(transcript) : undefined;
  };
  const rowText = (node: JsonlSessionNode): string => {
    const item = ext.provider.getTreeItem(node);
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
    return `${typeof item.label === 'string' ? item.label : item.label?.label ?? ''} | ${item.description ?? ''} | ${tooltip}`;
  };

  suiteSetup(async () => {
    ext = await api();
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: JSONL_ERA_RELEASE, model });
    fs.mkdirSync(world.sessionsDir(), { recursive: true });
    await setSetting('stateDir', world.stateDir);
    await waitFor(() => ext.snapshot()?.resolution.stateDir === world.stateDir, 'a scan of the gateway\'s state dir');
    gateway = await world.startGateway();
  });

  suiteTeardown(async () => {
    await world?.dispose();
    await model?.close();
    if (ext) await resetSettings(ext);
  });

  test('the row says held by the gateway while the model hangs, and free within a second of the reply', async () => {
    const hangs = model.nextHang();
    model.script({ kind: 'hang' });
    const runId = await world.sendMessage(KEY, 'hold on');
    const hang = await hangs;
    const held = await waitForValue('the row to show the gateway\'s lock', () => {
      const node = row();
      return node?.lock.level === 'held' && node;
    }, { timeoutMs: 15_000 });
    assert.equal(held.lock.pid, gateway.pid);
    assert.match(held.lock.commandLine ?? '', /openclaw/i);
    assert.equal(held.lock.inspection.owner?.isOpenClaw, true);
    const text = rowText(held);
    assert.match(text, new RegExp(`${gateway.pid}`), `the row names the gateway's pid: ${text}`);
    const lockPath = held.lock.lockPath;
    hang.release('Done holding.');
    await waitForValue('the gateway to remove its lock', () => !fs.existsSync(lockPath), { timeoutMs: 10_000, intervalMs: 10 });
    const gone = Date.now();
    await waitFor(() => row()?.lock.level === 'free', 'the row to turn free', 5000);
    const lagMs = Date.now() - gone;
    console.log(`# real-openclaw: the extension's row turned free ${lagMs} ms after the gateway removed its lock`);
    assert.ok(lagMs < 1000, `the row followed within a second (${lagMs} ms)`);
    assert.equal((await world.waitForRun(runId)).status, 'ok');
  });

  test('SIGKILL mid-reply: one notification, Clear Stale Lock removes the lock, a restarted gateway answers', async () => {
    const info = stubInformation();
    try {
      const before = ext.alertsShown().length;
      const hangs = model.nextHang();
      model.script({ kind: 'hang' });
      await world.sendMessage(KEY, 'this will be cut off');
      await hangs;
      const held = await waitForValue('the gateway\'s lock', () => row()?.lock.level === 'held' && row(), { timeoutMs: 15_000 });
      const lockPath = held.lock.lockPath;
      const deadPid = gateway.pid;
      // Killed while it holds the lock complete (see killHolding: a plain kill can land while
      // the gateway gives the lock up and takes it again). The empty lock such a kill can leave
      // is the model's test (an empty lock turns stale when its grace ends).
      const { killedAtMs, freezes } = await gateway.killHolding(lockPath);
      const stale = await waitForValue('the row to turn stale', () => row()?.lock.level === 'stale' && row(), { timeoutMs: 15_000, intervalMs: 10 });
      const lagMs = Date.now() - killedAtMs;
      console.log(`# real-openclaw: the row turned stale ${lagMs} ms after the SIGKILL (the gateway held its lock complete at freeze ${freezes})`);
      // The lock file does not change: only the owner watch (1 s) tells, not the 30 s rescan.
      assert.ok(lagMs < 5000, `the row turned stale ${lagMs} ms after the SIGKILL`);
      assert.deepEqual(stale.lock.reasons, ['dead-pid']);
      await waitFor(() => ext.alertsShown().length > before, 'the notification');
      await vscode.commands.executeCommand('openclawSessions.refresh');
      await ext.whenIdle();
      const shown = ext.alertsShown().slice(before);
      assert.equal(shown.length, 1, `exactly one notification: ${JSON.stringify(shown.map((a) => a.message))}`);
      assert.match(shown[0]!.message, new RegExp(`stale \\(dead-pid, pid ${deadPid}\\)`));
      assert.ok(ext.openAlerts().includes(shown[0]!), 'on screen');
      const clear = shown[0]!.links.find((l) => l.title === 'Clear Stale Lock');
      assert.ok(clear, `the notification offers Clear Stale Lock: ${JSON.stringify(shown[0]!.links)}`);
      await vscode.commands.executeCommand(clear.command, ...clear.args);
      await waitFor(() => !fs.existsSync(lockPath), 'Clear Stale Lock to remove the lock');
      await waitFor(() => shown[0]!.closedBecause === 'lock-changed', 'the notification to go with its lock');
      assert.ok(info.messages.some((m) => /dead-pid/.test(m)), `the product said why: ${JSON.stringify(info.messages)}`);
      await waitFor(() => row()?.lock.level === 'free', 'the row to turn free');

      gateway = await world.startGateway();
      model.script({ kind: 'answer', text: 'Answered after the restart.', when: /after the crash$/ });
      const runId = await world.sendMessage(KEY, 'after the crash');
      assert.equal((await world.waitForRun(runId, 60_000)).status, 'ok');
      assert.ok(fs.readFileSync(world.transcriptFor(KEY)!, 'utf8').includes('Answered after the restart.'), 'the restarted gateway answered');
    } finally {
      info.restore();
    }
  });
});
