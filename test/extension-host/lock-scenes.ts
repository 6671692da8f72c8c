// Helpers for the sessions-view integration tests (not a test file): the extension's API,
// private state dirs pointed at through the `openclawSessions.stateDir` setting, and polling
// that waits on state (never on time).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenClawSessionsApi } from '../../src/extension/extension';
import { buildStateDir, leaveDeadHolderLock, startLiveHolder, type AgentSpec, type BuiltSession, type LiveHolder, type OneLockHolder } from '../fixtures';

export const EXTENSION_ID = 'openclaw-session-locks.openclaw-session-locks';

/** The extension's test API, once activated and its first scan is done. */
export async function api(): Promise<OpenClawSessionsApi> {
  const extension = vscode.extensions.getExtension<OpenClawSessionsApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const exports = await extension.activate();
  assert.ok(exports && typeof exports.whenIdle === 'function', 'activate() returned no test API');
  await waitFor(() => exports.snapshot() !== undefined, 'the first scan');
  return exports;
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('openclawSessions');
}

export async function setSetting(name: string, value: unknown): Promise<void> {
  await config().update(name, value, vscode.ConfigurationTarget.Global);
}

/** A private state dir, its live holders, and a way back to the runner's sample. */
export class Scene {
  readonly holders: LiveHolder[] = [];
  readonly root: string;
  readonly stateDir: string;
  sessions: BuiltSession[] = [];

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-ext-'));
    this.stateDir = path.join(this.root, 'state');
  }

  build(agents: AgentSpec[]): BuiltSession[] {
    this.sessions = buildStateDir(this.stateDir, agents);
    return this.sessions;
  }

  session(key: string): BuiltSession {
    const found = this.sessions.find((s) => s.key === key);
    assert.ok(found, `no session ${key}`);
    return found;
  }

  async holdLive(key: string, options: { createdAt?: string; maxHoldMs?: number } = {}): Promise<OneLockHolder> {
    const holder = await startLiveHolder({ sessionFile: this.session(key).transcriptPath, ...options });
    this.holders.push(holder);
    return holder;
  }

  async leaveDead(key: string, createdAt?: string): Promise<{ pid: number; lockPath: string }> {
    return leaveDeadHolderLock({ sessionFile: this.session(key).transcriptPath, createdAt });
  }

  /** Points the extension here and waits until a scan of this dir is applied. */
  async show(ext: OpenClawSessionsApi): Promise<void> {
    const target = fs.realpathSync(this.stateDir);
    await setSetting('stateDir', this.stateDir);
    await waitFor(() => {
      const dir = ext.snapshot()?.resolution.stateDir;
      return dir !== undefined && fs.existsSync(dir) && fs.realpathSync(dir) === target;
    }, `a scan of ${this.stateDir}`);
    await ext.whenIdle();
  }

  async dispose(): Promise<void> {
    await Promise.all(this.holders.map((h) => h.stop()));
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Default settings again, with the state dir set to `stateDir` (a suite's own scene) or
 * unset (back to OPENCLAW_STATE_DIR or OpenClaw's default).
 */
export async function resetSettings(ext: OpenClawSessionsApi, stateDir?: string): Promise<void> {
  for (const name of ['thresholds', 'autoClearDeadLocks', 'agents']) await setSetting(name, undefined);
  await setSetting('stateDir', stateDir);
  await vscode.commands.executeCommand('openclawSessions.showAllSessions');
  const expected = stateDir ?? process.env.OPENCLAW_STATE_DIR;
  if (expected) await waitFor(() => ext.snapshot()?.resolution.stateDir === path.resolve(expected), `a scan of ${expected}`);
  await ext.whenIdle();
}

type WarningCall = { message: string; options?: vscode.MessageOptions; items: string[] };

/**
 * Replaces window.showWarningMessage for one test: `answer` picks the button per call.
 * The extension calls the function at the time of use, so the stub is what it sees.
 */
export function stubWarnings(answer: (call: WarningCall) => string | undefined): { calls: WarningCall[]; restore(): void } {
  const original = vscode.window.showWarningMessage;
  const calls: WarningCall[] = [];
  (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (message: string, ...rest: unknown[]) => {
    let options: vscode.MessageOptions | undefined;
    if (rest.length > 0 && rest[0] && typeof rest[0] === 'object' && !('title' in (rest[0] as object))) options = rest.shift() as vscode.MessageOptions;
    const items = rest.map((item) => (typeof item === 'string' ? item : (item as vscode.MessageItem).title));
    const call = { message, options, items };
    calls.push(call);
    return Promise.resolve(answer(call));
  };
  return {
    calls,
    restore: () => {
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
    },
  };
}

/** Same for window.showInformationMessage (reports after a removal). */
export function stubInformation(): { messages: string[]; restore(): void } {
  const original = vscode.window.showInformationMessage;
  const messages: string[] = [];
  (vscode.window as { showInformationMessage: unknown }).showInformationMessage = (message: string) => {
    messages.push(message);
    return Promise.resolve(undefined);
  };
  return {
    messages,
    restore: () => {
      (vscode.window as { showInformationMessage: unknown }).showInformationMessage = original;
    },
  };
}
