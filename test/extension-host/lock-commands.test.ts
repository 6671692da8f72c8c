// Clear Stale Lock, Force Release Lock…, Clear All Stale Locks, auto-clear and the small
// commands, in the real extension host. Locks are held by real processes; dead ones were
// SIGKILLed. Prompts are answered by stubbing window.showWarningMessage.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import type { LockCommandResult } from '../../src/extension/lock-commands';
import type { JsonlSessionNode } from '../../src/extension/tree-model';
import { Scene, api, resetSettings, setSetting, stubInformation, stubWarnings, waitFor } from './lock-scenes';

function rowFor(ext: OpenClawSessionsApi, transcriptPath: string): JsonlSessionNode {
  const node = ext.treeModel().nodeForTranscript(transcriptPath);
  assert.ok(node, `no row for ${transcriptPath}`);
  return node;
}

suite('Lock commands (real VS Code)', function () {
  this.timeout(60_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene;
  let restore: (() => void)[] = [];

  suiteSetup(async () => {
    ext = await api();
  });

  setup(() => {
    scene = new Scene();
    scene.build([
      {
        id: 'main',
        sessions: [
          { key: 'agent:main:dead', label: 'Dead holder' },
          { key: 'agent:main:live', label: 'Live holder' },
          { key: 'agent:main:free', label: 'Free' },
        ],
      },
    ]);
  });

  teardown(async () => {
    for (const undo of restore.splice(0)) undo();
    await scene.dispose();
    await resetSettings(ext);
  });

  function quietInformation() {
    const info = stubInformation();
    restore.push(info.restore);
    return info;
  }

  test('Clear Stale Lock removes a dead holder\'s lock and says why', async () => {
    const dead = await scene.leaveDead('agent:main:dead');
    await scene.show(ext);
    const info = quietInformation();
    const row = rowFor(ext, scene.session('agent:main:dead').transcriptPath);
    assert.equal(row.lock.level, 'stale');
    const result = (await vscode.commands.executeCommand('openclawSessions.clearStaleLock', row)) as LockCommandResult;
    assert.equal(result.action, 'removed', result.message);
    assert.equal(fs.existsSync(dead.lockPath), false, 'the lock file is gone');
    assert.deepEqual(info.messages, [`Removed the lock of "Dead holder": dead-pid: pid ${dead.pid} is not running.`]);
    await waitFor(() => rowFor(ext, scene.session('agent:main:dead').transcriptPath).lock.level === 'free', 'the row to turn free');
  });

  test('Clear Stale Lock from the palette offers the current locks in a quick pick', async () => {
    const dead = await scene.leaveDead('agent:main:dead');
    const live = await scene.holdLive('agent:main:live');
    await scene.show(ext);
    quietInformation();
    const original = vscode.window.showQuickPick;
    let offered: string[] = [];
    (vscode.window as { showQuickPick: unknown }).showQuickPick = (items: readonly vscode.QuickPickItem[]) => {
      offered = items.map((item) => `${item.label} | ${item.description}`);
      return Promise.resolve(items.find((item) => item.label === 'Dead holder'));
    };
    restore.push(() => {
      (vscode.window as { showQuickPick: unknown }).showQuickPick = original;
    });
    const result = (await vscode.commands.executeCommand('openclawSessions.clearStaleLock')) as LockCommandResult;
    assert.equal(offered.length, 2, offered.join('\n'));
    assert.match(offered[0], new RegExp(`^Dead holder \\| stale · dead-pid · .* · pid ${dead.pid}$`), 'worst first');
    assert.match(offered[1], new RegExp(`^Live holder \\| held · .* · pid ${live.pid}$`));
    assert.equal(result.action, 'removed');
    assert.equal(fs.existsSync(dead.lockPath), false);
  });

  test('Clear Stale Lock refuses a live holder and keeps its lock', async () => {
    const holder = await scene.holdLive('agent:main:live');
    await scene.show(ext);
    const warnings = stubWarnings(() => undefined);
    restore.push(warnings.restore);
    const result = (await vscode.commands.executeCommand('openclawSessions.clearStaleLock', holder.lockPath)) as LockCommandResult;
    assert.equal(result.action, 'refused');
    assert.ok(fs.existsSync(holder.lockPath), 'the live lock stays');
    assert.equal(warnings.calls.length, 1);
    assert.match(warnings.calls[0].message, new RegExp(`held by a live process: pid ${holder.pid} \\(.*openclaw.*\\), alive, held \\d+s`));
    assert.deepEqual(warnings.calls[0].items, ['Force Release Lock…']);
  });

  test('Force Release Lock… shows pid, command line and age in a modal, then removes exactly that lock', async () => {
    const holder = await scene.holdLive('agent:main:live', { createdAt: new Date(Date.now() - 125_000).toISOString() });
    await scene.show(ext);
    quietInformation();
    const warnings = stubWarnings((call) => (call.options?.modal ? 'Force Release Lock' : 'Force Release Lock…'));
    restore.push(warnings.restore);
    const result = (await vscode.commands.executeCommand('openclawSessions.clearStaleLock', rowFor(ext, scene.session('agent:main:live').transcriptPath))) as LockCommandResult;
    assert.equal(result.action, 'removed', result.message);
    assert.equal(fs.existsSync(holder.lockPath), false);
    const modal = warnings.calls.find((call) => call.options?.modal);
    assert.ok(modal, 'a modal confirmation was shown');
    assert.equal(modal.message, `Force release the lock of "Live holder" held by pid ${holder.pid}?`);
    assert.match(modal.options?.detail ?? '', new RegExp(`Holder pid: ${holder.pid}`));
    assert.match(modal.options?.detail ?? '', /Command line: .*openclaw/);
    assert.match(modal.options?.detail ?? '', /Age: 2m \d\ds/);
    assert.deepEqual(modal.items, ['Force Release Lock']);
  });

  test('Force Release Lock… cancelled in the modal keeps the lock', async () => {
    const holder = await scene.holdLive('agent:main:live');
    await scene.show(ext);
    const warnings = stubWarnings(() => undefined);
    restore.push(warnings.restore);
    const result = (await vscode.commands.executeCommand('openclawSessions.forceReleaseLock', holder.lockPath)) as LockCommandResult;
    assert.equal(result.action, 'cancelled');
    assert.ok(fs.existsSync(holder.lockPath));
    assert.equal(warnings.calls.filter((c) => c.options?.modal).length, 1);
  });

  test('Force Release Lock… keeps a lock that was replaced while the confirmation was open', async () => {
    const holder = await scene.holdLive('agent:main:live');
    await scene.show(ext);
    const replacement = `${JSON.stringify({ pid: holder.pid, createdAt: new Date().toISOString(), maxHoldMs: 300000 }, null, 2)}\n`;
    const warnings = stubWarnings((call) => {
      if (!call.options?.modal) return undefined;
      // While the person reads the modal, the lock is released and taken again (same pid, new file).
      fs.unlinkSync(holder.lockPath);
      fs.writeFileSync(holder.lockPath, replacement, { flag: 'wx' });
      return 'Force Release Lock';
    });
    restore.push(warnings.restore);
    const result = (await vscode.commands.executeCommand('openclawSessions.forceReleaseLock', holder.lockPath)) as LockCommandResult;
    assert.equal(result.action, 'kept', result.message);
    assert.match(result.message, /changed since it was inspected/);
    assert.equal(fs.readFileSync(holder.lockPath, 'utf8'), replacement, 'the new lock is untouched');
  });

  test('Clear All Stale Locks removes the dead ones, keeps the live ones, and says which', async () => {
    const dead = await scene.leaveDead('agent:main:dead');
    const live = await scene.holdLive('agent:main:live');
    await scene.show(ext);
    const info = quietInformation();
    const summary = (await vscode.commands.executeCommand('openclawSessions.clearAllStaleLocks')) as { removed: unknown[]; kept: unknown[]; message: string };
    assert.equal(summary.removed.length, 1);
    assert.equal(summary.kept.length, 1);
    assert.equal(fs.existsSync(dead.lockPath), false);
    assert.ok(fs.existsSync(live.lockPath));
    assert.match(summary.message, /^Removed 1 stale lock: Dead holder \(dead-pid\)\. Kept 1: Live holder \(held by live pid \d+ for \d+s\)\.$/);
    assert.deepEqual(info.messages, [summary.message]);
  });

  test('Clear All Stale Locks also removes a reclaim guard a dead reclaimer left behind, and says so', async () => {
    const dead = await scene.leaveDead('agent:main:dead');
    await scene.show(ext);
    // What a process SIGKILLed in the middle of a reclaim leaves: `<lock>.reclaim` naming it
    // (beside a lock that is gone by now, so no lock removal meets it on the way).
    const guard = path.join(path.dirname(dead.lockPath), 'gone.jsonl.lock.reclaim');
    fs.writeFileSync(guard, `${JSON.stringify({ pid: dead.pid, createdAt: new Date().toISOString() }, null, 2)}\n`);
    const info = quietInformation();
    const summary = (await vscode.commands.executeCommand('openclawSessions.clearAllStaleLocks')) as { leftovers: { lockPath: string }[]; message: string };
    assert.equal(fs.existsSync(guard), false, 'the abandoned guard is gone');
    assert.deepEqual(summary.leftovers.map((r) => r.lockPath), [guard]);
    assert.match(summary.message, /Also removed a file left by an interrupted lock operation\.$/);
    assert.deepEqual(info.messages, [summary.message]);
  });

  test('autoClearDeadLocks removes a dead holder\'s lock on its own and logs it; live locks stay', async () => {
    const live = await scene.holdLive('agent:main:live');
    await scene.show(ext);
    await setSetting('autoClearDeadLocks', true);
    const dead = await scene.leaveDead('agent:main:dead');
    await waitFor(() => !fs.existsSync(dead.lockPath), 'auto-clear to remove the dead lock');
    await ext.whenIdle();
    assert.ok(fs.existsSync(live.lockPath), 'the live lock is never auto-cleared');
    await waitFor(() => ext.treeModel().lockedNodes().length === 1, 'the view to show only the live lock');
  });

  test('auto-clear is off by default: a dead lock stays until a person clears it', async () => {
    const dead = await scene.leaveDead('agent:main:dead');
    await scene.show(ext);
    await vscode.commands.executeCommand('openclawSessions.refresh');
    await ext.whenIdle();
    assert.ok(fs.existsSync(dead.lockPath));
    assert.equal(rowFor(ext, scene.session('agent:main:dead').transcriptPath).lock.level, 'stale');
  });

  test('Copy Lock Details puts pid, reasons and the raw payload on the clipboard', async () => {
    const dead = await scene.leaveDead('agent:main:dead');
    await scene.show(ext);
    const text = (await vscode.commands.executeCommand('openclawSessions.copyLockDetails', rowFor(ext, scene.session('agent:main:dead').transcriptPath))) as string;
    assert.match(text, new RegExp(`^Holder pid: ${dead.pid}$`, 'm'));
    assert.match(text, /^Stale reasons: dead-pid$/m);
    assert.match(text, new RegExp(`^Payload: \\{\\s*"pid": ${dead.pid},`, 'm'));
  });

  test('Reveal Lock File outside the workspace shows the lock\'s bytes read-only', async () => {
    const dead = await scene.leaveDead('agent:main:dead');
    await scene.show(ext);
    await vscode.commands.executeCommand('openclawSessions.revealLockFile', dead.lockPath);
    const editor = vscode.window.activeTextEditor;
    // code-server's extension host is remote, so there is no local file manager to reveal in.
    assert.ok(vscode.env.remoteName || vscode.env.uiKind === vscode.UIKind.Web, 'this test expects a remote or web workbench');
    assert.ok(editor, 'an editor opened');
    assert.equal(editor.document.uri.scheme, 'openclaw-lock', 'a read-only document, not the file itself');
    assert.equal(editor.document.getText(), fs.readFileSync(dead.lockPath, 'utf8'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open Session opens the transcript', async () => {
    await scene.show(ext);
    const row = rowFor(ext, scene.session('agent:main:free').transcriptPath);
    await vscode.commands.executeCommand('openclawSessions.openSession', row);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === row.session.transcriptPath, 'the transcript editor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the view title and context menus offer the commands on the right rows', () => {
    const pkg = vscode.extensions.getExtension('openclaw-session-locks.openclaw-session-locks')!.packageJSON;
    const item: { command: string; when: string }[] = pkg.contributes.menus['view/item/context'];
    const matches = (command: string, contextValue: string) =>
      item.some((m) => {
        if (m.command !== command) return false;
        const regex = /viewItem =~ \/(.*)\/$/.exec(m.when)?.[1];
        return regex !== undefined && new RegExp(regex).test(contextValue);
      });
    assert.ok(matches('openclawSessions.clearStaleLock', 'session.locked.stale'));
    assert.ok(matches('openclawSessions.clearStaleLock', 'session.locked.live'));
    assert.ok(matches('openclawSessions.clearStaleLock', 'lock.orphan.stale'));
    assert.ok(!matches('openclawSessions.clearStaleLock', 'session.free'));
    assert.ok(matches('openclawSessions.forceReleaseLock', 'session.locked.live'));
    assert.ok(!matches('openclawSessions.forceReleaseLock', 'session.locked.stale'));
    assert.ok(matches('openclawSessions.openSession', 'session.free'));
    const title: { command: string }[] = pkg.contributes.menus['view/title'];
    assert.ok(title.some((m) => m.command === 'openclawSessions.clearAllStaleLocks'));
    const palette: { command: string; when: string }[] = pkg.contributes.menus.commandPalette;
    assert.ok(palette.some((m) => m.command === 'openclawSessions.showMoreSessions' && m.when === 'false'));
    for (const command of pkg.contributes.commands as { command: string; category: string }[]) assert.equal(command.category, 'OpenClaw', command.command);
  });
});
