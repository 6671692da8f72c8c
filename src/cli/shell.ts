// Commands the CLI prints for the operator to run next. They are complete and quoted for a
// POSIX shell, so pasting one does exactly what it says: a path with a space or a quote in it
// cannot split into two arguments or run something else.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The global options a printed command must repeat to see what this run saw: the same state
 * dir and the same thresholds (a lock "held too long" at --error 120 may be fine at the default).
 */
export function repeatedGlobalOptions(values: Record<string, unknown>): string[] {
  const repeated: string[] = [];
  if (typeof values['state-dir'] === 'string') repeated.push('--state-dir', values['state-dir']);
  if (typeof values.warn === 'string') repeated.push('--warn', values.warn);
  if (typeof values.error === 'string') repeated.push('--error', values.error);
  return repeated;
}

/** `openclaw-locks <args> <global options>` as shell words, each already quoted. */
export function commandWords(args: string[], globalOptions: string[] = []): string[] {
  return ['openclaw-locks', ...args, ...globalOptions].map(shellQuote);
}

/** The command on one line, for JSON and for sentences. */
export function commandLine(args: string[], globalOptions: string[] = []): string {
  return commandWords(args, globalOptions).join(' ');
}

/**
 * The command as lines that fit `width` after `indent` spaces, broken between words with a
 * trailing ` \` so that pasting all of them still runs one command. A word is never broken.
 */
export function commandBlock(words: string[], indent: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const lead = lines.length === 0 ? pad : `${pad}  `;
    // Room for the ` \` that a continued line ends with.
    if (line !== '' && lead.length + line.length + 1 + word.length + 2 > width) {
      lines.push(`${lines.length === 0 ? pad : `${pad}  `}${line} \\`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(`${lines.length === 0 ? pad : `${pad}  `}${line}`);
  return lines;
}

/** An example command line split into words at spaces outside double quotes. */
export function shellWords(command: string): string[] {
  return command.split(/ (?=(?:[^"]*"[^"]*")*[^"]*$)/).filter((w) => w !== '');
}
