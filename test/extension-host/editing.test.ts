// Editing a transcript through the openclaw-session: file system in the real VS Code: every
// save takes the session write lock, and every refusal keeps the editor dirty with the text.
// Lock holders are real processes (the OpenClaw gateway stand-in).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import type { BuiltSession } from '../fixtures';
import { Scene, api, resetSettings, setSetting, stubWarnings, waitFor } from './lock-scenes';

const SCHEME = 'openclaw-session';

function uriOf(session: BuiltSession): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: session.transcriptPath });
}

/** The document of the active editor when it shows this session's transcript through openclaw-session:. */
function editorDocumentOf(session: BuiltSession): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document?.uri.scheme === SCHEME && document.uri.path === session.transcriptPath ? document : undefined;
}

async function openAndEdit(session: BuiltSession, edit: (text: string) => string = (t) => t.replace('"type":"message"', '"type":"message","note":"edited by hand"')): Promise<vscode.TextDocument> {
  await vscode.commands.executeCommand('openclawSessions.openSession', session.transcriptPath);
  await waitFor(() => editorDocumentOf(session) !== undefined, 'the session editor');
  const document = editorDocumentOf(session)!;
  const before = document.getText();
  const after = edit(before);
  assert.notEqual(after, before, 'the edit changes something');
  // A workspace edit does not depend on which editor is active at this moment.
  const change = new vscode.WorkspaceEdit();
  change.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(before.length)), after);
  assert.ok(await vscode.workspace.applyEdit(change), 'the edit was applied');
  assert.ok(document.isDirty, 'the document is dirty after the edit');
  return document;
}

async function writeError(session: BuiltSession, text: string): Promise<Error> {
  try {
    await vscode.workspace.fs.writeFile(uriOf(session), Buffer.from(text));
  } catch (error) {
    return error as Error;
  }
  assert.fail('the write was expected to fail');
}

