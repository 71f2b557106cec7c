import type { OrderRecord, OrderStatus } from '../store/orders-repo.js';

/**
 * The order status machine, shared by Peeker's answer to `POST /orders`, the order webhooks and
 * the reconcile loop so that whichever reports a change first wins and the others are no-ops.
 * Pure, like `import-state.ts`: it takes the stored order and one report, and returns the new
 * record plus the changes worth showing.
 *
 * Statuses (https://docs.peeker.ai/api-reference/orders/listing-orders):
 *   in_progress ⇄ action_required → completed | failed, and any → cancel_scheduled → cancelled.
 * Webhooks arrive out of order and repeated ("concurrent provisioning means events can arrive out
 * of order", https://docs.peeker.ai/webhooks), so a status only ever moves forward:
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

/** Statuses announced with a thread reply (and, for the first two, broadcast to the channel). */
export type OrderOutcome = 'completed' | 'failed' | 'cancel_scheduled' | 'cancelled';
const OUTCOMES: ReadonlySet<OrderStatus> = new Set<OrderOutcome>([
  'completed',
  'failed',
  'cancel_scheduled',
  'cancelled',
]);

/** Reconcile an order with `GET /orders/{id}` once it has been quiet this long (webhooks stop after 5 tries). */
export const QUIET_RECONCILE_MS = 10 * 60_000;
/** A scheduled cancellation ends at the renewal date, weeks away: look at it a few times a day. */
const CANCEL_RECONCILE_MS = 6 * 3600_000;

function isOutcome(status: OrderStatus): status is OrderOutcome {
  return OUTCOMES.has(status);
}

export function isOrderStatus(value: string): value is OrderStatus {
  return Object.hasOwn(RANK, value);
}

/** True once nothing more will happen to the order (no reconciling needed). */
export function isOrderFinished(status: OrderStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

export interface StatusReport {
  status: string;
  /** When Peeker says the change happened (event `created_at`); null for a poll answer ("now"). */
  at: string | null;
  failureReason?: string | null;
}

export type OrderChange =
  /** The status moved: the status message shows it. */
  | { kind: 'status'; status: OrderStatus }
  /** An outcome worth a thread reply of its own. */
  | { kind: 'outcome'; outcome: OrderOutcome; failureReason: string | null };

export interface OrderTransition {
  record: OrderRecord;
  changes: OrderChange[];
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
    if (to === RANK.completed) return undefined; // completed vs failed: the first outcome stands
    if (report.at && current.statusChangedAt && Date.parse(report.at) < Date.parse(current.statusChangedAt)) {
      return undefined; // an older working-state report
    }
  }
  return status;
}

/** When to reconcile an order next (null once it is finished). */
export function nextReconcileAt(status: OrderStatus, now: number): number | null {
  if (isOrderFinished(status)) return null;
  return now + (status === 'cancel_scheduled' ? CANCEL_RECONCILE_MS : QUIET_RECONCILE_MS);
}

/**
 * Applies one status report (a webhook or a reconcile answer) to the stored order. Any report
 * counts as a sign of life (the quiet timer restarts); a webhook also records when the last event
 * came.
 */
export function transitionOrder(
  current: OrderRecord,
  report: StatusReport,
  source: 'webhook' | 'poll',
  now: number,
): OrderTransition {
  const record: OrderRecord = { ...current, updatedAt: now };
  if (source === 'webhook') record.lastEventAt = now;
  const next = nextOrderStatus(current, report);
  if (!next) {
    record.nextReconcileAt = nextReconcileAt(current.status, now);
    // A newer report of the same working status moves its time on, so an older report of the
    // other working state that arrives later is recognised as older.
    if (
      report.status.toLowerCase() === current.status &&
      report.at &&
      (!current.statusChangedAt || Date.parse(report.at) > Date.parse(current.statusChangedAt))
    ) {
      record.statusChangedAt = report.at;
    }
    return { record, changes: [] };
  }
  record.status = next;
  record.statusChangedAt = report.at ?? new Date(now).toISOString();
  record.nextReconcileAt = nextReconcileAt(next, now);
  if (next === 'failed') record.failureReason = report.failureReason ?? current.failureReason;
  const changes: OrderChange[] = [{ kind: 'status', status: next }];
  if (isOutcome(next)) changes.push({ kind: 'outcome', outcome: next, failureReason: record.failureReason });
  return { record, changes };
}

/** A sign of life without a status (a `domain.connected` event): the quiet timer restarts. */
export function noteActivity(current: OrderRecord, now: number): OrderRecord {
  return {
    ...current,
    lastEventAt: now,
    updatedAt: now,
    nextReconcileAt: nextReconcileAt(current.status, now),
  };
}
