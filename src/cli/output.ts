// Where the CLI's lines go. A reader that goes away early (`openclaw-locks status | head -1`)
// is normal use, not a failure: Node reports it as an EPIPE 'error' event, which would
// otherwise crash the process with a stack trace and exit 1, a false alarm for cron. So the
// output stops quietly, the command still finishes, and the exit code still says what the
// state is.

export interface Output {
  /** Writes one line, or nothing once the reader has gone. */
  line(text: string): void;
  /** Whether the reader has gone (EPIPE) or the stream failed. */
  readonly closed: boolean;
  /** A write failure other than a closed reader (a full disk behind `> file`), if any. */
  readonly failure: Error | undefined;
  /** Resolves when the output closes, so a long-running command (watch) can stop. */
  readonly whenClosed: Promise<void>;
}

/** Errors that mean "nobody reads this any more", not "something broke". */
function readerGone(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' || error.code === 'ECONNRESET';
}

export function streamOutput(stream: NodeJS.WritableStream): Output {
  let closed = false;
  let failure: Error | undefined;
  let markClosed!: () => void;
  const whenClosed = new Promise<void>((resolve) => { markClosed = resolve; });
  const close = (error?: NodeJS.ErrnoException) => {
    if (error && !readerGone(error) && !failure) failure = error;
    if (closed) return;
    closed = true;
    markClosed();
  };
  // The listener is what keeps EPIPE from becoming an uncaught exception.
  stream.on('error', close);
  return {
    line(text: string) {
      if (closed) return;
      try {
        stream.write(`${text}\n`);
      } catch (error) {
        // Synchronous pipes can throw instead of emitting.
        close(error as NodeJS.ErrnoException);
      }
    },
    get closed() { return closed; },
    get failure() { return failure; },
    whenClosed,
  };
}
