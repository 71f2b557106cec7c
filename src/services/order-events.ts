import { domainFromEvent, orderFromEvent, type WebhookEvent } from '../peeker/webhook-events.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { OrderTracker } from './order-tracker.js';
import { type EventHandler, retryLater } from './webhook-processor.js';

/** The status each order event announces, for payloads that omit `status`. */
const ORDER_EVENT_STATUS: Record<string, string> = {
  'order.in_progress': 'in_progress',
  'order.completed': 'completed',
  'order.failed': 'failed',
  'order.action_required': 'action_required',
  'order.cancel_scheduled': 'cancel_scheduled',
  'order.cancelled': 'cancelled',
};

/**
 * Every order and domain event of https://docs.peeker.ai/webhooks, applied to the order state
 * machine. Events for an order we have not recorded yet (Peeker can be faster than its own
 * `POST /orders` answer) are retried later rather than dropped.
 */
export function createOrderEventHandlers(
  tracker: OrderTracker,
  orders: OrdersRepo,
): Record<string, EventHandler> {
  const orderEvent: EventHandler = (event, stored, now) => {
    const order = orderFromEvent(event);
    if (!order) return { status: 'ignored', outcome: 'order event without an order id' };
    const status = order.status ?? ORDER_EVENT_STATUS[event.type] ?? '';
    const result = tracker.applyStatus(
      order.id,
      { status, at: event.created_at ?? null, failureReason: order.failureReason },
      'webhook',
      now,
    );
    if (!result) return retryLater(stored, now, 'order not recorded (yet)');
    if (event.type === 'order.action_required') {
      // The newest docs say to fetch the actions; the oldest sent them inline. Fetch either way.
      tracker.queuePendingFetch(order.id, `pending:${order.id}:${event.id}`, now);
    }
    return { status: 'applied', outcome: result.changed ? `status ${result.status}` : 'no change' };
  };

  /** The domain and its order (domain events may omit `order_id`: the latest order with it). */
  const domainAndOrder = (event: WebhookEvent) => {
    const domain = domainFromEvent(event);
    if (!domain) return undefined;
    return { domain, orderId: domain.order_id ?? orders.latestIdForDomain(domain.domain) };
  };

  const domainConnected: EventHandler = (event, stored, now) => {
    const found = domainAndOrder(event);
    if (!found) return { status: 'ignored', outcome: 'domain event without a domain' };
    if (!found.orderId) return retryLater(stored, now, 'order not recorded (yet)');
    const connected = tracker.connectDomain(
      found.orderId,
      found.domain.domain,
      found.domain.provider ?? null,
      now,
    );
    if (connected === undefined) return retryLater(stored, now, 'order not recorded (yet)');
    return { status: 'applied', outcome: connected ? 'connected' : 'no change' };
  };

  const domainActionRequired: EventHandler = (event, stored, now) => {
    const orderId = domainAndOrder(event)?.orderId;
    if (!orderId || !orders.get(orderId)) return retryLater(stored, now, 'order not recorded (yet)');
    tracker.queuePendingFetch(orderId, `pending:${orderId}:${event.id}`, now);
    return { status: 'applied', outcome: 'fetching pending actions' };
  };

  // `domain.forwarding_*` are handled with forwarding jobs (services/forwarding-events.ts).
  return {
    ...Object.fromEntries(Object.keys(ORDER_EVENT_STATUS).map((type) => [type, orderEvent])),
    'domain.connected': domainConnected,
    'domain.action_required': domainActionRequired,
  };
}
