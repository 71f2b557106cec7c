import type { Db } from './database.js';
import type { StoredOrderRequest } from './order-drafts-repo.js';

export type Audience = 'ops' | 'customer';
export type OrderStatus =
  | 'in_progress'
  | 'action_required'
  | 'completed'
  | 'failed'
  | 'cancel_scheduled'
  | 'cancelled';

export interface OrderRecord {
  id: string;
  draftId: string | null;
  channelId: string;
  audience: Audience;
  placedBy: string;
  customerEmail: string;
  bundleId: string;
  bundleName: string | null;
  domainCount: number;
  status: OrderStatus;
  /** `created_at` of the event (or answer) that set the status, to ignore older ones. */
  statusChangedAt: string | null;
  totalCents: number | null;
  currency: string | null;
  sandbox: boolean;
  request: StoredOrderRequest;
  failureReason: string | null;
  createdAt: number;
  updatedAt: number;
  lastEventAt: number | null;
  nextReconcileAt: number | null;
}

interface OrderRow {
  id: string;
  draft_id: string | null;
  channel_id: string;
  audience: Audience;
  placed_by: string;
  customer_email: string;
  bundle_id: string;
  bundle_name: string | null;
  domain_count: number;
  status: OrderStatus;
  status_changed_at: string | null;
  total_cents: number | null;
  currency: string | null;
  sandbox: number;
  request: string;
  failure_reason: string | null;
  created_at: number;
  updated_at: number;
  last_event_at: number | null;
  next_reconcile_at: number | null;
}

const toOrder = (row: OrderRow): OrderRecord => ({
  id: row.id,
  draftId: row.draft_id,
  channelId: row.channel_id,
  audience: row.audience,
  placedBy: row.placed_by,
  customerEmail: row.customer_email,
  bundleId: row.bundle_id,
  bundleName: row.bundle_name,
  domainCount: row.domain_count,
  status: row.status,
  statusChangedAt: row.status_changed_at,
  totalCents: row.total_cents,
  currency: row.currency,
  sandbox: row.sandbox === 1,
  request: JSON.parse(row.request) as StoredOrderRequest,
  failureReason: row.failure_reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastEventAt: row.last_event_at,
  nextReconcileAt: row.next_reconcile_at,
});

const toOrderRow = (order: OrderRecord): OrderRow => ({
  id: order.id,
  draft_id: order.draftId,
  channel_id: order.channelId,
  audience: order.audience,
  placed_by: order.placedBy,
  customer_email: order.customerEmail,
  bundle_id: order.bundleId,
  bundle_name: order.bundleName,
  domain_count: order.domainCount,
  status: order.status,
  status_changed_at: order.statusChangedAt,
  total_cents: order.totalCents,
  currency: order.currency,
  sandbox: order.sandbox ? 1 : 0,
  request: JSON.stringify(order.request),
  failure_reason: order.failureReason,
  created_at: order.createdAt,
  updated_at: order.updatedAt,
  last_event_at: order.lastEventAt,
  next_reconcile_at: order.nextReconcileAt,
});

const ORDER_COLUMNS = [
  'id',
  'draft_id',
  'channel_id',
  'audience',
  'placed_by',
  'customer_email',
  'bundle_id',
  'bundle_name',
  'domain_count',
  'status',
  'status_changed_at',
  'total_cents',
  'currency',
  'sandbox',
  'request',
  'failure_reason',
  'created_at',
  'updated_at',
  'last_event_at',
  'next_reconcile_at',
] as const;

