// What a gateway's health means, in words: one place for the CLI's `Gateway` line, the view's
// gateway row and the status bar. Pure (no vscode, no disk, `now` passed in); every sentence is
// whole in a `t()` template (VS Code's l10n.t in the extension, `untranslated` in the CLI).
// The shapes are structural, so that this layer needs nothing from the model's.
import { formatClockTime, formatDuration } from './format';
import { untranslated, type Translate } from './locks';

export interface GatewayProbeWords {
  live: boolean;
  ready?: boolean;
  failing?: string[];
  uptimeMs?: number;
  latencyMs?: number;
  httpStatus?: number;
  readyHttpStatus?: number;
  error?: string;
  errorDetail?: string;
  probedAt: number;
}

export interface GatewayHealthWords {
  state: 'up' | 'starting' | 'not-ready' | 'not-answering' | 'down' | 'not-running' | 'unprobed';
  port?: number;
  probe?: GatewayProbeWords;
  expected?: 'lock' | 'service' | 'answered';
  servicePath?: string;
  since?: number;
  sinceKnown?: boolean;
  lastAnsweredAt?: number;
}

/** Past this, "already so when first looked" is worth saying as "since 14:20 or earlier". */
const FIRST_LOOK_NOTE_MS = 60_000;

const ms = (value: number | undefined) => (value === undefined ? '?' : String(Math.round(value)));

/** Why a probe got no usable answer: "connection refused", "no answer within the deadline". */
export function probeErrorWords(probe: GatewayProbeWords | undefined, t: Translate = untranslated): string {
  if (probe?.error === undefined) return t('no answer');
  switch (probe.error) {
    case 'refused': return t('connection refused');
    case 'timeout': return t('no answer within the deadline');
    case 'reset': return t('connection closed before a whole answer');
    case 'http': return t('HTTP {0}', probe.live ? probe.readyHttpStatus ?? '?' : probe.httpStatus ?? '?');
    case 'too-large': return t('an answer too large to be a health check');
    case 'not-openclaw': return t('an answer that is not OpenClaw\'s');
    default: return probe.errorDetail ?? probe.error;
  }
}

/** "since 14:20", "since 14:20 or earlier" (it was already so at the first look), or '' (just looked). */
export function sinceWords(health: GatewayHealthWords, now: number, t: Translate = untranslated): string {
  if (health.since === undefined) return '';
  const clock = formatClockTime(health.since, now);
  if (health.sinceKnown) return t('since {0}', clock);
  return now - health.since >= FIRST_LOOK_NOTE_MS ? t('since {0} or earlier', clock) : '';
}

const failingList = (probe: GatewayProbeWords | undefined) => (probe?.failing && probe.failing.length > 0 ? probe.failing.join(', ') : '?');

/**
 * The health as one phrase, after the lock's own words in the CLI (`running (pid 4242, port
 * 18789); answering /health in 3 ms, ready`) and in the row's tooltip.
 */
export function gatewayHealthPhrase(health: GatewayHealthWords, now: number, t: Translate = untranslated): string {
  const probe = health.probe;
  const since = sinceWords(health, now, t);
  const port = health.port ?? '?';
  const lastAnswer = health.lastAnsweredAt !== undefined ? formatClockTime(health.lastAnsweredAt, now) : undefined;
  switch (health.state) {
    case 'up':
      return probe?.ready === true
        ? t('answering /health in {0} ms, ready', ms(probe.latencyMs))
        : t('answering /health in {0} ms; /ready gave no verdict ({1})', ms(probe?.latencyMs), probeErrorWords(probe, t));
    case 'starting':
      return probe?.live
        ? t('starting: answering /health in {0} ms, not ready yet (up {1})', ms(probe.latencyMs), formatDuration(probe.uptimeMs ?? 0))
        : t('starting: not answering on port {0} yet ({1})', port, probeErrorWords(probe, t));
    case 'not-ready':
      return since
        ? t('answering /health in {0} ms, but not ready {1} (failing: {2})', ms(probe?.latencyMs), since, failingList(probe))
        : t('answering /health in {0} ms, but not ready (failing: {1})', ms(probe?.latencyMs), failingList(probe));
    case 'not-answering':
      if (since && lastAnswer) return t('not answering on port {0} {1} ({2}; last answered at {3})', port, since, probeErrorWords(probe, t), lastAnswer);
      return since
        ? t('not answering on port {0} {1} ({2})', port, since, probeErrorWords(probe, t))
        : t('not answering on port {0} ({1})', port, probeErrorWords(probe, t));
    case 'down':
      if (since && lastAnswer) return t('down {0}: nothing answers on port {1} ({2}; last answered at {3})', since, port, probeErrorWords(probe, t), lastAnswer);
      if (since) return t('down {0}: nothing answers on port {1} ({2})', since, port, probeErrorWords(probe, t));
      return probe ? t('down: nothing answers on port {0} ({1})', port, probeErrorWords(probe, t)) : t('down');
    case 'not-running':
      return probe
        // Short: the reason it is no error (nothing calls for a gateway) is expectationWords'.
        ? t('nothing answers on port {0}', port)
        : t('no gateway expected here (no gateway lock, no service unit, no sessions)');
    case 'unprobed':
      return t('not probed (probing is turned off)');
  }
}

/** A few words for the view's gateway row: "up, 3 ms", "not ready: channels", "down since 14:20". */
export function gatewayShortStatus(health: GatewayHealthWords, now: number, t: Translate = untranslated): string {
  const since = sinceWords(health, now, t);
  switch (health.state) {
    case 'up': return t('up, {0} ms', ms(health.probe?.latencyMs));
    case 'starting': return t('starting');
    case 'not-ready': return t('not ready: {0}', failingList(health.probe));
    case 'not-answering': return since ? t('not answering {0}', since) : t('not answering');
    case 'down': return since ? t('down {0}', since) : t('down');
    case 'not-running': return t('not running');
    case 'unprobed': return t('running (not probed)');
  }
}

/** Why a gateway is expected here, for a tooltip: why "down" is an error. */
export function expectationWords(health: GatewayHealthWords, t: Translate = untranslated): string {
  switch (health.expected) {
    case 'lock': return t('A gateway lock exists for it, so one is meant to run.');
    case 'service': return t('A service unit is set up for it ({0}), so one is meant to run.', health.servicePath ?? '?');
    case 'answered': return t('It answered earlier, so one is meant to run.');
    case undefined: return t('Nothing says a gateway should run here (no gateway lock, no service unit), so its absence is not an error.');
  }
}
