import type { AddressInfo } from 'node:net';
import * as commandListeners from './commands/index.js';
import { type Config, secretsOf } from './config.js';
import { createHealthCheck } from './http/health.js';
import { createHttpServer } from './http/server.js';
import { createWebhookRoute } from './http/webhook-route.js';
import * as interactionListeners from './interactions/index.js';
import { checksPerTick, createPollTick } from './jobs/poll-tick.js';
import { cronPeriodMs, type RecurringJob, scheduleRecurring } from './jobs/scheduler.js';
import { createTaskWorker } from './jobs/task-worker.js';
import { createLogger, type Logger, SecretScrubber } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createPeekerClient, type PeekerClient } from './peeker/client.js';
import { createPeekerEnvironment } from './peeker/environment.js';
import { BundleCache } from './services/bundle-cache.js';
import { createChannelAudience } from './services/channel-audience.js';
import { createCommandRunner } from './services/command-runner.js';
import { createImportEventHandlers } from './services/import-events.js';
import { createImportService, importCommand } from './services/import-service.js';
import { createImportTracker } from './services/import-tracker.js';
import { createOrderEventHandlers } from './services/order-events.js';
import { createOrderFormSession } from './services/order-form-session.js';
import { createOrderPlacement } from './services/order-placement.js';
import { createOrderTracker } from './services/order-tracker.js';
import { createOutboxSubjects } from './services/outbox-subjects.js';
import { PasswordVault } from './services/password-vault.js';
import { createWebhookProcessor } from './services/webhook-processor.js';
import { createBoltApp } from './slack/bolt-app.js';
import { createModals } from './slack/modals.js';
import { createSlackPublisher } from './slack/publisher.js';
import { createResponder } from './slack/responder.js';
import { createSocketModeConnection } from './slack/socket-mode.js';
import { checkSlackToken } from './slack/token-check.js';
import { createCommandsRepo } from './store/commands-repo.js';
import { type Db, openDatabase } from './store/database.js';
import { createImportsRepo } from './store/imports-repo.js';
import { createOrderActionsRepo } from './store/order-actions-repo.js';
import { createOrderDraftsRepo } from './store/order-drafts-repo.js';
import { createOrdersRepo } from './store/orders-repo.js';
import { createSlackOutboxRepo } from './store/slack-outbox-repo.js';
import { createStorageHealth } from './store/storage-health.js';
import { createTasksRepo } from './store/tasks-repo.js';
import { createWebhookEventsRepo } from './store/webhook-events-repo.js';
import { renderCommandCrashed } from './views/import-feedback.js';

export interface PeekerAppOptions {
  config: Config;
  /** Where log lines go (stdout by default); tests capture them. */
  logWrite?: (line: string) => void;
  now?: () => number;
  /** The Peeker limiter's sliding window (60 s in production; the limit scales with it). */
  peekerRateWindowMs?: number;
  /** How long a failed import is recovered (lookup, then job) before the requester is told (about a minute). */
  importRecoveryBudgetMs?: number;
}

/**
 * The composition root: builds the database, the Peeker client, the Bolt app, the Slack outbox,
 * the webhook receiver and the poll loop, and wires them. Nothing else constructs these; nothing
 * here does more than wiring.
 */
