// Which locks auto-clear may remove without asking (when the user opted in): only those whose
// owner is provably gone. Pure, so node --test covers the rule.
import type { StaleReason } from '../lock/types';
import type { LockView } from '../sessions/types';

/** Reasons auto-clear acts on: the owner is provably gone. */
const AUTO_CLEAR_REASONS: readonly StaleReason[] = ['dead-pid', 'recycled-pid'];

export function isAutoClearable(view: LockView): boolean {
  return (
    view.level === 'stale' &&
    view.inspection.reclaimable &&
    view.inspection.state === 'stale' &&
    view.reasons.some((reason) => AUTO_CLEAR_REASONS.includes(reason))
  );
}
