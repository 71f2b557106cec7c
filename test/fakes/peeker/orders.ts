/**
 * Orders (https://docs.peeker.ai/orders/create-order): `POST /orders` with its 24 h dedupe,
 * `GET /orders`, `GET /orders/{id}`, `GET /orders/pending`, and the cancellation of a whole order
 * or of some of its domains (https://docs.peeker.ai/api-reference/orders/cancelling-an-order).
 */

import type { BundlesResource, PeekerBundle } from './bundles.js';
import {
  canonicalJson,
  DAY_MS,
  domainIdFor,
  errorEnvelope,
  type FakeContext,
  type FakeResource,
  filterBy,
  invalid,
  isoSeconds,
  isRecord,
  newId,
  nonEmptyString,
  normalizeDomain,
  notFound,
  ok,
  paginate,
  type Reply,
  rejected,
  stringList,
} from './shared.js';

export interface Persona {
  first_name: string;
  last_name: string;
  profile_picture_url: string | null;
}

/** The `POST /orders` body as Peeker received it (validated). */
export interface PeekerOrderBody {
  user: string;
  bundle_id: string;
  sequencer: {
    provider: string;
    client_id?: number | string | null;
    login_email: string;
    login_password: string;
  };
  forwarding_url?: string;
  domains: Array<string | { domain: string; forwarding_url?: string }>;
  personas: Persona[];
  [key: string]: unknown;
}

export type OrderStatus =
  | 'in_progress'
  | 'completed'
  | 'failed'
  | 'action_required'
  | 'cancel_scheduled'
  | 'cancelled';

export interface OrderLineItem {
  type: string;
  quantity: number;
  amount_cents: number;
}

/** The full order (`GET /orders/{id}`); `POST /orders` answers the lean receipt subset. */
export interface PeekerOrder {
  id: string;
  user_id: string;
  email: string;
  bundle_id: string;
  status: OrderStatus;
  domain_count: number;
  costs: { total_cents: number; currency: string; line_items: OrderLineItem[] };
  domains: { registered: string[]; imported: string[] };
  personas: Persona[];
  forwarding_url: string | null;
  connected_count: number;
  renews_at: string;
  created_at: string;
}

/** The lean order receipt `POST /orders` returns. */
export interface OrderReceipt {
  id: string;
  user_id: string;
  email: string;
  bundle_id: string;
  status: OrderStatus;
  domain_count: number;
  costs: { total_cents: number; currency: string };
  renews_at: string;
  created_at: string;
}

/** A `GET /orders/pending` row (https://docs.peeker.ai/api-reference/orders/listing-pending-order-actions). */
export interface PendingAction {
  id: string;
  type: string;
  reason: string;
  status: 'open' | 'resolved';
  domain_id: string | null;
  domain: string | null;
  user: Persona;
  message: string;
  created_at: string;
}

/** A domain named in a cancellation answer. */
export interface CancelledDomain {
  id: string;
  domain: string;
}

/** One accepted `POST /orders/{id}/cancel`, as the fake keeps it. */
export interface Cancellation {
  orderId: string;
  /** The `domains` entries as sent (names or `dom_` ids); undefined when the whole order was cancelled. */
  requested: string[] | undefined;
  domains: CancelledDomain[];
  status: 'cancel_scheduled' | 'cancelled';
  cancellation_scheduled_at: string;
  cancels_at: string;
  cancelled_at: string | null;
}

/**
 * Which answer `POST /orders/{id}/cancel` gives: `new` is the June doc generation's
 * `{id, status, cancellation_scheduled_at, cancels_at, domains}`, `old` the May generation's full
 * order object.
 */
export type CancelResponseShape = 'new' | 'old';

/**
 * Code of the 400 for cancelling an order (or domains) already scheduled or cancelled. Peeker does
 * not document this case; the fake picks a code so the app's handling can be tested.
 */
export const ORDER_NOT_CANCELLABLE = 'order_not_cancellable';

const PRICE_PER_DOMAIN_CENTS = 3400;
const ORDER_DEDUPE_MS = 24 * 60 * 60 * 1000;
const MAX_PERSONAS = 10;
/** "cancels_at is about 30 days after scheduling" (end of the renewal period). */
const CANCEL_GRACE_MS = 30 * DAY_MS;

