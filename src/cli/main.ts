// `openclaw-locks`: the session lock tool for servers where no editor runs.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { thresholdsFromSeconds, type ScanOptions } from '../sessions';
import { version } from '../../package.json';
import './commands';
import { DEFAULT_WIDTH, colourWanted, fitTable, makePalette, outputWidth, unbreakable, unglue, wrap, wrapParagraphs } from './format';
import { commandBlock, commandWords, repeatedGlobalOptions, shellWords } from './shell';
import { closestWord } from './suggest';
import { streamOutput } from './output';
import { EXIT_ERROR, UsageError, getCommand, listCommands, type CliCommand, type CliContext, type OptionSpec } from './command-table';

const DEFAULT_COMMAND = 'status';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'state-dir': { type: 'string', valueName: '<dir>', description: 'OpenClaw state dir (default: $OPENCLAW_STATE_DIR, else ~/.openclaw or a legacy ~/.clawdbot)' },
  agent: { type: 'string', multiple: true, valueName: '<id>', description: 'only this agent (repeatable)' },
  warn: { type: 'string', valueName: '<seconds>', description: 'a live lock held longer than this needs attention (default 60)' },
  error: { type: 'string', valueName: '<seconds>', description: 'a live lock held longer than this is an error (default 300)' },
  openclaw: { type: 'string', valueName: '<path>', description: 'the openclaw launcher (default: openclaw on PATH); its version names the storage era' },
  node: { type: 'string', valueName: '<path>', description: 'a Node with node:sqlite to read 2026.8+ databases when this one has none (default: the one beside openclaw, else PATH)' },
  json: { type: 'boolean', description: 'machine-readable output' },
  'no-color': { type: 'boolean', description: 'no colour even on a terminal (NO_COLOR is respected too)' },
  help: { type: 'boolean', short: 'h', description: 'help for the command' },
};

function optionLines(options: Record<string, OptionSpec>, width: number): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`;
    return ['', unbreakable(flag), spec.description];
  });
  return fitTable(rows, { width, minLast: 30 });
}

export function mainHelp(width = DEFAULT_WIDTH): string {
  const commands = listCommands();
  return [
    `openclaw-locks ${version}: see, explain and safely clear OpenClaw session write locks.`,
    '',
    'Usage: openclaw-locks [command] [options]',
    '',
    'Commands:',
    ...fitTable(commands.map((c) => ['', c.name, c.summary]), { width, minLast: 30 }),
    '',
    'Global options:',
    ...optionLines({ ...GLOBAL_OPTIONS, version: { type: 'boolean', short: 'V', description: 'print the version' } }, width),
    '',
    'Run `openclaw-locks <command> --help` for a command\'s options.',
  ].join('\n');
}

export function commandHelp(command: CliCommand, width = DEFAULT_WIDTH): string {
  // A description's line breaks were made for some other width: rewrap it as one paragraph.
  const paragraph = (text: string) => wrap(text.split('\n').join(' '), width);
  const [usage, ...usageRest] = wrap(`openclaw-locks ${command.usage}`, width - 7);
  return [
    `Usage: ${usage}`,
    ...usageRest.map((line) => `       ${line}`),
    '',
    ...paragraph(command.summary),
    ...(command.description ? ['', ...paragraph(command.description)] : []),
    ...(command.options && Object.keys(command.options).length > 0 ? ['', 'Options:', ...optionLines(command.options, width)] : []),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS, width),
    ...(command.examples ? ['', 'Examples:', ...command.examples.flatMap((e) => commandBlock(shellWords(e), 2, width))] : []),
  ].join('\n');
}

function seconds(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} takes a positive number of seconds, got "${String(value)}".`);
  }
  return n;
}

/** parseArgs says `Unknown option '--dry-rn'`; add which option was probably meant. */
function withOptionSuggestion(message: string, known: string[]): string {
  const unknown = /Unknown option '--([^'=]+)'/.exec(message)?.[1];
  const meant = unknown ? closestWord(unknown, known) : undefined;
  return meant ? `${message.split('. ')[0]}. Did you mean --${meant}?` : message;
}

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** The terminal's width when stdout is one (process.stdout.columns). */
  columns?: number;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when nobody reads the output any more (`| head -1`); never, when omitted. */
  outputClosed?: Promise<void>;
}

