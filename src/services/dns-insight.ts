import { createDnsLookup } from '../dns/resolver.js';
import { createDnsChecks } from '../jobs/dns-checks.js';
import type { BackgroundGate } from '../lib/background-gate.js';
import type { Logger } from '../logger.js';
import { dnsMetricsOf, type Metrics } from '../metrics.js';
import type { Db } from '../store/database.js';
import type { Repositories } from '../store/repositories.js';
import { createDnsHealthWatch } from './dns-health.js';
import { createImportDnsRecorder } from './import-dns.js';

/**
 * The app's own DNS insight, built in one place: lookups through `DNS_RESOLVERS` (bounded, cached
 * for the poll interval, never throwing), and the job that checks each waiting import's domains
 * and, weekly, the connected ones — beside the poll loop, on its own schedule, never inside a tick.
 */
export function createDnsInsight(deps: {
  db: Db;
  repos: Pick<Repositories, 'dns' | 'imports' | 'outbox'>;
  resolvers: readonly string[];
  /** `IMPORT_POLL_INTERVAL_SECONDS` in ms: the cache's life and a domain's shortest re-check. */
  intervalMs: number;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  gate: BackgroundGate;
}) {
  const { db, now } = deps;
  const { dns, imports, outbox } = deps.repos;
  const lookup = createDnsLookup({
    servers: [...deps.resolvers],
    cacheTtlMs: deps.intervalMs,
    now,
    metrics: dnsMetricsOf(deps.metrics),
  });
  const checks = createDnsChecks({
    lookup,
    dns,
    imports,
    recordImport: createImportDnsRecorder({ db, imports, dns, outbox, intervalMs: deps.intervalMs }),
    health: createDnsHealthWatch({
      db,
      dns,
      imports,
      outbox,
      lookup,
      logger: deps.logger.child({ component: 'dns-health' }),
      now,
    }),
    onQueued: (listener) => outbox.onQueued(listener),
    logger: deps.logger.child({ component: 'dns' }),
    now,
    gate: deps.gate,
  });
  return {
    lookup,
    checks,
    /** Cancels the lookups on the wire, so the DNS pass ends at once and records nothing more. */
    async stop(): Promise<void> {
      const stopped = checks.stop();
      lookup.close();
      await stopped;
    },
  };
}
