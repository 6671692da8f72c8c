// The one command wrapper, in the real VS Code: a failing command is logged and shown once,
// and resolves instead of rejecting into the extension host's log.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { createCommand, pathFromArgument } from '../../src/extension/commands';

suite('createCommand (real VS Code)', () => {
  test('a command that throws logs the failure, shows one error message, resolves undefined and runs afterFailure', async () => {
    const errors: string[] = [];
    const log = { error: (line: string) => errors.push(line) } as unknown as vscode.LogOutputChannel;
    const shown: string[] = [];
    const original = vscode.window.showErrorMessage;
    (vscode.window as { showErrorMessage: unknown }).showErrorMessage = (message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    };
    let rescanned = 0;
    const registration = createCommand({ log }, 'testFailingCommand', 'Doing the thing', () => {
      throw new Error('EIO: disk on fire');
    }, { afterFailure: async () => { rescanned += 1; } });
    try {
      const result = await vscode.commands.executeCommand('openclawSessions.testFailingCommand');
      assert.equal(result, undefined);
      assert.deepEqual(shown, ['OpenClaw: Doing the thing failed: EIO: disk on fire']);
      assert.deepEqual(errors, ['testFailingCommand: failed: EIO: disk on fire']);
      assert.equal(rescanned, 1);
      const ok = createCommand({ log }, 'testWorkingCommand', 'Working', (n: number) => n * 2);
      try {
        assert.equal(await vscode.commands.executeCommand('openclawSessions.testWorkingCommand', 21), 42);
      } finally {
        ok.dispose();
      }
    } finally {
      registration.dispose();
      (vscode.window as { showErrorMessage: unknown }).showErrorMessage = original;
    }
  });

  test('one rule turns a command argument into a path: file: by fsPath, openclaw-session: by path (not its query)', () => {
    assert.equal(pathFromArgument('/a/b.jsonl'), '/a/b.jsonl');
    assert.equal(pathFromArgument(vscode.Uri.file('/a/b c.jsonl')), '/a/b c.jsonl');
    assert.equal(pathFromArgument(vscode.Uri.from({ scheme: 'openclaw-session', path: '/a/b.jsonl', query: '{"tabName":"/Ops"}' })), '/a/b.jsonl');
    assert.equal(pathFromArgument(vscode.Uri.parse('untitled:Untitled-1')), undefined);
    assert.equal(pathFromArgument(42), undefined);
  });
});
