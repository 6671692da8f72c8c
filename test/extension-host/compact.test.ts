// Compact Session in the real VS Code: trimming locally (through the session write lock,
// archive kept, the view's size updated) and summarizing through a fake `openclaw` CLI that
// records its argv.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompactCommandResult } from '../../src/extension/compact-command';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import { Scene, api, resetSettings, setSetting, stubInformation, waitFor } from './lock-scenes';

// out/test/extension -> the repository's fake CLI
const FAKE_OPENCLAW = path.resolve(__dirname, '../../../test/fixtures/fake-openclaw/openclaw');

function lineCount(file: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
}

function stubErrors(): { messages: string[]; restore(): void } {
  const original = vscode.window.showErrorMessage;
  const messages: string[] = [];
  (vscode.window as { showErrorMessage: unknown }).showErrorMessage = (message: string) => {
    messages.push(message);
    return Promise.resolve(undefined);
  };
  return { messages, restore: () => ((vscode.window as { showErrorMessage: unknown }).showErrorMessage = original) };
}

function stubQuickPicks(choose: (items: readonly vscode.QuickPickItem[], placeHolder?: string) => vscode.QuickPickItem | undefined) {
  const original = vscode.window.showQuickPick;
  const calls: { labels: string[]; descriptions: (string | undefined)[]; details: (string | undefined)[]; placeHolder?: string }[] = [];
  (vscode.window as { showQuickPick: unknown }).showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
    const resolved = await items;
    calls.push({ labels: resolved.map((i) => i.label), descriptions: resolved.map((i) => i.description), details: resolved.map((i) => i.detail), placeHolder: options?.placeHolder });
    return choose(resolved, options?.placeHolder);
  };
  return { calls, restore: () => ((vscode.window as { showQuickPick: unknown }).showQuickPick = original) };
}

