// The gateway row and the badge in the real extension host: a state dir whose config names the
// port of a server answering like OpenClaw's gateway; the row appears up, turns down (and the
// badge red, with no lock at all) once the server stops, and up again when it is back.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import type { GatewayNode } from '../../src/extension/tree-model';
import { startHealthStandin, type HealthStandin } from '../fixtures/gateway-health-standin';
import { Scene, api, resetSettings } from './lock-scenes';

suite('Gateway row and badge (real VS Code)', function () {
  this.timeout(60_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene;
  let standin: HealthStandin | undefined;

  const gatewayRow = (): GatewayNode | undefined => {
    const first = ext.provider.getChildren()[0];
    return first?.kind === 'gateway' ? first : undefined;
  };
  const rowText = (node: GatewayNode): { label: string; description: string; tooltip: string } => {
    const item: vscode.TreeItem = ext.provider.getTreeItem(node);
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
    return { label: typeof item.label === 'string' ? item.label : item.label?.label ?? '', description: String(item.description ?? ''), tooltip: tooltip.replace(/\\(.)/g, '$1') };
  };
  /** Rescans (each one probes, at most once a second) until `accept` holds. */
  const rescanUntil = async (accept: () => boolean, what: string) => {
    const began = Date.now();
    while (!accept()) {
      if (Date.now() - began > 20_000) throw new Error(`never: ${what}; row: ${JSON.stringify(gatewayRow() && rowText(gatewayRow()!))}`);
      await ext.state.refresh();
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  suiteSetup(async () => {
    ext = await api();
    standin = await startHealthStandin();
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:main', label: 'Main', exchanges: 1 }] }]);
    fs.writeFileSync(path.join(scene.stateDir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', port: standin.port } }));
    await scene.show(ext);
  });

  suiteTeardown(async () => {
    await standin?.close();
    await scene?.dispose();
    await resetSettings(ext);
  });

  test('the row shows the gateway up, then down since the change with a red badge and no lock, then up again', async () => {
    await rescanUntil(() => gatewayRow()?.health.state === 'up', 'the gateway row up');
    const up = rowText(gatewayRow()!);
    assert.equal(up.label, 'Gateway');
    assert.match(up.description, /^up, \d+ ms$/);
    assert.match(up.tooltip, new RegExp(`Probed on 127\\.0\\.0\\.1:${standin!.port}`));
    assert.deepEqual(ext.provider.getChildren().map((n) => n.kind), ['gateway', 'agent'], 'above the agents');
    assert.equal(ext.status().visible, false, 'no lock, gateway up: no badge');

    const port = standin!.port;
    await standin!.close();
    const stoppedAt = Date.now();
    await rescanUntil(() => gatewayRow()?.health.state === 'down', 'the gateway row down');
    const down = rowText(gatewayRow()!);
    console.log(`      the gateway row said down ${Date.now() - stoppedAt} ms after the server stopped: ${down.description}`);
    assert.match(down.description, /^down since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    assert.match(down.tooltip, /It answered earlier, so one is meant to run\./);
    assert.match(down.tooltip, /connection refused/);
    const badge = ext.status();
    assert.equal(badge.visible, true, 'the badge shows with no lock');
    assert.equal(badge.count, 0);
    assert.equal(badge.background, 'error');
    assert.match(badge.text, /gateway down since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d/);

    standin = await startHealthStandin({ port });
    await rescanUntil(() => gatewayRow()?.health.state === 'up', 'the gateway row up again');
    assert.equal(ext.status().visible, false, 'the badge goes with the outage');
    assert.equal(gatewayRow()!.health.sinceKnown, true);
  });

  test('a state dir whose gateway never answered and has no lock gets no row (only `openclaw agent --local`)', async () => {
    const local = new Scene();
    try {
      local.build([{ id: 'main', sessions: [{ key: 'agent:main:main', label: 'Main', exchanges: 1 }] }]);
      // A port nothing listens on.
      fs.writeFileSync(path.join(local.stateDir, 'openclaw.json'), JSON.stringify({ gateway: { port: 1 } }));
      await local.show(ext);
      assert.equal(ext.snapshot()?.gatewayHealth?.state, 'not-running');
      assert.deepEqual(ext.provider.getChildren().map((n) => n.kind), ['agent']);
      assert.equal(ext.status().visible, false, 'no red badge for a gateway nobody runs');
    } finally {
      await scene.show(ext);
      await local.dispose();
    }
  });
});
