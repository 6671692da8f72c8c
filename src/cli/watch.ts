// `openclaw-locks watch`: a live view. On a terminal the status is redrawn (ages tick every
// second without rereading the disk); otherwise one line per lock that appears, changes or goes,
// and per change of the gateway's health; with --json, NDJSON (watch-events.ts).
import { SessionModel, gatewayHealthKey, type LockEntry, type SessionsSnapshot } from '../sessions';
import { entryName, verdict } from './describe';
import { formatAge, paintSeverity } from './format';
import { PROBE_OPTIONS, healthOptions } from './gateway';
import { entriesAt, gatewayLine, renderStatus } from './status';
import { WatchEvents, WATCH_SCHEMA_VERSION } from './watch-events';
import { FindingChanges } from './watch-findings';
import { findingSubject, findingToJson, findingWords } from './sqlite-status';
import { explainFinding } from '../wording/findings';
import { EXIT_OK, UsageError, registerCommand, type CliContext } from './command-table';

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
  usage: 'watch [--all] [--json] [--no-probe]',
  description: 'Stops on Ctrl-C (SIGINT) or SIGTERM. The gateway is probed every 10 s (GET /health and /ready on 127.0.0.1). With --json, prints NDJSON for log shippers: one `start` object with the whole state, then one object per change (`lock` added, changed or released; `gateway`; `layout`), each with the same keys every time ("v": 1).',
  options: {
    all: { type: 'boolean', description: 'on a terminal, list every session, not only locked ones' },
    ...PROBE_OPTIONS,
    'probe-interval': { type: 'string', valueName: '<seconds>', description: 'how often the gateway is probed between scans (default 10)' },
  },
  async run(ctx: CliContext): Promise<number> {
    const interval = ctx.values['probe-interval'];
    const everySeconds = interval === undefined ? undefined : Number(interval);
    if (everySeconds !== undefined && (typeof interval !== 'string' || !Number.isFinite(everySeconds) || everySeconds < 0.2)) {
      throw new UsageError(`--probe-interval takes seconds (at least 0.2), got "${String(interval)}".`);
    }
    const model = new SessionModel({ ...ctx.scanOptions, ...healthOptions(ctx), ...(everySeconds !== undefined ? { healthPollMs: everySeconds * 1000 } : {}) });
    const interactive = ctx.isTTY && !ctx.json;
    const events = new WatchEvents();
    let gatewaySeen: string | undefined;
    let seen = new Map<string, Seen>();
    let latest: SessionsSnapshot | undefined;
    const redraw = () => {
      if (!latest) return;
      const lines = renderStatus(latest, { now: Date.now(), all: ctx.values.all === true, thresholds: ctx.thresholds, palette: ctx.palette, width: ctx.width, commandToRun: ctx.commandToRun });
      ctx.out(`\x1b[H\x1b[2J${ctx.palette.dim(`openclaw-locks watch: ${stamp()}, Ctrl-C to stop`)}\n${lines.join('\n')}`);
    };
    const findings = new FindingChanges();
    /** SQLite era: findings that appeared, changed severity or resolved (also between snapshots, as runs age). */
    const reportFindings = (snapshot: SessionsSnapshot) => {
      const now = Date.now();
      const changes = findings.next(snapshot, ctx.thresholds, now);
      if (!changes) {
        if (ctx.json && snapshot.layout === 'sqlite') {
          ctx.out(JSON.stringify({ v: WATCH_SCHEMA_VERSION, at: new Date(now).toISOString(), event: 'findings', stateDir: snapshot.resolution.stateDir, findings: findings.current.map((f) => findingToJson(snapshot, f, now)) }));
        } else if (!ctx.json) {
          for (const f of findings.current) if (f.severity !== 'none') ctx.out(`${stamp()} + ${paintSeverity(ctx.palette, f.severity, f.kind)} ${findingSubject(snapshot, f)}: ${explainFinding(findingWords(f, now))}`);
        }
        return;
      }
      for (const c of changes) {
        if (ctx.json) {
          ctx.out(JSON.stringify({ v: WATCH_SCHEMA_VERSION, at: new Date(now).toISOString(), event: 'finding', stateDir: snapshot.resolution.stateDir, change: c.change, previousSeverity: c.previousSeverity, ...findingToJson(snapshot, c.finding, now), ...(c.change === 'resolved' ? { severity: null } : {}) }));
        } else {
          const mark = c.change === 'added' ? '+' : c.change === 'changed' ? '~' : '-';
          ctx.out(c.change === 'resolved'
            ? `${stamp()} - resolved ${c.finding.kind} ${c.subject}`
            : `${stamp()} ${mark} ${paintSeverity(ctx.palette, c.finding.severity, c.label)} ${c.subject}: ${c.explanation}`);
        }
      }
    };
    const onSnapshot = (snapshot: SessionsSnapshot) => {
      latest = snapshot;
      if (interactive) return redraw();
      reportFindings(snapshot);
      const entries = entriesAt(snapshot, Date.now(), ctx.thresholds);
      if (ctx.json) {
        for (const event of events.next(snapshot, entries, Date.now())) ctx.out(JSON.stringify(event));
        return;
      }
      const diff = diffLines(seen, entries, ctx.palette);
      seen = diff.seen;
      for (const line of diff.lines) ctx.out(line);
      const gatewayNow = `${JSON.stringify(snapshot.gateway)}|${gatewayHealthKey(snapshot.gatewayHealth)}`;
      if (gatewaySeen !== undefined && gatewayNow !== gatewaySeen) ctx.out(`${stamp()} ~ gateway ${gatewayLine(snapshot)}`);
      gatewaySeen = gatewayNow;
    };
    const first = await model.start();
    if (!interactive && !ctx.json) {
      ctx.out(`${stamp()} watching ${first.resolution.stateDir} (${first.layout}; ${entriesAt(first, Date.now(), ctx.thresholds).length} lock files)`);
      if (first.layout !== 'missing') ctx.out(`${stamp()} gateway ${gatewayLine(first)}`);
    }
    // Subscribing right after the first scan (same tick) loses no change and prints it once.
    onSnapshot(first);
    model.onDidChange(onSnapshot);
    const ticker = interactive ? setInterval(redraw, 1000) : setInterval(() => latest && reportFindings(latest), 1000);
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
