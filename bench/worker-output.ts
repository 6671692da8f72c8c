// How a benchmark worker talks to its parent: one JSON message per line on stdout.

export function emit(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * Exits once everything emitted has reached the pipe. A contention worker's last line (every
 * hold's times, ~220 KB at 4000 holds) is bigger than the pipe's buffer: what does not fit is
 * written later, and an exit before that cut the line short (the parent then failed to parse it).
 */
export function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}
