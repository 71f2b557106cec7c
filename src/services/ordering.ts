import type { Config } from '../config.js';
import type { Logger, SecretScrubber } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PeekerClient } from '../peeker/client.js';
import type { Modals } from '../slack/modals.js';
import type { SlackPublisher } from '../slack/publisher.js';
import type { Responder } from '../slack/responder.js';
import type { Repositories } from '../store/repositories.js';
import { BundleCache } from './bundle-cache.js';
import type { BuyingAndCancelling } from './buying-and-cancelling.js';
import type { ChannelAudience } from './channel-audience.js';
import { createOrderFormSession } from './order-form-session.js';
import { createOrderPlacement } from './order-placement.js';
import type { OrderTracker } from './order-tracker.js';
import { PasswordVault } from './password-vault.js';

/**
 * Ordering inboxes, built in one place: the bundle cache, the password vault the form and the
 * placement share (the Smartlead password lives there between review and "Place order", and
 * nowhere else), the order form session and order placement.
 */
export function createOrdering(deps: {
  config: Pick<Config, 'orderApprovers' | 'smartleadDefaultLogin'>;
  repos: Repositories;
  orderTracker: OrderTracker;
  buying: Pick<BuyingAndCancelling, 'orderDomains' | 'slackFiles'>;
  peeker: PeekerClient;
  publisher: SlackPublisher;
  responder: Responder;
  modals: Modals;
  audienceOf: ChannelAudience;
  scrubber: SecretScrubber;
  logger: Logger;
  metrics: Metrics;
  isSandbox: () => boolean;
  now: () => number;
}) {
  const { config, repos, peeker, modals, metrics, isSandbox, now } = deps;
  const bundles = new BundleCache(peeker, now);
  const vault = new PasswordVault();
  const orderForm = createOrderFormSession({
    drafts: repos.drafts,
    orders: repos.orders,
    actions: repos.actions,
    imports: repos.imports,
    bundles,
    vault,
    modals,
    orderDomains: deps.buying.orderDomains,
    picks: repos.picks,
    files: deps.buying.slackFiles,
    metrics,
    approvers: config.orderApprovers,
    askSmartleadLogin: !config.smartleadDefaultLogin,
    defaultLoginEmail: config.smartleadDefaultLogin?.email,
    isSandbox,
    now,
  });
  const orderPlacement = createOrderPlacement({
    drafts: repos.drafts,
    orders: repos.orders,
    tracker: deps.orderTracker,
    peeker,
    publisher: deps.publisher,
    responder: deps.responder,
    modals,
    vault,
    audienceOf: deps.audienceOf,
    outbox: repos.outbox,
    logger: deps.logger.child({ component: 'orders' }),
    scrubber: deps.scrubber,
    metrics,
    approvers: config.orderApprovers,
    defaultLogin: config.smartleadDefaultLogin,
    isSandbox,
    now,
  });
  return { bundles, orderForm, orderPlacement };
}
