// The SQLite era (OpenClaw 2026.8+) in the real extension host: databases written with the
// real 2026.9.6 schema, read in-process (VS Code 1.139's Node 24) or by the child reader on
// openclawSessions.nodePath (VS Code 1.100's Node 20 has no node:sqlite); the actions run a
// stand-in `openclaw` that records what it was asked (the real gateway's test is in
// real-openclaw/).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import { SQLITE_SESSION_SCHEME } from '../../src/extension/sqlite-transcript';
import { contextValueFor, type SessionNode, type TreeNode } from '../../src/extension/tree-model';
import { NODE24, standInGateway, writeSqliteWorld } from '../fixtures/sqlite-world';
import { Scene, api, resetSettings, setSetting, stubWarnings, waitFor } from './lock-scenes';

const MIN = 60_000;

/** An `openclaw` that says it is 2026.9.6 and logs each `gateway call` with the state dir it was aimed at. */
function fakeOpenClaw(dir: string): { cli: string; log: string; calls: () => { argv: string[]; stateDir?: string }[] } {
  const cli = path.join(dir, 'openclaw');
  const log = path.join(dir, 'calls.jsonl');
  fs.writeFileSync(cli, `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
if (args[0] === '--version') { process.stdout.write('OpenClaw 2026.9.6 (test)\\n'); process.exit(0); }
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: args, stateDir: process.env.OPENCLAW_STATE_DIR }) + '\\n');
const refuse = fs.existsSync(${JSON.stringify(path.join(dir, 'refuse'))}) ? fs.readFileSync(${JSON.stringify(path.join(dir, 'refuse'))}, 'utf8') : '';
if (refuse) { process.stderr.write('Error: ' + refuse + '\\n'); process.exit(1); }
const params = JSON.parse(args[args.indexOf('--params') + 1] || '{}');
process.stdout.write(JSON.stringify({ ok: true, key: params.key, ...(params.maxLines ? { compacted: true, kept: params.maxLines } : { aborted: true }) }) + '\\n');
`, { mode: 0o755 });
  return { cli, log, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []) };
}

function sessionRows(ext: OpenClawSessionsApi): SessionNode[] {
  const agent = ext.provider.getChildren().find((node) => node.kind === 'agent');
  assert.ok(agent, 'an agent row');
  return ext.provider.getChildren(agent).filter((node): node is SessionNode => node.kind === 'session');
}

function row(ext: OpenClawSessionsApi, title: string): SessionNode {
  const found = sessionRows(ext).find((n) => n.session.title === title);
  assert.ok(found, `no row ${title}: ${sessionRows(ext).map((n) => n.session.title).join(', ')}`);
  return found;
}

function description(ext: OpenClawSessionsApi, node: TreeNode): string {
  return String(ext.provider.getTreeItem(node).description ?? '');
}

