/**
 * The state machine of one swap (`swp_…`, https://docs.peeker.ai/guides/domain-swaps), shared by
 * Peeker's answer to `POST /swaps` (or `POST /swaps/user_names`), the `swap.*` webhooks and
 * `GET /swaps/{id}` for swaps gone quiet, so whichever reports a change first wins and the others
 * are no-ops. Pure, like `order-state.ts`.
 *
 *   created → in_progress ⇄ action_required → completed | failed
 *
 * - a lower rank never replaces a higher one (a late `swap.created` after `in_progress` is stale);
 * - between the two working states, the newer report wins (by the event's `created_at`): an
 *   action can be resolved (Peeker resolves a swap once its replacement is imported);
 * - `completed` and `failed` are final: whichever came first stands.
 */

export type SwapStatus = 'created' | 'in_progress' | 'action_required' | 'completed' | 'failed';

const RANK: Record<SwapStatus, number> = {
  created: 0,
  in_progress: 1,
  action_required: 1,
  completed: 2,
  failed: 2,
};

export function isSwapStatus(value: string): value is SwapStatus {
  return Object.hasOwn(RANK, value);
}

export function isSwapFinished(status: string): boolean {
  return status === 'completed' || status === 'failed';
}

export interface SwapReport {
  status: string;
  /** When Peeker says it happened (event `created_at`); null for an answer or a poll ("now"). */
  at: string | null;
  reason: string | null;
}

/** What a transition is worth telling the order's thread. */
export type SwapAnnouncement = 'action_required' | 'completed' | 'failed';

export interface SwapTransition {
  status: SwapStatus;
  statusAt: string | null;
  reason: string | null;
  changed: boolean;
  announce: SwapAnnouncement | undefined;
}

export function transitionSwap(
  current: { status: string; statusAt: string | null; reason: string | null },
  report: SwapReport,
  now: number,
): SwapTransition {
  const from: SwapStatus = isSwapStatus(current.status) ? current.status : 'created';
  const unchanged: SwapTransition = {
    status: from,
    statusAt: current.statusAt,
    reason: current.reason,
    changed: false,
    announce: undefined,
  };
  const to = report.status.toLowerCase();
  if (!isSwapStatus(to)) return unchanged;
  if (to === from) {
    // The same status again: a newer report only moves its time on (and may explain it better).
    const newer = report.at && (!current.statusAt || Date.parse(report.at) > Date.parse(current.statusAt));
    return newer ? { ...unchanged, statusAt: report.at, reason: report.reason ?? current.reason } : unchanged;
  }
  if (RANK[to] < RANK[from]) return unchanged;
  if (RANK[to] === RANK[from]) {
    if (RANK[to] === RANK.completed) return unchanged;
    if (report.at && current.statusAt && Date.parse(report.at) < Date.parse(current.statusAt))
      return unchanged;
  }
  return {
    status: to,
    statusAt: report.at ?? new Date(now).toISOString(),
    reason: to === 'action_required' || to === 'failed' ? (report.reason ?? current.reason) : current.reason,
    changed: true,
    announce: to === 'action_required' || to === 'completed' || to === 'failed' ? to : undefined,
  };
}
