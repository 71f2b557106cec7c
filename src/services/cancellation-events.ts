import { cancellationFromEvent } from '../peeker/cancellation-event.js';
import type { CancellationTracker } from './cancellation-tracker.js';
import { type EventHandler, retryLater } from './webhook-processor.js';

/**
 * `order.cancel_scheduled` and `order.cancelled` (https://docs.peeker.ai/webhooks), applied to the
 * cancellation state machine: a whole order moves the order's status (never backwards: an
 * `order.in_progress` or `order.cancel_scheduled` after `order.cancelled` changes nothing), some of
 * its domains only those. Merged after the order handlers, so these two types are handled here.
 */
export function createCancellationEventHandlers(tracker: CancellationTracker): Record<string, EventHandler> {
  const handle: EventHandler = (event, stored, now) => {
    const report = cancellationFromEvent(event);
    if (!report) return { status: 'ignored', outcome: 'cancel event without an order id' };
    const outcome = tracker.apply(
      report.orderId,
      { kind: report.kind, domains: report.domains, cancelsAt: report.cancelsAt },
      { at: event.created_at ?? report.scheduledAt, via: 'webhook' },
      now,
    );
    if (!outcome.followed && outcome.settled.length === 0) {
      // Peeker can be faster than its own answer to POST /orders; a cancellation of an order
      // nobody here placed simply expires after the wait (see retryLater).
      return retryLater(stored, now, 'order not recorded (yet)');
    }
    return {
      status: 'applied',
      outcome: outcome.changed || outcome.settled.length > 0 ? `${report.kind}` : 'no change',
    };
  };
  return { 'order.cancel_scheduled': handle, 'order.cancelled': handle };
}
