import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PeekerClient } from '../peeker/client.js';
import type { Modals } from '../slack/modals.js';
import type { Responder } from '../slack/responder.js';
import type { Db } from '../store/database.js';
import type { Repositories } from '../store/repositories.js';
import { createAvailabilityChecker } from './availability-checker.js';
import { createCancellationEventHandlers } from './cancellation-events.js';
import { createCancellationTracker } from './cancellation-tracker.js';
import { createDomainSearch } from './domain-search.js';
import { createOrderCancellation } from './order-cancellation.js';
import { createOrderDomains } from './order-domains.js';
import type { OrderTracker } from './order-tracker.js';
import { createSlackFiles } from './slack-files.js';

/**
 * Buying domains and cancelling orders, built in one place: one availability checker (and its
 * 5-minute cache) for `check`, `find`, the order form and swaps; the imported-vs-to-register
 * sorting of the order form; reading attached domain files; and cancellations.
 */
export function createBuyingAndCancelling(deps: {
  db: Db;
  repos: Repositories;
  orderTracker: OrderTracker;
  peeker: PeekerClient;
  modals: Modals;
  responder: Responder;
  slackClient: WebClient;
  botToken: string;
  approvers: readonly string[];
  logger: Logger;
  metrics: Metrics;
  isSandbox: () => boolean;
  now: () => number;
}) {
  const { repos, peeker, now, logger, metrics, isSandbox } = deps;
  const availability = createAvailabilityChecker({
    check: (batch) => peeker.domains.checkAvailability(batch).then((result) => result.data),
    now,
  });
  const domainSearch = createDomainSearch({
    checker: availability,
    picks: repos.picks,
    commands: repos.commands,
    responder: deps.responder,
    logger,
    metrics,
    isSandbox,
    now,
  });
  const cancellationTracker = createCancellationTracker({
    db: deps.db,
    orders: repos.orders,
    cancellations: repos.cancellations,
    outbox: repos.outbox,
    orderTracker: deps.orderTracker,
  });
  return {
    availability,
    orderDomains: createOrderDomains({ imports: repos.imports, peeker, checker: availability, logger, now }),
    slackFiles: createSlackFiles({ client: deps.slackClient, token: deps.botToken, now }),
    /** `/peeker check` and `/peeker find` as durable commands. */
    commands: [domainSearch.check, domainSearch.find],
    cancellation: createOrderCancellation({
      orders: repos.orders,
      cancellations: repos.cancellations,
      tracker: cancellationTracker,
      outbox: repos.outbox,
      peeker,
      modals: deps.modals,
      responder: deps.responder,
      logger: logger.child({ component: 'cancellations' }),
      metrics,
      approvers: deps.approvers,
      isSandbox,
      now,
    }),
    /** `order.cancel_scheduled` / `order.cancelled`: registered after the order handlers, so they win. */
    eventHandlers: createCancellationEventHandlers(cancellationTracker),
  };
}

export type BuyingAndCancelling = ReturnType<typeof createBuyingAndCancelling>;
