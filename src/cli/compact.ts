// `openclaw-locks compact`: trims a transcript to OpenClaw's maxLines (header + last N-1
// lines) under the session write lock, archiving the original; or, with --summarize, asks
// the gateway for a model compaction through the `openclaw` CLI. Same code as the editor.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { compactWithOpenClaw, describeCompactTokens, findOpenClawCli, getGatewayStatus, OpenClawCliError } from '../openclaw';
import { scanStateDir, type SessionInfo } from '../sessions';
import { DEFAULT_MAX_LINES, TranscriptError, trimTranscript, validateMaxLines } from '../transcripts';
import { formatCount } from '../wording/format';
import { resolutionProblem, resolveSession, sessionName, type Resolution } from './resolve';
import { formatBytes } from './format';
import { EXIT_ERROR, EXIT_OK, UsageError, registerCommand, type CliContext } from './command-table';

function count(n: number | undefined): string {
  return n === undefined ? '?' : formatCount(n);
}

async function resolveTarget(ctx: CliContext, query: string): Promise<{ transcriptPath: string; session?: SessionInfo }> {
  const snapshot = await scanStateDir(ctx.scanOptions);
  const resolution: Resolution = snapshot.layout === 'missing' ? { kind: 'none' } : resolveSession(snapshot, query);
  if (resolution.kind === 'found') {
    const session = resolution.target.sessions[0];
    if (!session) throw new UsageError(`"${query}" is a lock with no session (${resolution.target.view.lockPath}): there is no transcript to compact.`);
    return { transcriptPath: session.transcriptPath, session };
  }
  if (resolution.kind === 'ambiguous') throw new UsageError(resolutionProblem(resolution, query, snapshot.resolution.stateDir)!);
  // A transcript outside the state dir (a copy, another machine's folder) is fine too.
  const asPath = path.resolve(query);
  if (query.endsWith('.jsonl') || existsSync(asPath)) return { transcriptPath: asPath };
  throw new UsageError(resolutionProblem(resolution, query, snapshot.resolution.stateDir)!);
}

async function summarize(ctx: CliContext, session: SessionInfo | undefined, query: string): Promise<number> {
  if (!session?.key) {
    ctx.err(`--summarize needs a session that sessions.json names (a key such as agent:main:main); "${query}" is not one.`);
    return EXIT_ERROR;
  }
  const configured = typeof ctx.values['openclaw-path'] === 'string' ? (ctx.values['openclaw-path'] as string) : undefined;
  const cliPath = await findOpenClawCli({ configuredPath: configured, env: ctx.env });
  if (!cliPath) {
    ctx.err(configured ? `openclaw CLI not found at ${configured}.` : 'openclaw CLI not found on PATH (use --openclaw-path, or trim locally without --summarize).');
    return EXIT_ERROR;
  }
  const gateway = await getGatewayStatus(cliPath, { env: ctx.env });
  if (!gateway.reachable) {
    ctx.err(`OpenClaw's gateway does not answer: ${gateway.problem ?? 'unknown reason'}. Trim locally instead (without --summarize).`);
    return EXIT_ERROR;
  }
  try {
    const result = await compactWithOpenClaw({ cliPath, key: session.key, agentId: session.agentId, env: ctx.env });
    if (ctx.json) ctx.out(JSON.stringify({ method: 'openclaw', key: session.key, agentId: session.agentId, tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter, result: result.raw }, null, 2));
    else ctx.out(`OpenClaw compacted ${session.key}${describeCompactTokens(result)}.`);
    return EXIT_OK;
  } catch (error) {
    ctx.err(error instanceof OpenClawCliError ? error.message : `openclaw failed: ${String(error)}`);
    return EXIT_ERROR;
  }
}

