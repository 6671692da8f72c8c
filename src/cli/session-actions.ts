// `abort` and `recover`: the SQLite era's ways to unblock a session, only through OpenClaw's
// own gateway (`openclaw gateway call sessions.abort|sessions.recover`): this tool never
// writes OpenClaw's databases and never handles a gateway token (OpenClaw's CLI finds it).
import { callGateway, findOpenClawCli } from '../openclaw/cli';
import { abortRemedy, findingsOf, gradeSnapshot, recoverRemedy, scanStateDir, type Remedy, type SessionInfo, type SessionsSnapshot } from '../sessions';
import { findingLabel } from '../wording/findings';
import { resolutionProblem, resolveSession, sessionName } from './resolve';
import { commandBlock } from './shell';
import { findingWords, openclawCommandWords } from './sqlite-status';
import { missingStateDirMessage } from './status';
import { EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, UsageError, registerCommand, type CliContext } from './command-table';

async function sqliteSession(ctx: CliContext, snapshot: SessionsSnapshot): Promise<SessionInfo> {
  const [query, ...rest] = ctx.positionals;
  if (query === undefined || rest.length > 0) throw new UsageError(`${ctx.command.name} takes exactly one session (a key, an id or its start, a name).`);
  const resolution = resolveSession(snapshot, query);
  if (resolution.kind === 'ambiguous') throw new UsageError(resolutionProblem(resolution, query, snapshot.resolution.stateDir)!);
  if (resolution.kind === 'none') throw new UsageError(`No session matches "${query}" in ${snapshot.resolution.stateDir}. \`openclaw-locks status --all\` lists them.`);
  const session = resolution.target.sessions[0];
  if (!session?.sqlite) {
    throw new UsageError(`${sessionName(session ?? resolution.target.sessions[0]!)} is a JSONL-era session (OpenClaw up to 2026.7): it has no run to ${ctx.command.name} through this command; \`openclaw-locks inspect\` shows its lock.`);
  }
  return session;
}

/** The environment OpenClaw's CLI needs to act on the state dir this run looked at. */
function openclawEnv(ctx: CliContext, snapshot: SessionsSnapshot): NodeJS.ProcessEnv {
  return snapshot.resolution.source === 'explicit' ? { ...ctx.env, OPENCLAW_STATE_DIR: snapshot.resolution.stateDir } : ctx.env;
}

async function runRemedy(ctx: CliContext, action: 'abort' | 'recover', build: (s: SessionInfo) => Remedy, refuse: (s: SessionInfo, snapshot: SessionsSnapshot) => string | undefined): Promise<number> {
  const dryRun = ctx.values['dry-run'] === true;
  const snapshot = await scanStateDir(ctx.scanOptions);
  if (snapshot.layout === 'missing') {
    ctx.err(missingStateDirMessage(snapshot));
    return EXIT_ERROR;
  }
  if (snapshot.layout !== 'sqlite') {
    ctx.err(`${snapshot.resolution.stateDir} is in the JSONL era (OpenClaw up to 2026.7): sessions there are unblocked by clearing their lock. Run \`openclaw-locks status\` and \`openclaw-locks clear-stale\`.`);
    return EXIT_ERROR;
  }
  const session = await sqliteSession(ctx, snapshot);
  const remedy = build(session);
  const words = openclawCommandWords(snapshot, remedy.command!);
  const findings = findingsOf(gradeSnapshot(snapshot, ctx.thresholds, Date.now()).findings, session);
  const refusal = refuse(session, snapshot);
  if (refusal) {
    if (ctx.json) ctx.out(JSON.stringify({ action, session: session.key, done: false, reason: refusal }, null, 2));
    else ctx.out(`nothing to ${action}: ${refusal}`);
    return EXIT_OK;
  }
  if (dryRun) {
    if (ctx.json) {
      ctx.out(JSON.stringify({ action, session: session.key, dryRun: true, command: words.join(' '), findings: findings.map((f) => f.kind) }, null, 2));
    } else {
      ctx.out(`would ${action} ${sessionName(session)}${findings[0] ? ` (${findingLabel(findingWords(findings[0], Date.now()))})` : ''} by running:`);
      for (const line of commandBlock(words, 2, ctx.width)) ctx.out(line);
    }
    return EXIT_OK;
  }
  const cliPath = await findOpenClawCli({ ...(ctx.scanOptions.openclawPath ? { configuredPath: ctx.scanOptions.openclawPath } : {}), env: ctx.env });
  if (!cliPath) {
    ctx.err(`openclaw is not on PATH (pass --openclaw <path>). The command to run yourself:\n  ${words.join(' ')}`);
    return EXIT_ERROR;
  }
  const result = await callGateway(cliPath, remedy.rpc!.method, remedy.rpc!.params, { env: openclawEnv(ctx, snapshot) });
  if (ctx.json) {
    ctx.out(JSON.stringify({ action, session: session.key, done: result.ok, response: result.response, problem: result.problem, ms: result.ms }, null, 2));
  } else if (result.ok) {
    ctx.out(`${action === 'abort' ? 'aborted' : 'recovered'} ${sessionName(session)} through the gateway (${result.ms} ms): ${JSON.stringify(result.response)}`);
  } else {
    ctx.err(`OpenClaw refused to ${action} ${sessionName(session)}: ${result.problem}`);
  }
  return result.ok ? EXIT_OK : EXIT_ATTENTION;
}

registerCommand({
  name: 'abort',
  summary: 'SQLite era: abort a session\'s running turn through the gateway (sessions.abort).',
  usage: 'abort <session> [--clear-queued] [--dry-run]',
  description: 'Runs `openclaw gateway call sessions.abort`; OpenClaw\'s CLI finds the gateway and its credentials. Exit code: 0 done or nothing to do, 1 OpenClaw refused, 2 error.',
  options: {
    'clear-queued': { type: 'boolean', description: 'also drop the messages queued behind the run' },
    'dry-run': { type: 'boolean', description: 'print the command, run nothing' },
  },
  allowPositionals: true,
  examples: ['openclaw-locks abort agent:main:discord:ops --dry-run', 'openclaw-locks abort "Ops Discord" --clear-queued'],
  run: (ctx) => runRemedy(ctx, 'abort', (s) => abortRemedy(s, ctx.values['clear-queued'] === true), (s, snapshot) => {
    if (s.sqlite?.row.status !== 'running') return `${sessionName(s)} has no running turn (status ${s.sqlite?.row.status ?? 'none'})`;
    if (!snapshot.gateway.alive) return `${sessionName(s)} was left running by a gateway that is gone; the next gateway start marks it interrupted (start the gateway: openclaw gateway start)`;
    return undefined;
  }),
});

registerCommand({
  name: 'recover',
  summary: 'SQLite era: recover a session restart recovery gave up on (sessions.recover).',
  usage: 'recover <session> [--dry-run]',
  description: 'A restart-recovery tombstone makes a session refuse new messages ("Use /new or /reset"); this runs `openclaw gateway call sessions.recover`. Exit code: 0 done or nothing to do, 1 OpenClaw refused, 2 error.',
  options: {
    'dry-run': { type: 'boolean', description: 'print the command, run nothing' },
  },
  allowPositionals: true,
  examples: ['openclaw-locks recover agent:main:main --dry-run'],
  run: (ctx) => runRemedy(ctx, 'recover', (s) => recoverRemedy(s), (s) => (s.sqlite?.row.tombstone ? undefined : `${sessionName(s)} has no restart-recovery tombstone`)),
});
