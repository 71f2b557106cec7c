/**
 * Domains: `POST /domains/availability`
 * (https://docs.peeker.ai/api-reference/domains/checking-domain-availability.md) and
 * `GET /domains` (https://docs.peeker.ai/api-reference/domains/listing-domains), over a registry
 * of the domains the fake knows: scripted spares, completed imports, and the domains of orders.
 */

import type { ImportsResource } from './imports.js';
import type { OrdersResource } from './orders.js';
import {
  domainIdFor,
  domainProblem,
  type FakeContext,
  type FakeResource,
  filterBy,
  invalid,
  isoSeconds,
  isRecord,
  normalizeDomain,
  ok,
  paginate,
  type Reply,
  stringList,
} from './shared.js';

export type DomainProvider = 'google' | 'microsoft';

/** `reason` of an unavailable row (https://docs.peeker.ai/guides/domain-search). */
export type AvailabilityReason = 'taken' | 'premium' | 'invalid' | 'errored' | 'stale';

/** One row of `POST /domains/availability`. */
export type AvailabilityRow =
  | {
      domain: string;
      available: true;
      price_cents: number;
      renewal_price_cents: number;
      currency: string;
      usable_for: string[];
      premium: boolean;
    }
  | { domain: string; available: false; premium: boolean; reason: AvailabilityReason };

/**
 * A scripted availability answer for {@link FakePeeker.setAvailability}. With `reason` (or
 * `available: false`) the row is unavailable (reason defaults to `taken`); otherwise it is
 * available with the given price fields. `thenAvailable` makes the next answer a fresh
 * available row, as Peeker refreshes a `stale` row in the background.
 */
export interface AvailabilityAnswer {
  available?: boolean;
  reason?: AvailabilityReason;
  premium?: boolean;
  price_cents?: number;
  renewal_price_cents?: number;
  currency?: string;
  usable_for?: string[];
  thenAvailable?: boolean;
}

/** First-year and renewal price of every available name unless scripted. */
export const DEFAULT_PRICE_CENTS = 1300;
export const DEFAULT_RENEWAL_PRICE_CENTS = 1500;
/** The NEW docs' batch size (the OLD ones said 25). */
export const DEFAULT_AVAILABILITY_BATCH_LIMIT = 50;

/** `domain.connected` data and `GET /domains?category=connected` rows, as in https://docs.peeker.ai/guides/importing-domains. */
export interface DomainConnectedData {
  id: string;
  domain: string;
  category: string;
  status: string;
  provider: DomainProvider;
  user_id: string;
  order_id: string;
  usable_for: string[];
  forwarding_url: string | null;
  created_at: string;
  /** Premium swaps keep the old domain warm next to the new one for 14 days (date undocumented). */
  warm_until?: string;
}

/** A `GET /domains?category=inventory` row ("ready, not on an order"). */
export interface InventoryDomain {
  id: string;
  domain: string;
  category: 'inventory';
  status: string;
  usable_for: string[];
  created_at: string;
  [field: string]: unknown;
}

/** Any `GET /domains` row. */
export type PeekerDomain = DomainConnectedData | InventoryDomain;

interface DomainState {
  createdAt: string;
  provider?: DomainProvider;
  usableFor?: string[];
  /** Set by a finished forwarding job; wins over the order's URL. */
  forwardingUrl?: string | null;
  /** Fields given to `addInventoryDomain`. */
  inventoryFields?: Partial<InventoryDomain>;
  connectedTo?: string;
  connectedSeq?: number;
  connectedAt?: string;
  /** A standard swap retired it: on no order and not in inventory. */
  retired?: boolean;
  warmUntil?: string;
}

const DEFAULT_USABLE_FOR = ['google', 'microsoft'];

/** State and routes of domain availability and the domain list. */
export class DomainsResource implements FakeResource {
  availabilityBatchLimit = DEFAULT_AVAILABILITY_BATCH_LIMIT;

  private readonly states = new Map<string, DomainState>();
  private readonly inventoryNames: string[] = [];
  private readonly scripts = new Map<string, AvailabilityAnswer[]>();
  private connectedSeq = 0;

  constructor(
    private readonly ctx: FakeContext,
    private readonly imports: ImportsResource,
    private readonly orders: OrdersResource,
  ) {}

  reset(): void {
    this.states.clear();
    this.inventoryNames.length = 0;
    this.scripts.clear();
    this.availabilityBatchLimit = DEFAULT_AVAILABILITY_BATCH_LIMIT;
    this.connectedSeq = 0;
  }

  route(method: string, path: string, query: URLSearchParams, body: unknown): Reply | undefined {
    if (path === '/domains/availability' && method === 'POST') return this.checkAvailability(body);
    if (path === '/domains' && method === 'GET') return this.list(query);
    return undefined;
  }

  // ---- availability --------------------------------------------------------------------------

