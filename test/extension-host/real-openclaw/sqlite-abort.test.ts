// The real OpenClaw 2026.9.6 (the SQLite era) beside the real extension host (run by
// scripts/vscode/suite-real-openclaw.mjs with OPENCLAW_REAL_OPENCLAW=1): a reply that hangs
// shows as a running (then hung) row, and Abort Run through the extension ends it, through
// the real `openclaw gateway call sessions.abort`.
import * as assert from 'node:assert/strict';
import type { OpenClawSessionsApi } from '../../../src/extension/extension';
import type { SessionNode } from '../../../src/extension/tree-model';
import { buildStateDir } from '../../fixtures';
import { startModelStandin, type ModelStandin } from '../../fixtures/model-standin';
import { NODE24 } from '../../fixtures/sqlite-world';
import { SQLITE_ERA_RELEASE, createOpenClawWorld, waitFor as waitForValue, type OpenClawWorld, type RealGateway } from '../../fixtures/real-openclaw';
import { api, resetSettings, setSetting, stubWarnings, waitFor } from '../lock-scenes';

const KEY = 'agent:main:main';

suite('Real OpenClaw 2026.9.6: Abort Run (real VS Code)', function () {
  this.timeout(240_000);
  let ext: OpenClawSessionsApi;
  let model: ModelStandin;
  let world: OpenClawWorld;
  let gateway: RealGateway;

  const row = (): SessionNode | undefined => ext.treeModel().nodeForSessionKey('main', KEY);

  suiteSetup(async () => {
    ext = await api();
    model = await startModelStandin();
    world = await createOpenClawWorld({ release: SQLITE_ERA_RELEASE, model });
    buildStateDir(world.stateDir, [{ id: 'main', sessions: [{ key: KEY, label: 'Main', exchanges: 1 }] }]);
    const doctor = await world.migrateToSqlite();
    assert.equal(doctor.code, 0, `doctor failed: ${doctor.stderr.slice(-1000)}`);
    await setSetting('openclawPath', world.openclawPath);
    if (Number(process.versions.node.split('.')[0]) < 22) await setSetting('nodePath', NODE24);
    await setSetting('stateDir', world.stateDir);
    await waitFor(() => ext.snapshot()?.resolution.stateDir === world.stateDir && ext.snapshot()?.layout === 'sqlite', 'a scan of the 9.6 state dir');
    gateway = await world.startGateway();
  });

  suiteTeardown(async () => {
    await world?.dispose();
    await model?.close();
    if (ext) {
      await setSetting('openclawPath', undefined);
      await setSetting('nodePath', undefined);
      await resetSettings(ext);
    }
  });

  test('a hung reply is a running row; Abort Run ends it through the real gateway', async () => {
    const hangs = model.nextHang();
    model.script({ kind: 'hang', when: /think forever/ });
    const runId = await world.sendMessage(KEY, 'think forever');
    const hang = await hangs;
    const running = await waitForValue('the row to show the running run', () => {
      const node = row();
      return node && node.findings?.some((f) => f.kind === 'run-active' || f.kind === 'run-hung') && node;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    assert.equal(running.session.sqlite?.row.activeWriterRunId, runId, 'the row names the hung run');
    assert.equal(ext.snapshot()?.gateway.alive, true);
    assert.equal(gateway.pid, ext.snapshot()?.gateway.pid);
    assert.match(ext.provider.getTreeItem(running).contextValue ?? '', /^sqliteSession\..*\brunning\b/);

    const warnings = stubWarnings((call) => call.items.find((i) => i === 'Abort Run'));
    try {
      const result = await ext.sqliteCommands.abort(running);
      assert.equal(result.outcome, 'done', result.message);
    } finally {
      warnings.restore();
    }
    await waitForValue('the model stand-in\'s stream to be closed', () => hang.request.aborted, { timeoutMs: 15_000 });
    const after = await waitForValue('the row to leave running', () => {
      const node = row();
      return node && node.session.sqlite?.row.status !== 'running' && node;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    process.stdout.write(`      after Abort Run the session is ${after.session.sqlite?.row.status}\n`);
    assert.equal(after.findings?.some((f) => f.kind === 'run-active' || f.kind === 'run-hung'), false);
  });
});