registerCommand({
  name: 'compact',
  summary: 'Trim a session to its header and last lines (OpenClaw\'s maxLines), keeping the original as an archive.',
  usage: 'compact <session> [--max-lines N] [--timeout <seconds>] [--summarize]',
  description: [
    'Keeps the header line and the last N-1 lines (N = --max-lines, default 400), like OpenClaw\'s',
    '`sessions.compact` with maxLines. Runs under the session write lock (waiting for a holder up to',
    '--timeout), writes <file>.compact.<random>.tmp, keeps the original as <file>.bak.<timestamp>, then renames.',
    'Ctrl-C before the rename leaves the transcript untouched; leftovers of a killed run are removed by the next.',
    'With --summarize the gateway summarizes the session with its model instead (`openclaw sessions compact`).',
    '<session> is a key, a session id or its first 4+ characters, a session\'s name, or a transcript path.',
  ].join('\n'),
  options: {
    'max-lines': { type: 'string', valueName: '<N>', description: `lines to keep, header included (default ${DEFAULT_MAX_LINES})` },
    timeout: { type: 'string', valueName: '<seconds>', description: 'how long to wait for the session write lock (default 60)' },
    summarize: { type: 'boolean', description: 'ask OpenClaw\'s gateway for a model compaction instead of trimming' },
    'openclaw-path': { type: 'string', valueName: '<path>', description: 'the openclaw CLI (default: openclaw on PATH)' },
  },
  allowPositionals: true,
  examples: ['openclaw-locks compact agent:main:main', 'openclaw-locks compact 0b9b6f52 --max-lines 200 --json', 'openclaw-locks compact ./session.jsonl', 'openclaw-locks compact agent:main:main --summarize'],
  async run(ctx: CliContext): Promise<number> {
    if (ctx.positionals.length !== 1) throw new UsageError('compact takes exactly one session: a key, an id or its start, a name or a transcript path.');
    const query = ctx.positionals[0]!;
    let maxLines: number;
    try {
      maxLines = validateMaxLines(ctx.values['max-lines'] ?? DEFAULT_MAX_LINES);
    } catch {
      throw new UsageError(`--max-lines takes a whole number of at least 1, got "${String(ctx.values['max-lines'])}".`);
    }
    const timeoutArg = ctx.values.timeout;
    const timeoutSeconds = timeoutArg === undefined ? 60 : Number(timeoutArg);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout takes a positive number of seconds, got "${String(timeoutArg)}".`);

    const { transcriptPath, session } = await resolveTarget(ctx, query);
    if (ctx.values.summarize === true) return summarize(ctx, session, query);

    // Ctrl-C and a service manager's stop (SIGTERM) cancel cleanly: the lock is released and
    // the temp file removed, instead of leaving a dead holder's lock for the next run.
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    let lastWait = '';
    try {
      const result = await trimTranscript({
        transcriptPath,
        maxLines,
        timeoutMs: timeoutSeconds * 1000,
        signal: controller.signal,
        onWait: (info) => {
          if (!ctx.json && info.message !== lastWait) ctx.err(info.message);
          lastWait = info.message;
        },
      });
      const name = session ? sessionName(session) : transcriptPath;
      if (ctx.json) {
        ctx.out(JSON.stringify({ method: 'trim', key: session?.key, agentId: session?.agentId, sessionId: session?.sessionId, ...result }, null, 2));
      } else if (!result.compacted) {
        ctx.out(`Nothing to do: ${name} has ${count(result.linesBefore)} lines, at most --max-lines ${maxLines}.`);
      } else {
        ctx.out(`Compacted ${name}: ${count(result.linesBefore)} → ${count(result.linesAfter)} lines, ${formatBytes(result.bytesBefore)} → ${formatBytes(result.bytesAfter)}.`);
        ctx.out(`Original kept as ${result.archivePath}`);
        if (result.droppedTornLine) ctx.out('The last line was cut off by an interrupted write; it is only in the archive.');
      }
      for (const leftover of result.removedLeftovers) if (!ctx.json) ctx.out(`removed leftover of a crashed run: ${leftover}`);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof TranscriptError) {
        ctx.err(error.message);
        return EXIT_ERROR;
      }
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  },
});
