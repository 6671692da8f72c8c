// Opt-in cleanup of this process's locks at exit and on fatal signals. Importing the lock core
// installs nothing; a host (CLI, extension) calls installExitCleanup() once it wants it.
import { swapOutSync } from './fsops';
import { heldRecords, removeHeldRecord } from './registry';
import { handOverAll } from './handover';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGABRT'];

interface Installation {
  pid: number;
  users: number;
  onExit: () => void;
  onSignal: Map<NodeJS.Signals, () => void>;
}

let installation: Installation | undefined;

/**
 * Synchronously removes every lock this process holds, each only if the file is still ours
 * (verified swap). Returns the lock paths removed. Safe to call at any time.
 */
export function releaseAllHeldLocksSync(): string[] {
  const removed: string[] = [];
  for (const record of heldRecords()) {
    if (record.dev === undefined || record.ino === undefined) continue;
    try {
      if (swapOutSync(record.lockPath, { dev: record.dev, ino: record.ino, raw: record.bytes }) === 'removed') removed.push(record.lockPath);
    } catch {
      // Exiting: nothing useful to do with an error here.
    }
    removeHeldRecord(record);
  }
  // Our queued neighbours would otherwise notice only our death.
  handOverAll();
  return removed;
}

/**
 * Installs handlers for `exit`, SIGINT, SIGTERM, SIGQUIT and SIGABRT that remove our held locks.
 * A signal is re-raised (default action: the process dies as it would have) only when no
 * other listener for it exists; otherwise the host's own handler decides. Returns an
 * uninstaller; several installs share one set of handlers.
 */
export function installExitCleanup(): () => void {
  if (!installation) {
    const pid = process.pid;
    const cleanup = (): void => {
      // A forked child that inherited the table must not remove its parent's locks.
      if (process.pid !== pid) return;
      releaseAllHeldLocksSync();
    };
    const onSignal = new Map<NodeJS.Signals, () => void>();
    for (const signal of SIGNALS) {
      const handler = (): void => {
        cleanup();
        if (process.listenerCount(signal) === 1) {
          process.removeListener(signal, handler);
          process.kill(process.pid, signal);
        }
      };
      onSignal.set(signal, handler);
      try {
        process.on(signal, handler);
      } catch {
        // Not every platform supports every signal.
      }
    }
    process.on('exit', cleanup);
    installation = { pid, users: 0, onExit: cleanup, onSignal };
  }
  installation.users += 1;
  let done = false;
  return () => {
    if (done || !installation) return;
    done = true;
    installation.users -= 1;
    if (installation.users > 0) return;
    process.removeListener('exit', installation.onExit);
    for (const [signal, handler] of installation.onSignal) process.removeListener(signal, handler);
    installation = undefined;
  };
}
