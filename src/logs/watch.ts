// OpenClaw's file log, read into a failure tally: where it is (location.ts), what is new in it
// (follow.ts), what each line says (records.ts, failures.ts), one count per failure
// (pairing.ts), per session and lock (tally.ts). `readFailureLog` reads it once (the CLI);
// `FailureLogWatcher` keeps following it (the extension), a cheap stat every couple of seconds.
import { existsSync } from 'node:fs';
import { classify, mightBeFailure } from './failures';
import { DEFAULT_FIRST_WINDOW_MS, LogFollower, type FollowOptions, type PollResult } from './follow';
import { logFileFor, resolveLogLocation, type LocationInputs, type LogLocation } from './location';
import { FailurePairing } from './pairing';
import { parseRecord } from './records';
import { FailureTally } from './tally';

export const DEFAULT_LOG_POLL_MS = 2000;

export interface FailureLogOptions extends LocationInputs, Omit<FollowOptions, 'fileFor' | 'now'> {
  /** Count failures from this moment (epoch ms). Default: the first window, 24 h back. */
  since?: number;
  now?: () => number;
  /** How often the watcher polls. Default 2 s. */
  pollMs?: number;
}

export interface FailureLogState {
  location: LogLocation;
  /** The file read last. */
  file: string;
  tally: FailureTally;
  /** The last poll's result (bytes, lines, rotation…). */
  lastPoll?: PollResult;
}

/** The log's lines through the classifier into a tally; shared by the one-shot read and the watcher. */
class FailureLogReader {
  readonly location: LogLocation;
  readonly tally: FailureTally;
  private readonly follower: LogFollower;
  private readonly pairing = new FailurePairing();
  private readonly now: () => number;
  lastPoll: PollResult | undefined;

  constructor(options: FailureLogOptions) {
    this.now = options.now ?? Date.now;
    const location = resolveLogLocation(options, new Date(this.now()));
    this.location = location;
    this.tally = new FailureTally(options.since ?? this.now() - (options.firstWindowMs ?? DEFAULT_FIRST_WINDOW_MS));
    this.follower = new LogFollower({ ...options, now: this.now, fileFor: (date) => logFileFor(location, date, existsSync), anyWanted: mightBeFailure });
  }

  get file(): string {
    return this.lastPoll?.file ?? logFileFor(this.location, new Date(this.now()), existsSync);
  }

  /** Reads what is new; true when the tally changed. `final`: no partner of a held line can still come. */
  async poll(final = false): Promise<boolean> {
    const before = this.signature();
    this.lastPoll = await this.follower.poll((line) => this.line(line));
    for (const event of final ? this.pairing.flush() : this.pairing.flush(this.now())) this.tally.add(event);
    return this.signature() !== before;
  }

  private line(line: string): void {
    if (!mightBeFailure(line)) return;
    const record = parseRecord(line);
    if (!record) return;
    const event = classify(record);
    if (event) for (const counted of this.pairing.push(event)) this.tally.add(counted);
  }

  private signature(): string {
    const t = this.tally;
    return `${t.total}|${t.lastAt ?? ''}|${t.storeWrites.size}|${[...t.storeWrites.values()].reduce((n, c) => n + c.count, 0)}|${t.stuck.size}|${[...t.stuck.values()].map((s) => s.at).join(',')}|${t.removedLocks.size}`;
  }
}

/** Reads the log once: the failures of the last window (the CLI's `status` and `inspect`). */
export async function readFailureLog(options: FailureLogOptions = {}): Promise<FailureLogState> {
  const reader = new FailureLogReader(options);
  await reader.poll(true);
  return { location: reader.location, file: reader.file, tally: reader.tally, lastPoll: reader.lastPoll };
}

type Listener = (state: FailureLogState) => void;

/** Follows the log; tells listeners when the tally changed. */
export class FailureLogWatcher {
  private reader: FailureLogReader;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<Listener>();
  private disposed = false;

  constructor(private options: FailureLogOptions = {}) {
    this.reader = new FailureLogReader(options);
  }

  get state(): FailureLogState {
    return { location: this.reader.location, file: this.reader.file, tally: this.reader.tally, lastPoll: this.reader.lastPoll };
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The first read, then a poll every `pollMs`. */
  async start(): Promise<FailureLogState> {
    await this.pollOnce();
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.pollOnce(), this.options.pollMs ?? DEFAULT_LOG_POLL_MS);
    this.timer.unref();
    return this.state;
  }

  /** Reads what is new now; resolves once listeners were told. */
  async pollOnce(): Promise<void> {
    if (this.disposed) return;
    let changed = false;
    try {
      changed = await this.reader.poll();
    } catch {
      // An unreadable log is no failure of anybody's messages: the next poll tries again.
      return;
    }
    if (!changed || this.disposed) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.state);
      } catch {
        // one faulty subscriber must not starve the others
      }
    }
  }

  /** Another state dir or log file: start over (the first window again). */
  async restart(options: FailureLogOptions): Promise<FailureLogState> {
    this.options = options;
    this.reader = new FailureLogReader(options);
    await this.pollOnce();
    for (const listener of [...this.listeners]) listener(this.state);
    return this.state;
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    this.listeners.clear();
  }
}
