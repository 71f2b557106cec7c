import { createHash } from 'node:crypto';
import type { CancellationsRepo } from '../store/cancellations-repo.js';
import type { Db } from '../store/database.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { OutboxSubject, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import { renderCancellationReply } from '../views/order-cancel.js';
import {
  type CancellationReport,
  planCancellation,
  requestCovered,
  summarizeCancellation,
} from './cancellation-state.js';
import { nextOrderStatus } from './order-state.js';
import type { OrderTracker } from './order-tracker.js';

const orderSubject = (orderId: string): OutboxSubject => ({ type: 'order', id: orderId });

/** The direct message that tells the person who asked how a cancellation ended, once. */
export const cancellationNoticeSubject = (
  requestId: string,
  phase: 'uncertain' | 'scheduled',
): OutboxSubject => ({ type: 'cancellation_notice', id: `${requestId}:${phase}` });

/** Short, stable reply keys for a set of domains (a list of 200 names would make a long key). */
function digest(domains: readonly string[]): string {
  return createHash('sha256')
    .update([...domains].sort().join(','))
    .digest('hex')
    .slice(0, 16);
}

/** Where a report came from: Peeker's answer to our call, a webhook, or a read of the order. */
export interface ReportSource {
  /** When Peeker says it happened (event `created_at`, `cancellation_scheduled_at`); null: now. */
  at: string | null;
  via: 'answer' | 'webhook' | 'poll';
}

export interface CancellationOutcome {
  /** Whether we follow the order (a status message shows it). */
  followed: boolean;
  /** Whether anything visible moved. */
  changed: boolean;
  /** Requests from Slack that this report settled. */
  settled: string[];
}

/**
 * Applies cancellation reports — Peeker's answer to `POST /orders/{id}/cancel`, the
 * `order.cancel_scheduled` / `order.cancelled` events, a read of the order — each in one
 * synchronous transaction with the Slack work it causes: the domains' states (only forward), the
 * order's status through the order state machine when the whole order is concerned, one thread
 * reply per change, and the settling of requests from Slack whose outcome was not known.
 */
export function createCancellationTracker(deps: {
  db: Db;
  orders: OrdersRepo;
  cancellations: CancellationsRepo;
  outbox: SlackOutboxRepo;
  orderTracker: OrderTracker;
}) {
  const { orders, cancellations, outbox } = deps;

  /** Requests for this order still waiting for Peeker's word that the report covers. */
  function settleRequests(
    orderId: string,
    covered: (request: { scope: 'order' | 'domains'; domains: string[] }) => boolean,
    report: CancellationReport,
    scheduledAt: string | null,
    now: number,
  ): string[] {
    const settled: string[] = [];
    for (const request of cancellations.unsettledFor(orderId)) {
      if (!covered(request)) continue;
      cancellations.settle(
        request.id,
        { status: 'scheduled', cancelsAt: report.cancelsAt, scheduledAt },
        now,
      );
      // The person was told we could not confirm it: tell them Peeker did.
      if (request.status === 'unknown') {
        outbox.ensureMessage(cancellationNoticeSubject(request.id, 'scheduled'), request.requestedBy, now);
      }
      settled.push(request.id);
    }
    return settled;
  }

  const apply = deps.db.transaction(
    (orderId: string, report: CancellationReport, source: ReportSource, now: number): CancellationOutcome => {
      const order = orders.get(orderId);
      if (!order) {
        // Not followed (placed elsewhere): only a request from Slack may be waiting for this.
        const names = new Set((report.domains ?? []).map((domain) => domain.toLowerCase()));
        const settled = settleRequests(
          orderId,
          (request) =>
            request.scope === 'order'
              ? report.domains === null
              : request.domains.every((domain) => names.has(domain.toLowerCase())),
          report,
          source.at,
          now,
        );
        return { followed: false, changed: false, settled };
      }

      const rows = cancellations.domainStates(orderId);
      const listed = orders.domainsOf(orderId);
      const plan = planCancellation(listed.length > 0 ? listed : order.request.domains, rows, report);
      for (const update of plan.updates) cancellations.setDomainState(orderId, update, now);

      let changed = plan.updates.length > 0;
      if (plan.orderStatus !== undefined) {
        const status = plan.orderStatus;
        if (nextOrderStatus(order, { status, at: source.at })) {
          // Queued before the status moves, with the key the order tracker uses for this outcome,
          // so the thread gets this reply (with its date) and not a second, generic one.
          const after = [...rows, ...plan.updates];
          outbox.queueReply(
            orderSubject(orderId),
            `order:${orderId}:${status}`,
            renderCancellationReply({
              kind: report.kind,
              wholeOrder: true,
              domains: [],
              cancelsAt: report.cancelsAt ?? summarizeCancellation(after)?.endsAt ?? null,
            }),
            now,
          );
          deps.orderTracker.applyStatus(
            orderId,
            { status, at: source.at },
            source.via === 'webhook' ? 'webhook' : 'poll',
            now,
          );
          changed = true;
        }
      } else if (plan.moved.length > 0) {
        outbox.queueReply(
          orderSubject(orderId),
          `order:${orderId}:${report.kind}:${digest(plan.moved)}`,
          renderCancellationReply({
            kind: report.kind,
            wholeOrder: false,
            domains: plan.moved,
            cancelsAt: report.cancelsAt,
          }),
          now,
        );
      }
      if (plan.updates.length > 0) outbox.markStale(orderSubject(orderId));

      const after = cancellations.domainStates(orderId);
      const settled = settleRequests(
        orderId,
        (request) => requestCovered(request, plan, after),
        report,
        source.at,
        now,
      );
      return { followed: true, changed, settled };
    },
  );

  return {
    apply,
    /** What the status message shows about cancelled domains of an order. */
    summaryFor(orderId: string) {
      return summarizeCancellation(cancellations.domainStates(orderId));
    },
  };
}

export type CancellationTracker = ReturnType<typeof createCancellationTracker>;
