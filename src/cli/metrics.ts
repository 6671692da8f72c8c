// `openclaw-locks metrics`: the state in Prometheus' text exposition format, for node_exporter's
// textfile collector from cron or a systemd timer (what the incident's hand-written check script
// did: gateway status, lock files, how fast it answers). Rendered by prom-client, the Node
// registry and writer Prometheus users know, with a one-shot Registry per run and no default
// (process) metrics: this process lives for a second and its own heap says nothing.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { gradeSnapshot, scanStateDir, withGatewayHealth, needsAttention, type GatewayState, type LockLevel, type LockThresholds, type SessionsSnapshot } from '../sessions';
import { unknownAgentsMessage } from './describe';
import { PROBE_OPTIONS, healthOptions } from './gateway';
import { entriesAt } from './status';
import { LOG_FILE_OPTION, readCliFailures } from './failures';
import type { FailureTally } from '../logs/tally';
import { EXIT_ERROR, EXIT_OK, UsageError, registerCommand, type CliContext } from './command-table';

export const METRIC_PREFIX = 'openclaw_locks_';

/** Every level a lock file can have, so each series exists (at 0) before the first lock does. */
const LOCK_LEVELS: readonly LockLevel[] = ['initialising', 'held', 'held-long', 'held-too-long', 'stale', 'suspect', 'unreadable'];
const GATEWAY_STATES: readonly GatewayState[] = ['up', 'starting', 'not-ready', 'not-answering', 'down', 'not-running', 'unprobed'];

/**
 * Failed messages attributed to one session, as the log reader (OpenClaw's file log) counts
 * them. The extension point for `openclaw_locks_failed_messages`: callers that have tallies
 * pass them; without any, the metric is left out rather than claimed to be zero.
 */
export interface FailedMessageTally {
  agentId: string;
  /** `sessions.json` key (`agent:main:main`), when the log line names one. */
  sessionKey?: string;
  sessionId?: string;
  count: number;
}

export interface MetricsInput {
  snapshot: SessionsSnapshot;
  thresholds: LockThresholds;
  now: number;
  /** Failed messages by session (from the log reader); undefined: not counted, metric left out. */
  failedMessages?: readonly FailedMessageTally[];
}

/** The log reader's counts per session key as series (`agent:<id>:…` names its agent). */
export function failedMessagesOf(tally: FailureTally): FailedMessageTally[] {
  return [...tally.sessions].map(([sessionKey, count]) => ({ agentId: /^agent:([^:]+):/.exec(sessionKey)?.[1] ?? '', sessionKey, count: count.count }));
}

/** Milliseconds as seconds, to the microsecond (no `0.004200000000000001`). */
const seconds = (ms: number) => Math.round(ms * 1000) / 1e6;

