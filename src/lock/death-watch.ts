// Being told that a lock holder (or the queue's head) died, without polling it. Every process
// that queues for or takes a lock with this core listens on a Linux abstract Unix socket named
// after its pid and start time: nothing on disk, and the kernel takes the name away with the
// process. A waiter connects to the socket of the process it waits on; however that process
// ends, SIGKILL included, the kernel closes the connection as the process exits, and the
// waiter wakes to judge it. Nothing is ever sent on these connections.
//
// Only a wake, never a verdict: a closed connection makes the waiter look (kill(pid, 0), the
// start time, the lock file) exactly as a timer would, so a holder that hung up while alive
// costs one look, never a wrong reclaim. Where no connection can be made (an OpenClaw holder,
// another network namespace, another OS, a holder of an older core) the waiter polls as before.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { selfStartTime } from './process';

/** Connections a process keeps for its watchers; beyond that, new watchers are refused and poll. */
const MAX_WATCHERS = 256;
/**
 * A wait on one process this long before its connection is made. Under contention waits are a
 * few milliseconds and the holder changes at every batch: a connection each time would cost the
 * holder an accept in its critical path, where a kill(pid, 0) poll costs it nothing. The waits
 * that idle are the ones worth a connection.
 */
export const DEATH_WATCH_AFTER_MS = 100;

function socketName(pid: number, starttime: number): string {
  return `\0openclaw-session-locks.v1.${pid}.${starttime}`;
}

let listener: Server | 'unavailable' | undefined;

/**
 * Listens for watchers, once per process: idempotent and cheap after the first call. A second
 * bundled copy of the core finds the name taken by the first, which serves the same purpose.
 */
export function listenForWatchers(): void {
  if (listener !== undefined) return;
  const starttime = process.platform === 'linux' ? selfStartTime() : undefined;
  if (starttime === undefined) {
    listener = 'unavailable';
    return;
  }
  // Paused connections: a watcher's bytes (there should be none) are never read.
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    socket.unref();
  });
  server.maxConnections = MAX_WATCHERS;
  server.on('error', () => {
    // EADDRINUSE (another copy of the core here) and friends: watchers poll or use that copy's.
    server.close();
  });
  server.listen(socketName(process.pid, starttime));
  server.unref();
  listener = server;
}

/**
 * One waiter's watch on one process at a time. `onDeath` runs when a connection that was made
 * closes; a process that refused (or hung up on) us is not tried again during this wait.
 */
export class DeathWatch {
  private socket: Socket | undefined;
  private target: string | undefined;
  private connected = false;
  private readonly given = new Set<string>();
  private candidate: { key: string; since: number } | undefined;

  constructor(private readonly onDeath: () => void) {}

  /**
   * Watches `pid`, started at `starttime` (Linux clock ticks), once it has been asked to for
   * DEATH_WATCH_AFTER_MS (call it at every look); switching targets drops the old one.
   */
  watch(pid: number, starttime: number | undefined): void {
    if (starttime === undefined || process.platform !== 'linux') {
      this.stop();
      return;
    }
    const key = `${pid}.${starttime}`;
    if (key === this.target) return;
    this.stop();
    if (this.given.has(key)) return;
    const now = Date.now();
    if (this.candidate?.key !== key) this.candidate = { key, since: now };
    if (now - this.candidate.since < DEATH_WATCH_AFTER_MS) return;
    this.target = key;
    let socket: Socket;
    try {
      socket = connect(socketName(pid, starttime));
    } catch {
      this.given.add(key);
      this.target = undefined;
      return;
    }
    socket.unref();
    this.socket = socket;
    socket.on('connect', () => {
      if (this.socket === socket) this.connected = true;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      const wasConnected = this.connected;
      this.socket = undefined;
      this.target = undefined;
      this.connected = false;
      this.given.add(key);
      if (wasConnected) this.onDeath();
    });
  }

  /** Whether `pid`'s death will be told by its connection (so nobody needs to poll it). */
  watching(pid: number): boolean {
    return this.connected && this.target !== undefined && this.target.startsWith(`${pid}.`);
  }

  stop(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.target = undefined;
    this.connected = false;
    socket?.destroy();
  }
}
