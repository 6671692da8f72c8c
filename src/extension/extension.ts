import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('OpenClaw Session Locks', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('openclawSessions.showLog', () => log.show()));
  log.info('activated');
}

export function deactivate(): void {}
