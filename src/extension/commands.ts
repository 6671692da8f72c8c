// One way to register a command, as VS Code's git extension has: every command's failure
// becomes a log line and one clear message instead of an unhandled rejection (a stack in the
// extension host log and nothing for the user). Also the one rule for turning a command
// argument into a path.
import * as vscode from 'vscode';
import { SESSION_SCHEME } from './session-file-system';

export interface CommandContext {
  log: vscode.LogOutputChannel;
}

/**
 * Registers `openclawSessions.<id>`. A thrown error is logged and shown as
 * "OpenClaw: <what> failed: <message>"; the command then resolves to undefined.
 */
export function createCommand<A extends unknown[], R>(
  context: CommandContext,
  id: string,
  what: string,
  run: (...args: A) => R | Promise<R>,
  options: { afterFailure?: () => Promise<void> } = {},
): vscode.Disposable {
  return vscode.commands.registerCommand(`openclawSessions.${id}`, async (...args: A) => {
    try {
      return await run(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.log.error(`${id}: failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('OpenClaw: {0} failed: {1}', what, message));
      await options.afterFailure?.();
      return undefined;
    }
  });
}

/**
 * The file-system path a command argument names: a path as given; a `file:` URI by its
 * fsPath; an `openclaw-session:` URI by its path (its query only carries the tab's name).
 */
export function pathFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.scheme === SESSION_SCHEME ? arg.path : arg.scheme === 'file' ? arg.fsPath : undefined;
  return undefined;
}
