// One failure, one count. OpenClaw logs a failed run more than once:
//
// - 7.35 runs an embedded turn as a task in the session's lane (`session:<key>`) that itself
//   waits on a task in a global lane (`main`, `cron-nested`; embedded-agent.js:
//   `enqueueSession(() => enqueueGlobal(run))`). When the run throws, the inner task fails
//   first and command-queue.js logs `lane task error: lane=main … error="X"`, then the same
//   rejection fails the outer task: `lane task error: lane=session:<key> … error="X"`, with the
//   same error text, 2–3 ms later (the real gateway, test/logs/fixtures/real-7.35-lock-timeout.log).
//   The session line is the one that names the session, so it is the one counted; a global-lane
//   line is held back until its session line arrives and then dropped. A global-lane failure
//   with no session line within the window (a run enqueued without a session lane) counts alone.
// - The reply pipeline (a message from a chat channel) then logs `Embedded agent failed before
//   reply: <the error's message>` for the same run: dropped when a lane line with that message
//   was counted or held within the window, counted otherwise.
// - 9.6: a transaction that waits out its busy timeout logs `SQLite transaction lock wait
//   failed`, and the session write it served then logs `SQLite session write failed`: one
//   failed write when both come from the same pid and agent within the window.
//
// Memory is bounded: only lines inside the window are remembered, at most MAX_REMEMBERED.
import type { FailureEvent } from './failures';

/** How far apart (by their own timestamps) the lines of one failure may be. */
export const PAIR_WINDOW_MS = 5000;
const MAX_REMEMBERED = 256;

interface Remembered {
  event: FailureEvent;
  /** The error's message, the part every line of one failure shares. */
  core: string;
}

const isLaneFailure = (e: FailureEvent) => e.kind === 'lock-timeout' || e.kind === 'lock-stale' || e.kind === 'run-failed';
const sameStoreWrite = (a: FailureEvent, b: FailureEvent) => a.agentId === b.agentId && a.pid === b.pid;

export class FailurePairing {
  /** Global-lane and SQLite transaction lines waiting for the line that makes them one failure. */
  private held: Remembered[] = [];
  /** Lane failures counted recently, for the reply pipeline's line that follows them. */
  private counted: Remembered[] = [];

  /** The events to count now (possibly an earlier held one whose partner never came). */
  push(event: FailureEvent): FailureEvent[] {
    const out = this.expire(event.time);
    const core = event.error;
    if (isLaneFailure(event)) {
      if (event.sessionKey === undefined) {
        if (!this.counted.some((r) => r.core === core)) this.hold({ event, core }, out);
        return out;
      }
      // Its global-lane twin is this same failure.
      this.held = this.held.filter((r) => !(isLaneFailure(r.event) && r.core === core));
      this.remember(this.counted, { event, core });
      out.push(event);
      return out;
    }
    if (event.kind === 'agent-failed') {
      const twin = (r: Remembered) => isLaneFailure(r.event) && (r.core === core || r.core.includes(core) || core.includes(r.core));
      const held = this.held.find(twin);
      if (held) {
        // The reply line came before any session line: the held global-lane line is this failure.
        this.held = this.held.filter((r) => r !== held);
        this.remember(this.counted, held);
        out.push({ ...held.event, lockPath: held.event.lockPath ?? event.lockPath });
        return out;
      }
      if (this.counted.some(twin)) return out;
      out.push(event);
      return out;
    }
    if (event.kind === 'store-write-failed') {
      if (event.error.startsWith('SQLite transaction lock wait failed')) {
        this.hold({ event, core }, out);
        return out;
      }
      this.held = this.held.filter((r) => !(r.event.kind === 'store-write-failed' && sameStoreWrite(r.event, event)));
      out.push(event);
      return out;
    }
    out.push(event);
    return out;
  }

  /** Held lines whose partner can no longer come, as of `now` (or all of them). */
  flush(now = Number.POSITIVE_INFINITY): FailureEvent[] {
    return this.expire(now);
  }

  private expire(now: number): FailureEvent[] {
    const due = this.held.filter((r) => now - r.event.time > PAIR_WINDOW_MS);
    if (due.length > 0) this.held = this.held.filter((r) => !due.includes(r));
    this.counted = this.counted.filter((r) => now - r.event.time <= PAIR_WINDOW_MS);
    return due.map((r) => r.event);
  }

  private hold(entry: Remembered, out: FailureEvent[]): void {
    this.held.push(entry);
    // Never more than the cap: the oldest held line counts alone rather than be forgotten.
    if (this.held.length > MAX_REMEMBERED) out.push(this.held.shift()!.event);
  }

  private remember(list: Remembered[], entry: Remembered): void {
    list.push(entry);
    if (list.length > MAX_REMEMBERED) list.shift();
  }
}
