import type { Logger } from '../logger.js';
import type { OrderCancellation } from '../services/order-cancellation.js';
import type { OrderFormSession } from '../services/order-form-session.js';
import type { OrderPlacement } from '../services/order-placement.js';
import type { HomePublisher } from '../slack/home-publisher.js';
import type { CancellationsRepo } from '../store/cancellations-repo.js';
import type { DomainPicksRepo } from '../store/domain-picks-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrderActionsRepo } from '../store/order-actions-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { ChangeInteractionDeps } from './swaps.js';

/** What the modal, button and event listeners need; built once by the composition root. */
export interface InteractionDeps {
  orderForm: OrderFormSession;
  orderPlacement: OrderPlacement;
  imports: ImportsRepo;
  orders: OrdersRepo;
  storage: StorageHealth;
  isSandbox: () => boolean;
  now: () => number;
  logger: Logger;
  /** Cancelling (confirm view, the status message's menu), `check` / `find` picks. */
  cancellation?: OrderCancellation | undefined;
  cancellations?: CancellationsRepo | undefined;
  actions?: OrderActionsRepo | undefined;
  picks?: DomainPicksRepo | undefined;
  /** The swap and rename modals and their buttons. */
  changes?: ChangeInteractionDeps | undefined;
  /** Each person's App Home board (published on `app_home_opened`). */
  home?: HomePublisher | undefined;
  /** A channel is now shared with another organisation (`channel_shared`): its orders get customer wording. */
  channelShared?: ((channelId: string) => unknown) | undefined;
}
