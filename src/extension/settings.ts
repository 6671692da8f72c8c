// The extension's settings, read in one place. Values are validated here (package.json
// minimums are advice to the settings editor, not a guarantee for settings.json).
import * as vscode from 'vscode';
import { DEFAULT_THRESHOLDS, type LockThresholds } from '../sessions/types';
import { agentsFromSetting, thresholdsFromSetting } from './lockStatus';

export const SECTION = 'openclawSessions';

export interface ExtensionSettings {
  /** Explicit state dir; undefined defers to OPENCLAW_STATE_DIR and OpenClaw's defaults. */
  stateDir?: string;
  thresholds: LockThresholds;
  autoClearDeadLocks: boolean;
  /** Only these agents; undefined shows all. */
  agents?: string[];
}

export function readSettings(): ExtensionSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const stateDir = config.get<string>('stateDir', '').trim();
  return {
    stateDir: stateDir === '' ? undefined : stateDir,
    thresholds: thresholdsFromSetting(config.get('thresholds'), DEFAULT_THRESHOLDS),
    autoClearDeadLocks: config.get<boolean>('autoClearDeadLocks', false) === true,
    agents: agentsFromSetting(config.get('agents')),
  };
}

export function affectsSettings(event: vscode.ConfigurationChangeEvent, name?: string): boolean {
  return event.affectsConfiguration(name ? `${SECTION}.${name}` : SECTION);
}
