import type { AddressInfo } from 'node:net';
import { registerPeekerCommand } from './commands/index.js';
import { handleOrder } from './commands/order.js';
import { createOrderStatusResolver } from './commands/order-status.js';
import { handlePending } from './commands/pending.js';
import { type Config, secretsOf } from './config.js';
import { createHttpServer } from './http/server.js';
import { createWebhookRoute } from './http/webhook-route.js';
import { registerHome } from './interactions/home.js';
import { registerOrderInteractions } from './interactions/order-modal.js';
import { pollImports } from './jobs/poll-imports.js';
import { reconcileOrders } from './jobs/reconcile-orders.js';
import { runTasks } from './jobs/run-tasks.js';
import { cronPeriodMs, type RecurringJob, scheduleRecurring } from './jobs/scheduler.js';
import { createLogger, type Logger, SecretScrubber } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createPeekerClient, type PeekerClient } from './peeker/client.js';
import { PeekerAuthenticationError, PeekerPermissionError } from './peeker/errors.js';
import { createCommandRunner } from './services/command-runner.js';
import { createImportEventHandlers } from './services/import-events.js';
import { createImportService, IMPORT_COMMAND, type ImportCommandArgs } from './services/import-service.js';
import { createImportTracker, IMPORT_SUBJECT } from './services/import-tracker.js';
import { createOrderEventHandlers } from './services/order-events.js';
import { createOrderService } from './services/order-service.js';
import { ACTION_NOTICE_SUBJECT, createOrderTracker, ORDER_SUBJECT } from './services/order-tracker.js';
import { createWebhookProcessor } from './services/webhook-processor.js';
import { createBoltApp } from './slack/bolt-app.js';
import { createSlackPublisher } from './slack/publisher.js';
import { createResponder } from './slack/responder.js';
import { classifySlackError } from './slack/slack-errors.js';
import type { CommandRecord } from './store/commands-repo.js';
import { createCommandsRepo } from './store/commands-repo.js';
import { type Db, isDatabaseHealthy, openDatabase } from './store/database.js';
import { createImportsRepo } from './store/imports-repo.js';
import { createOrdersRepo } from './store/orders-repo.js';
import { createSlackOutboxRepo } from './store/slack-outbox-repo.js';
import { createTasksRepo } from './store/tasks-repo.js';
import { createWebhookEventsRepo } from './store/webhook-events-repo.js';
import { renderConnectedBatch } from './views/order-message.js';
import { section } from './views/text.js';

/** Settled webhook events are kept this long (Peeker redelivers for at most 24 h). */
const RETAIN_WEBHOOK_EVENTS_DAYS = 14;
const RETAIN_COMMANDS_DAYS = 30;

export interface PeekerAppOptions {
  config: Config;
  /** Where log lines go (stdout by default); tests capture them. */
  logWrite?: (line: string) => void;
  now?: () => number;
  /** The Peeker limiter's sliding window (60 s in production; the limit scales with it). */
  peekerRateWindowMs?: number;
}

