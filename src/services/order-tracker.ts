import type { PeekerOrderReceipt, PeekerPendingAction } from '../peeker/orders.js';
import type { Db } from '../store/database.js';
import type {
  Audience,
  OrderAction,
  OrderDraft,
  OrderRecord,
  OrderStatus,
  OrdersRepo,
} from '../store/orders-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { TasksRepo } from '../store/tasks-repo.js';
import type { RenderedMessage } from '../views/import-message.js';
import {
  type ActionView,
  type OrderMessageModel,
  renderActionNotice,
  renderActionReply,
  renderDomainConnected,
  renderForwardingReply,
  renderOrderMessage,
  renderOrderOutcomeReply,
} from '../views/order-message.js';
import { isOrderFinished, isOrderStatus, nextOrderStatus, type StatusReport } from './order-state.js';

export const ORDER_SUBJECT = 'order';
/** A DM to the person who placed an order, for an action a customer channel must not show. */
export const ACTION_NOTICE_SUBJECT = 'action_notice';
export const FETCH_PENDING_TASK = 'order.fetch_pending';

/** Reconcile an order with `GET /orders/{id}` once it has been quiet this long (webhooks stop after 5 tries). */
export const QUIET_RECONCILE_MS = 10 * 60_000;
const CANCEL_RECONCILE_MS = 6 * 3600_000;

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

/**
 * Applies everything that happens to an order — the placement, status reports from webhooks and
 * the poll loop, `domain.connected`, pending actions — in synchronous SQLite transactions that
 * also queue the Slack work (parent edit, one thread reply per event), like the import tracker.
 */
