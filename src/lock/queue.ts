// The waiter queue beside a lock: how a releaser (or a re-acquirer) knows that other processes
// wait for the lock and which of them is next. Advisory only: who holds the lock is decided by
// open(wx) on the lock file alone, exactly as before, so nothing here can let two processes
// hold it; the queue only decides who tries, and who sleeps.
//
//   <lock>.waiters/                   a directory beside the lock, present while anyone waits
//     <stamp>-<pid>-<starttime>-<hex>  one empty file per waiting process (a "ticket")
//     held-<pid>-<starttime>-<hex>     the holder's promise to wake the head when it lets go
//
// A ticket is created with open(wx) under its final name and removed with unlink, so it is
// either there or not (empty: nothing to tear). Its name says everything: `stamp` (16 digits,
// microseconds since the epoch) orders the queue, and pid + start time (Linux clock ticks, `x`
// elsewhere) judge its owner the way the lock's own payload is judged. A ticket whose owner is
// dead (or whose pid now belongs to another process) is removed by whoever meets it, so a
// SIGKILLed waiter never blocks anyone. The oldest live ticket is the head: it alone watches the
// lock and tries open(wx) on every release; the others sleep on their own ticket, which is
// touched (utimes) when they become head, and watch the head's pid (kill(pid, 0)), since only
// the head's death can stall the queue. A head that acquires wakes nobody as it leaves the
// queue (leaveQueueHolding): the next in line, which watches it as often as a head watches its
// holder, is head from then on without being told, until the holder's release touches it.
// OpenClaw's own waiters take no ticket and keep polling every 50 ms; they can still win the
// lock whenever it is free, just as before.
import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, rmdirSync, unlinkSync, utimesSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { errnoCode } from './errors';
import { isNamedProcessAlive, pidExists, selfStartTime } from './process';

const QUEUE_DIR_SUFFIX = '.waiters';
const TICKET_NAME = /^(\d{16})-([1-9]\d{0,9})-(\d{1,20}|x)-([0-9a-f]{8,16})$/;
const MARK_NAME = /^held-([1-9]\d{0,9})-(\d{1,20}|x)-([0-9a-f]{8})$/;

export interface Ticket {
  readonly name: string;
  readonly path: string;
  readonly pid: number;
  readonly starttime: number | undefined;
}

export function queueDirFor(lockPath: string): string {
  return `${lockPath}${QUEUE_DIR_SUFFIX}`;
}

function parseTicketName(dir: string, name: string): Ticket | undefined {
  const match = TICKET_NAME.exec(name);
  if (!match) return undefined;
  return { name, path: `${dir}/${name}`, pid: Number(match[2]), starttime: match[3] === 'x' ? undefined : Number(match[3]) };
}

/**
 * The queue directory's entries, or undefined when there is none. Looked at with a stat that
 * does not throw: "nobody queues" is the common answer, and a thrown ENOENT costs several
 * times the syscall itself.
 */
