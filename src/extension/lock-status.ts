// The status bar's item, decided: its text, colour and tooltip from the graded entries.
// Pure (no `vscode`, no disk), so node --test covers every rule.
import { findingRowLabel } from './sqlite-presentation';
import { LEVEL_PRESENTATION, formatDuration } from './lock-presentation';
import type { FindingEntry, LockEntry } from './graded-entries';
import { failedCell } from '../wording/failures';
import { untranslated, type Translate } from '../wording/locks';
import type { GatewayBadge } from './gateway-presentation';

// bench/tree.bench.ts (kept by the lock core's owners) still imports these from here.
export { lockEntries } from './graded-entries';
export { AlertTracker } from './alert-tracking';

export type StatusBackground = 'none' | 'warning' | 'error';

export interface StatusSummary {
  /** Lock files present (any level but free). 0 hides the item, unless the gateway needs attention. */
  count: number;
  /** The gateway's part, when it is down, not answering, not ready or starting. */
  gateway?: GatewayBadge;
  text: string;
  background: StatusBackground;
  tooltip: string;
  worst?: LockEntry;
  /** SQLite era: the worst finding (what the item's click reveals). */
  worstFinding?: FindingEntry;
}

const MAX_TOOLTIP_LOCKS = 15;

/**
 * The badge. `failuresLine`: what OpenClaw's log says, for the tooltip ("7 messages failed since
 * 14:20 (…)"). A gateway that is down or not ready where one is meant to run is an error state
 * of its own, shown even with no lock; one that is simply not running where nothing calls for
 * it never reaches here (its severity is info).
 */
export function summarizeStatus(entries: readonly LockEntry[], failuresLine?: string, t: Translate = untranslated, gateway?: GatewayBadge): StatusSummary {
  const count = entries.length;
  let background: StatusBackground = gateway?.severity ?? 'none';
  for (const entry of entries) {
    if (background === 'error') break;
    if (entry.moment.severity === 'error') {
      background = 'error';
      break;
    }
    if (entry.moment.severity === 'warning') background = 'warning';
  }
  const lines = entries.slice(0, MAX_TOOLTIP_LOCKS).map((entry) => {
    const parts = [LEVEL_PRESENTATION[entry.moment.level].label];
    if (entry.node.failures) parts.push(failedCell(entry.node.failures.count, t));
    if (entry.node.lock.reasons.length > 0) parts.push(entry.node.lock.reasons.join(', '));
    if (entry.moment.ageMs !== undefined) parts.push(formatDuration(entry.moment.ageMs));
    if (entry.node.lock.pid !== undefined) parts.push(`pid ${entry.node.lock.pid}`);
    return `${entry.title}: ${parts.join(', ')}`;
  });
  if (entries.length > MAX_TOOLTIP_LOCKS) lines.push(`… and ${entries.length - MAX_TOOLTIP_LOCKS} more`);
  const heading = count === 1 ? '1 OpenClaw session lock' : `${count} OpenClaw session locks`;
  const lockText = count === 0 ? 'No OpenClaw session locks' : [heading, ...lines, ...(failuresLine ? ['', failuresLine] : []), '', 'Click to show the worst lock.'].join('\n');
  return {
    count,
    text: gateway ? (count > 0 ? `$(lock) ${count}  ${gateway.text}` : gateway.text) : `$(lock) ${count}`,
    background,
    tooltip: gateway ? `${gateway.tooltip}\n\n${lockText}` : lockText,
    worst: entries[0],
    ...(gateway ? { gateway } : {}),
  };
}

/** The SQLite era's item: `$(database) N` findings that need attention, red when one is an error. */
export function summarizeFindingStatus(entries: readonly FindingEntry[], now: number): StatusSummary {
  const count = entries.length;
  const background: StatusBackground = entries.some((e) => e.finding.severity === 'error') ? 'error' : count > 0 ? 'warning' : 'none';
  const lines = entries.slice(0, MAX_TOOLTIP_LOCKS).map((e) => `${e.title}: ${findingRowLabel(e.finding, now)}`);
  if (entries.length > MAX_TOOLTIP_LOCKS) lines.push(`… and ${entries.length - MAX_TOOLTIP_LOCKS} more`);
  const heading = count === 1 ? '1 OpenClaw session blocked or at risk' : `${count} OpenClaw sessions blocked or at risk`;
  return {
    count,
    text: `$(database) ${count}`,
    background,
    tooltip: count === 0 ? 'Nothing blocks any OpenClaw session' : [heading, ...lines, '', 'Click to show the worst.'].join('\n'),
    ...(entries[0] ? { worstFinding: entries[0] } : {}),
  };
}
