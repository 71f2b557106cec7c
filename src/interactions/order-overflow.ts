import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import {
  decodeOrderOverflowValue,
  type OrderOverflowOp,
  type OrderOverflowValue,
} from '../parsing/interaction-payloads.js';
import { summarizeCancellation } from '../services/cancellation-state.js';
import { orderMessageModel } from '../services/order-tracker.js';
import { classifySlackError } from '../slack/slack-errors.js';
import { ACTION } from '../views/ids.js';
import { renderOrderStatus } from '../views/order-message.js';
import { section } from '../views/text.js';
import type { InteractionDeps } from './context.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** One operation of the menu, after the acknowledgement. */
type OverflowHandler = (args: ActionArgs, value: OrderOverflowValue, deps: InteractionDeps) => Promise<void>;

/** The chosen option's value: an overflow's `selected_option`, or the button shown when only one applies. */
function chosenValue(action: BlockAction['actions'][number]): string | undefined {
  if (action.type === 'overflow') return action.selected_option.value;
  if (action.type === 'button') return action.value;
  return undefined;
}

async function tellClicker(args: ActionArgs, text: string): Promise<void> {
  await args
    .respond({ response_type: 'ephemeral', replace_original: false, text, blocks: [section(text)] })
    .catch(() => undefined);
}

/**
 * What each operation does (typed by `ORDER_OVERFLOW_OPS`: a new operation without a handler does
 * not compile). Handlers answer only the person who clicked.
 */
const HANDLERS: Record<OrderOverflowOp, OverflowHandler> = {
  /** The ops view of the order (what `/peeker status ord_…` shows), to the clicker only. */
  async details(args, value, deps) {
    const order = deps.orders.get(value.order);
    if (!order || !deps.actions) return tellClicker(args, 'I don’t follow that order any more.');
    const model = {
      ...orderMessageModel(order, { orders: deps.orders, actions: deps.actions }),
      cancellation: deps.cancellations
        ? summarizeCancellation(deps.cancellations.domainStates(order.id))
        : null,
    };
    const message = renderOrderStatus({ ...model, audience: 'ops', channelId: order.channelId });
    await args
      .respond({ response_type: 'ephemeral', replace_original: false, ...message })
      .catch(() => undefined);
  },
  /** "Cancel order…": the confirm view for the whole order. */
  async cancel(args, value, deps) {
    if (!deps.cancellation) return;
    try {
      await deps.cancellation.openConfirm(args.body.trigger_id, {
        orderId: value.order,
        domains: null,
        userId: args.body.user.id,
        originChannelId: args.body.channel?.id ?? null,
      });
    } catch (error) {
      const code = classifySlackError(error).error;
      deps.logger.warn({ code }, 'could not open the cancel confirmation');
      await tellClicker(
        args,
        `I couldn’t open the confirmation (Slack said \`${code}\`). Nothing was cancelled; try again, or use \`/peeker cancel ${value.order}\`.`,
      );
    }
  },
  /** "Swap a domain…": the swap modal for this order's connected domains. */
  async swap(args, value, deps) {
    if (!deps.changes) return;
    try {
      await deps.changes.swapSession.openForOrder(args.body.trigger_id, value.order);
    } catch (error) {
      const code = classifySlackError(error).error;
      deps.logger.warn({ code }, 'could not open the swap form');
      await tellClicker(
        args,
        `I couldn’t open the swap form (Slack said \`${code}\`). Try \`/peeker swap <domain>\`.`,
      );
    }
  },
};

/**
 * The overflow menu ("⋯") on an order's status message (ops channels) and on the orderer's DM for
 * an order in a customer channel. The option's value names the operation and the order.
 */
export function registerOrderOverflow(app: App, deps: InteractionDeps): void {
  app.action<BlockAction>(ACTION.orderOverflow, async (args) => {
    await args.ack();
    const [action] = args.body.actions;
    const value = action ? decodeOrderOverflowValue(chosenValue(action)) : undefined;
    if (!value) return;
    await HANDLERS[value.op](args, value, deps).catch((error: unknown) => {
      deps.logger.warn({ err: error, op: value.op }, 'an order menu action failed');
    });
  });
}