function entriesOf(dir: string): string[] | undefined {
  try {
    if (!lstatSync(dir, { throwIfNoEntry: false })) return undefined;
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

/** Tickets oldest first; none when the directory is missing. Names are fixed-width up to the pid. */
export function listTickets(dir: string): Ticket[] {
  return ticketsIn(dir) ?? [];
}

/** Tickets oldest first, or undefined when there is no queue directory (nobody waits). */
function ticketsIn(dir: string): Ticket[] | undefined {
  const names = entriesOf(dir);
  if (!names) return undefined;
  const tickets: Ticket[] = [];
  for (const name of names.sort()) {
    const ticket = parseTicketName(dir, name);
    if (ticket) tickets.push(ticket);
  }
  return tickets;
}

/** Whether the ticket's owner may still be waiting (another acquisition of this process counts). */
export function ticketOwnerAlive(ticket: Ticket): boolean {
  return isNamedProcessAlive(ticket.pid, ticket.starttime);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** Removes a dead waiter's ticket (its name is unique to it: nobody else can be using it). */
export function removeTicket(ticket: Ticket): void {
  unlinkQuietly(ticket.path);
}

/** The oldest ticket whose owner is alive, removing dead ones met on the way. */
function firstLiveTicket(dir: string): Ticket | undefined {
  for (const ticket of listTickets(dir)) {
    if (ticketOwnerAlive(ticket)) return ticket;
    removeTicket(ticket);
  }
  // Nobody waits: the marks (promises to waiters) and the queue directory go too.
  removeMarksAndQueue(dir);
  return undefined;
}

/** A holder's mark, parsed from its name. */
function parseMark(dir: string, name: string): Ticket | undefined {
  const match = MARK_NAME.exec(name);
  return match ? { name, path: `${dir}/${name}`, pid: Number(match[1]), starttime: match[2] === 'x' ? undefined : Number(match[2]) } : undefined;
}

/**
 * Once nobody waits: every mark (a promise of a wake to nobody; a holder whose mark went simply
 * places it again when someone queues), then the directory (rmdir keeps a non-empty one).
 */
function removeMarksAndQueue(dir: string): void {
  for (const name of entriesOf(dir) ?? []) {
    const mark = parseMark(dir, name);
    if (mark) removeTicket(mark);
  }
  removeEmptyQueueDir(dir);
}

function removeEmptyQueueDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false; // Not empty (someone queued) or already gone.
  }
}

export interface QueuePosition {
  /** No live ticket is older than ours: we are the one to try the lock. */
  head: boolean;
  /** Otherwise the oldest live ticket: the head, whose death is the only one that stalls the queue. */
  first: Ticket | undefined;
  /**
   * Only `first` is ahead of us: once it holds the lock we are the head without being told (its
   * queue exit wakes nobody), so we watch it as closely as a head watches its holder.
   */
  next: boolean;
  /** Our own ticket is no longer there (judged dead by a process that cannot see us). */
  lost: boolean;
}

/** Where `mine` stands, removing dead tickets ahead of it. */
export function positionOf(dir: string, mine: Ticket): QueuePosition {
  let first: Ticket | undefined;
  // Tickets between the head and ours: then we are not next.
  let between = false;
  for (const ticket of listTickets(dir)) {
    if (ticket.name === mine.name) return { head: first === undefined, first, next: first !== undefined && !between, lost: false };
    if (ticket.name > mine.name) break;
    if (first) between = true;
    else if (ticketOwnerAlive(ticket)) first = ticket;
    else removeTicket(ticket);
  }
  return { head: first === undefined, first, next: first !== undefined && !between, lost: true };
}

const ticketPrefix = randomBytes(4).toString('hex');
let ticketCounter = 0;
let lastStamp = 0;

function stampNow(): number {
  // Microseconds since the epoch, strictly increasing within this process.
  const stamp = Math.max(Math.floor((performance.timeOrigin + performance.now()) * 1000), lastStamp + 1);
  lastStamp = stamp;
  return stamp;
}

export function newTicket(dir: string): Ticket {
  ticketCounter = (ticketCounter + 1) % 0x100000000;
  const starttime = selfStartTime();
  const name = `${String(stampNow()).padStart(16, '0')}-${process.pid}-${starttime ?? 'x'}-${ticketPrefix}${ticketCounter.toString(16).padStart(8, '0')}`;
  return { name, path: `${dir}/${name}`, pid: process.pid, starttime };
}

/**
 * Puts the ticket in place (again, if it was lost): mkdir the queue directory, open(wx) the
 * ticket. A concurrent rmdir of the emptied directory makes open fail with ENOENT: mkdir again.
 * Returns false when the directory cannot be written (read-only, permissions): the caller then
 * waits without a ticket, polling as before.
 */
export function placeTicket(ticket: Ticket, dir: string): boolean {
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      mkdirSync(dir, { mode: 0o777 });
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') return false;
    }
    try {
      closeSync(openSync(ticket.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666));
      return true;
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EEXIST') return true;
      if (code !== 'ENOENT') return false;
    }
  }
  return false;
}

/** Wakes a waiter sleeping on its ticket (an inotify attribute change), if it is still there. */
export function touchTicket(ticket: Ticket): void {
  try {
    const now = new Date();
    utimesSync(ticket.path, now, now);
  } catch {
    // Gone: its owner left the queue by itself.
  }
}

/**
 * A waiter giving up takes its ticket out and tells the next live waiter it is head now (it
 * starts watching the lock); the last one out removes the empty directory (rmdir fails on a
 * non-empty one, so a waiter arriving at the same moment keeps its ticket, or re-creates the
 * directory). A holder leaves with leaveQueueHolding instead.
 */
