import type { Logger } from '../logger.js';
import type { PeekerClient } from '../peeker/client.js';
import type { Throttle } from '../peeker/http.js';
import type { BundleCache } from '../services/bundle-cache.js';
import type { ImportTracker } from '../services/import-tracker.js';
import type { OrderTracker } from '../services/order-tracker.js';
import type { CommandsRepo } from '../store/commands-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { TasksRepo } from '../store/tasks-repo.js';
import type { WebhookEventsRepo } from '../store/webhook-events-repo.js';
import { pollImports } from './poll-imports.js';
import { reconcileOrders } from './reconcile-orders.js';
import { runTasks } from './run-tasks.js';

/** Settled webhook events are kept this long (Peeker redelivers for at most 24 h). */
const RETAIN_WEBHOOK_EVENTS_DAYS = 14;
const RETAIN_COMMANDS_DAYS = 30;
const DAY_MS = 24 * 3600_000;
/**
 * A tick's checks are shared: order reconciles get up to a quarter, follow-up tasks up to a
 * quarter of what is left, imports the rest — never more than the tick's budget in all.
 */
const RECONCILE_SHARE = 1 / 4;
const TASK_SHARE = 1 / 4;
/** Forwarding jobs and swaps get up to a quarter of what is left after tasks. */
const CHANGES_SHARE = 1 / 4;

/**
 * How many Peeker calls one tick may make: its share of the rate limit for one period of the
 * schedule (at most one minute's worth when ticks are slow), less 10%, because the limiter paces
 * calls evenly and a full tick would otherwise run into the next one. Peeker's limit itself is
 * kept 5% under (see `createThrottle`).
 */
export function checksPerTick(options: {
  rateShare: number;
  rateLimitPerMinute: number;
  periodMs: number;
}): number {
  const minutes = Math.min(options.periodMs, 60_000) / 60_000;
  return Math.max(1, Math.floor(0.9 * options.rateShare * options.rateLimitPerMinute * 0.95 * minutes));
}

export interface PollTickDeps {
  imports: ImportsRepo;
  orders: OrdersRepo;
  tasks: TasksRepo;
  commands: CommandsRepo;
  webhookEvents: WebhookEventsRepo;
  importTracker: ImportTracker;
  orderTracker: OrderTracker;
  bundles: BundleCache;
  peeker: PeekerClient;
  /** The poll loop's share of the rate limit (people get the rest). */
  throttle: Throttle;
  maxChecksPerTick: number;
  storage: StorageHealth;
  /** Picks up work a storage failure stalled (pending commands, webhook events not yet applied). */
  resumeStalled: () => void;
  logger: Logger;
  now: () => number;
  signal: AbortSignal;
  /** Forwarding jobs, swaps and renames to send again or re-read (`jobs/poll-changes.ts`). */
  pollChanges?: (options: {
    throttle: Throttle;
    maxChecks: number;
    signal?: AbortSignal;
  }) => Promise<{ checked: number; failed: number }>;
}

/**
 * One tick of the poll loop: reconcile quiet orders, retry follow-up tasks, keep the bundle list
 * warm, re-check the imports that are due, and prune what is no longer needed. Every Peeker call
 * goes through the loop's throttle.
 */
export function createPollTick(deps: PollTickDeps) {
  /** Keeps the database from growing forever: settled rows past their usefulness go, in batches. */
  function pruneOld(at: number): void {
    const removed =
      deps.webhookEvents.prune(at - RETAIN_WEBHOOK_EVENTS_DAYS * DAY_MS) +
      deps.commands.prune(at - RETAIN_COMMANDS_DAYS * DAY_MS) +
      deps.tasks.prune(at - RETAIN_COMMANDS_DAYS * DAY_MS);
    if (removed > 0) deps.logger.debug({ removed }, 'pruned old rows');
  }

  let paused = false;
  return async function pollOnce() {
    const storage = deps.storage.check();
    if (!storage.writable) {
      // No Peeker calls while their answers cannot be recorded; the tick after space is back resumes.
      if (!paused) deps.logger.warn({ code: storage.code }, 'poll loop paused: the database refuses writes');
      paused = true;
      return { checked: 0, changed: 0, failed: 0, ordersChecked: 0, paused: true };
    }
    if (paused) deps.logger.info('poll loop resumed: the database takes writes again');
    paused = false;
    deps.resumeStalled();
    const reconciled = await reconcileOrders({
      orders: deps.orders,
      tracker: deps.orderTracker,
      peeker: deps.peeker,
      throttle: deps.throttle,
      logger: deps.logger.child({ component: 'reconcile' }),
      now: deps.now,
      maxChecks: Math.max(1, Math.floor(deps.maxChecksPerTick * RECONCILE_SHARE)),
      signal: deps.signal,
    });
    let budget = deps.maxChecksPerTick - reconciled.checked - reconciled.failed;
    const ran = await runTasks({
      tasks: deps.tasks,
      tracker: deps.orderTracker,
      peeker: deps.peeker,
      logger: deps.logger,
      now: deps.now,
      throttle: deps.throttle,
      limit: Math.max(1, Math.floor(budget * TASK_SHARE)),
    });
    budget -= ran.done + ran.failed;
    if (deps.pollChanges) {
      const changes = await deps.pollChanges({
        throttle: deps.throttle,
        maxChecks: Math.max(1, Math.floor(budget * CHANGES_SHARE)),
        signal: deps.signal,
      });
      budget -= changes.checked + changes.failed;
    }
    deps.bundles.refreshIfStale();
    const result = await pollImports({
      imports: deps.imports,
      tracker: deps.importTracker,
      peeker: deps.peeker,
      throttle: deps.throttle,
      logger: deps.logger.child({ component: 'poll' }),
      now: deps.now,
      maxChecks: Math.max(0, budget),
      signal: deps.signal,
    });
    pruneOld(deps.now());
    return { ...result, ordersChecked: reconciled.checked, paused: false };
  };
}
