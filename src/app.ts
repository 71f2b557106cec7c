import type { AddressInfo } from 'node:net';
import * as commandListeners from './commands/index.js';
import { type Config, secretsOf } from './config.js';
import { createRoutes } from './http/routes.js';
import { createHttpServer } from './http/server.js';
import * as interactionListeners from './interactions/index.js';
import { pollChanges } from './jobs/poll-changes.js';
import { checksPerTick, createPollTick } from './jobs/poll-tick.js';
import { cronPeriodMs, type RecurringJob, scheduleRecurring } from './jobs/scheduler.js';
import { createTaskWorker } from './jobs/task-worker.js';
import { type BackgroundGate, createBackgroundGate } from './lib/background-gate.js';
import { withTimeout } from './lib/with-timeout.js';
import { createLogger, type Logger, SecretScrubber } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createPeekerClient, type PeekerClient } from './peeker/client.js';
import { createPeekerEnvironment } from './peeker/environment.js';
import { createBuyingAndCancelling } from './services/buying-and-cancelling.js';
import { createChangeSubjects } from './services/change-subjects.js';
import { createChannelAudience } from './services/channel-audience.js';
import { createCommandRunner } from './services/command-runner.js';
import { createDnsInsight } from './services/dns-insight.js';
import { withDomainDirectory } from './services/domain-directory.js';
import { createFollowUp } from './services/follow-up.js';
import { createImportEventHandlers } from './services/import-events.js';
import { createImportService, importCommand } from './services/import-service.js';
import { createImportTracker } from './services/import-tracker.js';
import { createLiveDomainChanges } from './services/live-domain-changes.js';
import { createOrderEventHandlers } from './services/order-events.js';
import { createOrderTracker } from './services/order-tracker.js';
import { createOrdering } from './services/ordering.js';
import { createOutboxSubjects } from './services/outbox-subjects.js';
import { createWebhookProcessor } from './services/webhook-processor.js';
import { createBoltApp } from './slack/bolt-app.js';
import { createModals } from './slack/modals.js';
import { createSlackPublisher } from './slack/publisher.js';
import { createResponder } from './slack/responder.js';
import { createSocketModeConnection } from './slack/socket-mode.js';
import { checkSlackToken } from './slack/token-check.js';
import { type Db, openDatabase } from './store/database.js';
import { createRepositories } from './store/repositories.js';
import { createWalCheckpointer } from './store/wal-checkpointer.js';
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

  // Acks first: background work waits at its step boundaries while a request awaits its answer.
  const gate: BackgroundGate = createBackgroundGate();

  // Storage.
  const db: Db = openDatabase(config.databasePath);
  const repos = createRepositories(db, now);
  // WAL checkpoints run on a worker thread, not inside whichever commit (often an ack's) crosses the limit.
  const checkpointer = createWalCheckpointer({ db, path: config.databasePath, logger });
  const { commands, imports, webhookEvents, outbox, drafts, orders, actions, tasks, storage } = repos;

  const metrics: Metrics = createMetrics({
    slackQueueDepth: () => outbox.queueDepth(),
    oldestImportCheckAgeSeconds: () => {
      const oldest = imports.oldestCheck();
      return oldest === undefined ? 0 : Math.max(0, (now() - oldest) / 1000);
    },
    pendingWebhookEvents: () => webhookEvents.pendingCount(),
  });

  // DNS: the app's own lookups and the checks of waiting imports and connected domains.
  const dns = createDnsInsight({
    db,
    repos,
    resolvers: config.dnsResolvers,
    intervalMs: config.poll.importIntervalSeconds * 1000,
    metrics,
    logger,
    now,
    gate,
  });
  const dnsRepo = repos.dns;

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
  const { app: bolt, httpListener } = createBoltApp(config, logger, metrics, gate);
  bolt.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  const responder = createResponder({ client: bolt.client, logger });
  const modals = createModals(bolt.client, logger);
  // Following up without being asked: reminders, the digest, each person's Home board.
  const followUp = createFollowUp({
    db,
    settings: config.followUp,
    pollCron: config.poll.cron,
    imports,
    outbox,
    storage,
    client: bolt.client,
    dns: dnsRepo,
    forwarding: repos.forwarding,
    swaps: repos.swaps,
    isSandbox,
    logger,
    now,
  });
  const publisher = createSlackPublisher({
    outbox,
    storage,
    client: bolt.client,
    subjects: createOutboxSubjects({
      imports,
      orders,
      actions,
      commands,
      responder,
      dns: dnsRepo,
      cancellations: repos.cancellations,
      digest: followUp.digestSubject,
      changes: createChangeSubjects({
        forwarding: repos.forwarding,
        swaps: repos.swaps,
        orders,
        commands,
        responder,
      }),
      swaps: repos.swaps,
    }),
    logger: logger.child({ component: 'slack-outbox' }),
    now,
    gate,
  });
  const socketMode = config.slack.mode === 'socket' ? createSocketModeConnection(bolt, logger) : undefined;

  // Imports.
  const orderTracker = createOrderTracker({ db, drafts, orders, actions, outbox, tasks });
  const importTracker = createImportTracker({
    db,
    imports,
    outbox,
    orders: orderTracker,
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
    gate,
    ...(options.importRecoveryBudgetMs !== undefined
      ? { recoveryBudgetMs: options.importRecoveryBudgetMs }
      : {}),
  });

  // Orders.
  const buying = createBuyingAndCancelling({
    db,
    repos,
    orderTracker,
    peeker,
    modals,
    responder,
    slackClient: bolt.client,
    botToken: config.slack.botToken,
    approvers: config.orderApprovers,
    logger,
    metrics,
    isSandbox,
    now,
  });
  const audienceOf = createChannelAudience({ imports, client: bolt.client });
  const { bundles, orderForm, orderPlacement } = createOrdering({
    config,
    repos,
    orderTracker,
    buying,
    peeker,
    publisher,
    responder,
    modals,
    audienceOf,
    scrubber,
    logger,
    metrics,
    isSandbox,
    now,
  });

  // Changing live domains: forwarding, swaps and persona renames.
  const changes = createLiveDomainChanges({
    db,
    repos,
    peeker,
    publisher,
    responder,
    modals,
    audienceOf,
    approvers: config.orderApprovers,
    logger,
    metrics,
    isSandbox,
    now,
  });

  // Background work: acknowledged commands, webhook events, follow-up tasks, the poll loop.
  const runner = createCommandRunner({
    commands,
    handlers: [importCommand(importService), ...buying.commands, changes.command],
    logger,
    now,
    gate,
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
      // domain.connected also records the domain's dom_ ID and provider (swaps, renames, forwarding).
      ...withDomainDirectory(createOrderEventHandlers(orderTracker, orders), repos.liveDomains, (domain) =>
        orders.latestIdForDomain(domain),
      ),
      // After the order handlers: these own order.cancel_scheduled / order.cancelled.
      ...buying.eventHandlers,
      ...changes.eventHandlers,
    },
    logger: logger.child({ component: 'webhooks' }),
    metrics,
    now,
    gate,
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
    pollChanges: (options) => pollChanges(changes.pollDeps, options),
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
    dns: { lookup: dns.lookup, repo: dnsRepo },
    cancellation: buying.cancellation,
    nudges: followUp.commands.nudges,
    digest: followUp.commands.digest,
    changes: { swapSession: changes.swapSession, renameSession: changes.renameSession },
  });
  interactionListeners.register(bolt, {
    channelShared: (channelId) => orderTracker.channelBecameCustomer(channelId),
    orderForm,
    orderPlacement,
    imports,
    orders,
    storage,
    isSandbox,
    now,
    logger,
    cancellation: buying.cancellation,
    cancellations: repos.cancellations,
    actions,
    picks: repos.picks,
    home: followUp.home,
    changes: {
      swapSession: changes.swapSession,
      renameSession: changes.renameSession,
      swaps: repos.swaps,
      commands,
      runner,
    },
  });
  const server = createHttpServer(
    createRoutes({
      slackEvents: httpListener,
      webhookSecrets: config.peeker.webhookSecrets,
      onWebhookStored: () => webhooks.notify(),
      db,
      repos,
      slackMode: config.slack.mode,
      peekerEnvironment: environment.name,
      metrics,
      logger,
      now,
    }),
    logger,
    {},
    gate,
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
    /** The availability checker's counters (calls, cache hits…), for the `find` benchmark. */
    availabilityStats: buying.availability.stats,
    /** Runs the DNS checks that are due now and waits for them (tests, benchmarks). */
    dnsChecksNow: dns.checks.runNow,
    /** The DNS checks' totals and the lookup service's queries in flight, queued and cached. */
    dnsStats: dns.checks.stats,
    /** Slack posts, replies and edits not yet sent. */
    outboxDepth: () => outbox.queueDepth(),
    /** Reminders, the digest and the Home boards: `followUpOnce`, `home.refreshNow`, `digest` (tests). */
    followUp,

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
      void buying.cancellation
        .resume()
        .catch((error: unknown) => logger.error({ err: error }, 'resuming cancellations failed'));
      void changes.resume().catch((error: unknown) => logger.error({ err: error }, 'resuming swaps failed'));
      dns.checks.start();
      followUp.start();
      pollJob = scheduleRecurring('poll', config.poll.cron, async () => void (await pollOnce()), logger);
      void environment.detect();
      void checkSlackToken(bolt.client, logger);
      logger.info({ port: this.port(), mode: config.slack.mode }, 'peeker for slack is ready');
      // Its thread boots beside the app's first requests (until then SQLite checkpoints as usual).
      setImmediate(() => checkpointer.start());
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
      await withTimeout(followUp.stop(), 5_000);
      await withTimeout(dns.stop(), 5_000);
      runner.stopAccepting();
      await withTimeout(runner.idle(), 10_000);
      await withTimeout(buying.cancellation.stop(), 5_000);
      await webhooks.stop();
      await withTimeout(taskWorker.stop(), 5_000);
      await withTimeout(publisher.drain(), 5_000);
      await publisher.stop();
      await socketMode?.stop();
      await withTimeout(closed, 5_000);
      server.closeAllConnections();
      await checkpointer.stop();
      db.close();
      logger.info('stopped');
    },
  };
}

export type PeekerApp = ReturnType<typeof createPeekerApp>;