export function leaveQueue(ticket: Ticket, dir: string): void {
  removeTicket(ticket);
  // Nobody else there (no ticket, no mark): the directory goes in one syscall.
  if (!removeEmptyQueueDir(dir)) wakeNextWaiter(dir);
}

/**
 * A holder that acquired through `ticket` takes it out. When others still queue, `mark` runs
 * (the holder's promise to wake the head at its release). Nobody is woken: a head woken now
 * would try the lock at once, and take it whenever we are between a release and our next
 * acquisition, ending our batch after a hold or two; the next in line already watches our pid
 * (positionOf's `next`). Returns how many tickets stay.
 */
export function leaveQueueHolding(ticket: Ticket, dir: string, mark: () => void): number {
  removeTicket(ticket);
  const { first, count } = seemingWaiters(dir);
  if (first) mark();
  return count;
}

/**
 * Touches the oldest waiter's ticket: the cheap look (kill(pid, 0)) first, since that wake is
 * the handoff, then its start time: a recycled pid is no waiter, and the real next one is
 * woken instead.
 */
export function wakeNextWaiter(dir: string): void {
  const { first } = seemingWaiters(dir);
  if (!first) return;
  touchTicket(first);
  if (ticketOwnerAlive(first)) return;
  removeTicket(first);
  const next = firstLiveTicket(dir);
  if (next) touchTicket(next);
}

/**
 * Who seems to wait: the oldest ticket whose pid is alive and how many tickets stand from it
 * on. A cheap look for a holder's acquisitions and releases (a failed open when nobody
 * queues; kill(pid, 0) on the oldest ticket only, no /proc reads, which slow the process they
 * read). A recycled pid can make it say yes wrongly; ticketOwnerAlive, met later, removes such
 * a ticket. Dead tickets further back are counted until someone meets them.
 */
export function seemingWaiters(dir: string): { first: Ticket | undefined; count: number } {
  const tickets = ticketsIn(dir);
  if (!tickets) return { first: undefined, count: 0 };
  for (const [index, ticket] of tickets.entries()) {
    if (ticket.pid === process.pid || pidExists(ticket.pid)) return { first: ticket, count: tickets.length - index };
    removeTicket(ticket);
  }
  removeMarksAndQueue(dir);
  return { first: undefined, count: 0 };
}

/** This module instance's mark name (one per process and bundled copy of the core). */
export function holderMarkPath(dir: string): string {
  return `${dir}/held-${process.pid}-${selfStartTime() ?? 'x'}-${ticketPrefix}`;
}

/** Leaves the mark that says "I will wake the head" (see the header); false when it cannot. */
export function placeHolderMark(path: string, dir: string): boolean {
  const ticket: Ticket = { name: '', path, pid: process.pid, starttime: selfStartTime() };
  return placeTicket(ticket, dir);
}

export function removeHolderMark(path: string): void {
  unlinkQuietly(path);
}

/**
 * Another process's live mark, if any (dead marks met on the way are removed): a holder that
 * promised the head a wake. Seen while the lock is free, it is between a release and its next
 * acquisition.
 */
export function liveForeignMark(dir: string): Ticket | undefined {
  for (const name of entriesOf(dir) ?? []) {
    const mark = parseMark(dir, name);
    if (!mark || mark.pid === process.pid) continue;
    if (ticketOwnerAlive(mark)) return mark;
    removeTicket(mark);
  }
  return undefined;
}

/**
 * Whether the process `pid` holds with a live mark; dead marks met on the way are removed.
 * `judgedStart`: the holder's start time, just judged alive from the lock (inspect.ts): its
 * own mark needs no second judgement (the other marks still get one).
 */
export function holderMarked(dir: string, pid: number, judgedStart?: number): boolean {
  const names = entriesOf(dir);
  if (!names) return false;
  let marked = false;
  for (const name of names) {
    const mark = parseMark(dir, name);
    if (!mark) continue;
    if (judgedStart !== undefined && mark.pid === pid && mark.starttime === judgedStart) marked = true;
    else if (!ticketOwnerAlive(mark)) removeTicket(mark);
    else if (mark.pid === pid) marked = true;
  }
  return marked;
}
