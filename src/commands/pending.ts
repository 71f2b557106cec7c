import { describePeekerError } from '../peeker/errors.js';
import { actionFromPeeker, toActionView } from '../services/order-tracker.js';
import { renderPendingList } from '../views/order-message.js';
import { peekerErrorText } from '../views/peeker-error.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/**
 * `/peeker pending [ord_…]`: the open pending actions we know of (kept current by the
 * `order.action_required` handling), each with its fix button. An order we do not follow is
 * asked of Peeker directly.
 */
export async function handlePending(
  { ack, respond }: CommandArgs,
  orderId: string | undefined,
  deps: CommandDeps,
): Promise<void> {
  if (!orderId || deps.orders.get(orderId)) {
    const actions = orderId ? deps.actions.openFor(orderId) : deps.actions.allOpen(50);
    await ack({ response_type: 'ephemeral', ...renderPendingList(actions.map(toActionView), orderId) });
    return countCommand(deps, 'pending', 'ok');
  }
  await ack({ response_type: 'ephemeral', text: '🔎 Not followed here — asking Peeker…' });
  try {
    const { data } = await deps.peeker.orders.pending(orderId);
    const actions = data
      .filter((action) => action.status === 'open')
      .map((action) => toActionView(actionFromPeeker(orderId, action)));
    await respond({ response_type: 'ephemeral', ...renderPendingList(actions, orderId) });
    countCommand(deps, 'pending', 'ok');
  } catch (error) {
    await respond({
      response_type: 'ephemeral',
      text: peekerErrorText('list the pending actions', describePeekerError(error)),
    }).catch(() => undefined);
    countCommand(deps, 'pending', 'peeker_error');
  }
}
