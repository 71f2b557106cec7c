import type { PeekerClient } from '../peeker/client.js';
import type { PeekerDomain } from '../peeker/domains.js';
import type { Throttle } from '../peeker/http.js';
import { domainFromEvent } from '../peeker/webhook-events.js';
import type { Db } from '../store/database.js';
import type { LiveDomain, LiveDomainsRepo } from '../store/live-domains-repo.js';
import type { EventHandler } from './webhook-processor.js';

/**
 * Where the app learns each live domain's `dom_` ID, order and provider: `domain.connected`
 * events as they arrive, and `GET /domains?category=connected` when it meets a domain it has not
 * seen connect (an order placed elsewhere, an event lost). Forwarding, swaps and renames all
 * start here.
 */
export function createDomainDirectory(deps: {
  db: Db;
  liveDomains: LiveDomainsRepo;
  peeker: PeekerClient;
  now: () => number;
}) {
  const recordRows = deps.db.transaction((rows: readonly PeekerDomain[], now: number) => {
    for (const row of rows) {
      if (row.category && row.category !== 'connected') continue;
      deps.liveDomains.recordConnected(
        {
          domain: row.domain,
          domainId: row.id,
          orderId: row.order_id ?? null,
          provider: row.provider ?? null,
          forwardingUrl: row.forwarding_url ?? null,
        },
        now,
      );
    }
  });

  return {
    /** Peeker's connected domains (every page), recorded on the way. */
    async fetchConnected(
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerDomain[]> {
      const { data } = await deps.peeker.domains.list({ category: 'connected' }, options);
      const rows = data.filter((row) => !row.category || row.category === 'connected');
      recordRows(rows, deps.now());
      return rows;
    },
    /**
     * A connected domain (by name, or by its `dom_` ID) with its `dom_` ID: from what the app
     * knows, else from Peeker (one listing). Undefined when Peeker does not list it as connected.
     */
    async lookup(ref: string): Promise<LiveDomain | undefined> {
      const byId = ref.startsWith('dom_');
      const find = () => (byId ? deps.liveDomains.byDomainId(ref) : deps.liveDomains.get(ref.toLowerCase()));
      const known = find();
      if (known?.state === 'connected' && known.domainId && known.orderId) return known;
      const rows = await this.fetchConnected();
      const listed = rows.some((row) =>
        byId ? row.id === ref : row.domain.toLowerCase() === ref.toLowerCase(),
      );
      if (!listed) return undefined;
      const fresh = find();
      return fresh?.state === 'connected' ? fresh : undefined;
    },
    /** The order's connected domains: what the app knows, completed from Peeker when it knows fewer than the order has. */
    async connectedOfOrder(orderId: string, expected: number | null): Promise<LiveDomain[]> {
      const known = deps.liveDomains.connectedOfOrder(orderId);
      if (expected !== null && known.length >= expected && known.every((d) => d.domainId)) return known;
      await this.fetchConnected();
      return deps.liveDomains.connectedOfOrder(orderId);
    },
  };
}

export type DomainDirectory = ReturnType<typeof createDomainDirectory>;

/**
 * Wraps the `domain.connected` handler so that every such event also records the domain's `dom_`
 * ID, order and provider (in the same transaction; recording is idempotent, so an event retried
 * later records nothing new).
 */
export function withDomainDirectory(
  handlers: Record<string, EventHandler>,
  liveDomains: LiveDomainsRepo,
  /** The order of a domain event that does not name one (the latest order with the domain). */
  orderFor: (domain: string) => string | undefined,
): Record<string, EventHandler> {
  const inner = handlers['domain.connected'];
  if (!inner) return handlers;
  const recording: EventHandler = (event, stored, now) => {
    const domain = domainFromEvent(event);
    if (domain) {
      liveDomains.recordConnected(
        {
          domain: domain.domain,
          domainId: domain.id?.startsWith('dom_') ? domain.id : null,
          orderId: domain.order_id ?? orderFor(domain.domain.toLowerCase()) ?? null,
          provider: domain.provider ?? null,
          forwardingUrl: domain.forwarding_url ?? null,
        },
        now,
      );
    }
    return inner(event, stored, now);
  };
  return { ...handlers, 'domain.connected': recording };
}
