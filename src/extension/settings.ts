// The extension's settings, read in one place: the raw values from VS Code, parsed and
// type-guarded by the pure parseSettings.
import * as vscode from 'vscode';
import { SECTION, parseSettings, type ExtensionSettings } from './settings-parse';

export { SECTION, type CompactionSettings, type EditingSettings, type ExtensionSettings } from './settings-parse';

export function readSettings(): ExtensionSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return parseSettings((name) => config.get(name));
}

/** Writes a user setting (e.g. the state dir the user picked). */
export async function updateUserSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(name, value, vscode.ConfigurationTarget.Global);
}

export function affectsSettings(event: vscode.ConfigurationChangeEvent, name?: string): boolean {
  return event.affectsConfiguration(name ? `${SECTION}.${name}` : SECTION);
}