/** The exposition text of one snapshot. */
export async function renderMetrics(input: MetricsInput): Promise<string> {
  const { snapshot, now } = input;
  const registry = new Registry();
  const stateDir = snapshot.resolution.stateDir;
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name: `${METRIC_PREFIX}${name}`, help, labelNames: ['state_dir', ...labelNames], registers: [registry] });

  gauge('state_dir_exists', '1 when the OpenClaw state dir exists, 0 when it does not (nothing else is then measured).')
    .set({ state_dir: stateDir }, snapshot.resolution.exists ? 1 : 0);
  gauge('last_run_timestamp_seconds', 'When this was measured (Unix time); alert when it stops moving.')
    .set({ state_dir: stateDir }, Math.round(now / 1000));
  gauge('scan_duration_seconds', 'How long the scan of the state dir took.')
    .set({ state_dir: stateDir }, seconds(snapshot.scanMs));

  const entries = entriesAt(snapshot, now, input.thresholds);
  const byLevel = gauge('locks', 'Session lock files by level (held, held-long, held-too-long, stale, suspect, …).', ['level']);
  for (const level of LOCK_LEVELS) byLevel.set({ state_dir: stateDir, level }, entries.filter((e) => e.view.level === level).length);
  gauge('stale_locks', 'Lock files provably stale: safe to clear (`openclaw-locks clear-stale`).')
    .set({ state_dir: stateDir }, entries.filter((e) => e.view.level === 'stale').length);
  gauge('locks_needing_attention', 'Lock files that need attention: stale, suspect, unreadable or held past the warn threshold.')
    .set({ state_dir: stateDir }, entries.filter((e) => needsAttention(e.view.severity)).length);
  const ages = entries.map((e) => e.view.ageMs).filter((a): a is number => a !== undefined && Number.isFinite(a));
  gauge('oldest_lock_age_seconds', 'Age of the oldest lock file; 0 when there is none.')
    .set({ state_dir: stateDir }, ages.length > 0 ? seconds(Math.max(...ages)) : 0);
  if (snapshot.agents.length > 0) {
    const sessions = gauge('sessions', 'Sessions per agent (from sessions.json and transcripts, or from the agent database in the SQLite era).', ['agent']);
    for (const agent of snapshot.agents) sessions.set({ state_dir: stateDir, agent: agent.id }, agent.sessions.length);
  }
  if (snapshot.layout !== 'missing') {
    gauge('sqlite_era', '1 when the state dir is in the SQLite era (OpenClaw 2026.8+), 0 in the JSONL era.').set({ state_dir: stateDir }, snapshot.layout === 'sqlite' ? 1 : 0);
  }
  if (snapshot.layout === 'sqlite') {
    // Every kind at every severity it can have would be a wide, mostly empty matrix: the kinds
    // present now, each with its worst severity, plus the totals alerts are written against.
    const findings = gradeSnapshot(snapshot, input.thresholds, now).findings;
    const byKind = gauge('findings', 'SQLite era: what blocks sessions now, by kind (run-hung, tombstone, queue-stalled, wal-large, …) and severity.', ['kind', 'severity']);
    const counts = new Map<string, number>();
    for (const f of findings) counts.set(`${f.kind}\0${f.severity}`, (counts.get(`${f.kind}\0${f.severity}`) ?? 0) + 1);
    for (const [key, n] of counts) {
      const [kind, severity] = key.split('\0') as [string, string];
      byKind.set({ state_dir: stateDir, kind, severity }, n);
    }
    gauge('findings_needing_attention', 'SQLite era: findings at warning or error (hung runs, tombstones, stalled queues, …).')
      .set({ state_dir: stateDir }, findings.filter((f) => needsAttention(f.severity)).length);
    const runs = findings.filter((f) => f.kind === 'run-hung' || f.kind === 'run-active').map((f) => (f.since !== undefined ? now - f.since : 0));
    gauge('longest_run_seconds', 'SQLite era: the longest-running turn right now; 0 when none runs.').set({ state_dir: stateDir }, runs.length > 0 ? seconds(Math.max(...runs)) : 0);
    const wal = gauge('database_wal_bytes', 'SQLite era: each agent database\'s write-ahead log (OpenClaw checkpoints at 64 MiB).', ['agent']);
    const size = gauge('database_bytes', 'SQLite era: each agent database\'s main file.', ['agent']);
    for (const agent of snapshot.agents) {
      if (!agent.database) continue;
      wal.set({ state_dir: stateDir, agent: agent.id }, agent.database.files.walBytes ?? 0);
      size.set({ state_dir: stateDir, agent: agent.id }, agent.database.files.sizeBytes ?? 0);
    }
    gauge('leftover_lock_files', 'SQLite era: .jsonl.lock files left from before the upgrade (inert; `openclaw-locks clear-stale --leftovers`).')
      .set({ state_dir: stateDir }, snapshot.agents.reduce((n, a) => n + (a.leftoverLocks?.length ?? 0), 0));
  }

  if (input.failedMessages) {
    const failed = gauge('failed_messages', 'Messages OpenClaw failed to answer, by session, as counted from its file log.', ['agent', 'session_key']);
    for (const tally of input.failedMessages) {
      failed.set({ state_dir: stateDir, agent: tally.agentId, session_key: tally.sessionKey ?? tally.sessionId ?? '' }, tally.count);
    }
  }

  if (snapshot.layout !== 'missing') {
    const g = snapshot.gateway;
    const health = snapshot.gatewayHealth;
    gauge('gateway_lock_owner_alive', '1 when the gateway\'s lock file names a live process, 0 when not (or no lock).')
      .set({ state_dir: stateDir }, g.lockPath !== undefined && g.alive ? 1 : 0);
    if (health) {
      const probe = health.probe;
      const state = gauge('gateway_state', '1 for the gateway\'s state (up, starting, not-ready, not-answering, down, not-running, unprobed), 0 for the others.', ['state']);
      for (const s of GATEWAY_STATES) state.set({ state_dir: stateDir, state: s }, health.state === s ? 1 : 0);
      gauge('gateway_expected', '1 when a gateway is meant to run here (its lock or a service unit says so), so that down is an error.')
        .set({ state_dir: stateDir }, health.expected ? 1 : 0);
      // Left out when not probed: 0 would claim a probe failed.
      if (probe) {
        gauge('gateway_up', '1 when GET /health on 127.0.0.1 answered OpenClaw\'s {ok: true}, 0 when not.')
          .set({ state_dir: stateDir }, probe.live ? 1 : 0);
        if (probe.ready !== undefined) {
          gauge('gateway_ready', '1 when GET /ready says ready, 0 when not ready.').set({ state_dir: stateDir }, probe.ready ? 1 : 0);
        }
        if (probe.latencyMs !== undefined) {
          gauge('gateway_health_latency_seconds', 'Round trip of GET /health.').set({ state_dir: stateDir }, seconds(probe.latencyMs));
        }
        if (probe.readyLatencyMs !== undefined) {
          gauge('gateway_ready_latency_seconds', 'Round trip of GET /ready.').set({ state_dir: stateDir }, seconds(probe.readyLatencyMs));
        }
        if (probe.uptimeMs !== undefined) {
          gauge('gateway_uptime_seconds', 'The gateway\'s own uptime, from /ready.').set({ state_dir: stateDir }, seconds(probe.uptimeMs));
        }
      }
    }
  }
  return registry.metrics();
}