  setAvailability(domain: string, answers: AvailabilityAnswer | AvailabilityAnswer[]): void {
    const queue = Array.isArray(answers) ? [...answers] : [answers];
    if (queue.length === 0) this.scripts.delete(normalizeDomain(domain));
    else this.scripts.set(normalizeDomain(domain), queue);
  }

  private checkAvailability(body: unknown): Reply {
    const list = stringList(isRecord(body) ? body.domains : undefined);
    if (!list) return invalid('domains must be a non-empty array of domain names', 'domains');
    const max = this.availabilityBatchLimit;
    if (list.length > max) {
      return invalid(`domains accepts at most ${max} entries`, 'domains', { max, submitted: list.length });
    }
    return ok({ domains: list.map((d) => this.availabilityOf(normalizeDomain(d))) });
  }

  private availabilityOf(domain: string): AvailabilityRow {
    const queue = this.scripts.get(domain);
    const head = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (!queue || !head) {
      return domainProblem(domain) === undefined
        ? availabilityRow(domain, {})
        : { domain, available: false, premium: false, reason: 'invalid' };
    }
    // The next call answers fresh: a stale row has been refreshed in the background.
    if (head.thenAvailable) {
      if (queue.length === 1) queue.splice(0, 1, {});
      else queue.unshift({});
    }
    return availabilityRow(domain, head);
  }

  // ---- the registry ----------------------------------------------------------------------------

  /** Adds a spare domain to the inventory (listed until an order takes it). */
  addInventoryDomain(name: string, fields: Partial<InventoryDomain> = {}): InventoryDomain {
    const domain = normalizeDomain(name);
    const state = this.state(domain);
    state.inventoryFields = { ...state.inventoryFields, ...fields };
    if (!this.inventoryNames.includes(domain)) this.inventoryNames.push(domain);
    return this.inventoryRow(domain);
  }

  setProvider(name: string, provider: DomainProvider): void {
    this.state(normalizeDomain(name)).provider = provider;
  }

  providerOf(name: string): DomainProvider {
    return this.states.get(normalizeDomain(name))?.provider ?? 'google';
  }

  /** Records that a finished forwarding job pointed `name` at `url`. */
  setForwardingUrl(name: string, url: string): void {
    this.state(normalizeDomain(name)).forwardingUrl = url;
  }

