import type { PeekerClient } from '../peeker/client.js';
import { PeekerNotFoundError } from '../peeker/errors.js';
import type { OrderTracker } from '../services/order-tracker.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import { renderOrderStatus } from '../views/order-message.js';
import { code, section } from '../views/text.js';
import type { StatusResolver } from './status.js';

/** `/peeker status ord_…`: from SQLite when we follow the order, else `GET /orders/{id}`. */
export function createOrderStatusResolver(deps: {
  orders: OrdersRepo;
  tracker: OrderTracker;
  peeker: PeekerClient;
  isSandbox: () => boolean;
}): StatusResolver {
  return {
    kind: 'order',
    matches: (target) => /^ord_[A-Za-z0-9]+$/.test(target),
    local(target) {
      const order = deps.orders.order(target);
      return order
        ? renderOrderStatus({ ...deps.tracker.model(order), audience: 'ops', channelId: order.channelId })
        : undefined;
    },
    async remote(target) {
      try {
        const { data } = await deps.peeker.orders.get(target);
        const text = `Order ${code(data.id)} — Peeker says ${code(data.status)}${data.domain_count ? ` · ${data.domain_count} domains` : ''}. It was not placed from Slack, so no channel follows it.`;
        return { text, blocks: [section(text)] };
      } catch (error) {
        if (error instanceof PeekerNotFoundError) return undefined;
        throw error;
      }
    },
  };
}