/** State and routes of orders, pending actions and cancellations. */
export class OrdersResource implements FakeResource {
  /** Orders by id, each with the exact body Peeker received (password included). */
  readonly orders = new Map<string, { order: PeekerOrder; body: PeekerOrderBody }>();
  readonly pendingActions: Array<{ orderId: string; action: PendingAction }> = [];
  /** Every accepted cancellation, oldest first. */
  readonly cancellations: Cancellation[] = [];
  cancelResponseShape: CancelResponseShape = 'new';

  private readonly dedupe = new Map<string, { orderId: string; at: number }>();
  private readonly usersByEmail = new Map<string, string>();

  constructor(
    private readonly ctx: FakeContext,
    private readonly bundles: BundlesResource,
  ) {}

  reset(): void {
    this.orders.clear();
    this.dedupe.clear();
    this.usersByEmail.clear();
    this.pendingActions.length = 0;
    this.cancellations.length = 0;
    this.cancelResponseShape = 'new';
  }

  route(method: string, path: string, query: URLSearchParams, body: unknown): Reply | undefined {
    if (path === '/orders') {
      if (method === 'POST') return this.create(body);
      if (method === 'GET') return this.list(query);
    }
    if (path === '/orders/pending' && method === 'GET') return this.listPending(query);
    const cancelId = /^\/orders\/([^/]+)\/cancel$/.exec(path)?.[1];
    if (cancelId !== undefined && method === 'POST') return this.cancel(cancelId, body);
    const orderId = /^\/orders\/([^/]+)$/.exec(path)?.[1];
    if (orderId !== undefined && method === 'GET') {
      const found = this.orders.get(orderId);
      return found ? ok(found.order) : notFound(`No order ${orderId}`);
    }
    return undefined;
  }

  get(id: string): PeekerOrder | undefined {
    return this.orders.get(id)?.order;
  }

  set(id: string, patch: Partial<PeekerOrder>): PeekerOrder {
    const entry = this.orders.get(id);
    if (!entry) throw new Error(`FakePeeker.setOrder: no order ${id}`);
    entry.order = { ...entry.order, ...patch, id };
    return entry.order;
  }

  /** The bundle an order was placed with. */
  bundleOf(order: PeekerOrder | undefined): PeekerBundle | undefined {
    return order === undefined ? undefined : this.bundles.find(order.bundle_id);
  }

  /** Every domain name of an order (registered, then imported). */
  domainsOf(order: PeekerOrder): string[] {
    return [...order.domains.registered, ...order.domains.imported];
  }

  /** The forwarding URL an order gave a domain: its own entry's, else the order's. */
  forwardingUrlOf(orderId: string, domain: string): string | null {
    const entry = this.orders.get(orderId);
    if (!entry) return null;
    for (const d of entry.body.domains) {
      if (typeof d !== 'string' && normalizeDomain(d.domain) === domain && d.forwarding_url !== undefined) {
        return d.forwarding_url;
      }
    }
    return entry.order.forwarding_url;
  }

  /** The newest order that still holds `domain` (not cancelled, not released by a finished cancellation). */
  orderHolding(domain: string): PeekerOrder | undefined {
    const orders = [...this.orders.values()].map((e) => e.order).reverse();
    return orders.find(
      (o) => o.status !== 'cancelled' && this.domainsOf(o).includes(domain) && !this.released(o.id, domain),
    );
  }

  addPendingAction(orderId: string, fields: Partial<PendingAction>): PendingAction {
    const order = this.orders.get(orderId)?.order;
    const domain = order?.domains.imported[0] ?? order?.domains.registered[0] ?? null;
    const action: PendingAction = {
      id: newId('act'),
      type: 'google_profile_picture',
      reason: 'profile_picture_not_accessible',
      status: 'open',
      domain_id: domain === null ? newId('dom') : domainIdFor(domain),
      domain,
      user: order?.personas[0] ?? { first_name: 'Sam', last_name: 'Lee', profile_picture_url: null },
      message: 'The profile picture URL must be a publicly accessible image URL.',
      created_at: isoSeconds(this.ctx.now()),
      ...fields,
    };
    this.pendingActions.push({ orderId, action });
    return action;
  }

