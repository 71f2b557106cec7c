import type { OrderStatus } from '../store/orders-repo.js';

/**
 * The order status machine (peeker-api.md §5): in_progress ⇄ action_required → completed | failed,
 * and any → cancel_scheduled → cancelled. Webhooks arrive out of order and repeated, and the
 * poll loop reconciles on top, so a status only ever moves forward:
 * - a lower rank never replaces a higher one (a late `in_progress` after `completed` is stale);
 * - between the two working states, the newer report wins (by the event's `created_at`);
 * - `completed` and `failed` are final outcomes: whichever came first stands;
 * - a cancellation can follow anything and is itself final.
 */
const RANK: Record<OrderStatus, number> = {
  in_progress: 0,
  action_required: 0,
  completed: 2,
  failed: 2,
  cancel_scheduled: 3,
  cancelled: 4,
};

export function isOrderStatus(value: string): value is OrderStatus {
  return value in RANK;
}

/** True once nothing more will happen to the order (no reconciling needed). */
export function isOrderFinished(status: OrderStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

export interface StatusReport {
  status: string;
  /** When Peeker says the change happened (event `created_at`); null for a poll answer ("now"). */
  at: string | null;
}

/** The status after a report, or undefined when the report changes nothing. */
export function nextOrderStatus(
  current: { status: OrderStatus; statusChangedAt: string | null },
  report: StatusReport,
): OrderStatus | undefined {
  const status = report.status.toLowerCase();
  if (!isOrderStatus(status) || status === current.status) return undefined;
  const from = RANK[current.status];
  const to = RANK[status];
  if (to < from) return undefined;
  if (to === from) {
    if (to === 2) return undefined; // completed vs failed: the first outcome stands
    if (
      to === 0 &&
      report.at &&
      current.statusChangedAt &&
      Date.parse(report.at) < Date.parse(current.statusChangedAt)
    ) {
      return undefined; // an older working-state report
    }
  }
  return status;
}
