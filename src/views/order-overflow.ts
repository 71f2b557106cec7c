/**
 * The overflow menu ("⋯") on an order's status message in ops channels, and on the direct message
 * the orderer gets for an order in a customer channel (the customer never sees it). One list of
 * entries, in menu order: to add an operation, add it to `ORDER_OVERFLOW_OPS`
 * (parsing/interaction-payloads.ts), an entry here and a handler in interactions/order-overflow.ts.
 */
import type { Button, Overflow, PlainTextOption, SectionBlock } from '@slack/types';
import { encodeOrderOverflowValue, type OrderOverflowOp } from '../parsing/interaction-payloads.js';
import { button, type RenderedMessage } from './blocks.js';
import { ACTION } from './ids.js';
import { LIMITS } from './limits.js';
import { channelLink, code, context, escapeMrkdwn, mrkdwn, plainText } from './text.js';

/** What the entries decide on. */
export interface OrderOverflowContext {
  orderId: string;
  status: 'in_progress' | 'action_required' | 'completed' | 'failed' | 'cancel_scheduled' | 'cancelled';
}

export interface OrderOverflowEntry {
  op: OrderOverflowOp;
  /** Menu text (at most 75 characters). */
  label: string;
  /** Whether the entry is offered for the order as it is now. */
  applies(order: OrderOverflowContext): boolean;
}

const isCancelling = (order: OrderOverflowContext) =>
  order.status === 'cancel_scheduled' || order.status === 'cancelled';

export const ORDER_OVERFLOW_ENTRIES: readonly OrderOverflowEntry[] = [
  { op: 'details', label: 'Order details', applies: () => true },
  { op: 'cancel', label: 'Cancel order…', applies: (order) => !isCancelling(order) },
  // Retire a burnt domain of a live order (the swap modal, pre-filled with the order).
  {
    op: 'swap',
    label: 'Swap a domain…',
    applies: (order) => !isCancelling(order) && order.status !== 'failed',
  },
];

/** Slack's overflow menu holds 2 to 5 options (https://api.slack.com/reference/block-kit/block-elements#overflow). */
const MAX_OPTIONS = 5;

/**
 * The menu for an order: an overflow with the entries that apply (the first five), a plain button
 * when only one applies (an overflow needs two), nothing when none does.
 */
export function orderOverflow(
  order: OrderOverflowContext,
  entries: readonly OrderOverflowEntry[] = ORDER_OVERFLOW_ENTRIES,
): Overflow | Button | undefined {
  const options: PlainTextOption[] = entries
    .filter((entry) => entry.applies(order))
    .slice(0, MAX_OPTIONS)
    .map((entry) => ({
      text: plainText(entry.label, LIMITS.optionText),
      value: encodeOrderOverflowValue({ op: entry.op, order: order.orderId }),
    }));
  const [only] = options;
  if (options.length === 0 || !only) return undefined;
  if (options.length === 1) return button(only.text.text, ACTION.orderOverflow, { value: only.value ?? '' });
  return { type: 'overflow', action_id: ACTION.orderOverflow, options };
}

/**
 * The direct message the orderer gets for an order whose status message is in a customer channel:
 * the customer must not see the menu, so the orderer's controls live here (posted once).
 */
export function renderOrderControls(model: {
  orderId: string;
  customerEmail: string;
  channelId: string;
  status: OrderOverflowContext['status'];
}): RenderedMessage {
  const text = `Your inbox order for ${escapeMrkdwn(model.customerEmail)} is followed in ${channelLink(model.channelId)}, a customer channel. Its controls are here, where the customer cannot see them.`;
  const menu = orderOverflow({ orderId: model.orderId, status: model.status });
  const section: SectionBlock = { type: 'section', text: mrkdwn(text), ...(menu ? { accessory: menu } : {}) };
  return { text, blocks: [section, context(`Order ${code(model.orderId)}`)] };
}
