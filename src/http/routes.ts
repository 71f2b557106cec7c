import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Db } from '../store/database.js';
import type { Repositories } from '../store/repositories.js';
import { createHealthCheck } from './health.js';
import type { HttpRoutes } from './server.js';
import { createWebhookRoute } from './webhook-route.js';

/**
 * The routes of the one HTTP server: Slack's events (HTTP mode), Peeker's webhooks (stored, then
 * `onWebhookStored` wakes the processor), `/healthz` with the queues' depths, `/metrics`.
 */
export function createRoutes(deps: {
  slackEvents: HttpRoutes['slackEvents'];
  webhookSecrets: readonly string[];
  onWebhookStored: () => void;
  db: Db;
  repos: Pick<Repositories, 'webhookEvents' | 'outbox' | 'commands' | 'storage'>;
  slackMode: 'socket' | 'http';
  peekerEnvironment: () => string;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
}): HttpRoutes {
  const { webhookEvents, outbox, commands, storage } = deps.repos;
  return {
    ...(deps.slackEvents ? { slackEvents: deps.slackEvents } : {}),
    peekerWebhooks: createWebhookRoute({
      secrets: deps.webhookSecrets,
      events: webhookEvents,
      logger: deps.logger,
      metrics: deps.metrics,
      onStored: deps.onWebhookStored,
      storage,
      now: deps.now,
    }),
    health: createHealthCheck({
      db: deps.db,
      storage,
      slackMode: deps.slackMode,
      peekerEnvironment: deps.peekerEnvironment,
      queues: () => ({
        slack_outbox: outbox.queueDepth(),
        webhook_events_pending: webhookEvents.pendingCount(),
        commands_pending: commands.pending().length,
      }),
    }),
    metrics: async () => ({
      contentType: deps.metrics.registry.contentType,
      body: await deps.metrics.registry.metrics(),
    }),
  };
}
