import type { Logger } from '../logger.js';
import type { PeekerClient } from '../peeker/client.js';
import type { Throttle } from '../peeker/http.js';
import type { OrderTracker } from '../services/order-tracker.js';
import type { OrdersRepo } from '../store/orders-repo.js';

export interface ReconcileDeps {
  orders: OrdersRepo;
  tracker: OrderTracker;
  peeker: PeekerClient;
  throttle: Throttle;
  logger: Logger;
  now: () => number;
  maxChecks: number;
  signal?: AbortSignal;
}

/**
 * Part of the poll tick: unfinished orders that have been quiet for a while are
 * re-read with `GET /orders/{id}`, because Peeker stops retrying a webhook after 5 attempts. The
 * answer goes through the same state machine as the webhooks, so it can only move forward.
 */
export async function reconcileOrders(
  deps: ReconcileDeps,
): Promise<{ checked: number; changed: number; failed: number }> {
  const result = { checked: 0, changed: 0, failed: 0 };
  for (const order of deps.orders.dueForReconcile(deps.now(), deps.maxChecks)) {
    if (deps.signal?.aborted) break;
    try {
      const { data } = await deps.peeker.orders.get(order.id, {
        throttle: deps.throttle,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      const applied = deps.tracker.applyStatus(
        order.id,
        { status: data.status, at: null },
        'poll',
        deps.now(),
      );
      // The detail may list domain states; connect the ones Peeker reports active.
      if (Array.isArray(data.domains)) {
        for (const entry of data.domains) {
          if (typeof entry !== 'string' && (entry.status === 'active' || entry.status === 'connected')) {
            deps.tracker.connectDomain(order.id, entry.domain, null, deps.now());
          }
        }
      }
      result.checked += 1;
      if (applied?.changed) result.changed += 1;
    } catch (error) {
      result.failed += 1;
      deps.logger.warn({ orderId: order.id, err: error }, 'order reconcile failed; will retry');
      deps.tracker.applyStatus(order.id, { status: order.status, at: null }, 'poll', deps.now());
    }
  }
  return result;
}
