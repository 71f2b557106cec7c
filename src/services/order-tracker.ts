import type { PeekerOrderReceipt, PeekerPendingAction } from '../peeker/orders.js';
import type { Db } from '../store/database.js';
import type { OrderAction, OrderActionsRepo } from '../store/order-actions-repo.js';
import type { OrderDraft, OrderDraftsRepo } from '../store/order-drafts-repo.js';
import type { Audience, OrderRecord, OrderStatus, OrdersRepo } from '../store/orders-repo.js';
import type { OutboxSubject, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { TasksRepo } from '../store/tasks-repo.js';
import {
  type ActionView,
  type OrderMessageModel,
  renderActionReply,
  renderDomainConnected,
  renderOrderOutcomeReply,
} from '../views/order-message.js';
import {
  isOrderStatus,
  nextReconcileAt,
  noteActivity,
  type OrderChange,
  type StatusReport,
  transitionOrder,
} from './order-state.js';

export const FETCH_PENDING_TASK = 'order.fetch_pending';

const orderSubject = (orderId: string): OutboxSubject => ({ type: 'order', id: orderId });

export function toActionView(action: Omit<OrderAction, 'createdAt' | 'updatedAt'>): ActionView {
  return {
    id: action.id,
    orderId: action.orderId,
    reason: action.reason,
    type: action.type,
    domain: action.domain,
    persona: action.persona,
    message: action.message,
  };
}

/** A pending action as Peeker lists it → our record (and, through `toActionView`, the views'). */
export function actionFromPeeker(
  orderId: string,
  action: PeekerPendingAction,
): Omit<OrderAction, 'createdAt' | 'updatedAt'> {
  return {
    id: action.id,
    orderId,
    type: action.type ?? null,
    reason: action.reason ?? null,
    status: action.status,
    domain: action.domain ?? null,
    persona: action.user
      ? {
          firstName: action.user.first_name ?? '',
          lastName: action.user.last_name ?? '',
          pictureUrl: action.user.profile_picture_url ?? null,
        }
      : null,
    message: action.message ?? null,
  };
}

/** The status message's model of an order (its parent message renders from this). */
export function orderMessageModel(
  order: OrderRecord,
  deps: { orders: OrdersRepo; actions: OrderActionsRepo },
): OrderMessageModel {
  return {
    audience: order.audience,
    orderId: order.id,
    customerEmail: order.customerEmail,
    bundleName: order.bundleName,
    domainCount: order.domainCount,
    connectedCount: deps.orders.connectedCount(order.id),
    status: order.status,
    totalCents: order.totalCents,
    currency: order.currency,
    sandbox: order.sandbox,
    placedBy: order.placedBy,
    openActions: deps.actions.openFor(order.id).length,
  };
}

/**
 * Applies everything that happens to an order — the placement, status reports from webhooks and
 * the reconcile loop, `domain.connected`, pending actions — each in one synchronous SQLite
 * transaction together with the Slack work it causes (the status message marked stale, one thread
 * reply per event), like the import tracker. The status machine itself is `order-state.ts`.
 */
export function createOrderTracker(deps: {
  db: Db;
  drafts: OrderDraftsRepo;
  orders: OrdersRepo;
  actions: OrderActionsRepo;
  outbox: SlackOutboxRepo;
  tasks: TasksRepo;
}) {
  const { db, drafts, orders, actions, outbox, tasks } = deps;

  /** The Slack work of each change: the parent shows a new status; an outcome gets its reply. */
  function announce(order: OrderRecord, changes: readonly OrderChange[], now: number): void {
    for (const change of changes) {
      if (change.kind === 'status') outbox.markStale(orderSubject(order.id));
      else {
        outbox.queueReply(
          orderSubject(order.id),
          `order:${order.id}:${change.outcome}`,
          renderOrderOutcomeReply(change.outcome, order.audience, change.failureReason),
          now,
        );
      }
    }
  }

  const recordPlacement = db.transaction(
    (
      draft: OrderDraft,
      receipt: PeekerOrderReceipt,
      context: { audience: Audience; sandbox: boolean },
      now: number,
    ): { order: OrderRecord; messageId: number; isNew: boolean } => {
      const status: OrderStatus = isOrderStatus(receipt.status) ? receipt.status : 'in_progress';
      const order: OrderRecord = {
        id: receipt.id,
        draftId: draft.id,
        channelId: draft.channelId,
        audience: context.audience,
        placedBy: draft.userId,
        customerEmail: receipt.email ?? draft.request.user,
        bundleId: receipt.bundle_id ?? draft.request.bundle_id,
        bundleName: draft.bundleName,
        domainCount: receipt.domain_count ?? draft.request.domains.length,
        status,
        statusChangedAt: receipt.created_at ?? null,
        totalCents: receipt.costs?.total_cents ?? null,
        currency: receipt.costs?.currency ?? null,
        sandbox: context.sandbox,
        request: draft.request,
        failureReason: null,
        createdAt: now,
        updatedAt: now,
        lastEventAt: null,
        nextReconcileAt: nextReconcileAt(status, now),
      };
      const isNew = orders.insert(order, draft.request.domains);
      const stored = orders.get(order.id) ?? order;
      const message = outbox.ensureMessage(orderSubject(stored.id), stored.channelId, now);
      drafts.settle(draft.id, 'placed', stored.id, null, now);
      return { order: stored, messageId: message.id, isNew };
    },
  );

  const applyStatus = db.transaction(
    (orderId: string, report: StatusReport, source: 'webhook' | 'poll', now: number) => {
      const current = orders.get(orderId);
      if (!current) return undefined;
      const { record, changes } = transitionOrder(current, report, source, now);
      orders.update(record);
      announce(record, changes, now);
      return { changed: changes.length > 0, status: record.status };
    },
  );

  const connectDomain = db.transaction(
    (orderId: string, domain: string, provider: string | null, now: number) => {
      const current = orders.get(orderId);
      if (!current) return undefined;
      orders.update(noteActivity(current, now));
      const name = domain.toLowerCase();
      const connected = orders.connectDomain(orderId, name, provider, now);
      if (connected) {
        outbox.markStale(orderSubject(orderId));
        outbox.queueReply(
          orderSubject(orderId),
          `order:${orderId}:connected:${name}`,
          renderDomainConnected(name, provider),
          now,
        );
      }
      return connected;
    },
  );

  /** Queues a fetch of the order's pending actions (once per triggering event). */
  const queuePendingFetch = (orderId: string, dedupeKey: string, now: number): boolean =>
    tasks.enqueue(FETCH_PENDING_TASK, orderId, dedupeKey, now, now);

  const applyPendingActions = db.transaction(
    (orderId: string, listed: readonly PeekerPendingAction[], now: number) => {
      const order = orders.get(orderId);
      if (!order) return 0;
      let added = 0;
      const open = listed.filter((action) => action.status === 'open');
      for (const action of open) {
        const saved = actionFromPeeker(orderId, action);
        if (!actions.save(saved, now)) continue;
        added += 1;
        outbox.queueReply(
          orderSubject(orderId),
          `order:${orderId}:action:${action.id}`,
          renderActionReply(toActionView(saved), order.audience),
          now,
        );
        if (order.audience === 'customer') {
          // The fix (and its button) goes to the person who placed the order, not the customer.
          outbox.ensureMessage({ type: 'action_notice', id: action.id }, order.placedBy, now);
        }
      }
      const resolved = actions.resolveExcept(
        orderId,
        open.map((action) => action.id),
        now,
      );
      // The parent shows how many actions are open.
      if (added > 0 || resolved > 0) outbox.markStale(orderSubject(orderId));
      return added;
    },
  );

  /**
   * A channel turned out to be a customer's (nameserver instructions were posted there, or Slack
   * says it is now shared with another organisation): its orders show customer wording from now
   * on, and their status messages are re-rendered without costs, IDs or the ops menu. Never the
   * other way. Returns the orders that changed.
   */
  const channelBecameCustomer = db.transaction((channelId: string): string[] => {
    const changed = orders.channelBecameCustomer(channelId);
    for (const orderId of changed) outbox.markStale(orderSubject(orderId));
    return changed;
  });

  return {
    recordPlacement,
    applyStatus,
    connectDomain,
    queuePendingFetch,
    applyPendingActions,
    channelBecameCustomer,
  };
}

export type OrderTracker = ReturnType<typeof createOrderTracker>;
