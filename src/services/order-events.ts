import { eventObject, type WebhookEvent } from '../peeker/webhook-events.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { OrderTracker } from './order-tracker.js';
import { type EventHandler, retryLater } from './webhook-processor.js';

const ORDER_EVENT_STATUS: Record<string, string> = {
  'order.in_progress': 'in_progress',
  'order.completed': 'completed',
  'order.failed': 'failed',
  'order.action_required': 'action_required',
  'order.cancel_scheduled': 'cancel_scheduled',
  'order.cancelled': 'cancelled',
};

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

function failureReasonOf(order: Record<string, unknown>): string | null {
  const error = order.error as { message?: unknown } | undefined;
  return str(order.failure_reason) ?? str(order.reason) ?? str(error?.message) ?? null;
}

/**
 * Every order and domain event of peeker-api.md §4, applied to the order state machine. Events
 * for an order we have not recorded yet (Peeker can be faster than its own `POST /orders`
 * answer) are retried later rather than dropped.
 */
export function createOrderEventHandlers(
  tracker: OrderTracker,
  orders: OrdersRepo,
): Record<string, EventHandler> {
  const orderEvent: EventHandler = (event, stored, now) => {
    const order = eventObject(event.data, ['order']);
    const orderId = str(order.id);
    if (!orderId) return { status: 'ignored', outcome: 'order event without an order id' };
    const status = str(order.status) ?? ORDER_EVENT_STATUS[event.type] ?? '';
    const result = tracker.applyStatus(
      orderId,
      { status, at: event.created_at ?? null, failureReason: failureReasonOf(order) },
      'webhook',
      now,
    );
    if (!result) return retryLater(stored, now, 'order not recorded (yet)');
    if (event.type === 'order.action_required') {
      // The newest docs say to fetch the actions; the oldest sent them inline. Fetch either way.
      tracker.queuePendingFetch(orderId, `pending:${orderId}:${event.id}`, now);
    }
    return { status: 'applied', outcome: result.changed ? `status ${result.status}` : 'no change' };
  };

  const domainOrder = (
    event: WebhookEvent,
  ): { orderId: string | undefined; domain: Record<string, unknown> } => {
    const domain = eventObject(event.data, ['domain']);
    const name = str(domain.domain);
    return {
      orderId: str(domain.order_id) ?? (name ? orders.latestOrderIdForDomain(name) : undefined),
      domain,
    };
  };

  const domainConnected: EventHandler = (event, stored, now) => {
    const { orderId, domain } = domainOrder(event);
    const name = str(domain.domain);
    if (!name) return { status: 'ignored', outcome: 'domain event without a domain' };
    if (!orderId) return retryLater(stored, now, 'order not recorded (yet)');
    const connected = tracker.connectDomain(orderId, name, str(domain.provider) ?? null, now);
    if (connected === undefined) return retryLater(stored, now, 'order not recorded (yet)');
    return { status: 'applied', outcome: connected ? 'connected' : 'no change' };
  };

  const domainActionRequired: EventHandler = (event, stored, now) => {
    const { orderId } = domainOrder(event);
    if (!orderId) return retryLater(stored, now, 'order not recorded (yet)');
    if (!orders.order(orderId)) return retryLater(stored, now, 'order not recorded (yet)');
    tracker.queuePendingFetch(orderId, `pending:${orderId}:${event.id}`, now);
    return { status: 'applied', outcome: 'fetching pending actions' };
  };

  /**
   * Forwarding webhooks carry the forwarding job's shape (`completed: [domains]`, `failed:
   * [{domain, reason}]`, `forwarding_url`), or one domain; each domain on an order we follow
   * gets a reply in that order's thread.
   */
  const forwarding =
    (ok: boolean): EventHandler =>
    (event, _stored, now) => {
      const job = eventObject(event.data, ['forwarding', 'job', 'domain']);
      const url = str(job.forwarding_url) ?? null;
      const changes: { domain: string; reason: string | null; ok: boolean }[] = [];
      for (const entry of Array.isArray(job.completed) ? job.completed : []) {
        if (typeof entry === 'string') changes.push({ domain: entry, reason: null, ok: true });
      }
      for (const entry of Array.isArray(job.failed) ? job.failed : []) {
        const row = entry as { domain?: unknown; reason?: unknown };
        if (typeof row.domain === 'string')
          changes.push({ domain: row.domain, reason: str(row.reason) ?? null, ok: false });
      }
      const single = str(job.domain);
      if (changes.length === 0 && single)
        changes.push({ domain: single, reason: str(job.reason) ?? null, ok });
      let applied = 0;
      for (const change of changes) {
        const orderId = orders.latestOrderIdForDomain(change.domain);
        if (orderId && tracker.forwardingChanged(orderId, { ...change, url, eventId: event.id }, now))
          applied += 1;
      }
      return applied > 0
        ? { status: 'applied', outcome: `${applied} domain(s)` }
        : { status: 'ignored', outcome: 'no domain of an order we follow' };
    };

  return {
    'domain.forwarding_updated': forwarding(true),
    'domain.forwarding_failed': forwarding(false),
    ...Object.fromEntries(Object.keys(ORDER_EVENT_STATUS).map((type) => [type, orderEvent])),
    'domain.connected': domainConnected,
    'domain.action_required': domainActionRequired,
  };
}