/** Orders placed from Slack and their domains (connected or not). */
export function createOrdersRepo(db: Db) {
  const insertOrder = db.prepare(
    `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}) VALUES (${ORDER_COLUMNS.map((c) => `@${c}`).join(', ')})
     ON CONFLICT (id) DO NOTHING`,
  );
  const updateOrder = db.prepare(
    `UPDATE orders SET ${ORDER_COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${c} = @${c}`)
      .join(', ')} WHERE id = @id`,
  );
  const selectOrder = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE id = ?');
  const selectOrderByDraft = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE draft_id = ?');
  const insertDomain = db.prepare<[string, string, number]>(
    `INSERT INTO order_domains (order_id, domain, position, state) VALUES (?, ?, ?, 'pending')
     ON CONFLICT (order_id, domain) DO NOTHING`,
  );
  const appendDomain = db.prepare<[string, string, string]>(
    `INSERT INTO order_domains (order_id, domain, position, state)
     SELECT ?, ?, COALESCE(MAX(position), -1) + 1, 'pending' FROM order_domains WHERE order_id = ?
     ON CONFLICT (order_id, domain) DO NOTHING`,
  );
  const connectDomain = db.prepare<[string | null, number, string, string]>(
    `UPDATE order_domains SET state = 'connected', provider = COALESCE(?, provider), connected_at = ?
     WHERE order_id = ? AND domain = ? AND state = 'pending'`,
  );
  const selectDomains = db.prepare<[string], { domain: string }>(
    'SELECT domain FROM order_domains WHERE order_id = ? ORDER BY position',
  );
  const countConnected = db.prepare<[string], { n: number }>(
    "SELECT COUNT(*) AS n FROM order_domains WHERE order_id = ? AND state = 'connected'",
  );
  const selectDueReconcile = db.prepare<[number, number], OrderRow>(
    'SELECT * FROM orders WHERE next_reconcile_at IS NOT NULL AND next_reconcile_at <= ? ORDER BY next_reconcile_at LIMIT ?',
  );
  const selectLatestOrderForDomain = db.prepare<[string], { order_id: string }>(
    `SELECT order_domains.order_id FROM order_domains JOIN orders ON orders.id = order_domains.order_id
     WHERE order_domains.domain = ? ORDER BY orders.created_at DESC LIMIT 1`,
  );
  const selectRecentOrders = db.prepare<[number], OrderRow>(
    'SELECT * FROM orders ORDER BY created_at DESC LIMIT ?',
  );
  const deleteDomain = db.prepare<[string, string]>(
    'DELETE FROM order_domains WHERE order_id = ? AND domain = ?',
  );
  const selectUsedDomains = db.prepare<[], { domain: string }>(
    "SELECT DISTINCT order_domains.domain FROM order_domains JOIN orders ON orders.id = order_domains.order_id WHERE orders.status NOT IN ('failed', 'cancelled')",
  );

  const markChannelCustomer = db.prepare<[string], { id: string }>(
    "UPDATE orders SET audience = 'customer' WHERE channel_id = ? AND audience = 'ops' RETURNING id",
  );

  return {
    /**
     * A channel turned out to be a customer's (nameserver instructions were posted there): its
     * orders are shown customer wording from now on. Returns the orders that changed. Never the
     * other way: a customer channel does not become internal.
     */
    channelBecameCustomer(channelId: string): string[] {
      return markChannelCustomer.all(channelId).map((row) => row.id);
    },
    /** Inserts the order and its domains; false when it was already recorded (Peeker's 24 h dedupe returned it again). */
    insert(order: OrderRecord, domains: readonly string[]): boolean {
      const inserted = insertOrder.run(toOrderRow(order)).changes === 1;
      if (inserted) {
        for (const [position, domain] of domains.entries()) insertDomain.run(order.id, domain, position);
      }
      return inserted;
    },
    update(order: OrderRecord): void {
      updateOrder.run(toOrderRow(order));
    },
    get(id: string): OrderRecord | undefined {
      const row = selectOrder.get(id);
      return row ? toOrder(row) : undefined;
    },
    forDraft(draftId: string): OrderRecord | undefined {
      const row = selectOrderByDraft.get(draftId);
      return row ? toOrder(row) : undefined;
    },
    /**
     * Marks a domain connected; false when it already was (a repeated event). A domain Peeker
     * names that we did not send is added, so the count never silently drops an event.
     */
    connectDomain(orderId: string, domain: string, provider: string | null, now: number): boolean {
      appendDomain.run(orderId, domain, orderId);
      return connectDomain.run(provider, now, orderId, domain).changes === 1;
    },
    /** The order's domains as they are now (swaps included), in order. */
    domainsOf(orderId: string): string[] {
      return selectDomains.all(orderId).map((row) => row.domain);
    },
    connectedCount(orderId: string): number {
      return countConnected.get(orderId)?.n ?? 0;
    },
    dueForReconcile(now: number, limit: number): OrderRecord[] {
      return selectDueReconcile.all(now, limit).map(toOrder);
    },
    /** The most recent order with this domain (for domain events that do not name their order). */
    latestIdForDomain(domain: string): string | undefined {
      return selectLatestOrderForDomain.get(domain.toLowerCase())?.order_id;
    },
    /** The latest orders, newest first (the Home tab). */
    recent(limit: number): OrderRecord[] {
      return selectRecentOrders.all(limit).map(toOrder);
    },
    /** Domains already on a live order (not offered again in the order form). */
    domainsOnLiveOrders(): Set<string> {
      return new Set(selectUsedDomains.all().map((row) => row.domain));
    },
    /**
     * A swap replaced `retired` with `replacement` on the order: the retired domain leaves
     * the order's list and the replacement joins it, connected; false when `retired` was not on it.
     */
    replaceDomain(orderId: string, retired: string, replacement: string, now: number): boolean {
      const dropped = deleteDomain.run(orderId, retired.toLowerCase()).changes === 1;
      if (dropped) {
        appendDomain.run(orderId, replacement.toLowerCase(), orderId);
        connectDomain.run(null, now, orderId, replacement.toLowerCase());
      }
      return dropped;
    },
  };
}

export type OrdersRepo = ReturnType<typeof createOrdersRepo>;
