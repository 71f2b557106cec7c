import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PeekerClient } from '../peeker/client.js';
import type { Modals } from '../slack/modals.js';
import type { SlackPublisher } from '../slack/publisher.js';
import type { Responder } from '../slack/responder.js';
import type { Db } from '../store/database.js';
import type { Repositories } from '../store/repositories.js';
import type { ChannelAudience } from './channel-audience.js';
import { createDomainDirectory } from './domain-directory.js';
import { createForwardingEventHandlers } from './forwarding-events.js';
import { createForwardingService, forwardCommand } from './forwarding-service.js';
import { createForwardingTracker } from './forwarding-tracker.js';
import { createRenameSession } from './rename-session.js';
import { createSwapEventHandlers } from './swap-events.js';
import { createSwapSender } from './swap-sender.js';
import { createSwapSession } from './swap-session.js';
import { createSwapTracker } from './swap-tracker.js';

/**
 * Changing live domains, built in one place: forwarding changes (`/peeker forward`), swaps and
 * persona renames — their trackers, the background command, the modal sessions, the webhook
 * handlers and the poll step that re-reads what went quiet.
 */
export function createLiveDomainChanges(deps: {
  db: Db;
  repos: Repositories;
  peeker: PeekerClient;
  publisher: SlackPublisher;
  responder: Responder;
  modals: Modals;
  audienceOf: ChannelAudience;
  approvers: readonly string[];
  logger: Logger;
  metrics: Metrics;
  isSandbox: () => boolean;
  now: () => number;
}) {
  const { db, repos, peeker, now, isSandbox } = deps;
  const { liveDomains, orders, imports, outbox, commands } = repos;
  const directory = createDomainDirectory({ db, liveDomains, peeker, now });
  const forwardingTracker = createForwardingTracker({
    db,
    forwarding: repos.forwarding,
    liveDomains,
    orders,
    outbox,
  });
  const forwardingService = createForwardingService({
    commands,
    forwarding: repos.forwarding,
    liveDomains,
    orders,
    imports,
    directory,
    tracker: forwardingTracker,
    outbox,
    peeker,
    publisher: deps.publisher,
    responder: deps.responder,
    audienceOf: deps.audienceOf,
    logger: deps.logger.child({ component: 'forwarding' }),
    metrics: deps.metrics,
    isSandbox,
    now,
  });
  const swapTracker = createSwapTracker({ db, swaps: repos.swaps, liveDomains, orders, outbox });
  const swapLogger = deps.logger.child({ component: 'swaps' });
  const swapSender = createSwapSender({
    swaps: repos.swaps,
    tracker: swapTracker,
    peeker,
    logger: swapLogger,
    now,
  });
  const swapSession = createSwapSession({
    swaps: repos.swaps,
    tracker: swapTracker,
    sender: swapSender,
    liveDomains,
    orders,
    imports,
    directory,
    peeker,
    modals: deps.modals,
    approvers: deps.approvers,
    isSandbox,
    now,
    logger: swapLogger,
  });
  const renameSession = createRenameSession({
    swaps: repos.swaps,
    tracker: swapTracker,
    sender: swapSender,
    liveDomains,
    orders,
    directory,
    modals: deps.modals,
    isSandbox,
    now,
    logger: deps.logger.child({ component: 'renames' }),
  });

  return {
    swapSession,
    renameSession,
    /** `/peeker forward` as a durable command. */
    command: forwardCommand(forwardingService),
    eventHandlers: {
      ...createForwardingEventHandlers({ tracker: forwardingTracker, forwarding: repos.forwarding }),
      ...createSwapEventHandlers({ tracker: swapTracker, swaps: repos.swaps }),
    },
    /** What the poll tick's step (`jobs/poll-changes.ts`) needs to resend or re-read what went quiet. */
    pollDeps: {
      forwarding: repos.forwarding,
      forwardingService,
      forwardingTracker,
      swaps: repos.swaps,
      swapTracker,
      swapSender,
      peeker,
      logger: deps.logger.child({ component: 'poll-changes' }),
      now,
    },
    /** Swaps and renames claimed but unanswered when the process stopped: looked up, sent once. */
    resume: () => swapSender.resume({ olderThanMs: 0, limit: 100 }),
  };
}

export type LiveDomainChanges = ReturnType<typeof createLiveDomainChanges>;