suite('Editing sessions through the lock (real VS Code)', function () {
  this.timeout(90_000);
  let ext: OpenClawSessionsApi;
  let scene: Scene;
  const undo: (() => void)[] = [];

  suiteSetup(async () => {
    ext = await api();
  });

  setup(async () => {
    scene = new Scene();
    scene.build([{ id: 'main', sessions: [{ key: 'agent:main:edit', label: 'Edit me', exchanges: 4 }] }]);
    await scene.show(ext);
  });

  teardown(async () => {
    for (const fn of undo.splice(0)) fn();
    delete ext.sessionFileSystem.saveSteps.beforeCommit;
    // Revert first: closing a dirty editor would ask to save.
    while (vscode.window.activeTextEditor) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await setSetting('editing.lockTimeoutSeconds', undefined);
    await setSetting('editing.largeFileMB', undefined);
    await scene.dispose();
    await resetSettings(ext);
  });

  test('Open Session opens an openclaw-session: editor whose stat has the real mtime and size', async () => {
    const session = scene.session('agent:main:edit');
    await vscode.commands.executeCommand('openclawSessions.openSession', session.transcriptPath);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.scheme === SCHEME, 'the session editor');
    const stat = await vscode.workspace.fs.stat(uriOf(session));
    const real = fs.statSync(session.transcriptPath);
    assert.equal(stat.mtime, real.mtimeMs);
    assert.equal(stat.size, real.size);
    assert.equal(stat.permissions, undefined, 'writable');
    assert.equal(vscode.window.activeTextEditor!.document.getText(), fs.readFileSync(session.transcriptPath, 'utf8'));
    const folder = vscode.Uri.from({ scheme: SCHEME, path: path.dirname(session.transcriptPath) });
    const listing = await vscode.workspace.fs.readDirectory(folder);
    assert.deepEqual(listing.map(([name]) => name).sort(), [path.basename(session.transcriptPath)], 'only transcripts are listed (not sessions.json)');
  });

  test('a save waits while the gateway holds the lock (after asking), then succeeds once it is released', async () => {
    const session = scene.session('agent:main:edit');
    const document = await openAndEdit(session);
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const holder = await scene.holdLive('agent:main:edit');
    const warnings = stubWarnings(() => 'Save Anyway');
    undo.push(warnings.restore);
    const saving = document.save();
    await waitFor(() => warnings.calls.length === 1, 'the foreign-write warning');
    assert.match(warnings.calls[0]!.message, new RegExp(`pid ${holder.pid} \\(.*openclaw.*\\) holds this session's write lock`));
    assert.equal(warnings.calls[0]!.options?.modal, true);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original, 'nothing written while the gateway holds the lock');
    await holder.stop();
    assert.equal(await saving, true);
    assert.equal(document.isDirty, false);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), document.getText());
    assert.match(document.getText(), /edited by hand/);
    assert.equal(fs.existsSync(session.lockPath), false, 'our lock is released');
  });

  test('Cancel on the warning keeps the edit unsaved and writes nothing', async () => {
    const session = scene.session('agent:main:edit');
    const document = await openAndEdit(session);
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const holder = await scene.holdLive('agent:main:edit');
    const warnings = stubWarnings(() => undefined);
    undo.push(warnings.restore);
    assert.equal(await document.save(), false, 'save() reports failure');
    assert.deepEqual(warnings.calls.map((c) => c.items), [['Save Anyway']], 'asked once, with Save Anyway');
    assert.ok(document.isDirty, 'still dirty');
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original, 'nothing written');
    assert.equal(fs.readFileSync(holder.lockPath, 'utf8').includes(`"pid": ${holder.pid}`), true, 'the holder keeps its lock');
    await holder.stop();
  });

  test('a save while the holder never releases fails with the holder in the message and keeps the editor dirty', async () => {
    const session = scene.session('agent:main:edit');
    await setSetting('editing.lockTimeoutSeconds', 1);
    const document = await openAndEdit(session);
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const holder = await scene.holdLive('agent:main:edit');
    const warnings = stubWarnings(() => 'Save Anyway');
    undo.push(warnings.restore);
    assert.equal(await document.save(), false);
    assert.ok(document.isDirty, 'the editor stays dirty');
    assert.match(document.getText(), /edited by hand/, 'the text is kept');
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original);
    const error = await writeError(session, document.getText());
    assert.match(error.message, new RegExp(`locked by pid ${holder.pid} \\(.*openclaw`));
    assert.match(error.message, /Nothing was written/);
    assert.ok(fs.existsSync(holder.lockPath), 'the holder keeps its lock');
  });

  test('a transcript changed on disk since it was opened is refused; the gateway\'s line survives', async () => {
    const session = scene.session('agent:main:edit');
    const document = await openAndEdit(session);
    const appended = JSON.stringify({ type: 'message', id: 'feedf00d', parentId: null, timestamp: new Date().toISOString(), message: { role: 'user', content: 'appended by the gateway' } });
    fs.appendFileSync(session.transcriptPath, `${appended}\n`);
    const onDisk = fs.readFileSync(session.transcriptPath, 'utf8');
    assert.equal(await document.save(), false);
    assert.ok(document.isDirty);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), onDisk);
    const error = await writeError(session, document.getText());
    assert.match(error.message, /changed on disk since it was opened/);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), onDisk);
  });

  test('invalid JSON is refused with its line and column', async () => {
    const session = scene.session('agent:main:edit');
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const document = await openAndEdit(session, (text) => {
      const lines = text.split('\n');
      lines[2] = lines[2]!.slice(0, -1);
      return lines.join('\n');
    });
    assert.equal(await document.save(), false);
    assert.ok(document.isDirty);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original);
    const error = await writeError(session, document.getText());
    assert.match(error.message, /Not saved: line 3, column \d+: /);
  });

  test('a lock taken over mid-save aborts without writing and leaves the other lock alone', async () => {
    const session = scene.session('agent:main:edit');
    const document = await openAndEdit(session);
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const foreign = `${JSON.stringify({ pid: process.pid + 100000, createdAt: new Date().toISOString(), maxHoldMs: 300000 }, null, 2)}\n`;
    let stolen = 0;
    // What OpenClaw 2026.5.3+ does to a lock whose owner is not OpenClaw: delete it, take its own.
    ext.sessionFileSystem.saveSteps.beforeCommit = () => {
      stolen += 1;
      fs.unlinkSync(session.lockPath);
      fs.writeFileSync(session.lockPath, foreign, { flag: 'wx' });
    };
    assert.equal(await document.save(), false);
    assert.equal(stolen, 1);
    assert.ok(document.isDirty);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original);
    assert.equal(fs.readFileSync(session.lockPath, 'utf8'), foreign, 'the other process\'s lock is untouched');
    const leftovers = fs.readdirSync(scene.root, { recursive: true }).map(String).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'no temp file left');
    // Once the other process is done, saving again works and the edit lands.
    delete ext.sessionFileSystem.saveSteps.beforeCommit;
    fs.unlinkSync(session.lockPath);
    assert.equal(await document.save(), true);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), document.getText());
  });

  test('autosave never writes a transcript: its language turns files.autoSave off, even when the user has it on', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    await files.update('autoSaveDelay', 100, vscode.ConfigurationTarget.Global);
    undo.push(() => {
      void files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
      void files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
    });
    const session = scene.session('agent:main:edit');
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const document = await openAndEdit(session);
    assert.equal(document.languageId, 'openclaw-transcript');
    assert.equal(vscode.workspace.getConfiguration('files', document).get('autoSave'), 'off');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.ok(document.isDirty, 'still unsaved 15 autosave delays later');
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original, 'nothing written without the user asking');
    assert.equal(await document.save(), true, 'an explicit save still works');
    assert.match(fs.readFileSync(session.transcriptPath, 'utf8'), /edited by hand/);
  });

  test('a line typed without Enter is saved with one final newline, and OpenClaw\'s next append stays a line of its own', async () => {
    const session = scene.session('agent:main:edit');
    const typed = '{"type":"message","message":{"role":"user","content":"hi"}}';
    const document = await openAndEdit(session, (text) => `${text.trimEnd()}\n${typed}`);
    assert.equal(await document.save(), true);
    const written = fs.readFileSync(session.transcriptPath, 'utf8');
    assert.ok(written.endsWith(`${typed}\n`) && !written.endsWith('\n\n'), 'exactly one newline after the last entry');
    // What the gateway does next: append one entry as JSON + "\n".
    fs.appendFileSync(session.transcriptPath, `${JSON.stringify({ type: 'message', id: 'feedf00d', message: { role: 'assistant', content: 'ok' } })}\n`);
    for (const line of fs.readFileSync(session.transcriptPath, 'utf8').trimEnd().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
  });

  test('an invalid line is marked in the Problems panel, and a refused save names its line and column', async () => {
    const session = scene.session('agent:main:edit');
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    const lines = original.trimEnd().split('\n');
    const document = await openAndEdit(session, () => [...lines.slice(0, 2), '{"a":1 "b":2}', ...lines.slice(2)].join('\n') + '\n');
    await waitFor(() => vscode.languages.getDiagnostics(document.uri).length === 1, 'a diagnostic on the bad line');
    const [diagnostic] = vscode.languages.getDiagnostics(document.uri);
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([diagnostic!.range.start.line, diagnostic!.range.start.character], [2, 7]);
    assert.match(diagnostic!.message, /Expected ',' or '}' after property value/);
    assert.equal(await document.save(), false);
    assert.ok(document.isDirty);
    const error = await writeError(session, document.getText());
    assert.match(error.message, /Not saved: line 3, column 8: Expected ',' or '}' after property value/);
    assert.doesNotMatch(error.message, /interrupted|position \d+/);
    assert.equal(fs.readFileSync(session.transcriptPath, 'utf8'), original);
    // Fixing the line clears the mark.
    const fix = new vscode.WorkspaceEdit();
    fix.replace(document.uri, document.lineAt(2).range, '{"a":1,"b":2}');
    await vscode.workspace.applyEdit(fix);
    await waitFor(() => vscode.languages.getDiagnostics(document.uri).length === 0, 'the mark cleared');
  });

  test('the editor tab shows the session\'s name, not its id file name', async () => {
    const session = scene.session('agent:main:edit');
    await openAndEdit(session);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.equal(tab?.label, 'Edit me');
  });

  test('a transcript over the large-file limit is read-only', async () => {
    const session = scene.session('agent:main:edit');
    await setSetting('editing.largeFileMB', 1);
    const line = JSON.stringify({ type: 'custom', id: 'b16b00b5', parentId: null, timestamp: new Date().toISOString(), data: 'x'.repeat(4096) });
    fs.appendFileSync(session.transcriptPath, `${Array.from({ length: 300 }, () => line).join('\n')}\n`);
    const stat = await vscode.workspace.fs.stat(uriOf(session));
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
    const original = fs.readFileSync(session.transcriptPath, 'utf8');
    await vscode.workspace.fs.readFile(uriOf(session));
    const error = await writeError(session, original);
    assert.match(error.message, /over openclawSessions\.editing\.largeFileMB/);
  });
});
