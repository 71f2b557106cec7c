import type { Db } from './database.js';

/** What the last NS lookup of a waiting domain showed (see `dns/nameserver-state.ts`). */
export type DomainDnsState = 'pointing' | 'elsewhere' | 'other_cloudflare' | 'not_found' | 'unknown';

/** The app's own DNS knowledge of one domain of an import waiting on the registrar. */
export interface DomainDnsRecord {
  domain: string;
  /**
   * The last state a lookup established. A failed lookup keeps the state known before it (the
   * domain did not change because the resolver failed); `unknown` means no lookup has answered yet.
   */
  state: DomainDnsState;
  /** Its current nameservers (for `elsewhere` and `other_cloudflare`), lowercase, sorted. */
  nameservers: string[];
  /** `REGISTRARS` id guessed from the nameservers that must go, if any. */
  registrarId: string | null;
  /** The last lookup's error code (`timeout`, `servfail`…); null when it answered. */
  lastError: string | null;
  checkedAt: number;
  /** When `state`, `nameservers` or `registrarId` last changed. */
  changedAt: number;
}

/** When a waiting import's domains are next looked up. */
export interface ImportDnsSchedule {
  importId: string;
  nextCheckAt: number;
  lastCheckedAt: number;
  /** Every active domain pointed at its assigned nameservers at the last check. */
  allPointing: boolean;
}

/** A domain of an import waiting on the registrar, with its last DNS state (null: never checked). */
export interface WaitingDomainDns {
  importId: string;
  channelId: string;
  domain: string;
  /** The domain's place in the import, for listing in the order it was given. */
  position: number;
  dns: DomainDnsRecord | null;
}

/** A connected domain the weekly health watch follows, in the thread of its order. */
export interface HealthWatchItem {
  orderId: string;
  domain: string;
  /** `google` / `microsoft` when Peeker said so on `domain.connected`. */
  provider: string | null;
  /** Problem kinds currently reported in the order's thread (announced, not yet cleared). */
  reported: string[];
  lastCheckedAt: number | null;
}

interface DomainDnsRow {
  domain: string;
  state: DomainDnsState;
  nameservers: string;
  registrar: string | null;
  last_error: string | null;
  checked_at: number;
  changed_at: number;
}

interface ScheduleRow {
  import_id: string;
  next_check_at: number;
  last_checked_at: number;
  all_pointing: number;
}

interface WaitingRow {
  import_id: string;
  channel_id: string;
  domain: string;
  position: number;
  state: DomainDnsState | null;
  nameservers: string | null;
  registrar: string | null;
  last_error: string | null;
  checked_at: number | null;
  changed_at: number | null;
}

interface HealthRow {
  order_id: string;
  domain: string;
  provider: string | null;
  reported: string;
  last_checked_at: number | null;
}

const parseList = (text: string | null): string[] => {
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};

const toDomainDns = (row: DomainDnsRow): DomainDnsRecord => ({
  domain: row.domain,
  state: row.state,
  nameservers: parseList(row.nameservers),
  registrarId: row.registrar,
  lastError: row.last_error,
  checkedAt: row.checked_at,
  changedAt: row.changed_at,
});

const toWaiting = (row: WaitingRow): WaitingDomainDns => ({
  importId: row.import_id,
  channelId: row.channel_id,
  domain: row.domain,
  position: row.position,
  dns:
    row.state === null || row.checked_at === null || row.changed_at === null
      ? null
      : toDomainDns({
          domain: row.domain,
          state: row.state,
          nameservers: row.nameservers ?? '[]',
          registrar: row.registrar,
          last_error: row.last_error,
          checked_at: row.checked_at,
          changed_at: row.changed_at,
        }),
});

/** Imports whose instructions ask the customer to change nameservers (the customer's move). */
const WAITING = "imports.phase IN ('awaiting_dns', 'waiting_on_registrar')";
/** Orders whose domains are live or still being set up (not failed, not cancelled). */
const LIVE_ORDER = "orders.status NOT IN ('failed', 'cancelled')";

/**
 * The app's own DNS checks: per-domain nameserver states of imports waiting on the registrar and
 * their schedule, and the weekly health watch of connected domains.
 */