suite('Compact Session (real VS Code)', function () {
  this.timeout(90_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene;
  const undo: (() => void)[] = [];

  suiteSetup(async () => {
    ext = await api();
  });

  setup(async () => {
    scene = new Scene();
    scene.build([
      { id: 'main', sessions: [{ key: 'agent:main:big', label: 'Big session', exchanges: 60 }] },
      { id: 'work', sessions: [{ key: 'agent:work:telegram:group:42', label: 'Work group', exchanges: 10 }] },
    ]);
    await scene.show(ext);
    undo.push(stubInformation().restore);
  });

  teardown(async () => {
    for (const fn of undo.splice(0).reverse()) fn();
    for (const name of ['FAKE_OPENCLAW_LOG', 'FAKE_OPENCLAW_COMPACT_ERROR', 'FAKE_OPENCLAW_GATEWAY']) delete process.env[name];
    await setSetting('openclawPath', undefined);
    await setSetting('compaction.maxLines', undefined);
    await scene.dispose();
    await resetSettings(ext);
  });

  test('Trim locally from the view keeps the header and the last N-1 lines, archives the original, and the view shows the new size', async () => {
    const session = scene.session('agent:main:big');
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    assert.equal(lineCount(session.transcriptPath), 121);
    const row = ext.treeModel().nodeForTranscript(session.transcriptPath)!;
    await setSetting('compaction.maxLines', 10);
    const result = (await vscode.commands.executeCommand('openclawSessions.compactSession', row, { method: 'trim' })) as CompactCommandResult;
    assert.equal(result.outcome, 'compacted', result.message);
    assert.match(result.message, /^Compacted "Big session": 121 → 10 lines, [\d.]+ KB → [\d.]+ KB\. Original kept as .*\.jsonl\.bak\./);
    const lines = original.trimEnd().split('\n');
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), [lines[0], ...lines.slice(-9)].join('\n') + '\n');
    assert.equal(fs.readFileSync(result.trim!.archivePath!, 'utf8'), original);
    assert.equal(fs.existsSync(session.lockPath), false, 'the lock is released');
    const size = fs.statSync(session.transcriptPath).size;
    await waitFor(() => ext.treeModel().nodeForTranscript(session.transcriptPath)?.session.sizeBytes === size, 'the view to show the new size');
    assert.equal(ext.treeModel().nodeForTranscript(session.transcriptPath)!.lock.level, 'free');
  });

  test('the view shows the session locked while the trim runs, and free with its new size after', async () => {
    const session = scene.session('agent:main:big');
    let resume: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => {
      ext.compactCommand.trimSteps.onStep = (step, transcriptPath) => {
        if (step !== 'scanned' || transcriptPath !== session.transcriptPath) return undefined;
        resolve();
        return new Promise<void>((release) => (resume = release));
      };
    });
    undo.push(() => delete ext.compactCommand.trimSteps.onStep);
    const running = vscode.commands.executeCommand('openclawSessions.compactSession', 'agent:main:big', { method: 'trim', maxLines: 20 }) as Thenable<CompactCommandResult>;
    await paused;
    await waitFor(() => {
      const lock = ext.treeModel().nodeForTranscript(session.transcriptPath)?.lock;
      return lock !== undefined && lock.level !== 'free' && lock.pid === process.pid;
    }, 'the view to show the session locked by the extension host');
    resume();
    const result = await running;
    assert.equal(result.outcome, 'compacted', result.message);
    const size = fs.statSync(session.transcriptPath).size;
    await waitFor(() => {
      const node = ext.treeModel().nodeForTranscript(session.transcriptPath);
      return node?.lock.level === 'free' && node.session.sizeBytes === size;
    }, 'the view to show the session free with its new size');
  });

  test('the pickers offer sessions by size and only Trim locally when no openclaw CLI is found', async () => {
    await setSetting('openclawPath', '/nonexistent/openclaw');
    const picks = stubQuickPicks((items) => items.find((i) => (i as { session?: { key?: string } }).session?.key === 'agent:work:telegram:group:42') ?? items[0]);
    undo.push(picks.restore);
    const result = (await vscode.commands.executeCommand('openclawSessions.compactSession', undefined, { maxLines: 5 })) as CompactCommandResult;
    assert.equal(picks.calls.length, 2);
    assert.deepEqual(picks.calls[0]!.labels.slice(0, 2), ['Big session', 'Work group'], 'largest first');
    assert.match(picks.calls[0]!.descriptions[0]!, /^\d+(\.\d)? KB · agent:main:big$/, 'the size first');
    assert.deepEqual(picks.calls[1]!.labels, ['$(fold) Trim locally', '$(info) Summarize with OpenClaw is not available']);
    // The explanation is read whole in an item's detail, not cut off in the placeholder.
    assert.match(picks.calls[1]!.placeHolder!, /^Compact "Work group" \(\d+(\.\d)? KB\) how\?$/);
    assert.equal(picks.calls[1]!.details[1], 'The openclaw CLI was not found on PATH or at openclawSessions.openclawPath. Pick this to set its path.');
    assert.equal(result.outcome, 'compacted');
    assert.equal(lineCount(scene.session('agent:work:telegram:group:42').transcriptPath), 5);
  });

  test('the session pick says which sessions are locked right now', async () => {
    await scene.leaveDead('agent:main:big');
    await waitFor(() => ext.treeModel().lockedNodes()[0]?.lock.level === 'stale', 'the stale lock in the view');
    const picks = stubQuickPicks(() => undefined);
    undo.push(picks.restore);
    await vscode.commands.executeCommand('openclawSessions.compactSession');
    const big = picks.calls[0]!.labels.indexOf('$(debug-disconnect) Big session');
    assert.ok(big >= 0, picks.calls[0]!.labels.join(', '));
    assert.match(picks.calls[0]!.descriptions[big]!, / · stale lock · agent:main:big$/);
    assert.equal(picks.calls[0]!.labels.includes('Work group'), true, 'a free session has no icon');
  });

  test('Summarize with OpenClaw runs `openclaw sessions compact <key> --json` and reports tokens', async () => {
    const log = path.join(scene.root, 'openclaw-calls.jsonl');
    process.env.FAKE_OPENCLAW_LOG = log;
    await setSetting('openclawPath', FAKE_OPENCLAW);
    const picks = stubQuickPicks((items) => items.find((i) => i.label.includes('Summarize with OpenClaw')));
    undo.push(picks.restore);
    const session = scene.session('agent:work:telegram:group:42');
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const result = (await vscode.commands.executeCommand('openclawSessions.compactSession', session.transcriptPath)) as CompactCommandResult;
    assert.deepEqual(picks.calls[0]!.labels, ['$(sparkle) Summarize with OpenClaw', '$(fold) Trim locally']);
    assert.equal(result.outcome, 'compacted', result.message);
    // The fake prints what the real 2026.7.35 prints: the count before only.
    assert.equal(result.message, 'OpenClaw compacted "Work group": 48,210 tokens before (OpenClaw reported no count after).');
    // The scan asks the configured openclaw's `--version` once (it names the era): not part of compacting.
    const argvs = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { argv: string[] }).argv).filter((argv) => argv[0] !== '--version');
    assert.deepEqual(argvs, [
      ['gateway', 'status', '--json'],
      ['sessions', 'compact', 'agent:work:telegram:group:42', '--json', '--agent', 'work'],
    ]);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original, 'the gateway, not the extension, changes the transcript');
  });

  test('OpenClaw\'s own error message is shown, and a gateway that does not answer is reported', async () => {
    await setSetting('openclawPath', FAKE_OPENCLAW);
    const errors = stubErrors();
    undo.push(errors.restore);
    process.env.FAKE_OPENCLAW_COMPACT_ERROR = 'session agent:main:big is busy (run in progress)';
    const failed = (await vscode.commands.executeCommand('openclawSessions.compactSession', 'agent:main:big', { method: 'openclaw' })) as CompactCommandResult;
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.message, /session agent:main:big is busy \(run in progress\)/);
    delete process.env.FAKE_OPENCLAW_COMPACT_ERROR;
    process.env.FAKE_OPENCLAW_GATEWAY = 'down';
    const down = (await vscode.commands.executeCommand('openclawSessions.compactSession', 'agent:main:big', { method: 'openclaw' })) as CompactCommandResult;
    assert.equal(down.outcome, 'failed');
    assert.match(down.message, /gateway does not answer: gateway not running/);
    assert.deepEqual(errors.messages, [failed.message, down.message]);
  });
});
