// The Sessions view, the status bar badge, notifications, decorations and welcome states,
// in the real extension host against real state dirs and real lock-holding processes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import { contextValueFor, type JsonlSessionNode, type TreeNode } from '../../src/extension/tree-model';
import { buildSampleStateDir, type SampleStateDir } from '../fixtures';
import { Scene, api, resetSettings, setSetting, stubInformation, waitFor } from './lock-scenes';

function sessionRows(ext: OpenClawSessionsApi, agentId: string): JsonlSessionNode[] {
  const agent = ext.provider.getChildren().find((node) => node.kind === 'agent' && node.agent.id === agentId);
  assert.ok(agent, `no agent row ${agentId}`);
  return ext.provider.getChildren(agent).filter((node): node is JsonlSessionNode => node.kind === 'session' && node.lock !== undefined);
}

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

suite('Sessions view (real VS Code)', function () {
  this.timeout(60_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene | undefined;
  // The shared scene (healthy sessions, a live holder, a dead holder's 22-minute-old lock, a
  // lock held too long), built here so this suite owns what it asserts on.
  let sampleHome: Scene;
  let sample: SampleStateDir;
  const readSampleManifest = () => sample.manifest();

  suiteSetup(async () => {
    ext = await api();
    sampleHome = new Scene();
    sample = await buildSampleStateDir(sampleHome.stateDir);
    await sampleHome.show(ext);
    console.log(`      activation took ${ext.activationMs.toFixed(1)} ms`);
  });

  suiteTeardown(async () => {
    await sample?.dispose();
    await sampleHome?.dispose();
    await resetSettings(ext);
  });

  teardown(async () => {
    await scene?.dispose();
    scene = undefined;
    await resetSettings(ext, sampleHome.stateDir);
  });

  test('activation is measured and scanning waits until activate() returned', () => {
    assert.ok(ext.activationMs > 0 && Number.isFinite(ext.activationMs), `activationMs=${ext.activationMs}`);
  });

  test('the sample state dir: agents, then sessions with locked ones first, each with its contextValue', async () => {
    const manifest = readSampleManifest();
    await waitFor(() => ext.treeModel().lockedNodes().length >= 3, 'the three sample locks');
    const roots = ext.provider.getChildren().map((node) => label(ext.provider.getTreeItem(node)));
    assert.deepEqual(roots, ['main', 'research']);
    const main = sessionRows(ext, 'main');
    const byRole = (role: string) => manifest.sessions.find((s) => s.role === role)!;
    assert.deepEqual(
      main.map((node) => node.session.title),
      [byRole('dead-lock').title, byRole('held-too-long').title, byRole('live-lock').title, byRole('healthy').title],
    );
    assert.deepEqual(main.map(contextValueFor), ['session.locked.stale', 'session.locked.live', 'session.locked.live', 'session.free']);
    const stale = ext.provider.getTreeItem(main[0]);
    assert.equal(stale.contextValue, 'session.locked.stale');
    assert.match(String(stale.description), new RegExp(`^stale · dead-pid[^·]* · 2\\dm · pid ${byRole('dead-lock').holderPid}`));
    assert.ok(stale.iconPath instanceof vscode.ThemeIcon);
    assert.equal((stale.iconPath as vscode.ThemeIcon).id, 'debug-disconnect');
    assert.equal(((stale.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'list.errorForeground');
    // A live lock held too long says why too, as the status tooltip does.
    const tooLong = ext.provider.getTreeItem(main[1]);
    assert.match(String(tooLong.description), /^held too long · [^·]*hold-exceeded[^·]* · \d+m · pid \d+$/);
    const live = ext.provider.getTreeItem(main[2]);
    assert.match(String(live.description), new RegExp(`^held · \\d+s · pid ${byRole('live-lock').holderPid}$`));
    assert.equal(ext.provider.getParent(main[0]), ext.provider.getChildren()[0]);
  });

  test('the clock redraws only rows whose text changed, so an old lock\'s tooltip stays open', async () => {
    const manifest = readSampleManifest();
    const deadTitle = manifest.sessions.find((s) => s.role === 'dead-lock')!.title;
    await waitFor(() => ext.treeModel().lockedNodes().length >= 3, 'the three sample locks');
    const stale = sessionRows(ext, 'main').find((node) => node.session.title === deadTitle)!;
    ext.provider.getTreeItem(stale); // drawn, as VS Code does for a visible row
    const redrawn: string[] = [];
    const listener = ext.provider.onDidChangeTreeData((nodes) => {
      for (const node of Array.isArray(nodes) ? nodes : nodes ? [nodes] : []) redrawn.push(node.id);
    });
    try {
      // Three ticks of the one-second clock: a 22-minute-old row shows "22m" throughout.
      await new Promise((resolve) => setTimeout(resolve, 3_200));
    } finally {
      listener.dispose();
    }
    assert.ok(!redrawn.includes(stale.id), `the stale row was redrawn on a tick: ${redrawn.join(', ')}`);
  });

  test('the status bar counts the locks and turns red for a stale one; its tooltip lists them', async () => {
    await waitFor(() => ext.status().count === 3, 'three locks in the status bar');
    const status = ext.status();
    assert.equal(status.visible, true);
    assert.equal(status.text, '$(lock) 3');
    assert.equal(status.background, 'error');
    assert.equal(status.worst?.moment.level, 'stale');
    assert.match(status.tooltip, /Ops Discord: stale/);
    assert.match(status.tooltip, /Nightly digest: held too long/);
  });

  test('tooltips are untrusted Markdown: a command link in a lock file or store is inert text', async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:evil', label: 'Evil [run](command:workbench.action.quit) <img src=x>' }] }]);
    const lockPath = scene.session('agent:main:evil').lockPath;
    fs.writeFileSync(lockPath, `${JSON.stringify({ pid: 999_999_999, createdAt: '[pwn](command:workbench.action.quit)', maxHoldMs: 300000 }, null, 2)}\n`);
    await scene.show(ext);
    const [row] = sessionRows(ext, 'main');
    assert.ok(row && row.lock.level !== 'free', 'the hostile lock is shown');
    const item = await ext.provider.resolveTreeItem(ext.provider.getTreeItem(row), row);
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.ok(tooltip instanceof vscode.MarkdownString, 'tooltip is a MarkdownString');
    assert.ok(!tooltip.isTrusted, 'tooltip must not be trusted');
    assert.ok(!tooltip.supportHtml, 'tooltip must not render HTML');
    assert.ok(!/\]\(command:/.test(tooltip.value), tooltip.value);
    assert.ok(!/(^|[^\\])<img/.test(tooltip.value), tooltip.value);
    assert.match(tooltip.value, /Holder pid: 999999999/);
  });

  test('"locked only" hides free sessions; "show all" brings them back', async () => {
    await waitFor(() => ext.treeModel().lockedNodes().length >= 3, 'the sample locks');
    await vscode.commands.executeCommand('openclawSessions.showLockedOnly');
    const roots = ext.provider.getChildren().filter((n) => n.kind === 'agent');
    assert.deepEqual(roots.map((n) => (n.kind === 'agent' ? n.agent.id : '')), ['main'], 'research has no lock');
    assert.ok(sessionRows(ext, 'main').every((n) => n.lock.level !== 'free'));
    assert.equal(ext.treeView.description, 'locked only');
    await vscode.commands.executeCommand('openclawSessions.showAllSessions');
    assert.equal(sessionRows(ext, 'main').length, 4);
  });

  test('a lock appearing and going away updates the view and the badge through the watcher', async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:a' }, { key: 'agent:main:b' }] }]);
    await scene.show(ext);
    assert.equal(ext.status().visible, false, 'no lock: the item is hidden');
    const holder = await scene.holdLive('agent:main:b');
    await waitFor(() => ext.status().count === 1, 'the new lock in the status bar');
    assert.equal(ext.status().background, 'none');
    assert.equal(sessionRows(ext, 'main')[0].session.key, 'agent:main:b', 'the locked session moves first');
    await holder.stop();
    await waitFor(() => ext.status().count === 0, 'the released lock to disappear');
    assert.equal(ext.status().visible, false);
  });

  test('thresholds come from settings: a lock past `warn` turns the badge yellow', async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:a' }] }]);
    await scene.holdLive('agent:main:a', { createdAt: new Date(Date.now() - 30_000).toISOString(), maxHoldMs: 3_600_000 });
    await scene.show(ext);
    await waitFor(() => ext.status().count === 1, 'the lock');
    assert.equal(ext.status().background, 'none', 'default warn is 60 s');
    await setSetting('thresholds', { warn: 10, error: 3600 });
    await waitFor(() => ext.status().background === 'warning', 'the badge to turn yellow');
    assert.equal(ext.treeModel().lockedNodes()[0].lock.level, 'held-long');
  });

  test('one notification when a lock turns stale, not one per refresh', async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:crashy', label: 'Crashy' }] }]);
    await scene.show(ext);
    const before = ext.alertsShown().length;
    await scene.leaveDead('agent:main:crashy');
    await waitFor(() => ext.alertsShown().length > before, 'a notification');
    await vscode.commands.executeCommand('openclawSessions.refresh');
    await vscode.commands.executeCommand('openclawSessions.refresh');
    await ext.whenIdle();
    const shown = ext.alertsShown().slice(before).filter((a) => a.message.includes('Crashy'));
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0].message, /stale \(dead-pid, pid \d+\)/);
    assert.deepEqual(shown[0].actions, ['Clear Stale Lock', 'Show']);
  });

  test('the notification\'s "Clear Stale Lock" clears the lock and the notification goes with it; a lock held too long offers only "Show"', async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:crash', label: 'Crash site' }, { key: 'agent:main:slow', label: 'Slow run' }] }]);
    await scene.show(ext);
    const info = stubInformation();
    try {
      const before = ext.alertsShown().length;
      const dead = await scene.leaveDead('agent:main:crash');
      await waitFor(() => ext.alertsShown().slice(before).some((a) => a.message.includes('Crash site')), 'the stale-lock notification');
      const crash = ext.alertsShown().slice(before).find((a) => a.message.includes('Crash site'))!;
      assert.deepEqual(crash.links.map((l) => l.title), ['Clear Stale Lock', 'Show']);
      assert.ok(ext.openAlerts().includes(crash), 'on screen');
      // What clicking the link does.
      const clear = crash.links.find((l) => l.title === 'Clear Stale Lock')!;
      await vscode.commands.executeCommand(clear.command, ...clear.args);
      await waitFor(() => !fs.existsSync(dead.lockPath), 'the notification action to clear the lock');
      await waitFor(() => crash.closedBecause === 'lock-changed', 'the notification to go away with its lock');
      assert.ok(!ext.openAlerts().includes(crash));
      await scene.holdLive('agent:main:slow', { createdAt: new Date(Date.now() - 10 * 60_000).toISOString(), maxHoldMs: 300_000 });
      await waitFor(() => ext.alertsShown().slice(before).some((a) => a.message.includes('Slow run')), 'the held-too-long notification');
      const slow = ext.alertsShown().slice(before).find((a) => a.message.includes('Slow run'))!;
      // A time of day, not an age: a notification's text does not tick.
      assert.match(slow.message, /has been locked by pid \d+ since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d, past its limit/);
      assert.deepEqual(slow.actions, ['Show']);
      assert.ok(info.messages.some((m) => m.startsWith('Removed the lock of "Crash site": dead-pid')), info.messages.join('\n'));
      // Dismiss closes it by hand, and it is not shown again for the same lock.
      await vscode.commands.executeCommand('openclawSessions.dismissLockAlert', slow.key);
      assert.equal(slow.closedBecause, 'dismissed');
      await vscode.commands.executeCommand('openclawSessions.refresh');
      await ext.whenIdle();
      assert.equal(ext.alertsShown().slice(before).filter((a) => a.message.includes('Slow run')).length, 1);
    } finally {
      info.restore();
    }
  });

  test('an empty lock (its writer killed between open(wx) and the write) is "being written" until its 30 s grace ends, then stale by itself: one notification, and its Clear Stale Lock removes it', async () => {
    const torn = new Scene();
    scene = torn;
    torn.build([{ id: 'main', sessions: [{ key: 'agent:main:torn', label: 'Torn write' }] }]);
    await torn.show(ext);
    const info = stubInformation();
    try {
      const before = ext.alertsShown().length;
      // What a SIGKILLed OpenClaw 2026.7.35 gateway leaves mid-reply: an empty file, here 28 s old.
      const transcript = torn.session('agent:main:torn').transcriptPath;
      const lockPath = `${transcript}.lock`;
      fs.writeFileSync(lockPath, '');
      const written = new Date(Date.now() - 28_000);
      fs.utimesSync(lockPath, written, written);
      const row = () => ext.treeModel().nodeForTranscript(transcript);
      await waitFor(() => row()?.lock.level === 'initialising', 'the row to say the lock is being written');
      assert.deepEqual(row()!.lock.reasons, ['missing-pid']);
      assert.equal(ext.alertsShown().slice(before).filter((a) => a.message.includes('Torn write')).length, 0, 'no notification while it may still be written');
      // No file event tells when the grace ends: the model's own timer, not the 30 s rescan.
      await waitFor(() => row()?.lock.level === 'stale', 'the row to turn stale when the grace ends', 10_000);
      const lateMs = Date.now() - written.getTime() - 30_000;
      console.log(`# an empty lock turned stale ${lateMs} ms after its grace ended`);
      // The periodic rescan would come at a random moment up to 30 s later.
      assert.ok(lateMs < 1500, `stale ${lateMs} ms after the grace ended`);
      await waitFor(() => ext.alertsShown().slice(before).some((a) => a.message.includes('Torn write')), 'the stale-lock notification');
      await vscode.commands.executeCommand('openclawSessions.refresh');
      await ext.whenIdle();
      const shown = ext.alertsShown().slice(before).filter((a) => a.message.includes('Torn write'));
      assert.equal(shown.length, 1, JSON.stringify(shown.map((a) => a.message)));
      assert.match(shown[0]!.message, /stale \(missing-pid/);
      const clear = shown[0]!.links.find((l) => l.title === 'Clear Stale Lock');
      assert.ok(clear, `the notification offers Clear Stale Lock: ${JSON.stringify(shown[0]!.links)}`);
      await vscode.commands.executeCommand(clear.command, ...clear.args);
      await waitFor(() => !fs.existsSync(lockPath), 'Clear Stale Lock to remove the empty lock');
      await waitFor(() => shown[0]!.closedBecause === 'lock-changed', 'the notification to go with its lock');
      assert.ok(info.messages.some((m) => m.startsWith('Removed the lock of "Torn write"') && /missing-pid/.test(m)), info.messages.join('\n'));
      await waitFor(() => row()?.lock.level === 'free', 'the row to turn free');
    } finally {
      info.restore();
    }
  });

  test('a lock alert disappears when its lock is removed by someone else', async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:gone', label: 'Gone soon' }] }]);
    await scene.show(ext);
    const before = ext.alertsShown().length;
    const dead = await scene.leaveDead('agent:main:gone');
    await waitFor(() => ext.alertsShown().slice(before).some((a) => a.message.includes('Gone soon')), 'the stale-lock notification');
    const alert = ext.alertsShown().slice(before).find((a) => a.message.includes('Gone soon'))!;
    fs.unlinkSync(dead.lockPath); // e.g. the restarted gateway's own cleanup
    await waitFor(() => alert.closedBecause === 'lock-changed', 'the notification to go away');
  });

  test('clicking the badge reveals the worst lock in the view', async () => {
    await waitFor(() => ext.treeModel().lockedNodes().length >= 3, 'the sample locks');
    const node = (await vscode.commands.executeCommand('openclawSessions.revealWorstLock')) as TreeNode | undefined;
    assert.ok(node && node.kind === 'session' && node.lock?.level === 'stale', 'the stale lock is the worst');
    await waitFor(() => ext.treeView.selection.some((s) => s.id === node.id), 'the row to be selected');
    assert.equal(ext.treeView.visible, true);
  });

  test('locked transcripts get a file decoration; free ones none', async () => {
    const manifest = readSampleManifest();
    await waitFor(() => ext.treeModel().lockedNodes().length >= 3, 'the sample locks');
    const dead = manifest.sessions.find((s) => s.role === 'dead-lock')!;
    const healthy = manifest.sessions.find((s) => s.role === 'healthy')!;
    const decoration = ext.decorations.provideFileDecoration(vscode.Uri.file(dead.transcriptPath));
    assert.ok(decoration, 'a decoration for the locked transcript');
    assert.equal(decoration.badge, 'S', 'S for a stale lock');
    assert.equal((decoration.color as vscode.ThemeColor).id, 'list.errorForeground');
    assert.match(decoration.tooltip ?? '', /stale/);
    assert.equal(ext.decorations.provideFileDecoration(vscode.Uri.file(healthy.transcriptPath)), undefined);
    const editing = ext.decorations.provideFileDecoration(vscode.Uri.from({ scheme: 'openclaw-session', path: dead.transcriptPath }));
    assert.equal(editing?.badge, 'S', 'a transcript open for safe editing is decorated too');
  });

  test('welcome states: no state dir, SQLite-era OpenClaw, no sessions yet', async () => {
    scene = new Scene();
    const missing = path.join(scene.root, 'nowhere');
    await setSetting('stateDir', missing);
    await waitFor(() => ext.snapshot()?.resolution.stateDir === missing, 'a scan of the missing dir');
    await ext.whenIdle();
    assert.equal(ext.snapshot()?.layout, 'missing');
    assert.deepEqual(ext.provider.getChildren(), [], 'an empty tree shows the welcome content');

    const sqliteDir = path.join(scene.root, 'sqlite');
    fs.mkdirSync(path.join(sqliteDir, 'agents', 'main', 'agent'), { recursive: true });
    fs.writeFileSync(path.join(sqliteDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'), 'SQLite format 3\0');
    await setSetting('stateDir', sqliteDir);
    await waitFor(() => ext.snapshot()?.resolution.stateDir === sqliteDir, 'a scan of the SQLite dir');
    await ext.whenIdle();
    assert.equal(ext.snapshot()?.layout, 'sqlite');
    // Never an empty tree in the SQLite era: a database that cannot be read is a row that says so.
    const agentRow = ext.provider.getChildren().find((node) => node.kind === 'agent');
    assert.ok(agentRow, 'the agent is a row');
    const rows = ext.provider.getChildren(agentRow);
    // Which row depends on the openclaw found (a JSONL-era one on PATH does not read the database at all).
    const saysWhy = rows.some((node) => (node.kind === 'finding' && /database-unreadable|no-sqlite-reader/.test(node.finding.kind)) || (node.kind === 'notice' && node.notice === 'unused-database'));
    assert.ok(saysWhy, `a row says why no session is shown: ${rows.map((n) => (n.kind === 'notice' ? `notice:${n.notice}` : n.kind)).join(', ')} (era ${JSON.stringify(ext.snapshot()?.era)})`);

    const emptyDir = path.join(scene.root, 'empty');
    fs.mkdirSync(path.join(emptyDir, 'agents', 'main', 'sessions'), { recursive: true });
    await setSetting('stateDir', emptyDir);
    await waitFor(() => ext.snapshot()?.resolution.stateDir === emptyDir, 'a scan of the empty dir');
    await ext.whenIdle();
    assert.equal(ext.snapshot()?.layout, 'empty');
    const welcome: { when?: string; contents: string }[] = vscode.extensions.getExtension('openclaw-session-locks.openclaw-session-locks')!.packageJSON.contributes.viewsWelcome;
    for (const layout of ['missing', 'sqlite', 'empty']) {
      assert.ok(welcome.some((w) => w.when?.includes(`openclawSessions.layout == ${layout}`)), `welcome content for ${layout}`);
    }
  });

  test('ten thousand sessions: locked rows first, free rows capped behind a "more" row that expands', async function () {
    this.timeout(180_000);
    scene = new Scene();
    const dir = path.join(scene.stateDir, 'agents', 'main', 'sessions');
    fs.mkdirSync(dir, { recursive: true });
    const store: Record<string, unknown> = {};
    const header = `${JSON.stringify({ type: 'session', version: 3, id: 'x', timestamp: '2026-11-22T10:00:00.000Z', cwd: '/' })}\n`;
    // Written in asynchronous batches: 10,000 synchronous writes would block the extension
    // host this test runs in, and the view's responsiveness is what is under test.
    const ids = Array.from({ length: 10_000 }, (_, i) => `s${String(i).padStart(5, '0')}`);
    for (const [i, id] of ids.entries()) store[`agent:main:bulk:${id}`] = { sessionId: id, updatedAt: 1_700_000_000_000 + i };
    for (let start = 0; start < ids.length; start += 250) {
      await Promise.all(ids.slice(start, start + 250).map((id) => fs.promises.writeFile(path.join(dir, `${id}.jsonl`), header)));
    }
    fs.writeFileSync(path.join(dir, 'sessions.json'), JSON.stringify(store));
    scene.sessions = [{ agentId: 'main', key: 'agent:main:bulk:s04242', sessionId: 's04242', title: 'agent:main:bulk:s04242', transcriptPath: path.join(dir, 's04242.jsonl'), lockPath: path.join(dir, 's04242.jsonl.lock') }];
    await scene.leaveDead('agent:main:bulk:s04242');
    await scene.show(ext);
    await waitFor(() => ext.status().count === 1, 'the one lock among ten thousand sessions', 120_000);
    const [root] = ext.provider.getChildren();
    let rows = ext.provider.getChildren(root);
    assert.equal(rows.length, 1 + 1000 + 1);
    assert.equal(rows[0].kind === 'session' && rows[0].session.sessionId, 's04242');
    const more = rows[rows.length - 1];
    assert.equal(more.kind, 'more');
    assert.equal(more.kind === 'more' && more.hiddenCount, 9_000 - 1);
    const moreItem = ext.provider.getTreeItem(more);
    assert.equal(moreItem.command?.command, 'openclawSessions.showMoreSessions');
    await vscode.commands.executeCommand(moreItem.command!.command, ...(moreItem.command!.arguments ?? []));
    rows = ext.provider.getChildren(ext.provider.getChildren()[0]);
    assert.equal(rows.length, 1 + 2000 + 1);
  });

  test('the agents setting limits the view to those agents', async () => {
    await waitFor(() => ext.provider.getChildren().length === 2, 'both sample agents');
    await setSetting('agents', ['research']);
    await waitFor(() => ext.provider.getChildren().length === 1, 'one agent');
    const [root] = ext.provider.getChildren();
    assert.equal(root.kind === 'agent' && root.agent.id, 'research');
    assert.equal(ext.status().count, 0);
  });
});