export function createPeekerApp(options: PeekerAppOptions) {
  const { config } = options;
  const now = options.now ?? Date.now;
  const scrubber = new SecretScrubber(secretsOf(config));
  const logger: Logger = createLogger({
    level: config.logLevel,
    scrubber,
    ...(options.logWrite ? { write: options.logWrite } : {}),
  });

  // Storage.
  const db: Db = openDatabase(config.databasePath);
  const commands = createCommandsRepo(db);
  const imports = createImportsRepo(db);
  const webhookEvents = createWebhookEventsRepo(db);
  const outbox = createSlackOutboxRepo(db);
  const drafts = createOrderDraftsRepo(db);
  const orders = createOrdersRepo(db);
  const actions = createOrderActionsRepo(db);
  const tasks = createTasksRepo(db);
  const storage = createStorageHealth(db, now);

  const metrics: Metrics = createMetrics({
    slackQueueDepth: () => outbox.queueDepth(),
    oldestImportCheckAgeSeconds: () => {
      const oldest = imports.oldestCheck();
      return oldest === undefined ? 0 : Math.max(0, (now() - oldest) / 1000);
    },
    pendingWebhookEvents: () => webhookEvents.pendingCount(),
  });

  // Peeker.
  const peeker: PeekerClient = createPeekerClient({
    baseUrl: config.peeker.apiUrl,
    apiKey: config.peeker.apiKey,
    timeoutMs: config.peeker.timeoutMs,
    rateLimitPerMinute: config.peeker.rateLimitPerMinute,
    ...(options.peekerRateWindowMs ? { rateWindowMs: options.peekerRateWindowMs } : {}),
    logger: logger.child({ component: 'peeker' }),
    metrics,
  });
  const environment = createPeekerEnvironment({ peeker, apiKey: config.peeker.apiKey, logger });
  const isSandbox = environment.isSandbox;

  // Slack.
  const { app: bolt, httpListener } = createBoltApp(config, logger, metrics);
  bolt.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  const responder = createResponder({ client: bolt.client, logger });
  const modals = createModals(bolt.client, logger);
  const publisher = createSlackPublisher({
    outbox,
    storage,
    client: bolt.client,
    subjects: createOutboxSubjects({ imports, orders, actions, commands, responder }),
    logger: logger.child({ component: 'slack-outbox' }),
    now,
  });
  const socketMode = config.slack.mode === 'socket' ? createSocketModeConnection(bolt, logger) : undefined;

  // Imports.
  const importTracker = createImportTracker({
    db,
    imports,
    outbox,
    pollIntervalSeconds: config.poll.importIntervalSeconds,
  });
  const importService = createImportService({
    commands,
    imports,
    outbox,
    tracker: importTracker,
    peeker,
    publisher,
    responder,
    logger,
    metrics,
    isSandbox,
    now,
    ...(options.importRecoveryBudgetMs !== undefined
      ? { recoveryBudgetMs: options.importRecoveryBudgetMs }
      : {}),
  });

  // Orders.
  const orderTracker = createOrderTracker({ db, drafts, orders, actions, outbox, tasks });
  const bundles = new BundleCache(peeker, now);
  const vault = new PasswordVault();
  const orderForm = createOrderFormSession({
    drafts,
    orders,
    actions,
    imports,
    bundles,
    vault,
    modals,
    metrics,
    approvers: config.orderApprovers,
    askSmartleadLogin: !config.smartleadDefaultLogin,
    defaultLoginEmail: config.smartleadDefaultLogin?.email,
    isSandbox,
    now,
  });
  const orderPlacement = createOrderPlacement({
    drafts,
    orders,
    tracker: orderTracker,
    peeker,
    publisher,
    responder,
    modals,
    vault,
    audienceOf: createChannelAudience({ imports, client: bolt.client }),
    logger: logger.child({ component: 'orders' }),
    scrubber,
    metrics,
    approvers: config.orderApprovers,
    defaultLogin: config.smartleadDefaultLogin,
    isSandbox,
    now,
  });

  // Background work: acknowledged commands, webhook events, follow-up tasks, the poll loop.
  const runner = createCommandRunner({
    commands,
    handlers: [importCommand(importService)],
    logger,
    now,
    onCrash: async (command) => {
      await responder.tell(
        { userId: command.userId, channelId: command.originChannelId, responseUrl: command.responseUrl },
        renderCommandCrashed(),
      );
    },
  });
  const webhooks = createWebhookProcessor({
    db,
    events: webhookEvents,
    handlers: {
      ...createImportEventHandlers(importTracker),
      ...createOrderEventHandlers(orderTracker, orders),
    },
    logger: logger.child({ component: 'webhooks' }),
    metrics,
    now,
  });
  const taskWorker = createTaskWorker({ tasks, tracker: orderTracker, peeker, logger, now });
  const pollAbort = new AbortController();
  const pollOnce = createPollTick({
    imports,
    orders,
    tasks,
    commands,
    webhookEvents,
    importTracker,
    orderTracker,
    bundles,
    peeker,
    throttle: peeker.http.createThrottle(config.poll.rateShare),
    maxChecksPerTick: checksPerTick({
      rateShare: config.poll.rateShare,
      rateLimitPerMinute: config.peeker.rateLimitPerMinute,
      periodMs: cronPeriodMs(config.poll.cron),
    }),
    storage,
    resumeStalled: () => {
      runner.resumePending();
      webhooks.notify();
    },
    logger,
    now,
    signal: pollAbort.signal,
  });

  // Listeners and routes.
  commandListeners.register(bolt, {
    commands,
    runner,
    imports,
    orders,
    actions,
    outbox,
    storage,
    orderForm,
    peeker,
    logger,
    metrics,
    isSandbox,
    now,
  });
  interactionListeners.register(bolt, {
    orderForm,
    orderPlacement,
    imports,
    orders,
    storage,
    isSandbox,
    now,
    logger,
  });
  const server = createHttpServer(
    {
      ...(httpListener ? { slackEvents: httpListener } : {}),
      peekerWebhooks: createWebhookRoute({
        secrets: config.peeker.webhookSecrets,
        events: webhookEvents,
        logger,
        metrics,
        onStored: () => webhooks.notify(),
        storage,
        now,
      }),
      health: createHealthCheck({
        db,
        storage,
        slackMode: config.slack.mode,
        peekerEnvironment: environment.name,
        queues: () => ({
          slack_outbox: outbox.queueDepth(),
          webhook_events_pending: webhookEvents.pendingCount(),
          commands_pending: commands.pending().length,
        }),
      }),
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
    },
    logger,
  );

  let pollJob: RecurringJob | undefined;

  return {
    config,
    db,
    logger,
    metrics,
    bolt,
    publisher,
    webhooks,
    runner,
    pollOnce,
    /** Runs due follow-up tasks now (tests). */
    runTasksNow: taskWorker.runNow,
    /** Slack posts, replies and edits not yet sent. */
    outboxDepth: () => outbox.queueDepth(),

    /** Listens on `PORT`, connects Socket Mode if configured, and resumes unfinished work. */
    async start(): Promise<void> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, () => {
          server.off('error', reject);
          resolve();
        });
      });
      socketMode?.start();
      publisher.start();
      void webhooks.drainNow();
      runner.resumePending();
      void orderPlacement
        .resumeSubmitting()
        .catch((error: unknown) => logger.error({ err: error }, 'resuming orders failed'));
      taskWorker.start();
      pollJob = scheduleRecurring('poll', config.poll.cron, async () => void (await pollOnce()), logger);
      void environment.detect();
      void checkSlackToken(bolt.client, logger);
      logger.info({ port: this.port(), mode: config.slack.mode }, 'peeker for slack is ready');
    },

    port(): number {
      return (server.address() as AddressInfo | null)?.port ?? config.port;
    },

    /**
     * Stops taking requests, stops the cron, lets in-flight work finish (or leaves it persisted
     * for the next start), and closes the database.
     */
    async stop(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      pollAbort.abort(new Error('shutting down'));
      await pollJob?.stop();
      runner.stopAccepting();
      await withTimeout(runner.idle(), 10_000);
      await webhooks.stop();
      await withTimeout(taskWorker.stop(), 5_000);
      await withTimeout(publisher.drain(), 5_000);
      await publisher.stop();
      await socketMode?.stop();
      await withTimeout(closed, 5_000);
      server.closeAllConnections();
      db.close();
      logger.info('stopped');
    },
  };
}

export type PeekerApp = ReturnType<typeof createPeekerApp>;

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
