import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DnsMetrics } from './dns/resolver.js';

/**
 * Prometheus metrics (served at `GET /metrics`). One registry per app instance so tests that run
 * several apps in one process do not share counters. Label values are fixed vocabularies (route
 * templates, error codes), never user input, so cardinality stays bounded.
 */
export interface Metrics {
  registry: Registry;
  commands: Counter<'subcommand' | 'outcome'>;
  peekerCalls: Counter<'route' | 'status'>;
  peekerLatency: Histogram<'route'>;
  webhookEvents: Counter<'type' | 'outcome'>;
  webhookApplied: Counter<'type' | 'outcome'>;
  webhookReceipt: Histogram<'outcome'>;
  slackCalls: Counter<'method' | 'outcome'>;
  slackRateLimited: Counter<'method'>;
  slackQueueDepth: Gauge;
  oldestImportCheckAge: Gauge;
  pendingWebhookEvents: Gauge;
  /** The app's own DNS lookups, by record type (NS, MX, TXT) and outcome (ok, nxdomain, nodata, or the error code). */
  dnsLookups: Counter<'type' | 'outcome'>;
  dnsLatency: Histogram<'type'>;
}

export interface MetricSources {
  /** Pending Slack posts, replies and edits in the outbox. */
  slackQueueDepth(): number;
  /** Seconds since the least recently checked unfinished import was last checked (0 when none). */
  oldestImportCheckAgeSeconds(): number;
  /** Stored webhook events not yet applied. */
  pendingWebhookEvents(): number;
}

export function createMetrics(sources?: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics: Metrics = {
    registry,
    commands: new Counter({
      name: 'peeker_slack_commands_total',
      help: 'Slash commands received, by subcommand and outcome.',
      labelNames: ['subcommand', 'outcome'],
      registers: [registry],
    }),
    peekerCalls: new Counter({
      name: 'peeker_api_requests_total',
      help: 'Peeker Partner API requests, by route template and HTTP status (or network error).',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    peekerLatency: new Histogram({
      name: 'peeker_api_request_duration_seconds',
      help: 'Latency of Peeker Partner API requests, per attempt.',
      labelNames: ['route'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'peeker_webhook_events_total',
      help: 'Peeker webhook deliveries received, by event type and outcome (stored, duplicate, rejected_signature, malformed, too_large).',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    webhookApplied: new Counter({
      name: 'peeker_webhook_events_applied_total',
      help: 'Stored webhook events processed, by event type and outcome (applied, ignored, retry).',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    webhookReceipt: new Histogram({
      name: 'peeker_webhook_receipt_duration_seconds',
      help: 'Time from a webhook request arriving to its HTTP answer.',
      labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    slackCalls: new Counter({
      name: 'peeker_slack_api_calls_total',
      help: 'Slack Web API calls made by the app, by method and outcome.',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
    slackRateLimited: new Counter({
      name: 'peeker_slack_rate_limited_total',
      help: 'Slack Web API calls answered with HTTP 429.',
      labelNames: ['method'],
      registers: [registry],
    }),
    slackQueueDepth: new Gauge({
      name: 'peeker_slack_outbox_depth',
      help: 'Slack posts, thread replies and edits waiting to be sent.',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.slackQueueDepth());
      },
    }),
    oldestImportCheckAge: new Gauge({
      name: 'peeker_oldest_import_check_age_seconds',
      help: 'Seconds since the least recently checked unfinished import was checked.',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.oldestImportCheckAgeSeconds());
      },
    }),
    pendingWebhookEvents: new Gauge({
      name: 'peeker_webhook_events_pending',
      help: 'Stored webhook events not yet applied.',
      registers: [registry],
      collect() {
        if (sources) this.set(sources.pendingWebhookEvents());
      },
    }),
    dnsLookups: new Counter({
      name: 'peeker_dns_lookups_total',
      help: 'DNS lookups made by the app, by record type and outcome (ok, nxdomain, nodata, timeout, servfail, refused, unreachable, busy, …).',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    dnsLatency: new Histogram({
      name: 'peeker_dns_lookup_seconds',
      help: 'Time from sending a DNS lookup to its answer or give-up, by record type.',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
  return metrics;
}

/**
 * Adapts the registry to the DNS lookup service's `metrics` option. Lookups turned away as `busy`
 * sent nothing, so they are counted but not timed.
 */
export function dnsMetricsOf(metrics: Metrics): DnsMetrics {
  return {
    observe(type, outcome, seconds) {
      metrics.dnsLookups.inc({ type, outcome });
      if (seconds !== undefined) metrics.dnsLatency.observe({ type }, seconds);
    },
  };
}
