// Runs inside the real extension host (code-server), against either the development tree
// or the installed .vsix (scripts/vscode/suite-vsix.mjs), with the real `vscode` API.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'openclaw-session-locks.openclaw-session-locks';

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not loaded in this extension host`);
  return found;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('extension activation (real VS Code)', () => {
  test('runs on the VS Code version the runner asked for', () => {
    const expected = process.env.OPENCLAW_VSCODE_VERSION;
    assert.ok(expected, 'OPENCLAW_VSCODE_VERSION not set by the runner');
    assert.equal(vscode.version, expected);
  });

  test('the runner environment reaches the extension host (OPENCLAW_STATE_DIR points at the fixture)', () => {
    const stateDir = process.env.OPENCLAW_STATE_DIR;
    assert.ok(stateDir, 'OPENCLAW_STATE_DIR not set');
    assert.ok(fs.existsSync(path.join(stateDir, 'agents', 'main', 'sessions', 'sessions.json')), `no fixture sessions.json under ${stateDir}`);
  });

  test('the extension under test is the expected copy (dev tree or installed .vsix)', () => {
    const expectedPath = process.env.OPENCLAW_EXPECT_EXTENSION_PATH;
    const expectedUnder = process.env.OPENCLAW_EXPECT_EXTENSION_UNDER;
    const actual = fs.realpathSync(extension().extensionPath);
    if (expectedPath) assert.equal(actual, fs.realpathSync(expectedPath));
    else if (expectedUnder) assert.ok(actual.startsWith(fs.realpathSync(expectedUnder) + path.sep), `${actual} is not under ${expectedUnder}`);
    else assert.fail('the runner set neither OPENCLAW_EXPECT_EXTENSION_PATH nor OPENCLAW_EXPECT_EXTENSION_UNDER');
    assert.ok(fs.existsSync(path.join(actual, 'dist', 'extension.js')), 'dist/extension.js missing from the extension');
  });

  test('activates by itself after startup when its activation events say so', async () => {
    const events: string[] = extension().packageJSON.activationEvents ?? [];
    assert.ok(events.includes('onStartupFinished') || events.includes('*'), `activationEvents changed (${events.join(', ')}): update this test`);
    await waitFor(() => extension().isActive, 'the extension to activate on its own');
  });

  test('every command the manifest contributes is registered', async () => {
    await extension().activate();
    const contributed: { command: string }[] = extension().packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.some((c) => c.command === 'openclawSessions.showLog'), 'openclawSessions.showLog not contributed');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('OpenClaw: Show Log runs without error', async () => {
    await extension().activate();
    await vscode.commands.executeCommand('openclawSessions.showLog');
  });
});