suite('SQLite era (real VS Code)', function () {
  this.timeout(90_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene;
  let gateway: Awaited<ReturnType<typeof standInGateway>>;
  let fake: ReturnType<typeof fakeOpenClaw>;

  suiteSetup(async () => {
    ext = await api();
    scene = new Scene();
    const now = Date.now();
    writeSqliteWorld(scene.stateDir, {
      agents: {
        main: [
          {
            key: 'agent:main:discord:ops', sessionId: 's-ops', label: 'Ops Discord', channel: 'discord', status: 'running', runId: 'run-hung-7',
            startedAt: now - 7 * MIN, updatedAt: now - 7 * MIN, queued: 3,
            events: [{ type: 'session', version: 3, id: 's-ops' }, { type: 'message', message: { role: 'user', content: 'deploy the fix' } }],
          },
          { key: 'agent:main:main', sessionId: 's-main', label: 'Main', status: 'failed', tombstone: { reason: 'restart limit reached' }, updatedAt: now - 60 * MIN },
          { key: 'agent:main:telegram:dm', sessionId: 's-dm', label: 'DM', channel: 'telegram', status: 'done', updatedAt: now - 5 * MIN },
        ],
      },
      leftovers: { main: [{ name: 'old-dead.jsonl.lock', pid: 999_999 }] },
    });
    gateway = await standInGateway(scene.stateDir);
    // A leftover whose pid is alive (another process than this one: a lock naming the very
    // process that reads it is an orphan of that process) must stay: it could be a 2026.7 still running.
    fs.writeFileSync(path.join(scene.stateDir, 'agents', 'main', 'sessions', 'old-live.jsonl.lock'), JSON.stringify({ pid: gateway.pid, createdAt: new Date().toISOString() }));
    fake = fakeOpenClaw(scene.root);
    await setSetting('openclawPath', fake.cli);
    // VS Code 1.100's extension host has no node:sqlite: the provisioned Node 24 reads.
    if (Number(process.versions.node.split('.')[0]) < 22) await setSetting('nodePath', NODE24);
    await scene.show(ext);
    await waitFor(() => ext.snapshot()?.layout === 'sqlite' && (ext.snapshot()?.agents[0]?.sessions.length ?? 0) === 3, 'the three SQLite sessions');
  });

  suiteTeardown(async () => {
    await gateway?.kill();
    await setSetting('openclawPath', undefined);
    await setSetting('nodePath', undefined);
    await resetSettings(ext);
    await scene?.dispose();
  });

  test('sessions are rows drawn by what blocks them; the era is named; leftovers are dimmed and not counted', async () => {
    const snapshot = ext.snapshot()!;
    console.log(`      reader: ${JSON.stringify(snapshot.sqlite?.reader)} on Node ${process.versions.node}`);
    assert.equal(snapshot.gateway.alive, true, 'the stand-in gateway is alive');
    assert.deepEqual(sessionRows(ext).map((n) => n.session.title), ['Ops Discord', 'Main', 'DM']);
    assert.match(description(ext, row(ext, 'Ops Discord')), /^hung 7m · 3 queued · discord · 7m ago$/);
    assert.match(description(ext, row(ext, 'Main')), /^refuses messages/);
    assert.match(description(ext, row(ext, 'DM')), /^telegram · 5m ago$/);
    assert.equal(ext.provider.getTreeItem(row(ext, 'Ops Discord')).contextValue, 'sqliteSession.running.hung.queued');
    assert.equal(ext.provider.getTreeItem(row(ext, 'Main')).contextValue, 'sqliteSession.tombstone');
    assert.equal(ext.provider.getTreeItem(row(ext, 'DM')).contextValue, 'sqliteSession.idle');
    assert.equal(ext.treeView.description, 'SQLite era · OpenClaw 2026.9.6');
    const era = ext.provider.getChildren()[0]!;
    assert.equal(era.kind, 'era');
    assert.equal(ext.provider.getTreeItem(era).label, 'SQLite era · OpenClaw 2026.9.6');
    assert.equal(ext.provider.getTreeItem(era).description, `gateway pid ${gateway.pid} · port 1`);
    const agent = ext.provider.getChildren().find((n) => n.kind === 'agent')!;
    const group = ext.provider.getChildren(agent).find((n) => n.kind === 'leftovers')!;
    assert.ok(group, 'a leftovers group');
    assert.equal(contextValueFor(group), 'leftoverLocks');
    assert.match(String(ext.provider.getTreeItem(group).description), /leftover from the JSONL era/);
    const status = ext.status();
    assert.equal(status.count, 2, `hung + tombstone, no leftovers: ${status.tooltip}`);
    assert.equal(status.visible, true);
    assert.equal(ext.treeView.badge?.value, 2);
    const tooltip = ext.provider.resolveTreeItem(ext.provider.getTreeItem(row(ext, 'Ops Discord')), row(ext, 'Ops Discord'));
    const text = (tooltip.tooltip as vscode.MarkdownString).value;
    assert.ok(text.includes('run\\-hung\\-7') && text.includes('Queued messages: 3') && text.includes('holds the session lane'), text);
    assert.equal((tooltip.tooltip as vscode.MarkdownString).isTrusted, false);
  });

  test('a new error finding is announced with Abort Run', async () => {
    await waitFor(() => ext.alertsShown().some((a) => /Ops Discord: a run has been hung for 7m/.test(a.message)), 'the hung-run alert');
    const alert = ext.alertsShown().find((a) => /Ops Discord: a run has been hung/.test(a.message))!;
    assert.ok(alert.actions.includes('Abort Run'), alert.actions.join(', '));
    assert.ok(ext.alertsShown().some((a) => /Main: restart recovery gave up/.test(a.message) && a.actions.includes('Recover Session')));
  });

  test('Open Session shows the transcript read-only, as JSONL, and says why it cannot be edited', async () => {
    await vscode.commands.executeCommand('openclawSessions.openSession', row(ext, 'Ops Discord'));
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.scheme === SQLITE_SESSION_SCHEME, 'the read-only editor');
    const document = vscode.window.activeTextEditor!.document;
    assert.equal(document.languageId, 'openclaw-transcript');
    const lines = document.getText().trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.equal(lines[1].message.content, 'deploy the fix');
    assert.equal(vscode.workspace.fs.isWritableFileSystem(SQLITE_SESSION_SCHEME), false);
    assert.throws(() => ext.sqliteTranscripts.writeFile(), /Editing SQLite-era transcripts is not supported; OpenClaw owns this database/);
    const before = document.getText();
    await vscode.window.activeTextEditor!.edit((b) => b.insert(new vscode.Position(0, 0), 'x'));
    assert.equal(document.getText(), before, 'the read-only editor took no edit');
    assert.equal(document.isDirty, false);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Abort Run asks (with the queued messages as a second choice) and runs sessions.abort through openclaw, aimed at this state dir', async () => {
    const warnings = stubWarnings((call) => call.items.find((i) => /Drop 3 Queued/.test(i)));
    try {
      const result = await ext.sqliteCommands.abort(row(ext, 'Ops Discord'));
      assert.equal(result.outcome, 'done', result.message);
      assert.equal(warnings.calls[0]?.options?.modal, true);
      assert.deepEqual(warnings.calls[0]?.items, ['Abort Run', 'Abort and Drop 3 Queued Messages']);
    } finally {
      warnings.restore();
    }
    const call = fake.calls().at(-1)!;
    assert.deepEqual(call.argv.slice(0, 3), ['gateway', 'call', 'sessions.abort']);
    assert.deepEqual(JSON.parse(call.argv[4]!), { key: 'agent:main:discord:ops', agentId: 'main', clearQueued: true });
    assert.equal(call.stateDir, ext.snapshot()!.resolution.stateDir);
  });

  test('OpenClaw\'s refusal is shown in its own words', async () => {
    fs.writeFileSync(path.join(scene.root, 'refuse'), 'Session agent:main:main has an active run; retry after it finishes');
    const shown: string[] = [];
    const original = vscode.window.showErrorMessage;
    (vscode.window as { showErrorMessage: unknown }).showErrorMessage = (message: string) => { shown.push(message); return Promise.resolve(undefined); };
    try {
      const result = await ext.sqliteCommands.recover(row(ext, 'Main'));
      assert.equal(result.outcome, 'refused');
      assert.ok(shown.some((m) => m.includes('has an active run; retry after it finishes')), shown.join('\n'));
    } finally {
      (vscode.window as { showErrorMessage: unknown }).showErrorMessage = original;
      fs.rmSync(path.join(scene.root, 'refuse'));
    }
  });

  test('Compact with maxLines says it is permanent with no backup, exports first when asked, then truncates through the gateway', async () => {
    const exportPath = path.join(scene.root, 'export.jsonl');
    ext.sqliteCommands.pickExportPath = async () => exportPath;
    let asked = 0;
    const warnings = stubWarnings((call) => (++asked === 1 ? call.items.find((i) => /Export/.test(i)) : call.items.find((i) => /Truncate Permanently/.test(i))));
    try {
      const result = (await vscode.commands.executeCommand('openclawSessions.compactSession', row(ext, 'DM'), { method: 'trim', maxLines: 50 })) as { outcome: string; message: string };
      assert.equal(result.outcome, 'compacted', result.message);
      assert.match(warnings.calls[0]!.options!.detail!, /keeps NO backup/);
      assert.equal(warnings.calls[0]!.options!.modal, true);
    } finally {
      warnings.restore();
    }
    assert.ok(fs.existsSync(exportPath), 'the export was written before the truncation');
    const call = fake.calls().at(-1)!;
    assert.equal(call.argv[2], 'sessions.compact');
    assert.deepEqual(JSON.parse(call.argv[4]!), { key: 'agent:main:telegram:dm', agentId: 'main', maxLines: 50 });
  });

  test('Remove Leftover Lock Files removes only the ones whose owner is provably gone', async () => {
    const sessionsDir = path.join(scene.stateDir, 'agents', 'main', 'sessions');
    const warnings = stubWarnings((call) => call.items.find((i) => i === 'Remove'));
    try {
      const result = await ext.sqliteCommands.removeLeftovers();
      assert.deepEqual(result.removed.map((p) => path.basename(p)), ['old-dead.jsonl.lock']);
      assert.deepEqual(result.kept.map((k) => path.basename(k.lockPath)), ['old-live.jsonl.lock']);
    } finally {
      warnings.restore();
    }
    assert.equal(fs.existsSync(path.join(sessionsDir, 'old-dead.jsonl.lock')), false);
    assert.equal(fs.existsSync(path.join(sessionsDir, 'old-live.jsonl.lock')), true);
  });

  test('the gateway dies: the hung run becomes "interrupted" (it blocks nothing) and leaves the badge', async () => {
    await gateway.kill();
    await waitFor(() => ext.snapshot()?.gateway.alive === false, 'the dead gateway seen', 30_000);
    await ext.whenIdle();
    assert.match(description(ext, row(ext, 'Ops Discord')), /^interrupted/);
    assert.equal(ext.provider.getTreeItem(row(ext, 'Ops Discord')).contextValue, 'sqliteSession.interrupted.queued');
  });
});