  resolvePendingAction(actionId: string): boolean {
    const entry = this.pendingActions.find((p) => p.action.id === actionId);
    if (!entry) return false;
    entry.action = { ...entry.action, status: 'resolved' };
    return true;
  }

  /** Schedules a cancellation without HTTP; throws with the error Peeker would answer. */
  scheduleCancellation(orderId: string, domains?: string[]): Cancellation {
    const reply = this.cancel(orderId, domains === undefined ? undefined : { domains });
    const last = this.cancellations.at(-1);
    if (reply.status !== 200 || !last) {
      throw new Error(`FakePeeker.scheduleCancellation: ${JSON.stringify(reply.body)}`);
    }
    return last;
  }

  /**
   * Finishes every scheduled cancellation of an order (what `order.cancelled` reports): their
   * domains are released, and the order becomes `cancelled` once none of its domains is left.
   * Returns the finished cancellations; throws when none was scheduled.
   */
  finishCancellation(orderId: string): Cancellation[] {
    const entry = this.orders.get(orderId);
    const scheduled = this.cancellations.filter(
      (c) => c.orderId === orderId && c.status === 'cancel_scheduled',
    );
    if (!entry || scheduled.length === 0) {
      throw new Error(`FakePeeker.finishCancellation: no scheduled cancellation on ${orderId}`);
    }
    const at = isoSeconds(this.ctx.now());
    for (const c of scheduled) {
      c.status = 'cancelled';
      c.cancelled_at = at;
    }
    if (this.domainsOf(entry.order).every((d) => this.released(orderId, d))) {
      this.set(orderId, { status: 'cancelled' });
    }
    return scheduled;
  }

  private released(orderId: string, domain: string): boolean {
    return this.cancellations.some(
      (c) => c.orderId === orderId && c.status === 'cancelled' && c.domains.some((d) => d.domain === domain),
    );
  }

  private cancelledNames(orderId: string): Set<string> {
    const names = new Set<string>();
    for (const c of this.cancellations) {
      if (c.orderId === orderId) for (const d of c.domains) names.add(d.domain);
    }
    return names;
  }

  private cancel(orderId: string, body: unknown): Reply {
    const entry = this.orders.get(orderId);
    if (!entry) return notFound(`No order ${orderId}`);
    const order = entry.order;
    if (body !== undefined && !isRecord(body)) return invalid('Body must be a JSON object', null);
    // The NEW reference: no body cancels every domain; `{domains: […]}` (dom_ ids or names, at
    // least one) only those. The OLD `{scope: "order"}` body means the whole order too.
    const requested = isRecord(body) && 'domains' in body ? stringList(body.domains) : undefined;
    if (isRecord(body) && 'domains' in body && requested === undefined) {
      return invalid('domains must be a non-empty array of domain names or dom_ ids', 'domains');
    }
    if (order.status === 'cancel_scheduled' || order.status === 'cancelled') {
      return rejected(ORDER_NOT_CANCELLABLE, `Order ${orderId} is already ${order.status}`, null, {
        status: order.status,
      });
    }
    const names = this.domainsOf(order);
    const already = this.cancelledNames(orderId);
    let targets: string[];
    if (requested === undefined) {
      targets = names.filter((d) => !already.has(d));
      if (targets.length === 0) {
        return rejected(ORDER_NOT_CANCELLABLE, `Every domain of ${orderId} is already cancelled`, null);
      }
    } else {
      const unknown: string[] = [];
      targets = [];
      for (const ref of requested) {
        const name = ref.startsWith('dom_')
          ? names.find((d) => domainIdFor(d) === ref)
          : names.find((d) => d === normalizeDomain(ref));
        if (name === undefined) unknown.push(ref);
        else if (!targets.includes(name)) targets.push(name);
      }
      if (unknown.length > 0) {
        return invalid(`Not on order ${orderId}: ${unknown.join(', ')}`, 'domains', { domains: unknown });
      }
      const repeated = targets.filter((d) => already.has(d));
      if (repeated.length > 0) {
        return rejected(ORDER_NOT_CANCELLABLE, `Already cancelled: ${repeated.join(', ')}`, 'domains', {
          domains: repeated,
        });
      }
    }
    const now = this.ctx.now();
    const cancellation: Cancellation = {
      orderId,
      requested,
      domains: targets.map((domain) => ({ id: domainIdFor(domain), domain })),
      status: 'cancel_scheduled',
      cancellation_scheduled_at: isoSeconds(now),
      cancels_at: isoSeconds(now + CANCEL_GRACE_MS),
      cancelled_at: null,
    };
    this.cancellations.push(cancellation);
    const scheduledAll = names.every((d) => already.has(d) || targets.includes(d));
    if (scheduledAll) this.set(orderId, { status: 'cancel_scheduled' });
    if (this.cancelResponseShape === 'old')
      return ok({ ...this.orders.get(orderId)?.order, status: 'cancel_scheduled' });
    return ok({
      id: orderId,
      status: 'cancel_scheduled',
      cancellation_scheduled_at: cancellation.cancellation_scheduled_at,
      cancels_at: cancellation.cancels_at,
      domains: cancellation.domains,
    });
  }

