// The gaps around safe editing, in the real VS Code: a transcript opened or saved as a plain
// `file:` document (bypassing the session write lock) is warned about, with Reopen Safely;
// a transcript over editing.maxReadMB is never read into memory.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import type { GuardDecision } from '../../src/extension/unsafe-open-guard';
import type { BuiltSession } from '../fixtures';
import { Scene, api, resetSettings, setSetting, stubWarnings, waitFor } from './lock-scenes';

const SCHEME = 'openclaw-session';
const REOPEN = 'Reopen Safely';

/** The same transcript in the same file system (an editor's URI also carries the tab name in its query). */
const sameFile = (a: vscode.Uri, b: vscode.Uri) => a.scheme === b.scheme && a.path === b.path;

function tabsOf(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) =>
    group.tabs.filter((tab) => tab.input instanceof vscode.TabInputText && sameFile(tab.input.uri, uri)),
  );
}

type PendingWarning = { message: string; options?: vscode.MessageOptions; items: string[]; answer(choice: string | undefined): void };

/** Like stubWarnings, but each warning waits until the test answers it (as a person would, later). */
function stubWarningsAnsweredLater(): { calls: PendingWarning[]; restore(): void } {
  const original = vscode.window.showWarningMessage;
  const calls: PendingWarning[] = [];
  (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (message: string, ...rest: unknown[]) => {
    let options: vscode.MessageOptions | undefined;
    if (rest.length > 0 && rest[0] && typeof rest[0] === 'object' && !('title' in (rest[0] as object))) options = rest.shift() as vscode.MessageOptions;
    const items = rest.map((item) => (typeof item === 'string' ? item : (item as vscode.MessageItem).title));
    return new Promise<string | undefined>((resolve) => calls.push({ message, options, items, answer: resolve }));
  };
  return {
    calls,
    restore: () => {
      for (const call of calls) call.answer(undefined);
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
    },
  };
}

async function closeAllEditors(): Promise<void> {
  // Revert first: closing a dirty editor would ask to save.
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty) continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

suite('Editing guard: plain file: transcripts and huge transcripts (real VS Code)', function () {
  this.timeout(90_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene;
  const undo: (() => void)[] = [];

  /** The guard's next decision about `uri` for `event`, counted from `from`. */
  async function decisionFor(uri: vscode.Uri, event: GuardDecision['event'], from: number): Promise<GuardDecision> {
    let found: GuardDecision | undefined;
    await waitFor(() => {
      found = ext.unsafeOpenGuard.decisions.slice(from).find((d) => d.uri === uri.toString() && d.event === event);
      return found !== undefined;
    }, `the guard's ${event} decision on ${uri.fsPath}`);
    return found!;
  }

  async function openPlain(filePath: string): Promise<{ document: vscode.TextDocument; decision: GuardDecision }> {
    const from = ext.unsafeOpenGuard.decisions.length;
    const uri = vscode.Uri.file(filePath);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
    return { document, decision: await decisionFor(uri, 'open', from) };
  }

  suiteSetup(async () => {
    ext = await api();
  });

  setup(async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:guard', label: 'Guard me', exchanges: 3 }] }]);
    await scene.show(ext);
  });

  teardown(async () => {
    for (const fn of undo.splice(0)) fn();
    await closeAllEditors();
    await setSetting('editing.warnOnUnsafeOpen', undefined);
    await setSetting('editing.maxReadMB', undefined);
    await setSetting('editing.largeFileMB', undefined);
    await scene.dispose();
    await resetSettings(ext);
  });

  test('a transcript opened as a plain file warns once, and Reopen Safely swaps it for the session editor', async () => {
    const session: BuiltSession = scene.session('agent:main:guard');
    const fileUri = vscode.Uri.file(session.transcriptPath);
    const warnings = stubWarningsAnsweredLater();
    undo.push(warnings.restore);
    const { decision } = await openPlain(session.transcriptPath);
    assert.equal(decision.verdict, 'warned');
    assert.equal(decision.match?.transcriptPath, session.transcriptPath);
    await waitFor(() => warnings.calls.length === 1 && tabsOf(fileUri).length === 1, 'the warning beside the plain editor');
    warnings.calls[0]!.answer(REOPEN);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.scheme === SCHEME, 'the session editor');
    assert.equal(warnings.calls.length, 1, 'one warning');
    assert.match(warnings.calls[0]!.message, /bypasses the session write lock/);
    assert.match(warnings.calls[0]!.message, /Guard me/);
    assert.deepEqual(warnings.calls[0]!.items, [REOPEN]);
    assert.notEqual(warnings.calls[0]!.options?.modal, true, 'not modal');
    const active = vscode.window.activeTextEditor!.document;
    assert.equal(active.uri.path, session.transcriptPath);
    assert.equal(active.getText(), fs.readFileSync(session.transcriptPath, 'utf8'));
    await waitFor(() => tabsOf(fileUri).length === 0, 'the file: tab to close');
    assert.equal(tabsOf(active.uri).length, 1, 'exactly one session editor tab');
  });

  test('showing the same plain document again does not warn again', async () => {
    const session = scene.session('agent:main:guard');
    const warnings = stubWarnings(() => undefined);
    undo.push(warnings.restore);
    const { document } = await openPlain(session.transcriptPath);
    await waitFor(() => warnings.calls.length === 1, 'the warning');
    // Opening it again through the API fires no new open event for a document already open;
    // a second open of the *file* after a scan (state change) must not warn either.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(session.transcriptPath)));
    await vscode.commands.executeCommand('openclawSessions.refresh');
    await ext.whenIdle();
    assert.equal(document.isClosed, false);
    assert.equal(warnings.calls.length, 1, 'still one warning');
  });

  test('Reopen Safely on a dirty plain document leaves it open with the edit and says so', async () => {
    const session = scene.session('agent:main:guard');
    const warnings = stubWarningsAnsweredLater();
    undo.push(warnings.restore);
    const calls = warnings.calls;
    const { document } = await openPlain(session.transcriptPath);
    await waitFor(() => calls.length === 1, 'the open warning');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.lineAt(document.lineCount - 1).range.end, '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(document.isDirty);
    const text = document.getText();
    calls[0]!.answer(REOPEN);
    await waitFor(() => calls.length === 2, 'the "left open" warning');
    assert.match(calls[1]!.message, /unsaved changes/);
    assert.match(calls[1]!.message, /left open/);
    assert.deepEqual(calls[1]!.items, [REOPEN], 'offers to try again');
    assert.equal(document.isClosed, false);
    assert.ok(document.isDirty, 'still dirty');
    assert.equal(document.getText(), text, 'the edit is kept');
    assert.equal(tabsOf(document.uri).length, 1, 'its tab stays');
    assert.equal(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === SCHEME),
      false,
      'no session editor opened beside it',
    );
  });

  test('a save as a plain file while the gateway holds the lock is warned about, naming the holder', async () => {
    const session = scene.session('agent:main:guard');
    const warnings = stubWarnings(() => undefined);
    undo.push(warnings.restore);
    const { document } = await openPlain(session.transcriptPath);
    await waitFor(() => warnings.calls.length === 1, 'the open warning');
    const holder = await scene.holdLive('agent:main:guard');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.lineAt(document.lineCount - 1).range.end, '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const from = ext.unsafeOpenGuard.decisions.length;
    // An extension cannot veto the save: it goes through, and the user is told.
    assert.equal(await document.save(), true);
    const decision = await decisionFor(document.uri, 'save', from);
    assert.equal(decision.verdict, 'warned');
    await waitFor(() => warnings.calls.length === 2, 'the save warning');
    const message = warnings.calls[1]!.message;
    assert.match(message, /without the session write lock/);
    assert.match(message, new RegExp(`pid ${holder.pid} \\(.*openclaw.*\\) holds this session's write lock right now`));
    assert.deepEqual(warnings.calls[1]!.items, [REOPEN]);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), document.getText());
    assert.ok(fs.existsSync(holder.lockPath), 'the holder keeps its lock');
  });

  test('non-transcripts stay quiet: sessions.json and a .jsonl outside the state dir, opened and saved', async () => {
    const session = scene.session('agent:main:guard');
    const warnings = stubWarnings(() => undefined);
    undo.push(warnings.restore);
    const elsewhere = path.join(scene.root, 'notes.jsonl');
    fs.writeFileSync(elsewhere, '{"a":1}\n');
    const store = path.join(path.dirname(session.transcriptPath), 'sessions.json');
    assert.ok(fs.existsSync(store), 'the fixture has a sessions.json');
    for (const quiet of [store, elsewhere]) {
      const { document, decision } = await openPlain(quiet);
      assert.equal(decision.verdict, 'not-a-transcript', quiet);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), ' ');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.equal(await document.save(), true, `saved ${quiet}`);
    }
    // The transcript after them does warn: the guard was listening all along.
    await openPlain(session.transcriptPath);
    await waitFor(() => warnings.calls.length === 1, 'the transcript warning');
    assert.match(warnings.calls[0]!.message, new RegExp(path.basename(session.transcriptPath).replace(/\./g, '\\.')));
    const saves = ext.unsafeOpenGuard.decisions.filter((d) => d.event === 'save' && (d.uri.endsWith('notes.jsonl') || d.uri.endsWith('sessions.json')));
    assert.deepEqual(saves, [], 'no save warning for non-transcripts');
  });

  test('editing.warnOnUnsafeOpen false silences the open and save warnings', async () => {
    const session = scene.session('agent:main:guard');
    await setSetting('editing.warnOnUnsafeOpen', false);
    const warnings = stubWarnings(() => undefined);
    undo.push(warnings.restore);
    const { document, decision } = await openPlain(session.transcriptPath);
    assert.equal(decision.verdict, 'disabled');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.lineAt(document.lineCount - 1).range.end, '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const from = ext.unsafeOpenGuard.decisions.length;
    assert.equal(await document.save(), true);
    assert.equal((await decisionFor(document.uri, 'save', from)).verdict, 'disabled');
    assert.equal(warnings.calls.length, 0);
  });

  test('a transcript over editing.maxReadMB is refused before it is read, suggesting Compact Session', async () => {
    const session = scene.session('agent:main:guard');
    await setSetting('editing.largeFileMB', 1);
    await setSetting('editing.maxReadMB', 2);
    const line = JSON.stringify({ type: 'custom', id: 'b16b00b5', parentId: null, timestamp: new Date().toISOString(), data: 'x'.repeat(4096) });
    const uri = vscode.Uri.from({ scheme: SCHEME, path: session.transcriptPath });
    // 1.5 MB: over the large-file limit, under the cap: opens read-only.
    fs.appendFileSync(session.transcriptPath, `${Array.from({ length: 370 }, () => line).join('\n')}\n`);
    assert.ok(fs.statSync(session.transcriptPath).size < 2 * 2 ** 20);
    assert.equal((await vscode.workspace.fs.readFile(uri)).length, fs.statSync(session.transcriptPath).size);
    // 3 MB: over the cap.
    fs.appendFileSync(session.transcriptPath, `${Array.from({ length: 370 }, () => line).join('\n')}\n`);
    const size = fs.statSync(session.transcriptPath).size;
    assert.ok(size > 2 * 2 ** 20);
    const error = await vscode.workspace.fs.readFile(uri).then(
      () => assert.fail('the read was expected to fail'),
      (e: unknown) => e as vscode.FileSystemError,
    );
    assert.ok(error instanceof vscode.FileSystemError, 'a FileSystemError');
    assert.match(error.message, /over openclawSessions\.editing\.maxReadMB \(2 MB\)/);
    assert.match(error.message, /Compact Session/);
    // Through Open Session too: VS Code shows an error editor, never the content.
    await Promise.resolve(vscode.commands.executeCommand('openclawSessions.openSession', session.transcriptPath)).catch(() => undefined);
    assert.equal(
      vscode.workspace.textDocuments.some((d) => sameFile(d.uri, uri)),
      false,
      'no text document holds the transcript',
    );
    assert.equal(fs.statSync(session.transcriptPath).size, size, 'the transcript is untouched');
  });
});