/**
 * Writes `text` to `file` so that a reader never sees half of it: a temporary file in the same
 * folder (a rename across file systems is not atomic), flushed, then renamed over. The name
 * starts with a dot and does not end in `.prom`, so node_exporter skips it meanwhile.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    const handle = await fs.open(temp, 'w', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

registerCommand({
  name: 'metrics',
  summary: 'Print the state in the Prometheus text format (for node_exporter\'s textfile collector).',
  usage: 'metrics [--output <file.prom>] [--no-probe] [--probe-timeout <ms>]',
  description: 'Lock files by level, stale ones, the oldest lock\'s age, sessions per agent, the gateway (lock owner, GET /health and /ready on 127.0.0.1: up, ready, latency) and the scan time, each labelled with the state dir. With --output the file is replaced atomically (written beside it, then renamed), so node_exporter never reads half of it. Exit code: 0 when the metrics were written (the state itself is in them: alert on it), 2 when they could not be.',
  options: {
    output: { type: 'string', short: 'o', valueName: '<file>', description: 'write to this file atomically instead of stdout (name it *.prom in the textfile directory)' },
    ...PROBE_OPTIONS,
    ...LOG_FILE_OPTION,
  },
  examples: [
    'openclaw-locks metrics',
    'openclaw-locks metrics --output /var/lib/node_exporter/textfile_collector/openclaw_locks.prom',
  ],
  async run(ctx: CliContext): Promise<number> {
    if (ctx.json) throw new UsageError('metrics prints the Prometheus text format; use `status --json` for JSON.');
    const output = ctx.values.output;
    if (output !== undefined && (typeof output !== 'string' || output.trim() === '')) throw new UsageError('--output takes a file path.');
    const snapshot = await withGatewayHealth(await scanStateDir(ctx.scanOptions), { ...healthOptions(ctx), env: ctx.env });
    const unknownAgents = unknownAgentsMessage(snapshot, ctx.scanOptions.agents);
    if (unknownAgents) {
      ctx.err(unknownAgents);
      return EXIT_ERROR;
    }
    const failures = await readCliFailures(ctx, snapshot);
    const text = await renderMetrics({ snapshot, thresholds: ctx.thresholds, now: Date.now(), ...(failures?.found ? { failedMessages: failedMessagesOf(failures.tally) } : {}) });
    if (output === undefined) {
      ctx.out(text.replace(/\n$/, ''));
      return EXIT_OK;
    }
    try {
      await writeAtomically(output, text);
    } catch (error) {
      ctx.err(`Could not write ${output}: ${(error as Error).message}`);
      return EXIT_ERROR;
    }
    return EXIT_OK;
  },
});