  private create(body: unknown): Reply {
    const canonical = canonicalJson(body);
    const seen = this.dedupe.get(canonical);
    const seenOrder = seen ? this.orders.get(seen.orderId) : undefined;
    if (seen && seenOrder && this.ctx.now() - seen.at < ORDER_DEDUPE_MS) return ok(receipt(seenOrder.order));

    const checked = validateOrderBody(body);
    if ('status' in checked) return checked;
    const orderBody = checked.body;
    const bundle = this.bundles.bundles.find((b) => b.id === orderBody.bundle_id && b.status !== 'deleted');
    if (!bundle) return notFound(`No bundle ${orderBody.bundle_id}`, 'bundle_id');
    if (bundle.status === 'archived') return invalid('Bundle is archived', 'bundle_id');
    const required = bundle.required_domains.total;
    const submitted = orderBody.domains.length;
    if (submitted !== required) {
      return {
        status: 422,
        body: errorEnvelope(
          'domain_count_mismatch',
          'Submitted domain count does not match the order plan',
          'domains',
          {
            required_count: required,
            submitted_count: submitted,
            missing_count: Math.max(0, required - submitted),
          },
        ),
      };
    }
    const user = this.resolveUser(orderBody.user);
    if (!user) return notFound(`No user ${orderBody.user}`, 'user');

    const now = this.ctx.now();
    const renews = new Date(now);
    renews.setUTCMonth(renews.getUTCMonth() + 1);
    const google = bundle.required_domains.google;
    const microsoft = bundle.required_domains.microsoft;
    const order: PeekerOrder = {
      id: newId('ord'),
      user_id: user.id,
      email: user.email,
      bundle_id: bundle.id,
      status: 'in_progress',
      domain_count: submitted,
      costs: {
        total_cents: PRICE_PER_DOMAIN_CENTS * submitted,
        currency: 'usd',
        line_items: [
          {
            type: 'google_license',
            quantity: google * bundle.google_inboxes_per_domain,
            amount_cents: PRICE_PER_DOMAIN_CENTS * google,
          },
          {
            type: 'microsoft_license',
            quantity: microsoft,
            amount_cents: PRICE_PER_DOMAIN_CENTS * microsoft,
          },
        ],
      },
      domains: {
        registered: [],
        imported: orderBody.domains.map((d) => (typeof d === 'string' ? d : d.domain).toLowerCase()),
      },
      personas: orderBody.personas.map((p) => ({ ...p })),
      forwarding_url: orderBody.forwarding_url ?? null,
      connected_count: 0,
      renews_at: isoSeconds(renews.getTime()),
      created_at: isoSeconds(now),
    };
    this.orders.set(order.id, { order, body: orderBody });
    this.dedupe.set(canonical, { orderId: order.id, at: now });
    return ok(receipt(order));
  }

  private resolveUser(user: string): { id: string; email: string } | undefined {
    if (user.startsWith('usr_')) {
      for (const [email, id] of this.usersByEmail) if (id === user) return { id, email };
      return undefined;
    }
    const email = user.toLowerCase();
    let id = this.usersByEmail.get(email);
    if (!id) {
      id = newId('usr');
      this.usersByEmail.set(email, id);
    }
    return { id, email };
  }