  /**
   * Marks a domain of an order connected (what `domain.connected` reports) and returns its
   * `GET /domains` row. Throws for an unknown order or a domain the order does not hold.
   */
  connect(orderId: string, name: string, fields: Partial<DomainConnectedData> = {}): DomainConnectedData {
    const domain = normalizeDomain(name);
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`FakePeeker.connectDomain: no order ${orderId}`);
    if (!this.orders.domainsOf(order).includes(domain)) {
      throw new Error(`FakePeeker.connectDomain: ${domain} is not on order ${orderId}`);
    }
    const state = this.state(domain);
    if (fields.provider !== undefined) state.provider = fields.provider;
    if (fields.usable_for !== undefined) state.usableFor = fields.usable_for;
    if (fields.forwarding_url !== undefined) state.forwardingUrl = fields.forwarding_url;
    if (fields.created_at !== undefined) state.createdAt = fields.created_at;
    this.markConnected(domain, orderId);
    const connected = this.connectedRows().filter((row) => row.order_id === orderId).length;
    if (connected > order.connected_count) this.orders.set(orderId, { connected_count: connected });
    const row = this.connectedRow(domain);
    if (!row) throw new Error(`FakePeeker.connectDomain: ${domain} did not connect`);
    return row;
  }

  /** Connects `domain` to `orderId` (a swap's replacement inherits the retired domain's settings). */
  markConnected(domain: string, orderId: string, inheritFrom?: string): void {
    const state = this.state(domain);
    const source = inheritFrom === undefined ? undefined : this.states.get(inheritFrom);
    if (source) {
      state.provider ??= source.provider;
      state.usableFor ??= source.usableFor;
      if (source.forwardingUrl !== undefined) state.forwardingUrl ??= source.forwardingUrl;
    }
    if (state.connectedTo !== orderId) {
      this.connectedSeq += 1;
      state.connectedSeq = this.connectedSeq;
      state.connectedAt = isoSeconds(this.ctx.now());
    }
    state.connectedTo = orderId;
    state.retired = false;
  }

  retire(domain: string): void {
    const state = this.state(domain);
    state.retired = true;
    state.connectedTo = undefined;
  }

  setWarmUntil(domain: string, iso: string): void {
    this.state(domain).warmUntil = iso;
  }

  /** The row `GET /domains` shows for a name or `dom_` id (connected or inventory), if listed. */
  find(ref: string): PeekerDomain | undefined {
    const rows: PeekerDomain[] = [...this.connectedRows(), ...this.inventoryRows()];
    const name = normalizeDomain(ref);
    return rows.find((row) => row.id === ref || row.domain === name);
  }

  /** A connected row by `dom_` id or name. */
  findConnected(ref: string): DomainConnectedData | undefined {
    const name = normalizeDomain(ref);
    return this.connectedRows().find((row) => row.id === ref || row.domain === name);
  }

  /** Every name the fake knows: registry, inventory, imports and orders. */
  knownNames(): string[] {
    const names = new Set<string>([...this.states.keys(), ...this.imports.completedDomains()]);
    for (const { order } of this.orders.orders.values())
      for (const d of this.orders.domainsOf(order)) names.add(d);
    return [...names];
  }

  /** The name behind a `dom_` id or a name; undefined for an id the fake never handed out. */
  resolve(ref: string): string | undefined {
    if (!ref.startsWith('dom_')) return normalizeDomain(ref);
    return this.knownNames().find((name) => domainIdFor(name) === ref);
  }

  private state(domain: string): DomainState {
    let state = this.states.get(domain);
    if (!state) {
      state = { createdAt: isoSeconds(this.ctx.now()) };
      this.states.set(domain, state);
    }
    return state;
  }

  private connectedRow(domain: string): DomainConnectedData | undefined {
    const state = this.states.get(domain);
    const orderId = state?.connectedTo;
    if (!state || orderId === undefined || state.retired) return undefined;
    const order = this.orders.get(orderId);
    if (!order || this.orders.orderHolding(domain)?.id !== orderId) return undefined;
    const row: DomainConnectedData = {
      id: domainIdFor(domain),
      domain,
      category: 'connected',
      status: 'active',
      provider: state.provider ?? 'google',
      user_id: order.user_id,
      order_id: order.id,
      usable_for: state.usableFor ?? DEFAULT_USABLE_FOR,
      forwarding_url:
        state.forwardingUrl !== undefined
          ? state.forwardingUrl
          : this.orders.forwardingUrlOf(orderId, domain),
      created_at: state.createdAt,
    };
    if (state.warmUntil !== undefined) row.warm_until = state.warmUntil;
    return row;
  }

  private connectedRows(): DomainConnectedData[] {
    return [...this.states.entries()]
      .filter(([, s]) => s.connectedTo !== undefined)
      .sort(([, a], [, b]) => (a.connectedSeq ?? 0) - (b.connectedSeq ?? 0))
      .flatMap(([domain]) => this.connectedRow(domain) ?? []);
  }

  private inventoryRow(domain: string): InventoryDomain {
    const state = this.state(domain);
    return {
      id: domainIdFor(domain),
      domain,
      category: 'inventory',
      status: 'available',
      usable_for: state.usableFor ?? DEFAULT_USABLE_FOR,
      created_at: state.createdAt,
      ...state.inventoryFields,
    };
  }

  /** Scripted spares, then completed imports, then domains a finished cancellation released. */
  private inventoryRows(): InventoryDomain[] {
    const released = this.orders.cancellations
      .filter((c) => c.status === 'cancelled')
      .flatMap((c) => c.domains.map((d) => d.domain));
    const names = [...new Set([...this.inventoryNames, ...this.imports.completedDomains(), ...released])];
    return names
      .filter((domain) => {
        const state = this.states.get(domain);
        return !state?.retired && this.orders.orderHolding(domain) === undefined;
      })
      .map((domain) => this.inventoryRow(domain));
  }

  private list(query: URLSearchParams): Reply {
    const category = query.get('category');
    if (category !== null && category !== 'inventory' && category !== 'connected') {
      return invalid('category must be inventory or connected', 'category');
    }
    const usableFor = query.get('usable_for');
    if (usableFor !== null && usableFor !== 'google' && usableFor !== 'microsoft') {
      return invalid('usable_for must be google or microsoft', 'usable_for');
    }
    const rows: PeekerDomain[] = [
      ...(category === 'connected' ? [] : this.inventoryRows()),
      ...(category === 'inventory' ? [] : this.connectedRows()),
    ];
    const emailOf = (row: PeekerDomain): string | undefined =>
      typeof row.order_id === 'string' ? this.orders.get(row.order_id)?.email : undefined;
    const filtered = filterBy(query, rows, [
      ['user_id', (row) => (typeof row.user_id === 'string' ? row.user_id : undefined)],
      ['user_email', emailOf],
      ['status', (row) => row.status],
    ]).filter((row) => usableFor === null || row.usable_for.includes(usableFor));
    return paginate(this.ctx.url, '/domains', query, filtered);
  }
}

function availabilityRow(domain: string, answer: AvailabilityAnswer): AvailabilityRow {
  const available = answer.available ?? answer.reason === undefined;
  if (!available) {
    const reason = answer.reason ?? 'taken';
    return { domain, available: false, premium: answer.premium ?? reason === 'premium', reason };
  }
  return {
    domain,
    available: true,
    price_cents: answer.price_cents ?? DEFAULT_PRICE_CENTS,
    renewal_price_cents: answer.renewal_price_cents ?? DEFAULT_RENEWAL_PRICE_CENTS,
    currency: answer.currency ?? 'usd',
    usable_for: answer.usable_for ?? DEFAULT_USABLE_FOR,
    premium: answer.premium ?? false,
  };
}
