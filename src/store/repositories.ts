import { createCancellationsRepo } from './cancellations-repo.js';
import { createCommandsRepo } from './commands-repo.js';
import type { Db } from './database.js';
import { createDnsRepo } from './dns-repo.js';
import { createDomainPicksRepo } from './domain-picks-repo.js';
import { createForwardingRepo } from './forwarding-repo.js';
import { createImportsRepo } from './imports-repo.js';
import { createLiveDomainsRepo } from './live-domains-repo.js';
import { createOrderActionsRepo } from './order-actions-repo.js';
import { createOrderDraftsRepo } from './order-drafts-repo.js';
import { createOrdersRepo } from './orders-repo.js';
import { createSlackOutboxRepo } from './slack-outbox-repo.js';
import { createStorageHealth } from './storage-health.js';
import { createSwapsRepo } from './swaps-repo.js';
import { createTasksRepo } from './tasks-repo.js';
import { createWebhookEventsRepo } from './webhook-events-repo.js';

/** Every repository over one database, built once by the composition root. */
export function createRepositories(db: Db, now: () => number) {
  return {
    commands: createCommandsRepo(db),
    webhookEvents: createWebhookEventsRepo(db),
    outbox: createSlackOutboxRepo(db),
    tasks: createTasksRepo(db),
    storage: createStorageHealth(db, now),
    imports: createImportsRepo(db),
    dns: createDnsRepo(db),
    drafts: createOrderDraftsRepo(db),
    orders: createOrdersRepo(db),
    actions: createOrderActionsRepo(db),
    cancellations: createCancellationsRepo(db),
    picks: createDomainPicksRepo(db),
    /** Connected domains' `dom_` IDs, providers and forwarding URLs (from `domain.connected`). */
    liveDomains: createLiveDomainsRepo(db),
    forwarding: createForwardingRepo(db),
    swaps: createSwapsRepo(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