export function createOrderTracker(deps: {
  db: Db;
  orders: OrdersRepo;
  outbox: SlackOutboxRepo;
  tasks: TasksRepo;
}) {
  const { db, orders, outbox, tasks } = deps;

  function reply(
    order: OrderRecord,
    key: string,
    payload: Parameters<SlackOutboxRepo['enqueueReply']>[2],
    now: number,
  ) {
    const message = outbox.messageFor(ORDER_SUBJECT, order.id);
    if (message) outbox.enqueueReply(message.id, key, payload, now);
  }

  function nextReconcile(status: OrderStatus, now: number): number | null {
    if (isOrderFinished(status)) return null;
    return now + (status === 'cancel_scheduled' ? CANCEL_RECONCILE_MS : QUIET_RECONCILE_MS);
  }

  function model(order: OrderRecord): OrderMessageModel {
    return {
      audience: order.audience,
      orderId: order.id,
      customerEmail: order.customerEmail,
      bundleName: order.bundleName,
      domainCount: order.domainCount,
      connectedCount: orders.connectedCount(order.id),
      status: order.status,
      totalCents: order.totalCents,
      currency: order.currency,
      sandbox: order.sandbox,
      placedBy: order.placedBy,
      openActions: orders.openActions(order.id).length,
    };
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
        nextReconcileAt: nextReconcile(status, now),
      };
      const isNew = orders.insertOrder(order, draft.request.domains);
      const stored = orders.order(order.id) ?? order;
      const message = outbox.ensureMessage(ORDER_SUBJECT, stored.id, stored.channelId, now);
      orders.settleDraft(draft.id, 'placed', stored.id, null, now);
      return { order: stored, messageId: message.id, isNew };
    },
  );

  const applyStatus = db.transaction(
    (
      orderId: string,
      report: StatusReport & { failureReason?: string | null },
      source: 'webhook' | 'poll',
      now: number,
    ) => {
      const current = orders.order(orderId);
      if (!current) return undefined;
      const next = nextOrderStatus(current, report);
      const updated: OrderRecord = { ...current, updatedAt: now };
      if (source === 'webhook') updated.lastEventAt = now;
      if (!next) {
        updated.nextReconcileAt = nextReconcile(current.status, now);
        orders.updateOrder(updated);
        return { changed: false, status: current.status };
      }
      updated.status = next;
      updated.statusChangedAt = report.at ?? new Date(now).toISOString();
      updated.nextReconcileAt = nextReconcile(next, now);
      if (next === 'failed') updated.failureReason = report.failureReason ?? current.failureReason;
      orders.updateOrder(updated);
      outbox.touch(ORDER_SUBJECT, orderId);
      if (next === 'completed' || next === 'failed' || next === 'cancel_scheduled' || next === 'cancelled') {
        reply(
          updated,
          `order:${orderId}:${next}`,
          renderOrderOutcomeReply(next, updated.audience, updated.failureReason),
          now,
        );
      }
      return { changed: true, status: next };
    },
  );

  const connectDomain = db.transaction(
    (orderId: string, domain: string, provider: string | null, now: number) => {
      const current = orders.order(orderId);
      if (!current) return undefined;
      orders.updateOrder({
        ...current,
        lastEventAt: now,
        updatedAt: now,
        nextReconcileAt: nextReconcile(current.status, now),
      });
      const connected = orders.connectDomain(orderId, domain.toLowerCase(), provider, now);
      if (connected) {
        outbox.touch(ORDER_SUBJECT, orderId);
        reply(
          current,
          `order:${orderId}:connected:${domain.toLowerCase()}`,
          renderDomainConnected(domain, provider),
          now,
        );
      }
      return connected;
    },
  );

  /** A forwarding change on one of the order's domains: one reply per event and domain. */
  const forwardingChanged = db.transaction(
    (
      orderId: string,
      change: { domain: string; url: string | null; ok: boolean; reason: string | null; eventId: string },
      now: number,
    ) => {
      const order = orders.order(orderId);
      if (!order) return false;
      reply(
        order,
        `order:${orderId}:forwarding:${change.eventId}:${change.domain}`,
        renderForwardingReply(change.domain, change.url, change.ok, change.reason),
        now,
      );
      return true;
    },
  );

  /** Queues a fetch of the order's pending actions (once per triggering event). */
  const queuePendingFetch = (orderId: string, dedupeKey: string, now: number): boolean =>
    tasks.enqueue(FETCH_PENDING_TASK, orderId, dedupeKey, now, now);

  const applyPendingActions = db.transaction(
    (orderId: string, actions: readonly PeekerPendingAction[], now: number) => {
      const order = orders.order(orderId);
      if (!order) return 0;
      let added = 0;
      const open = actions.filter((action) => action.status === 'open');
      for (const action of open) {
        const saved = actionFromPeeker(orderId, action);
        if (!orders.saveAction(saved, now)) continue;
        added += 1;
        const view = toActionView(saved);
        reply(order, `order:${orderId}:action:${action.id}`, renderActionReply(view, order.audience), now);
        if (order.audience === 'customer') {
          // The fix (and its button) goes to the person who placed the order, not the customer.
          outbox.ensureMessage(ACTION_NOTICE_SUBJECT, action.id, order.placedBy, now);
        }
      }
      orders.resolveActionsExcept(
        orderId,
        open.map((action) => action.id),
        now,
      );
      outbox.touch(ORDER_SUBJECT, orderId);
      return added;
    },
  );

  return {
    recordPlacement,
    applyStatus,
    connectDomain,
    forwardingChanged,
    queuePendingFetch,
    applyPendingActions,
    model,
    render(orderId: string): RenderedMessage | undefined {
      const order = orders.order(orderId);
      return order ? renderOrderMessage(model(order)) : undefined;
    },
    /** The DM telling the person who placed an order about an action and its fix. */
    renderNotice(actionId: string): RenderedMessage | undefined {
      const action = orders.action(actionId);
      const order = action ? orders.order(action.orderId) : undefined;
      if (!action || !order || action.status !== 'open') return undefined;
      return renderActionNotice(toActionView(action), order.channelId);
    },
  };
}

export type OrderTracker = ReturnType<typeof createOrderTracker>;