export async function runCli(io: CliIo): Promise<number> {
  const args = [...io.argv];
  if (args.includes('--version') || args.includes('-V')) {
    io.out(version);
    return 0;
  }
  const first = args[0];
  let command: CliCommand | undefined;
  if (first !== undefined && !first.startsWith('-')) {
    command = getCommand(first);
    if (!command) {
      const names = listCommands().map((c) => c.name);
      const meant = closestWord(first, names);
      io.err(`Unknown command "${first}".${meant ? ` Did you mean ${meant}?` : ''} Commands: ${names.join(', ')}. Run \`openclaw-locks --help\`.`);
      return EXIT_ERROR;
    }
    args.shift();
  }
  const explicitCommand = command !== undefined;
  const width = outputWidth(io.isTTY, io.columns, io.env);
  command ??= getCommand(DEFAULT_COMMAND)!;
  try {
    const options = { ...GLOBAL_OPTIONS, ...(command.options ?? {}) };
    const config: ParseArgsConfig = {
      args,
      options: Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, {
        type: spec.type,
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.multiple ? { multiple: true } : {}),
      }])),
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    };
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs(config);
    } catch (error) {
      throw new UsageError(withOptionSuggestion((error as Error).message, Object.keys(options)));
    }
    const values = parsed.values as CliContext['values'];
    if (values.help) {
      io.out(explicitCommand ? commandHelp(command, width) : mainHelp(width));
      return 0;
    }
    const thresholds = thresholdsFromSeconds({ warn: seconds('warn', values.warn), error: seconds('error', values.error) });
    if (values.warn !== undefined && values.error !== undefined && Number(values.warn) > Number(values.error)) {
      throw new UsageError('--warn must not be larger than --error.');
    }
    const scanOptions: ScanOptions = { env: io.env, thresholds };
    if (typeof values['state-dir'] === 'string') scanOptions.stateDir = values['state-dir'];
    if (Array.isArray(values.agent)) scanOptions.agents = values.agent.map(String);
    if (typeof values.openclaw === 'string') scanOptions.openclawPath = values.openclaw;
    if (typeof values.node === 'string') scanOptions.nodePath = values.node;
    const ctx: CliContext = {
      command,
      values,
      positionals: parsed.positionals,
      scanOptions,
      thresholds,
      json: values.json === true,
      isTTY: io.isTTY,
      palette: makePalette(colourWanted(io.isTTY, io.env, values['no-color'] === true)),
      env: io.env,
      out: (text) => io.out(unglue(text)),
      // Messages are sentences: wrapped like the rest (a path in them stays whole).
      err: (text) => io.err(wrapParagraphs(text, width)),
      outputClosed: io.outputClosed ?? new Promise<void>(() => undefined),
      width,
      commandToRun: (commandArgs) => commandWords(commandArgs, repeatedGlobalOptions(values)),
    };
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(wrapParagraphs(`${error.message}\nRun \`openclaw-locks ${command.name} --help\` for usage.`, width));
      return EXIT_ERROR;
    }
    io.err(`openclaw-locks ${command.name} failed: ${(error as Error).stack ?? String(error)}`);
    return EXIT_ERROR;
  }
}

if (require.main === module) {
  const stdout = streamOutput(process.stdout);
  const stderr = streamOutput(process.stderr);
  runCli({
    argv: process.argv.slice(2),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns,
    out: (text) => stdout.line(text),
    err: (text) => stderr.line(text),
    outputClosed: stdout.whenClosed,
  }).then(
    (code) => {
      // A reader that left early changes nothing; output that could not be written is an error.
      if (stdout.failure) stderr.line(`openclaw-locks: could not write the output: ${stdout.failure.message}`);
      process.exitCode = stdout.failure ? EXIT_ERROR : code;
    },
    (error: unknown) => {
      stderr.line(`openclaw-locks: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