  private list(query: URLSearchParams): Reply {
    const orders = [...this.orders.values()].map((e) => e.order);
    const rows = filterBy(query, orders, [
      ['user_id', (o) => o.user_id],
      ['user_email', (o) => o.email],
      ['bundle_id', (o) => o.bundle_id],
      ['status', (o) => o.status],
    ])
      .reverse()
      .map(receipt);
    return paginate(this.ctx.url, '/orders', query, rows);
  }

  private listPending(query: URLSearchParams): Reply {
    const orderId = query.get('order_id');
    const user = query.get('user');
    const domainId = query.get('domain_id');
    const status = query.get('status') ?? 'open';
    const rows = this.pendingActions
      .filter(({ orderId: owner, action }) => {
        if (orderId !== null && owner !== orderId) return false;
        if (domainId !== null && action.domain_id !== domainId) return false;
        if (action.status !== status) return false;
        if (user !== null) {
          const order = this.orders.get(owner)?.order;
          if (!order || (order.user_id !== user && order.email !== user.toLowerCase())) return false;
        }
        return true;
      })
      .map((p) => p.action);
    return paginate(this.ctx.url, '/orders/pending', query, rows);
  }
}

function receipt(order: PeekerOrder): OrderReceipt {
  return {
    id: order.id,
    user_id: order.user_id,
    email: order.email,
    bundle_id: order.bundle_id,
    status: order.status,
    domain_count: order.domain_count,
    costs: { total_cents: order.costs.total_cents, currency: order.costs.currency },
    renews_at: order.renews_at,
    created_at: order.created_at,
  };
}

/** Checks a persona as orders and user-name swaps take it: names plus a present `profile_picture_url` key. */
export function isPersona(p: unknown): p is Persona {
  return (
    isRecord(p) &&
    nonEmptyString(p.first_name) &&
    nonEmptyString(p.last_name) &&
    'profile_picture_url' in p &&
    (p.profile_picture_url === null || typeof p.profile_picture_url === 'string')
  );
}

function validateOrderBody(body: unknown): Reply | { body: PeekerOrderBody } {
  if (!isRecord(body)) return invalid('Body must be a JSON object', null);
  if (!nonEmptyString(body.user)) return invalid('user is required (a usr_ id or an email)', 'user');
  if (!nonEmptyString(body.bundle_id)) return invalid('bundle_id is required', 'bundle_id');
  if (body.google_licenses !== undefined || body.microsoft_licenses !== undefined) {
    return rejected(
      'order_shape_conflict',
      'Pick a saved bundle OR set custom licences — not both',
      'bundle_id',
    );
  }
  const sequencer = body.sequencer;
  if (!isRecord(sequencer)) return invalid('sequencer is required', 'sequencer');
  if (sequencer.provider !== 'smartlead')
    return invalid('sequencer.provider must be smartlead', 'sequencer.provider');
  const clientId = sequencer.client_id;
  if (clientId !== undefined && clientId !== null && clientId !== '' && typeof clientId !== 'number') {
    return invalid('sequencer.client_id must be an integer', 'sequencer.client_id');
  }
  if (!nonEmptyString(sequencer.login_email)) {
    return invalid('sequencer.login_email is required', 'sequencer.login_email');
  }
  if (!nonEmptyString(sequencer.login_password)) {
    return invalid('sequencer.login_password is required', 'sequencer.login_password');
  }
  if (body.forwarding_url !== undefined && typeof body.forwarding_url !== 'string') {
    return invalid('forwarding_url must be a string', 'forwarding_url');
  }
  const domains = body.domains;
  const domainOk = (d: unknown): boolean =>
    nonEmptyString(d) ||
    (isRecord(d) &&
      nonEmptyString(d.domain) &&
      (d.forwarding_url === undefined || typeof d.forwarding_url === 'string'));
  if (!Array.isArray(domains) || domains.length === 0 || !domains.every(domainOk)) {
    return invalid('domains must be a non-empty array of domains', 'domains');
  }
  const personas = body.personas;
  if (!Array.isArray(personas) || personas.length === 0 || personas.length > MAX_PERSONAS) {
    return invalid(`personas must hold 1 to ${MAX_PERSONAS} entries`, 'personas');
  }
  if (!personas.every(isPersona)) {
    return invalid('each persona needs first_name, last_name and profile_picture_url', 'personas');
  }
  // Every field the type names was checked above; the index signature keeps the rest as sent.
  return { body: body as PeekerOrderBody };
}