export function createDnsRepo(db: Db) {
  const selectDueImports = db.prepare<[number, number], { id: string }>(
    `SELECT imports.id FROM imports LEFT JOIN import_dns ON import_dns.import_id = imports.id
     WHERE ${WAITING} AND imports.nameserver_groups <> '[]'
       AND (import_dns.next_check_at IS NULL OR import_dns.next_check_at <= ?)
     ORDER BY COALESCE(import_dns.next_check_at, 0), imports.submitted_at LIMIT ?`,
  );
  const selectStates = db.prepare<[string], DomainDnsRow>(
    `SELECT domain, state, nameservers, registrar, last_error, checked_at, changed_at
     FROM import_domain_dns WHERE import_id = ?`,
  );
  const selectSchedule = db.prepare<[string], ScheduleRow>('SELECT * FROM import_dns WHERE import_id = ?');
  const upsertSchedule = db.prepare<ScheduleRow>(
    `INSERT INTO import_dns (import_id, next_check_at, last_checked_at, all_pointing)
     VALUES (@import_id, @next_check_at, @last_checked_at, @all_pointing)
     ON CONFLICT (import_id) DO UPDATE SET next_check_at = excluded.next_check_at,
       last_checked_at = excluded.last_checked_at, all_pointing = excluded.all_pointing`,
  );
  const upsertState = db.prepare<DomainDnsRow & { import_id: string }>(
    `INSERT INTO import_domain_dns
       (import_id, domain, state, nameservers, registrar, last_error, checked_at, changed_at)
     VALUES (@import_id, @domain, @state, @nameservers, @registrar, @last_error, @checked_at, @changed_at)
     ON CONFLICT (import_id, domain) DO UPDATE SET state = excluded.state,
       nameservers = excluded.nameservers, registrar = excluded.registrar,
       last_error = excluded.last_error, checked_at = excluded.checked_at, changed_at = excluded.changed_at`,
  );
  const waitingSql = (where: string) =>
    `SELECT imports.id AS import_id, imports.channel_id, import_domains.domain, import_domains.position,
       d.state, d.nameservers, d.registrar, d.last_error, d.checked_at, d.changed_at
     FROM imports JOIN import_domains ON import_domains.import_id = imports.id
     LEFT JOIN import_domain_dns d ON d.import_id = imports.id AND d.domain = import_domains.domain
     WHERE ${WAITING} AND import_domains.state = 'pending' ${where}
     ORDER BY imports.submitted_at, imports.id, import_domains.position`;
  const selectWaitingAll = db.prepare<[], WaitingRow>(waitingSql(''));
  const selectWaitingInChannel = db.prepare<[string], WaitingRow>(waitingSql('AND imports.channel_id = ?'));
  const selectWaitingOfImport = db.prepare<[string], WaitingRow>(waitingSql('AND imports.id = ?'));

  const selectUnwatched = db.prepare<[number], { order_id: string; domain: string }>(
    `SELECT order_domains.order_id, order_domains.domain FROM order_domains
     JOIN orders ON orders.id = order_domains.order_id
     LEFT JOIN domain_health ON domain_health.order_id = order_domains.order_id
       AND domain_health.domain = order_domains.domain
     WHERE order_domains.state = 'connected' AND ${LIVE_ORDER} AND domain_health.domain IS NULL
     LIMIT ?`,
  );
  const insertWatch = db.prepare<[string, string, number, number]>(
    `INSERT INTO domain_health (order_id, domain, next_check_at, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (order_id, domain) DO NOTHING`,
  );
  const deleteEnded = db.prepare(
    `DELETE FROM domain_health WHERE order_id IN
       (SELECT id FROM orders WHERE status IN ('failed', 'cancelled'))`,
  );
  const selectDueHealth = db.prepare<[number, number], HealthRow>(
    `SELECT domain_health.order_id, domain_health.domain, order_domains.provider,
       domain_health.reported, domain_health.last_checked_at
     FROM domain_health
     JOIN orders ON orders.id = domain_health.order_id
     JOIN order_domains ON order_domains.order_id = domain_health.order_id
       AND order_domains.domain = domain_health.domain
     WHERE domain_health.next_check_at <= ? AND ${LIVE_ORDER}
     ORDER BY domain_health.next_check_at LIMIT ?`,
  );
  const updateHealth = db.prepare<[number, number, string, string, string]>(
    `UPDATE domain_health SET last_checked_at = ?, next_check_at = ?, reported = ?
     WHERE order_id = ? AND domain = ?`,
  );
  const countHealth = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM domain_health');
  const selectConnected = db.prepare<[string], { order_id: string; provider: string | null }>(
    `SELECT order_domains.order_id, order_domains.provider FROM order_domains
     JOIN orders ON orders.id = order_domains.order_id
     WHERE order_domains.domain = ? AND order_domains.state = 'connected' AND ${LIVE_ORDER}
     ORDER BY orders.created_at DESC LIMIT 1`,
  );

  return {
    /**
     * Imports waiting on the registrar (nameservers known) whose domains are due for a lookup:
     * never-checked ones first (the instructions were just posted), then the most overdue.
     */
    dueImports(now: number, limit: number): string[] {
      return selectDueImports.all(now, limit).map((row) => row.id);
    },

    /** The last DNS state of each domain of an import that has been checked at least once. */
    domainStatesOf(importId: string): DomainDnsRecord[] {
      return selectStates.all(importId).map(toDomainDns);
    },

    scheduleOf(importId: string): ImportDnsSchedule | undefined {
      const row = selectSchedule.get(importId);
      return row
        ? {
            importId: row.import_id,
            nextCheckAt: row.next_check_at,
            lastCheckedAt: row.last_checked_at,
            allPointing: row.all_pointing === 1,
          }
        : undefined;
    },

    /** Records one check of an import: its schedule and its domains' states (call inside a transaction). */
    saveCheck(schedule: ImportDnsSchedule, states: readonly DomainDnsRecord[]): void {
      upsertSchedule.run({
        import_id: schedule.importId,
        next_check_at: schedule.nextCheckAt,
        last_checked_at: schedule.lastCheckedAt,
        all_pointing: schedule.allPointing ? 1 : 0,
      });
      for (const state of states) {
        upsertState.run({
          import_id: schedule.importId,
          domain: state.domain,
          state: state.state,
          nameservers: JSON.stringify(state.nameservers),
          registrar: state.registrarId,
          last_error: state.lastError,
          checked_at: state.checkedAt,
          changed_at: state.changedAt,
        });
      }
    },

    /**
     * Each domain still to be switched or verified of the imports waiting on the registrar — all of
     * them, one channel's, or one import's — with its last DNS state (null when never checked),
     * oldest import first. What a reminder, the digest or the Home tab lists as "not yet switched"
     * (see {@link isNotYetSwitched}).
     */
    waitingDomainStates(filter: { channelId?: string; importId?: string } = {}): WaitingDomainDns[] {
      const rows =
        filter.importId !== undefined
          ? selectWaitingOfImport.all(filter.importId)
          : filter.channelId !== undefined
            ? selectWaitingInChannel.all(filter.channelId)
            : selectWaitingAll.all();
      return rows.map(toWaiting);
    },

    /**
     * Adds connected domains of live orders that the health watch does not follow yet, each first
     * due at `firstCheckAt(orderId, domain)`; at most `limit` per call. Drops domains of orders that
     * failed or were cancelled. Returns how many were added.
     */
    enrollConnectedDomains(
      now: number,
      firstCheckAt: (orderId: string, domain: string) => number,
      limit: number,
    ): number {
      deleteEnded.run();
      let added = 0;
      for (const row of selectUnwatched.all(limit)) {
        added += insertWatch.run(
          row.order_id,
          row.domain,
          firstCheckAt(row.order_id, row.domain),
          now,
        ).changes;
      }
      return added;
    },

    /** Watched domains due for their weekly check, most overdue first. */
    dueHealthChecks(now: number, limit: number): HealthWatchItem[] {
      return selectDueHealth.all(now, limit).map((row) => ({
        orderId: row.order_id,
        domain: row.domain,
        provider: row.provider,
        reported: parseList(row.reported),
        lastCheckedAt: row.last_checked_at,
      }));
    },

    /** Records a health check: when it ran, when the next is due, and what is now reported. */
    saveHealthCheck(
      orderId: string,
      domain: string,
      checkedAt: number,
      nextCheckAt: number,
      reported: readonly string[],
    ): void {
      updateHealth.run(checkedAt, nextCheckAt, JSON.stringify([...reported].sort()), orderId, domain);
    },

    /** How many connected domains the health watch follows. */
    watchedCount(): number {
      return countHealth.get()?.n ?? 0;
    },

    /** The latest live order a domain is connected on, with its mail provider. */
    connectedDomain(domain: string): { orderId: string; provider: string | null } | undefined {
      const row = selectConnected.get(domain);
      return row ? { orderId: row.order_id, provider: row.provider } : undefined;
    },
  };
}

/** True for a waiting domain whose nameservers are not (known to be) at the assigned pair yet. */
export function isNotYetSwitched(domain: WaitingDomainDns): boolean {
  return domain.dns?.state !== 'pointing';
}

export type DnsRepo = ReturnType<typeof createDnsRepo>;
