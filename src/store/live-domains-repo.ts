import type { Db } from './database.js';

/**
 * `connected`: on an order and live; `warm`: replaced by a premium swap, kept warm next to its
 * replacement until `warmUntil`; `retired`: replaced by a standard swap.
 */
export type LiveDomainState = 'connected' | 'warm' | 'retired';

/** What the app knows of one domain on an order (from `domain.connected`, `GET /domains` and swaps). */
export interface LiveDomain {
  domain: string;
  /** Peeker's `dom_…` ID, needed by `POST /swaps` and `POST /swaps/user_names`. */
  domainId: string | null;
  orderId: string | null;
  provider: string | null;
  state: LiveDomainState;
  /** The URL it forwards to, when the app knows it (null: the order's URL, or unknown). */
  forwardingUrl: string | null;
  forwardingChangedAt: number | null;
  warmUntil: string | null;
  updatedAt: number;
}

interface LiveDomainRow {
  domain: string;
  domain_id: string | null;
  order_id: string | null;
  provider: string | null;
  state: LiveDomainState;
  forwarding_url: string | null;
  forwarding_changed_at: number | null;
  warm_until: string | null;
  updated_at: number;
}

const toLiveDomain = (row: LiveDomainRow): LiveDomain => ({
  domain: row.domain,
  domainId: row.domain_id,
  orderId: row.order_id,
  provider: row.provider,
  state: row.state,
  forwardingUrl: row.forwarding_url,
  forwardingChangedAt: row.forwarding_changed_at,
  warmUntil: row.warm_until,
  updatedAt: row.updated_at,
});

/** A domain Peeker reports as connected to an order (a `domain.connected` event or a `GET /domains` row). */
export interface ConnectedReport {
  domain: string;
  domainId: string | null;
  orderId: string | null;
  provider: string | null;
  /** The URL Peeker says it forwards to; null keeps what we know. */
  forwardingUrl: string | null;
}

/** The domains the app knows to be on orders, with their `dom_` IDs and forwarding URLs. */
export function createLiveDomainsRepo(db: Db) {
  const upsertConnected = db.prepare<{
    domain: string;
    domainId: string | null;
    orderId: string | null;
    provider: string | null;
    forwardingUrl: string | null;
    now: number;
  }>(
    `INSERT INTO live_domains (domain, domain_id, order_id, provider, state, forwarding_url, updated_at)
     VALUES (@domain, @domainId, @orderId, @provider, 'connected', @forwardingUrl, @now)
     ON CONFLICT (domain) DO UPDATE SET
       domain_id = COALESCE(excluded.domain_id, live_domains.domain_id),
       order_id = COALESCE(excluded.order_id, live_domains.order_id),
       provider = COALESCE(excluded.provider, live_domains.provider),
       -- A change we saw Peeker confirm wins over a report that may predate it.
       forwarding_url = CASE WHEN live_domains.forwarding_changed_at IS NOT NULL THEN live_domains.forwarding_url
                             ELSE COALESCE(excluded.forwarding_url, live_domains.forwarding_url) END,
       -- A late report about a swapped-out domain does not bring it back; another order does.
       state = CASE WHEN excluded.order_id IS NOT NULL AND excluded.order_id IS NOT live_domains.order_id
                    THEN 'connected' ELSE live_domains.state END,
       updated_at = excluded.updated_at`,
  );
  const selectOne = db.prepare<[string], LiveDomainRow>('SELECT * FROM live_domains WHERE domain = ?');
  const selectById = db.prepare<[string], LiveDomainRow>(
    'SELECT * FROM live_domains WHERE domain_id = ? ORDER BY updated_at DESC LIMIT 1',
  );
  const selectConnectedOfOrder = db.prepare<[string], LiveDomainRow>(
    "SELECT * FROM live_domains WHERE order_id = ? AND state = 'connected' ORDER BY domain",
  );
  const updateForwarding = db.prepare<[string, number, number, string]>(
    'UPDATE live_domains SET forwarding_url = ?, forwarding_changed_at = ?, updated_at = ? WHERE domain = ?',
  );
  const insertForwarding = db.prepare<[string, string, number, number]>(
    `INSERT INTO live_domains (domain, state, forwarding_url, forwarding_changed_at, updated_at)
     VALUES (?, 'connected', ?, ?, ?) ON CONFLICT (domain) DO NOTHING`,
  );
  const updateState = db.prepare<[LiveDomainState, string | null, number, string]>(
    'UPDATE live_domains SET state = ?, warm_until = ?, updated_at = ? WHERE domain = ?',
  );

  return {
    /** Records a domain Peeker reports connected (its ID, order and provider fill in what was unknown). */
    recordConnected(report: ConnectedReport, now: number): void {
      upsertConnected.run({ ...report, domain: report.domain.toLowerCase(), now });
    },
    get(domain: string): LiveDomain | undefined {
      const row = selectOne.get(domain.toLowerCase());
      return row ? toLiveDomain(row) : undefined;
    },
    byDomainId(domainId: string): LiveDomain | undefined {
      const row = selectById.get(domainId);
      return row ? toLiveDomain(row) : undefined;
    },
    /** The order's domains known to be connected (and not swapped out), by name. */
    connectedOfOrder(orderId: string): LiveDomain[] {
      return selectConnectedOfOrder.all(orderId).map(toLiveDomain);
    },
    /** A forwarding change Peeker confirmed for this domain. */
    setForwardingUrl(domain: string, url: string, now: number): void {
      const name = domain.toLowerCase();
      if (updateForwarding.run(url, now, now, name).changes === 0) insertForwarding.run(name, url, now, now);
    },
    /** A swap replaced the domain: `warm` (premium, until `warmUntil`) or `retired` (standard). */
    markReplaced(domain: string, state: 'warm' | 'retired', warmUntil: string | null, now: number): void {
      updateState.run(state, warmUntil, now, domain.toLowerCase());
    },
  };
}

export type LiveDomainsRepo = ReturnType<typeof createLiveDomainsRepo>;
