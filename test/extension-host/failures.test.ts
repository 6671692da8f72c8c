// Failed messages from OpenClaw's log in the real VS Code: the row, its tooltip and the status
// bar say how many messages failed because of a lock, and follow the log as it grows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import { laneFailure, timeoutError } from '../logs/helpers';
import { Scene, api, resetSettings, waitFor } from './lock-scenes';

suite('Failed messages from OpenClaw\'s log (real VS Code)', function () {
  this.timeout(60_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene;

  suiteSetup(async () => {
    ext = await api();
  });

  teardown(async () => {
    await scene?.dispose();
    await resetSettings(ext);
  });

  test('the row, its tooltip and the status bar: "7 messages failed since …" for the lock behind them', async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:discord:channel:1', label: 'Ops Discord' }, { key: 'agent:main:main' }] }]);
    const dead = await scene.leaveDead('agent:main:discord:channel:1');
    const lockPath = path.join(fs.realpathSync(path.dirname(dead.lockPath)), path.basename(dead.lockPath));
    const log = path.join(scene.root, 'logs', 'openclaw.log');
    fs.mkdirSync(path.dirname(log), { recursive: true });
    const first = Date.now() - 20 * 60_000;
    const lines = Array.from({ length: 7 }, (_, i) => laneFailure('agent:main:discord:channel:1', timeoutError(dead.pid, 60_000 + i, lockPath), new Date(first + i * 60_000))).flat();
    fs.writeFileSync(log, lines.join('\n') + '\n');
    // Where the harness and many users put it: logging.file in the state dir's openclaw.json (JSON5).
    fs.writeFileSync(path.join(scene.stateDir, 'openclaw.json'), `{ logging: { file: ${JSON.stringify(log)}, }, }\n`);
    await scene.show(ext);

    await waitFor(() => ext.treeModel().nodeForLockPath(lockPath)?.failures?.count === 7, 'the lock row with 7 failed messages');
    const node = ext.treeModel().nodeForLockPath(lockPath)!;
    const item = ext.provider.getTreeItem(node);
    assert.match(String(item.description), /^stale · 7 failed · dead-pid/);
    const tooltip = ext.provider.tooltipFor(node).value;
    assert.match(tooltip, /\*\*7 messages failed since (?:\d{4}\\-\d\d\\-\d\d )?\d\d\\:\d\d because of this lock\*\*/);
    assert.match(tooltip, /Last error: session file locked/);
    const status = ext.status();
    assert.equal(status.worst?.title, 'Ops Discord');
    assert.match(status.tooltip, /^Ops Discord: stale, 7 failed, /m);
    assert.match(status.tooltip, /7 messages failed since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d/);
    // The stale-lock alert says what the lock costs.
    await waitFor(() => ext.openAlerts().some((alert) => /7 messages to "Ops Discord" are failing \(since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d\)\./.test(alert.message)), 'the alert naming the failing messages');

    // OpenClaw keeps failing: the view follows the log without a rescan.
    fs.appendFileSync(log, laneFailure('agent:main:discord:channel:1', timeoutError(dead.pid, 99_999, lockPath), new Date()).join('\n') + '\n');
    await waitFor(() => ext.treeModel().nodeForLockPath(lockPath)?.failures?.count === 8, 'the eighth failure, followed from the log', 15_000);
    assert.match(ext.provider.tooltipFor(ext.treeModel().nodeForLockPath(lockPath)!).value, /\*\*8 messages failed since/);
  });
});
