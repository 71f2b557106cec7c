import { PeekerNotFoundError } from '../peeker/errors.js';
import { orderMessageModel } from '../services/order-tracker.js';
import type { RenderedMessage } from '../views/blocks.js';
import { renderOrderStatus, renderUntrackedOrderStatus } from '../views/order-message.js';
import type { CommandDeps } from './context.js';

export const ORDER_ID = /^ord_[A-Za-z0-9]+$/;

/** `/peeker status ord_…` from SQLite, when we follow the order. */
export function localOrderStatus(orderId: string, deps: CommandDeps): RenderedMessage | undefined {
  const order = deps.orders.get(orderId);
  return order
    ? renderOrderStatus({ ...orderMessageModel(order, deps), audience: 'ops', channelId: order.channelId })
    : undefined;
}

/** `/peeker status ord_…` for an order placed elsewhere: `GET /orders/{id}` (undefined when unknown). */
export async function remoteOrderStatus(
  orderId: string,
  deps: CommandDeps,
): Promise<RenderedMessage | undefined> {
  try {
    const { data } = await deps.peeker.orders.get(orderId);
    return renderUntrackedOrderStatus({
      id: data.id,
      status: data.status,
      domainCount: data.domain_count ?? null,
    });
  } catch (error) {
    if (error instanceof PeekerNotFoundError) return undefined;
    throw error;
  }
}
