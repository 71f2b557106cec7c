import type { Db } from './database.js';

export type Audience = 'ops' | 'customer';
export type OrderStatus =
  | 'in_progress'
  | 'action_required'
  | 'completed'
  | 'failed'
  | 'cancel_scheduled'
  | 'cancelled';

/** The order as sent to Peeker, minus the Smartlead password (kept to pre-fill a corrected order). */
export interface StoredOrderRequest {
  user: string;
  bundle_id: string;
  sequencer: { provider: 'smartlead'; client_id: number; login_email: string };
  forwarding_url: string;
  domains: string[];
  personas: { first_name: string; last_name: string; profile_picture_url: string }[];
}

export interface OrderDraft {
  id: string;
  userId: string;
  channelId: string;
  request: StoredOrderRequest;
  bundleName: string | null;
  reorderOf: string | null;
  status: 'ready' | 'submitting' | 'placed' | 'failed';
  viewId: string | null;
  orderId: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

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

export interface OrderDomain {
  domain: string;
  position: number;
  state: 'pending' | 'connected';
  provider: string | null;
  connectedAt: number | null;
}

export interface OrderAction {
  id: string;
  orderId: string;
  type: string | null;
  reason: string | null;
  status: string;
  domain: string | null;
  persona: { firstName: string; lastName: string; pictureUrl: string | null } | null;
  message: string | null;
  createdAt: number;
  updatedAt: number;
}

interface DraftRow {
  id: string;
  user_id: string;
  channel_id: string;
  request: string;
  bundle_name: string | null;
  reorder_of: string | null;
  status: OrderDraft['status'];
  view_id: string | null;
  order_id: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
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

interface ActionRow {
  id: string;
  order_id: string;
  type: string | null;
  reason: string | null;
  status: string;
  domain: string | null;
  persona: string | null;
  message: string | null;
  created_at: number;
  updated_at: number;
}

const toDraft = (row: DraftRow): OrderDraft => ({
  id: row.id,
  userId: row.user_id,
  channelId: row.channel_id,
  request: JSON.parse(row.request) as StoredOrderRequest,
  bundleName: row.bundle_name,
  reorderOf: row.reorder_of,
  status: row.status,
  viewId: row.view_id,
  orderId: row.order_id,
  error: row.error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

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

const toAction = (row: ActionRow): OrderAction => ({
  id: row.id,
  orderId: row.order_id,
  type: row.type,
  reason: row.reason,
  status: row.status,
  domain: row.domain,
  persona: row.persona ? (JSON.parse(row.persona) as OrderAction['persona']) : null,
  message: row.message,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
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

/** Order drafts, orders, their domains and pending actions. */
export function createOrdersRepo(db: Db) {
  const insertDraft = db.prepare(
    `INSERT INTO order_drafts (id, user_id, channel_id, request, bundle_name, reorder_of, status, created_at, updated_at)
     VALUES (@id, @userId, @channelId, @request, @bundleName, @reorderOf, 'ready', @now, @now)`,
  );
  const selectDraft = db.prepare<[string], DraftRow>('SELECT * FROM order_drafts WHERE id = ?');
  const claimDraft = db.prepare<[string | null, number, string]>(
    `UPDATE order_drafts SET status = 'submitting', view_id = COALESCE(?, view_id), updated_at = ?
     WHERE id = ? AND status IN ('ready', 'failed')`,
  );
  const settleDraft = db.prepare<[string, string | null, string | null, number, string]>(
    'UPDATE order_drafts SET status = ?, order_id = ?, error = ?, updated_at = ? WHERE id = ?',
  );
  const selectSubmitting = db.prepare<[], DraftRow>(
    "SELECT * FROM order_drafts WHERE status = 'submitting' ORDER BY updated_at",
  );
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
  const selectDomains = db.prepare<
    [string],
    {
      domain: string;
      position: number;
      state: 'pending' | 'connected';
      provider: string | null;
      connected_at: number | null;
    }
  >(
    'SELECT domain, position, state, provider, connected_at FROM order_domains WHERE order_id = ? ORDER BY position',
  );
  const countConnected = db.prepare<[string], { n: number }>(
    "SELECT COUNT(*) AS n FROM order_domains WHERE order_id = ? AND state = 'connected'",
  );
  const upsertAction = db.prepare(
    `INSERT INTO order_actions (id, order_id, type, reason, status, domain, persona, message, created_at, updated_at)
     VALUES (@id, @orderId, @type, @reason, @status, @domain, @persona, @message, @now, @now)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, message = excluded.message, updated_at = excluded.updated_at`,
  );
  const selectAction = db.prepare<[string], ActionRow>('SELECT * FROM order_actions WHERE id = ?');
  const selectOpenActions = db.prepare<[string], ActionRow>(
    "SELECT * FROM order_actions WHERE order_id = ? AND status = 'open' ORDER BY created_at, id",
  );
  const selectAllOpenActions = db.prepare<[number], ActionRow>(
    "SELECT * FROM order_actions WHERE status = 'open' ORDER BY created_at DESC, id LIMIT ?",
  );
  const resolveMissing = db.prepare<[number, string]>(
    "UPDATE order_actions SET status = 'resolved', updated_at = ? WHERE order_id = ? AND status = 'open'",
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
  const selectUsedDomains = db.prepare<[], { domain: string }>(
    "SELECT DISTINCT order_domains.domain FROM order_domains JOIN orders ON orders.id = order_domains.order_id WHERE orders.status NOT IN ('failed', 'cancelled')",
  );

  return {
    createDraft(draft: {
      id: string;
      userId: string;
      channelId: string;
      request: StoredOrderRequest;
      bundleName: string | null;
      reorderOf: string | null;
      now: number;
    }): void {
      insertDraft.run({ ...draft, request: JSON.stringify(draft.request) });
    },
    draft(id: string): OrderDraft | undefined {
      const row = selectDraft.get(id);
      return row ? toDraft(row) : undefined;
    },
    /** Marks a draft as being placed; false when it is already being placed or was placed (a double click, a retry). */
    claimDraft(id: string, viewId: string | null, now: number): boolean {
      return claimDraft.run(viewId, now, id).changes === 1;
    },
    settleDraft(
      id: string,
      status: 'placed' | 'failed',
      orderId: string | null,
      error: string | null,
      now: number,
    ): void {
      settleDraft.run(status, orderId, error, now, id);
    },
    submittingDrafts(): OrderDraft[] {
      return selectSubmitting.all().map(toDraft);
    },
    /** Inserts the order and its domains; false when it was already recorded (Peeker's 24 h dedupe returned it again). */
    insertOrder(order: OrderRecord, domains: readonly string[]): boolean {
      const inserted = insertOrder.run(toOrderRow(order)).changes === 1;
      if (inserted) {
        for (const [position, domain] of domains.entries()) insertDomain.run(order.id, domain, position);
      }
      return inserted;
    },
    updateOrder(order: OrderRecord): void {
      updateOrder.run(toOrderRow(order));
    },
    order(id: string): OrderRecord | undefined {
      const row = selectOrder.get(id);
      return row ? toOrder(row) : undefined;
    },
    orderForDraft(draftId: string): OrderRecord | undefined {
      const row = selectOrderByDraft.get(draftId);
      return row ? toOrder(row) : undefined;
    },
    domains(orderId: string): OrderDomain[] {
      return selectDomains.all(orderId).map((row) => ({
        domain: row.domain,
        position: row.position,
        state: row.state,
        provider: row.provider,
        connectedAt: row.connected_at,
      }));
    },
    /**
     * Marks a domain connected; false when it already was (a repeated event). A domain Peeker
     * names that we did not send is added, so the count never silently drops an event.
     */
    connectDomain(orderId: string, domain: string, provider: string | null, now: number): boolean {
      appendDomain.run(orderId, domain, orderId);
      return connectDomain.run(provider, now, orderId, domain).changes === 1;
    },
    connectedCount(orderId: string): number {
      return countConnected.get(orderId)?.n ?? 0;
    },
    /** Stores an action; true when it is new. */
    saveAction(action: Omit<OrderAction, 'createdAt' | 'updatedAt'>, now: number): boolean {
      const existed = selectAction.get(action.id) !== undefined;
      upsertAction.run({ ...action, persona: action.persona ? JSON.stringify(action.persona) : null, now });
      return !existed;
    },
    action(id: string): OrderAction | undefined {
      const row = selectAction.get(id);
      return row ? toAction(row) : undefined;
    },
    openActions(orderId: string): OrderAction[] {
      return selectOpenActions.all(orderId).map(toAction);
    },
    allOpenActions(limit: number): OrderAction[] {
      return selectAllOpenActions.all(limit).map(toAction);
    },
    /** Every open action of the order not in `stillOpen` is resolved (Peeker no longer lists it). */
    resolveActionsExcept(orderId: string, stillOpen: readonly string[], now: number): void {
      if (stillOpen.length === 0) return void resolveMissing.run(now, orderId);
      const placeholders = stillOpen.map(() => '?').join(', ');
      db.prepare(
        `UPDATE order_actions SET status = 'resolved', updated_at = ? WHERE order_id = ? AND status = 'open' AND id NOT IN (${placeholders})`,
      ).run(now, orderId, ...stillOpen);
    },
    dueForReconcile(now: number, limit: number): OrderRecord[] {
      return selectDueReconcile.all(now, limit).map(toOrder);
    },
    /** The most recent order with this domain (for domain events that do not name their order). */
    latestOrderIdForDomain(domain: string): string | undefined {
      return selectLatestOrderForDomain.get(domain.toLowerCase())?.order_id;
    },
    /** The latest orders, newest first (the Home tab). */
    recent(limit: number): OrderRecord[] {
      return selectRecentOrders.all(limit).map(toOrder);
    },
    /** Domains already on a live order (not offered again in the order form). */
    domainsOnOrders(): Set<string> {
      return new Set(selectUsedDomains.all().map((row) => row.domain));
    },
  };
}

export type OrdersRepo = ReturnType<typeof createOrdersRepo>;
