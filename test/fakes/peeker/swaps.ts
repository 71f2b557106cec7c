/**
 * Domain swaps (https://docs.peeker.ai/guides/domain-swaps): `POST /swaps`, `GET /swaps`,
 * `GET /swaps/{id}` and `POST /swaps/user_names`
 * (https://docs.peeker.ai/api-reference/domain-swaps/changing-user-names). Tests move swaps
 * along with {@link SwapsResource.advance}; a completed domain swap moves the order onto the
 * replacement domain.
 */

import type { DomainsResource } from './domains.js';
import { isPersona, type OrdersResource, type Persona } from './orders.js';
import {
  DAY_MS,
  domainProblem,
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
} from './shared.js';

export type SwapType = 'standard' | 'premium' | 'user_names';
export type SwapStatus = 'created' | 'in_progress' | 'completed' | 'failed' | 'action_required';

/** A swap row (`GET /swaps/{id}`), also the data of `swap.*` events. */
export interface PeekerSwap {
  id: string;
  type: SwapType;
  domain_id: string;
  replacement_domain: string | null;
  status: SwapStatus;
  created_at: string;
  /** Why a swap needs attention or failed, e.g. `replacement_not_imported`, `profile_picture_not_accessible`. */
  reason?: string;
  completed_at?: string;
  [field: string]: unknown;
}

/**
 * Codes of the 400s the premium-swap rules produce. The reference states the rules (Microsoft
 * only, a per-tier quota, a 30-day cooldown per domain) but not the codes, so the fake picks them.
 */
export const PREMIUM_REQUIRES_MICROSOFT = 'premium_requires_microsoft';
export const PREMIUM_COOLDOWN = 'premium_cooldown';
export const SWAP_QUOTA_EXCEEDED = 'swap_quota_exceeded';

const PREMIUM_COOLDOWN_MS = 30 * DAY_MS;
/** "The old domain stays warm for 14 days alongside the new one." */
const PREMIUM_WARM_MS = 14 * DAY_MS;
const MAX_PERSONAS = 10;

interface SwapMeta {
  orderId: string;
  userId: string;
  domain: string;
  personas?: Persona[];
}

/** State and routes of swaps. */
export class SwapsResource implements FakeResource {
  /** Swaps by id, oldest first. */
  readonly swaps = new Map<string, PeekerSwap>();
  /** Premium swaps still allowed (null: no quota). */
  premiumQuota: number | null = null;

  private readonly meta = new Map<string, SwapMeta>();
  private readonly inboxes = new Map<string, number>();

  constructor(
    private readonly ctx: FakeContext,
    private readonly domains: DomainsResource,
    private readonly orders: OrdersResource,
  ) {}

  reset(): void {
    this.swaps.clear();
    this.meta.clear();
    this.inboxes.clear();
    this.premiumQuota = null;
  }

  route(method: string, path: string, query: URLSearchParams, body: unknown): Reply | undefined {
    if (path === '/swaps') {
      if (method === 'POST') return this.create(body);
      if (method === 'GET') return this.list(query);
    }
    if (path === '/swaps/user_names' && method === 'POST') return this.renameUsers(body);
    const swapId = /^\/swaps\/([^/]+)$/.exec(path)?.[1];
    if (swapId !== undefined && method === 'GET') {
      const found = this.swaps.get(swapId);
      return found ? ok(found) : notFound(`No swap ${swapId}`);
    }
    return undefined;
  }

  /** Inboxes on a domain, hence rows of a user-name swap (default: the bundle's Google count, 1 for Microsoft). */
  setInboxes(domain: string, count: number): void {
    this.inboxes.set(normalizeDomain(domain), count);
  }

  /**
   * Moves a swap to `status` with `extra` fields merged in. `action_required` gets a default
   * `reason` (`replacement_not_imported`, or `profile_picture_not_accessible` for user names).
   * Completing a standard or premium swap connects the replacement to the order; a standard swap
   * retires the old domain, a premium one keeps it warm for 14 days (`warm_until`).
   */
  advance(id: string, status: SwapStatus, extra: Partial<PeekerSwap> = {}): PeekerSwap {
    const current = this.swaps.get(id);
    const meta = this.meta.get(id);
    if (!current || !meta) throw new Error(`FakePeeker.advanceSwap: no swap ${id}`);
    const { reason: _dropped, ...rest } = current;
    const next: PeekerSwap = { ...rest, status, ...extra, id };
    if (status === 'action_required' && next.reason === undefined) {
      next.reason =
        current.type === 'user_names' ? 'profile_picture_not_accessible' : 'replacement_not_imported';
    }
    if (status === 'completed' && next.completed_at === undefined)
      next.completed_at = isoSeconds(this.ctx.now());
    if (status === 'completed' && current.status !== 'completed' && current.replacement_domain !== null) {
      this.moveOrder(meta, normalizeDomain(current.replacement_domain), current.type);
    }
    this.swaps.set(id, next);
    return next;
  }

