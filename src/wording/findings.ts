// What a SQLite-era finding means, in words for a person: one place for the CLI and the
// extension. Structural input only (kind, facts, age), so this layer stays below the session
// model; every sentence goes through `t`.
import { formatBytes, formatCoarseAge, formatDuration } from './format';
import { untranslated, type Translate } from './locks';

export interface FindingWords {
  kind: string;
  facts: Record<string, string | number | boolean>;
  sessionKey?: string;
  agentId?: string;
  /** The age to say, at the time of speaking (callers tick it from `since`). */
  ageMs?: number;
  /**
   * Whole minutes past the first one ("7m", not "7m 04s"): for a view row, which is redrawn
   * (closing its tooltip) whenever its text changes.
   */
  coarse?: boolean;
}

function ageOf(f: FindingWords): string | undefined {
  if (f.ageMs === undefined) return undefined;
  return f.coarse ? formatCoarseAge(f.ageMs) : formatDuration(f.ageMs);
}

export interface RemedyWords {
  action: string;
  gatewayMustBeStopped?: boolean;
}

const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** A short state for a row or a table cell: "hung 7m", "tombstone". */
export function findingLabel(f: FindingWords, t: Translate = untranslated): string {
  const age = ageOf(f);
  switch (f.kind) {
    case 'run-active': return age ? t('running {0}', age) : t('running');
    case 'run-hung': return age ? t('hung {0}', age) : t('hung');
    case 'run-orphaned': return t('interrupted');
    case 'tombstone': return t('refuses messages');
    case 'queue-stalled': return t('{0} queued', num(f.facts.queued) ?? 0);
    case 'initialization-pending': return t('initialising');
    case 'archived': return t('archived');
    case 'maintenance-lease': return t('maintenance');
    case 'database-held-open': return t('database open elsewhere');
    case 'database-busy': return t('database busy');
    case 'database-unreadable': return t('database unreadable');
    case 'wal-large': return t('WAL {0}', formatBytes(num(f.facts.walBytes) ?? 0));
    case 'migration-pending': return t('migration pending');
    case 'owner-lock-dead': return t('owner gone');
    case 'no-sqlite-reader': return t('cannot read');
    default: return f.kind;
  }
}

/** One sentence: what it is and what it does to messages. */
export function explainFinding(f: FindingWords, t: Translate = untranslated): string {
  const age = ageOf(f);
  switch (f.kind) {
    case 'run-active':
      return age ? t('A run has been working for {0}; new messages wait until it ends.', age) : t('A run is working; new messages wait until it ends.');
    case 'run-hung':
      return t('A run has been working for {0} while the gateway is alive: it holds the session lane, and every new message queues behind it. OpenClaw logs it as a stalled session but leaves a model call that is still open running until it times out.', age ?? '?');
    case 'run-orphaned':
      return t('A run was left working by a gateway that is gone. It blocks nothing now: the next gateway start marks it interrupted and resumes it (up to 3 times).');
    case 'tombstone':
      return f.facts.reason
        ? t('Restart recovery gave up on this session ({0}): it refuses new messages ("Use /new or /reset") until it is recovered.', String(f.facts.reason))
        : t('Restart recovery gave up on this session: it refuses new messages ("Use /new or /reset") until it is recovered.');
    case 'queue-stalled':
      return t('{0} queued message(s) have not moved for {1}.', num(f.facts.queued) ?? 0, age ?? '?');
    case 'initialization-pending':
      return t('The session is still being initialised; OpenClaw refuses work on it until that finishes.');
    case 'archived':
      return t('The session is archived; OpenClaw refuses new work on it until it is restored.');
    case 'maintenance-lease':
      return num(f.facts.expiresAt) !== undefined
        ? t('Doctor maintenance holds the agent databases (lease of {0}); opening them waits until it ends or the lease expires at {1}.', String(f.facts.owner), new Date(num(f.facts.expiresAt)!).toISOString())
        : t('Doctor maintenance holds the agent databases (lease of {0}); opening them waits until it ends.', String(f.facts.owner));
    case 'database-held-open':
      return t('Process {0} has this agent database open: `openclaw doctor` repairs refuse to run while it does ("database is still open in process {0}").', num(f.facts.pid) ?? '?');
    case 'database-busy':
      return t('A writer held the agent database longer than this tool waits (a quarter second); if it lasts 5 s, OpenClaw\'s own writes fail with "database is locked".');
    case 'database-unreadable':
      return t('The agent database could not be read: {0}', String(f.facts.message ?? f.facts.failure));
    case 'wal-large':
      return t('The write-ahead log is {0}, far above OpenClaw\'s 64 MiB checkpoint target: startups get slow or hang. Something kept it from checkpointing (a long-lived reader, a crash).', formatBytes(num(f.facts.walBytes) ?? 0));
    case 'migration-pending':
      return t('A legacy sessions.json is not imported yet (agents: {0}). The next 2026.8+ gateway start imports it; a store it cannot import makes the gateway refuse to start ("Legacy session store requires migration") until the doctor migrates it.', String(f.facts.agents));
    case 'owner-lock-dead':
      return t('The state dir\'s owner lock names pid {0}, which is gone. Nothing owns the state dir: no gateway runs. The next owner reclaims the lock after 5 s.', num(f.facts.pid) ?? '?');
    case 'no-sqlite-reader':
      return t('This OpenClaw keeps sessions in SQLite, and no Node that can read it was found ({0}). Install Node 22.13 or newer (OpenClaw 2026.9 itself needs Node 24.16+) or set the Node to use.', String(f.facts.message ?? ''));
    default:
      return f.kind;
  }
}

/** The name of a remedy, for a button or a heading. */
export function remedyLabel(r: RemedyWords, t: Translate = untranslated): string {
  const stopped = r.gatewayMustBeStopped ? t(' (with the gateway stopped)') : '';
  switch (r.action) {
    case 'abort': return t('Abort the run');
    case 'abort-clear-queued': return t('Abort the run and drop the queued messages');
    case 'recover': return t('Recover the session');
    case 'compact': return t('Compact the session');
    case 'doctor-compact': return t('Checkpoint and compact the database{0}', stopped);
    case 'doctor-import': return t('Migrate the legacy store{0}', stopped);
    case 'start-gateway': return t('Start the gateway');
    case 'wait': return t('Wait: it clears by itself');
    case 'install-node': return t('Install Node 22.13+ or set openclawSessions.nodePath (CLI: --node)');
    case 'new-session': return t('Or send /new or /reset in the chat');
    default: return r.action;
  }
}

/** Era words: "SQLite (OpenClaw 2026.9.6)". */
export function eraName(era: string, version: string | undefined, t: Translate = untranslated): string {
  const name = era === 'sqlite' ? t('SQLite era') : t('JSONL era');
  return version ? t('{0} (OpenClaw {1})', name, version) : name;
}
