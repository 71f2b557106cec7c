import type { DomainCancellation, DomainCancelState } from '../store/cancellations-repo.js';

/**
 * The cancellation side of an order, as a pure function of what we know and one report (Peeker's
 * answer to `POST /orders/{id}/cancel`, `order.cancel_scheduled`, `order.cancelled`), shared by
 * every source so that whichever arrives first wins and the rest are no-ops:
 * - each domain only moves forward: none → scheduled → cancelled (an `order.cancel_scheduled`
 *   after `order.cancelled` changes nothing);
 * - a report that names no domains is about the whole order;
 * - a report whose domains, with those already cancelled, cover every domain of the order is about
 *   the whole order too: the order's status moves (through `order-state.ts`). Otherwise only the
 *   named domains stop and the order carries on (Peeker cancels "only those domains",
 *   https://docs.peeker.ai/api-reference/orders/cancelling-an-order).
 */

/** One report about an order's cancellation. */
export interface CancellationReport {
  kind: 'scheduled' | 'cancelled';
  /** The domains it names (names, any case); null when it names none (the whole order). */
  domains: readonly string[] | null;
  /** When the inboxes go (end of the renewal period), when Peeker said. */
  cancelsAt: string | null;
}

/** What applying a report changes. */
export interface CancellationPlan {
  /** Domain rows to write: forward moves, and dates learnt for rows already there. */
  updates: DomainCancellation[];
  /** Domains that moved to the report's state (for the thread reply). */
  moved: string[];
  /** The order's own status when the whole order is concerned; undefined for some domains only. */
  orderStatus: 'cancel_scheduled' | 'cancelled' | undefined;
}

const RANK: Record<DomainCancelState, number> = { scheduled: 1, cancelled: 2 };

export function planCancellation(
  orderDomains: readonly string[],
  current: readonly DomainCancellation[],
  report: CancellationReport,
): CancellationPlan {
  const state = report.kind;
  const names = (report.domains ?? orderDomains).map((domain) => domain.trim().toLowerCase());
  const known = new Map(current.map((row) => [row.domain, row]));
  const updates: DomainCancellation[] = [];
  const moved: string[] = [];
  for (const domain of new Set(names)) {
    if (domain === '') continue;
    const before = known.get(domain);
    if (before && RANK[before.state] >= RANK[state]) {
      // Already there (or further): at most learn the date we did not have.
      if (before.cancelsAt === null && report.cancelsAt !== null && before.state === 'scheduled') {
        const row = { ...before, cancelsAt: report.cancelsAt };
        updates.push(row);
        known.set(domain, row);
      }
      continue;
    }
    const row: DomainCancellation = {
      domain,
      state,
      cancelsAt: report.cancelsAt ?? before?.cancelsAt ?? null,
    };
    updates.push(row);
    known.set(domain, row);
    moved.push(domain);
  }

  const all = orderDomains.map((domain) => domain.toLowerCase());
  const reached = (wanted: DomainCancelState) =>
    all.length > 0 &&
    all.every((domain) => {
      const row = known.get(domain);
      return row !== undefined && RANK[row.state] >= RANK[wanted];
    });
  let orderStatus: CancellationPlan['orderStatus'];
  if (report.domains === null) orderStatus = state === 'scheduled' ? 'cancel_scheduled' : 'cancelled';
  else if (reached('cancelled')) orderStatus = 'cancelled';
  else if (reached('scheduled')) orderStatus = 'cancel_scheduled';
  return { updates, moved, orderStatus };
}

/** What the status message shows about cancelled domains. */
export interface CancellationSummary {
  /** Domains scheduled to stop or cancelled. */
  cancelled: number;
  /** Of those, domains already released. */
  released: number;
  /** The latest end date known, ISO. */
  endsAt: string | null;
}

export function summarizeCancellation(rows: readonly DomainCancellation[]): CancellationSummary | null {
  if (rows.length === 0) return null;
  let endsAt: string | null = null;
  for (const row of rows) {
    if (row.cancelsAt && (endsAt === null || Date.parse(row.cancelsAt) > Date.parse(endsAt))) {
      endsAt = row.cancelsAt;
    }
  }
  return {
    cancelled: rows.length,
    released: rows.filter((row) => row.state === 'cancelled').length,
    endsAt,
  };
}

/** Whether a request for these domains (or the whole order) is covered by what is now known. */
export function requestCovered(
  request: { scope: 'order' | 'domains'; domains: readonly string[] },
  plan: CancellationPlan,
  rows: readonly DomainCancellation[],
): boolean {
  if (plan.orderStatus !== undefined) return true;
  if (request.scope === 'order') return false;
  const known = new Set(rows.map((row) => row.domain));
  for (const update of plan.updates) known.add(update.domain);
  return request.domains.length > 0 && request.domains.every((domain) => known.has(domain.toLowerCase()));
}
