// Facts about processes, read cheaply and failing closed: when in doubt a process is alive.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { errnoCode } from './errors';

/** /proc/<pid>/stat fields after the command name, which may itself contain spaces and ')'. */
function readStatFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // fields[0] is field 3 (state) of proc(5).
  return text.slice(close + 2).split(' ');
}

/** The one-letter process state from /proc (R, S, D, Z, ...), when readable. */
export function readProcessState(pid: number): string | undefined {
  return readStatFields(pid)?.[0];
}

/** kill(pid, 0) alone: false only on ESRCH. One syscall, for tight liveness polling. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) !== 'ESRCH';
  }
}

/**
 * The /proc stat fields of a live process (undefined inside when /proc cannot tell), or
 * undefined when it is dead: kill(pid, 0) failing with ESRCH (EPERM, someone else's process,
 * and anything unexpected fail closed: alive), or a zombie, which has exited and will never
 * release anything. One read serves both the state and the start time: waiters judge the
 * processes they wake and watch at every handover, and each read slows the process read.
 */
function liveStat(pid: number): { fields: string[] | undefined } | undefined {
  if (!Number.isInteger(pid) || pid <= 0 || !pidExists(pid)) return undefined;
  const fields = readStatFields(pid);
  return fields?.[0] === 'Z' ? undefined : { fields };
}

/** Whether the process is alive (see liveStat): kill(pid, 0), and not a zombie. */
export function isProcessAlive(pid: number): boolean {
  return liveStat(pid) !== undefined;
}

/**
 * isProcessAlive and readProcessStartTime for one judgement of one process (owner.ts): the
 * start time asked for right after the liveness check comes from the stat that check read.
 */
export function processFactsForOneJudgement(): { isAlive(pid: number): boolean; startTicks(pid: number): number | undefined } {
  let read: { pid: number; fields: string[] | undefined } | undefined;
  return {
    isAlive(pid) {
      const live = liveStat(pid);
      read = live && { pid, fields: live.fields };
      return live !== undefined;
    },
    startTicks(pid) {
      const fields = read?.pid === pid && read.fields ? read.fields : readStatFields(pid);
      read = undefined;
      return startTimeField(fields);
    },
  };
}

/**
 * Whether the process a file NAME gives by pid and start time (a waiter's ticket, a lock's
 * private copy) may still be running: its pid is alive and, where start times exist, still the
 * same process. This process's own pid is alive unless the start time says another process
 * with our pid made the file (a container's pid 1 restarted).
 */
export function isNamedProcessAlive(pid: number, starttime: number | undefined): boolean {
  if (pid === process.pid) return starttime === undefined || starttime === selfStartTime();
  const live = liveStat(pid);
  if (!live) return false;
  if (starttime === undefined) return true;
  const now = startTimeField(live.fields);
  // Unreadable while kill(0) said alive: it exited in between, or /proc is hidden; only the
  // former is dead, and the latter has no start times in its names either.
  return now === undefined ? isProcessAlive(pid) : now === starttime;
}

/** Field 22 of /proc/<pid>/stat (clock ticks since boot), or undefined off Linux / when gone. */
export function readProcessStartTime(pid: number): number | undefined {
  return startTimeField(readStatFields(pid));
}

function startTimeField(fields: string[] | undefined): number | undefined {
  const field = fields?.[19];
  if (field === undefined || !/^\d+$/.test(field)) return undefined;
  const value = Number(field);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The process's command line with NULs as spaces, or undefined when unreadable (other OS, gone, hidden). */
export function readCommandLine(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** OpenClaw runs as `openclaw ...`, `node .../openclaw/...`, or under its former names. */
export function isOpenClawCommandLine(commandLine: string): boolean {
  return /(^|[\s/\\@_-])(openclaw|clawdbot|moltbot|moldbot)([\s/\\._-]|$)/i.test(commandLine);
}

let cachedSelfStartTime: number | undefined | null = null;
/** This process's start time, read once: it cannot change. */
export function selfStartTime(): number | undefined {
  if (cachedSelfStartTime === null) cachedSelfStartTime = readProcessStartTime(process.pid);
  return cachedSelfStartTime;
}

let cachedHostname: string | undefined;
export function selfHostname(): string {
  cachedHostname ??= hostname();
  return cachedHostname;
}
