// One kind of cancellable progress for long work: saving, trimming and summarizing.
import * as vscode from 'vscode';

/**
 * A notification progress whose Cancel aborts `signal`; what the task reports shows under
 * the title. Saving, trimming and summarizing all run this way.
 */
export function withCancellableProgress<T>(
  title: string,
  task: (report: (message: string) => void, signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      return await task((message) => progress.report({ message }), controller.signal);
    } finally {
      subscription.dispose();
    }
  });
}