/**
 * The composition root: builds the database, the Peeker client, the Bolt app, the Slack outbox,
 * the webhook receiver and the poll loop, and wires them. Nothing else constructs these.
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

  const db: Db = openDatabase(config.databasePath);
  const commands = createCommandsRepo(db);
  const imports = createImportsRepo(db);
  const webhookEvents = createWebhookEventsRepo(db);
  const outbox = createSlackOutboxRepo(db);
  const orders = createOrdersRepo(db);
  const tasks = createTasksRepo(db);

  const metrics: Metrics = createMetrics({
    slackQueueDepth: () => outbox.queueDepth(),
    oldestImportCheckAgeSeconds: () => {
      const oldest = imports.oldestCheck();
      return oldest === undefined ? 0 : Math.max(0, (now() - oldest) / 1000);
    },
    pendingWebhookEvents: () => webhookEvents.pendingCount(),
  });

  const peeker: PeekerClient = createPeekerClient({
    baseUrl: config.peeker.apiUrl,
    apiKey: config.peeker.apiKey,
    timeoutMs: config.peeker.timeoutMs,
    rateLimitPerMinute: config.peeker.rateLimitPerMinute,
    ...(options.peekerRateWindowMs ? { rateWindowMs: options.peekerRateWindowMs } : {}),
    logger: logger.child({ component: 'peeker' }),
    metrics,
  });
  let peekerEnvironment: string | undefined;
  const isSandbox = () =>
    peekerEnvironment !== undefined
      ? peekerEnvironment !== 'live'
      : config.peeker.apiKey.startsWith('pk_test_');

  const { app: bolt, httpListener } = createBoltApp(config, logger, metrics);
  bolt.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  const responder = createResponder({ client: bolt.client, logger });
  const orderTracker = createOrderTracker({ db, orders, outbox, tasks });
  const tracker = createImportTracker({
    db,
    imports,
    outbox,
    pollIntervalSeconds: config.poll.importIntervalSeconds,
  });

  // The import service and the publisher need each other (post now / report failures); the
  // service is bound below, once both exist.
  let importService: ReturnType<typeof createImportService> | undefined;
  const publisher = createSlackPublisher({
    outbox,
    client: bolt.client,
    renderers: {
      [IMPORT_SUBJECT]: (importId, at) => tracker.render(importId, at),
      [ORDER_SUBJECT]: (orderId) => orderTracker.render(orderId),
      [ACTION_NOTICE_SUBJECT]: (actionId) => orderTracker.renderNotice(actionId),
    },
    combiners: { domain_connected: (lines) => renderConnectedBatch(lines) },
    logger: logger.child({ component: 'slack-outbox' }),
    now,
    onPostFailed: async (message, failure) => {
      if (message.subjectType === IMPORT_SUBJECT) await importService?.notifyPostFailure(message, failure);
    },
  });
  importService = createImportService({
    commands,
    imports,
    outbox,
    tracker,
    peeker,
    publisher,
    responder,
    logger,
    metrics,
    isSandbox,
    now,
  });
  const service = importService;

  const runner = createCommandRunner({
    commands,
    handlers: { [IMPORT_COMMAND]: (command) => service.run(command as CommandRecord<ImportCommandArgs>) },
    logger,
    now,
    onCrash: async (command) => {
      const text =
        '❌ Something went wrong on our side while running that command. It has been logged; please try again.';
      await responder.tell(
        { userId: command.userId, channelId: command.originChannelId, responseUrl: command.responseUrl },
        { text, blocks: [section(text)] },
      );
    },
  });

  const webhooks = createWebhookProcessor({
    db,
    events: webhookEvents,
    handlers: { ...createImportEventHandlers(tracker), ...createOrderEventHandlers(orderTracker, orders) },
    logger: logger.child({ component: 'webhooks' }),
    metrics,
    onApplied: () => {
      publisher.notify();
      runTasksSoon();
    },
    now,
  });

  const orderService = createOrderService({
    db,
    orders,
    tracker: orderTracker,
    peeker,
    publisher,
    responder,
    client: bolt.client,
    logger: logger.child({ component: 'orders' }),
    scrubber,
    metrics,
    approvers: config.orderApprovers,
    defaultLogin: config.smartleadDefaultLogin,
    isSandbox,
    now,
  });

  // Follow-up calls events ask for (pending actions after order.action_required), single-flight.
  let tasksRunning: Promise<unknown> | undefined;
  let tasksAgain = false;
  function runTasksSoon(): void {
    if (tasksRunning) {
      tasksAgain = true;
      return;
    }
    tasksRunning = runTasks({ tasks, tracker: orderTracker, peeker, logger, now })
      .then(() => publisher.notify())
      .catch((error: unknown) => logger.error({ err: error }, 'running tasks failed'))
      .finally(() => {
        tasksRunning = undefined;
        if (tasksAgain) {
          tasksAgain = false;
          runTasksSoon();
        }
      });
  }

  const commandDeps = { commands, runner, imports, outbox, peeker, logger, metrics, isSandbox, now };
  registerPeekerCommand(bolt, commandDeps, {
    subcommands: {
      order: (args, parsed) =>
        handleOrder(args, parsed.kind === 'order' ? parsed : {}, orderService, commandDeps),
      pending: (args, parsed) =>
        handlePending(args, parsed.kind === 'pending' ? parsed.orderId : undefined, orders, commandDeps),
    },
    statusResolvers: [createOrderStatusResolver({ orders, tracker: orderTracker, peeker, isSandbox })],
  });
  registerOrderInteractions(bolt, orderService, logger);
  registerHome(bolt, { imports, orders, isSandbox, now, logger });

  const server = createHttpServer(
    {
      ...(httpListener ? { slackEvents: httpListener } : {}),
      peekerWebhooks: createWebhookRoute({
        secrets: config.peeker.webhookSecrets,
        events: webhookEvents,
        logger,
        metrics,
        onStored: () => webhooks.notify(),
        now,
      }),
      health: () => {
        const healthy = isDatabaseHealthy(db);
        return {
          ok: healthy,
          body: {
            status: healthy ? 'ok' : 'unavailable',
            database: healthy ? 'ok' : 'unavailable',
            slack_mode: config.slack.mode,
            peeker_environment: peekerEnvironment ?? (isSandbox() ? 'test' : 'live'),
            ...(healthy
              ? {
                  queues: {
                    slack_outbox: outbox.queueDepth(),
                    webhook_events_pending: webhookEvents.pendingCount(),
                    commands_pending: commands.pending().length,
                  },
                }
              : {}),
          },
        };
      },
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
    },
    logger,
  );

  const pollAbort = new AbortController();
  const pollThrottle = peeker.http.createThrottle(config.poll.rateShare);
  const periodMs = cronPeriodMs(config.poll.cron);
  // The tick's share of the rate limit (at most one minute's worth when ticks are slow), less 10%:
  // the limiter paces calls evenly, so a full tick would otherwise run into the next one.
  const maxChecksPerTick = Math.max(
    1,
    Math.floor(
      0.9 *
        config.poll.rateShare *
        config.peeker.rateLimitPerMinute *
        0.95 *
        (Math.min(periodMs, 60_000) / 60_000),
    ),
  );

  async function pollOnce() {
    const reconciled = await reconcileOrders({
      orders,
      tracker: orderTracker,
      peeker,
      throttle: pollThrottle,
      logger: logger.child({ component: 'reconcile' }),
      now,
      maxChecks: Math.max(1, Math.floor(maxChecksPerTick / 4)),
      signal: pollAbort.signal,
    });
    await runTasks({ tasks, tracker: orderTracker, peeker, logger, now, throttle: pollThrottle });
    orderService.warmUp();
    const result = await pollImports({
      imports,
      tracker,
      peeker,
      throttle: pollThrottle,
      logger: logger.child({ component: 'poll' }),
      now,
      maxChecks: maxChecksPerTick,
      signal: pollAbort.signal,
    });
    if (result.checked > 0 || reconciled.checked > 0) publisher.notify();
    pruneOld(now());
    return { ...result, ordersChecked: reconciled.checked };
  }

  /** Keeps the database from growing forever: settled rows past their usefulness go, in batches. */
  function pruneOld(at: number): void {
    const day = 24 * 3600_000;
    const removed =
      webhookEvents.prune(at - RETAIN_WEBHOOK_EVENTS_DAYS * day) +
      commands.prune(at - RETAIN_COMMANDS_DAYS * day) +
      tasks.prune(at - RETAIN_COMMANDS_DAYS * day);
    if (removed > 0) logger.debug({ removed }, 'pruned old rows');
  }

  let pollJob: RecurringJob | undefined;
  let started = false;

  /**
   * Socket Mode connects in the background, retrying with backoff: a Slack hiccup at start-up
   * must not take the webhook receiver and the poll loop down with it (Bolt reconnects by itself
   * once connected).
   */
  let socketStopped = false;
  async function connectSocketMode(): Promise<void> {
    for (let attempt = 0; !socketStopped; attempt += 1) {
      try {
        await bolt.start();
        logger.info('socket mode connected');
        return;
      } catch (error) {
        const delay = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
        logger.warn({ err: error, retryInMs: delay }, 'socket mode connection failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  async function checkSlackToken(): Promise<void> {
    try {
      const identity = await bolt.client.auth.test();
      logger.info({ team: identity.team, botUserId: identity.user_id }, 'connected to Slack');
    } catch (error) {
      const code = classifySlackError(error).error;
      if (
        code === 'invalid_auth' ||
        code === 'token_revoked' ||
        code === 'not_authed' ||
        code === 'account_inactive'
      ) {
        logger.error({ code }, 'Slack refused SLACK_BOT_TOKEN: check the token');
      } else {
        logger.warn({ code }, 'could not reach Slack at start-up; will keep trying as work arrives');
      }
    }
  }

  async function detectEnvironment(): Promise<void> {
    try {
      const { data } = await peeker.me.get();
      peekerEnvironment = data.api_key.environment;
      logger.info(
        { environment: peekerEnvironment, partner: data.partner?.name ?? undefined },
        isSandbox() ? 'connected to Peeker (sandbox)' : 'connected to Peeker (live)',
      );
    } catch (error) {
      if (error instanceof PeekerAuthenticationError || error instanceof PeekerPermissionError) {
        logger.error(
          { code: error.code, requestId: error.requestId },
          'Peeker refused PEEKER_API_KEY: check the key',
        );
      } else {
        logger.warn(
          { err: error },
          'could not reach Peeker at start-up; assuming the environment from the key prefix',
        );
      }
    }
  }

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
    runTasksNow: () => runTasks({ tasks, tracker: orderTracker, peeker, logger, now }),
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
      if (config.slack.mode === 'socket') void connectSocketMode();
      started = true;
      publisher.start();
      void webhooks.drainNow();
      runner.resumePending();
      void orderService
        .resumeSubmitting()
        .catch((error: unknown) => logger.error({ err: error }, 'resuming orders failed'));
      runTasksSoon();
      pollJob = scheduleRecurring('poll', config.poll.cron, async () => void (await pollOnce()), logger);
      void detectEnvironment();
      void checkSlackToken();
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
      await withTimeout(publisher.drain(), 5_000);
      await publisher.stop();
      socketStopped = true;
      if (started && config.slack.mode === 'socket') await bolt.stop().catch(() => undefined);
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
