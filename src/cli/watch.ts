// `openclaw-locks watch`: a live view. On a terminal the status is redrawn (ages tick every
// second without rereading the disk); otherwise one line per lock that appears, changes or goes.
import { SessionModel, type LockEntry, type SessionsSnapshot } from '../sessions';
import { entryName, entryToJson, verdict } from './describe';
import { formatAge, paintSeverity } from './format';
import { entriesAt, renderStatus } from './status';
import { EXIT_OK, registerCommand, type CliContext } from './command-table';

interface Seen {
  level: string;
  pid: number | undefined;
  createdAt: string | undefined;
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

function describeEntry(e: LockEntry): string {
  const pid = e.view.pid !== undefined ? ` pid ${e.view.pid}` : '';
  return `${e.agent.id} ${entryName(e)}${pid} age ${formatAge(e.view.ageMs)}: ${verdict(e.view)} [${e.view.lockPath}]`;
}

/** The lines a non-TTY watch prints when going from `before` to `after`. */
export function diffLines(before: Map<string, Seen>, entries: LockEntry[], palette: CliContext['palette']): { lines: string[]; seen: Map<string, Seen> } {
  const seen = new Map<string, Seen>();
  const lines: string[] = [];
  for (const e of entries) {
    const now: Seen = { level: e.view.level, pid: e.view.pid, createdAt: e.view.createdAt };
    seen.set(e.view.lockPath, now);
    const was = before.get(e.view.lockPath);
    if (!was) lines.push(`${stamp()} + ${paintSeverity(palette, e.view.severity, e.view.level)} ${describeEntry(e)}`);
    else if (was.level !== now.level || was.pid !== now.pid || was.createdAt !== now.createdAt) {
      lines.push(`${stamp()} ~ ${paintSeverity(palette, e.view.severity, e.view.level)} ${describeEntry(e)}`);
    }
  }
  for (const [lockPath] of before) if (!seen.has(lockPath)) lines.push(`${stamp()} - released ${lockPath}`);
  return { lines, seen };
}

registerCommand({
  name: 'watch',
  summary: 'Live view that updates as locks come and go (redraws on a terminal, one line per change otherwise).',
  usage: 'watch [--all] [--json]',
  description: 'Stops on Ctrl-C (SIGINT) or SIGTERM. With --json, prints one JSON object per change (JSON lines).',
  options: {
    all: { type: 'boolean', description: 'on a terminal, list every session, not only locked ones' },
  },
  async run(ctx: CliContext): Promise<number> {
    const model = new SessionModel({ ...ctx.scanOptions });
    const interactive = ctx.isTTY && !ctx.json;
    let seen = new Map<string, Seen>();
    let latest: SessionsSnapshot | undefined;
    const redraw = () => {
      if (!latest) return;
      const lines = renderStatus(latest, { now: Date.now(), all: ctx.values.all === true, thresholds: ctx.thresholds, palette: ctx.palette, width: ctx.width, commandToRun: ctx.commandToRun });
      ctx.out(`\x1b[H\x1b[2J${ctx.palette.dim(`openclaw-locks watch: ${stamp()}, Ctrl-C to stop`)}\n${lines.join('\n')}`);
    };
    const onSnapshot = (snapshot: SessionsSnapshot) => {
      latest = snapshot;
      if (interactive) return redraw();
      const entries = entriesAt(snapshot, Date.now(), ctx.thresholds);
      if (ctx.json) {
        ctx.out(JSON.stringify({ at: new Date().toISOString(), layout: snapshot.layout, gateway: snapshot.gateway, locks: entries.map(entryToJson) }));
        return;
      }
      const diff = diffLines(seen, entries, ctx.palette);
      seen = diff.seen;
      for (const line of diff.lines) ctx.out(line);
    };
    const first = await model.start();
    if (!interactive && !ctx.json) {
      ctx.out(`${stamp()} watching ${first.resolution.stateDir} (${first.layout}; ${entriesAt(first, Date.now(), ctx.thresholds).length} lock files)`);
    }
    // Subscribing right after the first scan (same tick) loses no change and prints it once.
    onSnapshot(first);
    model.onDidChange(onSnapshot);
    const ticker = interactive ? setInterval(redraw, 1000) : undefined;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // `watch | head -3`: once the reader has gone there is nobody to watch for.
      void ctx.outputClosed.then(stop);
    });
    clearInterval(ticker);
    model.dispose();
    if (!interactive && !ctx.json) ctx.out(`${stamp()} stopped`);
    return EXIT_OK;
  },
});
