// `openclaw-locks compact`: trims a transcript to OpenClaw's maxLines (header + last N-1
// lines) under the session write lock, archiving the original; or, with --summarize, asks
// the gateway for a model compaction through the `openclaw` CLI. Same code as the editor.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { compactWithOpenClaw, describeCompactTokens, findOpenClawCli, getGatewayStatus, OpenClawCliError } from '../openclaw';
import { callGateway } from '../openclaw/cli';
import { readSqliteTranscript } from '../sqlite-store/read-store';
import { compactRemedy, scanStateDir, type SessionInfo } from '../sessions';
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
    const { target } = resolution;
    if (target.view && target.sessions.length === 0) throw new UsageError(`"${query}" is a lock with no session (${target.view.lockPath}): there is no transcript to compact.`);
    const session = target.sessions[0]!;
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

/**
 * SQLite era: OpenClaw compacts inside its database through the gateway (`sessions.compact`).
 * With maxLines it keeps the header and the last N-1 events in one transaction, permanently,
 * with no backup archive, so this asks for an export first (or an explicit --no-backup).
 */
async function compactSqliteSession(ctx: CliContext, session: SessionInfo, maxLines: number | undefined): Promise<number> {
  const exportPath = typeof ctx.values.export === 'string' ? path.resolve(ctx.values.export) : undefined;
  if (maxLines !== undefined && !exportPath && ctx.values['no-backup'] !== true) {
    ctx.err([
      `${sessionName(session)} lives in OpenClaw's SQLite database (2026.8+). Trimming it to ${maxLines} lines there is permanent: OpenClaw keeps no backup in this era.`,
      `Export it first:  ${ctx.commandToRun(['compact', session.key ?? session.sessionId, '--max-lines', String(maxLines), '--export', `${session.sessionId}.jsonl`]).join(' ')}`,
      `or, to lose the dropped lines for good:  ${ctx.commandToRun(['compact', session.key ?? session.sessionId, '--max-lines', String(maxLines), '--no-backup']).join(' ')}`,
      `A model summary instead (nothing dropped): ${ctx.commandToRun(['compact', session.key ?? session.sessionId, '--summarize']).join(' ')}`,
    ].join('\n'));
    return EXIT_ERROR;
  }
  const configured = typeof ctx.values['openclaw-path'] === 'string' ? (ctx.values['openclaw-path'] as string) : ctx.scanOptions.openclawPath;
  const cliPath = await findOpenClawCli({ ...(configured ? { configuredPath: configured } : {}), env: ctx.env });
  if (!cliPath) {
    ctx.err('openclaw CLI not found on PATH (use --openclaw-path): in the SQLite era only OpenClaw compacts its database.');
    return EXIT_ERROR;
  }
  if (exportPath) {
    const read = await readSqliteTranscript(session.sqlite!.databasePath, session.sessionId, { ...(ctx.scanOptions.nodePath ? { configured: ctx.scanOptions.nodePath } : {}), openclawPath: cliPath, env: ctx.env });
    if ('failure' in read) {
      ctx.err(`Could not export ${sessionName(session)} (${read.failure.message}); nothing was compacted.`);
      return EXIT_ERROR;
    }
    if (read.truncated) {
      ctx.err(`${sessionName(session)} has more events than one export holds; nothing was compacted.`);
      return EXIT_ERROR;
    }
    await writeFile(exportPath, read.jsonl, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(error.code === 'EEXIST' ? `${exportPath} exists; pick a new file for --export (nothing was compacted).` : `cannot write ${exportPath}: ${error.message}`);
    });
    if (!ctx.json) ctx.out(`Exported ${read.events} events to ${exportPath}`);
  }
  const env = ctx.scanOptions.stateDir ? { ...ctx.env, OPENCLAW_STATE_DIR: path.resolve(ctx.scanOptions.stateDir) } : ctx.env;
  const remedy = compactRemedy(session, maxLines);
  const result = await callGateway(cliPath, remedy.rpc!.method, remedy.rpc!.params, { env, timeoutMs: 300_000 });
  if (ctx.json) {
    ctx.out(JSON.stringify({ method: maxLines !== undefined ? 'gateway-trim' : 'gateway-summary', key: session.key, agentId: session.agentId, ok: result.ok, exportPath, response: result.response, problem: result.problem }, null, 2));
  } else if (result.ok) {
    const kept = result.response?.kept;
    ctx.out(`OpenClaw compacted ${sessionName(session)}${typeof kept === 'number' ? `: kept ${kept} events` : ''}${maxLines !== undefined && !exportPath ? ' (no backup)' : ''}.`);
  } else {
    ctx.err(`OpenClaw did not compact ${sessionName(session)}: ${result.problem}`);
  }
  return result.ok ? EXIT_OK : EXIT_ERROR;
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
    export: { type: 'string', valueName: '<file>', description: 'SQLite era: first write the whole transcript to this .jsonl file (OpenClaw keeps no backup when it trims)' },
    'no-backup': { type: 'boolean', description: 'SQLite era: trim without exporting first; the dropped lines are gone for good' },
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
    if (session?.sqlite) return compactSqliteSession(ctx, session, ctx.values.summarize === true ? undefined : maxLines);
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