  private moveOrder(meta: SwapMeta, replacement: string, type: SwapType): void {
    const order = this.orders.get(meta.orderId);
    if (!order) return;
    const previous = this.domains.findConnected(meta.domain);
    if (previous?.forwarding_url) this.domains.setForwardingUrl(replacement, previous.forwarding_url);
    const swapIn = (list: string[]): string[] => list.map((d) => (d === meta.domain ? replacement : d));
    if (type === 'premium') {
      this.orders.set(order.id, {
        domains: { ...order.domains, imported: [...order.domains.imported, replacement] },
      });
      this.domains.setWarmUntil(meta.domain, isoSeconds(this.ctx.now() + PREMIUM_WARM_MS));
    } else {
      this.orders.set(order.id, {
        domains: { registered: swapIn(order.domains.registered), imported: swapIn(order.domains.imported) },
      });
      this.domains.retire(meta.domain);
    }
    this.domains.markConnected(replacement, order.id, meta.domain);
  }

  private create(body: unknown): Reply {
    if (!isRecord(body)) return invalid('Body must be a JSON object', null);
    const type = body.type;
    if (type !== 'standard' && type !== 'premium') return invalid('type must be standard or premium', 'type');
    if (!nonEmptyString(body.domain_id)) return invalid('domain_id is required', 'domain_id');
    if (!nonEmptyString(body.replacement_domain)) {
      return invalid('replacement_domain is required', 'replacement_domain');
    }
    const replacement = normalizeDomain(body.replacement_domain);
    if (domainProblem(replacement) !== undefined) {
      return invalid('replacement_domain must be a root domain', 'replacement_domain');
    }
    const domain = this.domains.findConnected(body.domain_id);
    if (!domain || domain.id !== body.domain_id) return notFound(`No domain ${body.domain_id}`, 'domain_id');
    if (replacement === domain.domain) {
      return invalid('replacement_domain must differ from the domain it replaces', 'replacement_domain');
    }
    const now = this.ctx.now();
    if (type === 'premium') {
      if (domain.provider !== 'microsoft') {
        return rejected(
          PREMIUM_REQUIRES_MICROSOFT,
          'Premium swaps are available for Microsoft domains only',
          'type',
        );
      }
      const last = [...this.swaps.values()]
        .filter((s) => s.type === 'premium' && s.domain_id === domain.id && s.status !== 'failed')
        .at(-1);
      const lastAt = last === undefined ? undefined : Date.parse(last.created_at);
      if (lastAt !== undefined && now - lastAt < PREMIUM_COOLDOWN_MS) {
        return rejected(PREMIUM_COOLDOWN, 'This domain had a premium swap in the last 30 days', 'domain_id', {
          available_at: isoSeconds(lastAt + PREMIUM_COOLDOWN_MS),
        });
      }
      if (this.premiumQuota !== null && this.premiumQuota <= 0) {
        return rejected(SWAP_QUOTA_EXCEEDED, 'Premium swap quota for your tier is used up', 'type');
      }
      if (this.premiumQuota !== null) this.premiumQuota -= 1;
    }
    const swap: PeekerSwap = {
      id: newId('swp'),
      type,
      domain_id: domain.id,
      replacement_domain: replacement,
      status: 'created',
      created_at: isoSeconds(now),
    };
    this.swaps.set(swap.id, swap);
    this.meta.set(swap.id, { orderId: domain.order_id, userId: domain.user_id, domain: domain.domain });
    return ok(swap, 201);
  }

  private renameUsers(body: unknown): Reply {
    if (!isRecord(body)) return invalid('Body must be a JSON object', null);
    if (!nonEmptyString(body.domain_id)) return invalid('domain_id is required', 'domain_id');
    const personas = body.personas;
    if (!Array.isArray(personas) || personas.length === 0 || personas.length > MAX_PERSONAS) {
      return invalid(`personas must hold 1 to ${MAX_PERSONAS} entries`, 'personas');
    }
    const checked = personas.filter(isPersona);
    if (checked.length !== personas.length) {
      return invalid('each persona needs first_name, last_name and profile_picture_url', 'personas');
    }
    const domain = this.domains.findConnected(body.domain_id);
    if (!domain || domain.id !== body.domain_id) return notFound(`No domain ${body.domain_id}`, 'domain_id');
    const createdAt = isoSeconds(this.ctx.now());
    // "One row per inbox on the domain, not one per persona sent."
    const rows = Array.from({ length: this.inboxesOn(domain.domain, domain.order_id) }, (): PeekerSwap => {
      const swap: PeekerSwap = {
        id: newId('swp'),
        type: 'user_names',
        domain_id: domain.id,
        replacement_domain: null,
        status: 'created',
        created_at: createdAt,
      };
      this.swaps.set(swap.id, swap);
      this.meta.set(swap.id, {
        orderId: domain.order_id,
        userId: domain.user_id,
        domain: domain.domain,
        personas: checked.map((p) => ({ ...p })),
      });
      return swap;
    });
    return ok({ swaps: rows }, 201);
  }

  private inboxesOn(domain: string, orderId: string): number {
    const scripted = this.inboxes.get(domain);
    if (scripted !== undefined) return scripted;
    if (this.domains.providerOf(domain) === 'microsoft') return 1;
    const order = this.orders.get(orderId);
    return this.orders.bundleOf(order)?.google_inboxes_per_domain ?? 2;
  }

  private list(query: URLSearchParams): Reply {
    const rows = filterBy(
      query,
      [...this.swaps.values()],
      [
        ['domain_id', (s) => s.domain_id],
        ['order_id', (s) => this.meta.get(s.id)?.orderId],
        ['user_id', (s) => this.meta.get(s.id)?.userId],
        ['status', (s) => s.status],
        ['type', (s) => s.type],
      ],
    );
    return paginate(this.ctx.url, '/swaps', query, rows);
  }
}
