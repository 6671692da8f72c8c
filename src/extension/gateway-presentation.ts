// How the gateway looks in the view and the status bar: its row's icon, words and tooltip, and
// its part of the badge. Pure (no `vscode`): words come from the shared wording through the
// `t` the extension passes (vscode.l10n.t), so node --test covers the rules.
import type { GatewayHealth, GatewayInfo, GatewaySeverity } from '../sessions/types';
import { formatClockTime } from '../wording/format';
import { expectationWords, gatewayHealthPhrase, gatewayShortStatus } from '../wording/gateway';
import { untranslated, type Translate } from '../wording/locks';
import { escapeMarkdown } from './lock-presentation';

export interface GatewayRowPresentation {
  label: string;
  description: string;
  /** A codicon, and the theme colour to paint it with. */
  icon: string;
  color?: string;
  /** Untrusted Markdown. */
  tooltip: string;
}

const ICONS: Record<GatewayHealth['state'], { icon: string; color?: string }> = {
  up: { icon: 'pass', color: 'testing.iconPassed' },
  unprobed: { icon: 'circle-outline' },
  starting: { icon: 'loading~spin', color: 'list.warningForeground' },
  'not-ready': { icon: 'warning', color: 'list.errorForeground' },
  'not-answering': { icon: 'error', color: 'list.errorForeground' },
  down: { icon: 'debug-disconnect', color: 'list.errorForeground' },
  'not-running': { icon: 'circle-slash' },
};

/** `running (pid 4242, port 18789)`, or what the lock says otherwise. */
function lockWords(gateway: GatewayInfo, t: Translate): string {
  if (!gateway.lockPath) return t('no gateway lock found for this state dir');
  if (gateway.uncertain !== undefined) return t('its lock names pid {0}, which may be running ({1})', gateway.pid ?? '?', gateway.uncertain);
  if (gateway.alive) return t('its lock names pid {0}, which is running', gateway.pid ?? '?');
  return gateway.pid !== undefined ? t('its lock names pid {0}, which is gone', gateway.pid) : t('its lock cannot be read');
}

export function gatewayRow(gateway: GatewayInfo, health: GatewayHealth, now: number, t: Translate = untranslated): GatewayRowPresentation {
  const { icon, color } = ICONS[health.state];
  const pid = gateway.alive && gateway.pid !== undefined ? ` · ${t('pid {0}', gateway.pid)}` : '';
  const lines = [
    `**${escapeMarkdown(t('OpenClaw gateway'))}**: ${escapeMarkdown(gatewayHealthPhrase(health, now, t))}`,
    '',
    escapeMarkdown(lockWords(gateway, t)),
  ];
  if (gateway.lockPath) lines.push('', `${escapeMarkdown(t('Lock'))}: \`${gateway.lockPath.replace(/`/g, '')}\``);
  if (health.port !== undefined) lines.push('', escapeMarkdown(t('Probed on 127.0.0.1:{0} (GET /health, GET /ready)', health.port)));
  if (health.probe) lines.push('', escapeMarkdown(t('Last probe at {0}', formatClockTime(health.probe.probedAt, now))));
  if (health.lastAnsweredAt !== undefined && !health.probe?.live) lines.push('', escapeMarkdown(t('Last answered at {0}', formatClockTime(health.lastAnsweredAt, now))));
  lines.push('', escapeMarkdown(expectationWords(health, t)));
  return {
    label: t('Gateway'),
    description: `${gatewayShortStatus(health, now, t)}${pid}`,
    icon,
    ...(color ? { color } : {}),
    tooltip: lines.join('\n'),
  };
}

/** The gateway's part of the status bar badge, when it has one (warning or error only). */
export interface GatewayBadge {
  severity: Extract<GatewaySeverity, 'warning' | 'error'>;
  /** `$(debug-disconnect) gateway down since 14:20` */
  text: string;
  tooltip: string;
}

export function gatewayBadge(health: GatewayHealth | undefined, now: number, t: Translate = untranslated): GatewayBadge | undefined {
  if (!health || (health.severity !== 'warning' && health.severity !== 'error')) return undefined;
  return {
    severity: health.severity,
    text: `$(${health.state === 'starting' ? 'loading~spin' : 'debug-disconnect'}) ${t('gateway {0}', gatewayShortStatus(health, now, t))}`,
    tooltip: t('OpenClaw gateway: {0}', gatewayHealthPhrase(health, now, t)),
  };
}
