import type { Logger } from '../logger.js';
import type { OrderFormSession } from '../services/order-form-session.js';
import type { OrderPlacement } from '../services/order-placement.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { StorageHealth } from '../store/storage-health.js';

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
}
