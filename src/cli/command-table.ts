// The command table. Each command is a plain object registered here; `commands.ts` imports
// the built-in ones, and another command (e.g. `compact`) joins with one import line there.
import type { ScanOptions, LockThresholds } from '../sessions';
import type { Palette } from './format';

export const EXIT_OK = 0;
/** A stale or over-threshold lock exists (for cron and monitoring). */
export const EXIT_ATTENTION = 1;
export const EXIT_ERROR = 2;

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help, e.g. `<seconds>`. */
  valueName?: string;
  description: string;
}

export interface CliContext {
  command: CliCommand;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** What the global flags say: state dir, agents, thresholds, environment. */
  scanOptions: ScanOptions;
  thresholds: LockThresholds;
  json: boolean;
  isTTY: boolean;
  palette: Palette;
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when nobody reads stdout any more: a long-running command stops then. */
  outputClosed: Promise<void>;
  /** Columns to fit human output into (the terminal's, else COLUMNS, else 100). */
  width: number;
  /** A complete command for the operator to paste, as quoted shell words, with this run's state dir and thresholds. */
  commandToRun(args: string[]): string[];
}

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** e.g. `inspect <session-key|session-id|transcript|lock-path>` */
  usage: string;
  /** Paragraphs printed by `--help`. */
  description?: string;
  options?: Record<string, OptionSpec>;
  allowPositionals?: boolean;
  examples?: string[];
  run(ctx: CliContext): Promise<number>;
}

/** A mistake in the command line: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {}

const registry = new Map<string, CliCommand>();

export function registerCommand(command: CliCommand): void {
  if (registry.has(command.name)) throw new Error(`command "${command.name}" registered twice`);
  registry.set(command.name, command);
}

export function getCommand(name: string): CliCommand | undefined {
  return registry.get(name);
}

export function listCommands(): CliCommand[] {
  return [...registry.values()];
}
