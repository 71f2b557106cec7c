import { swapFromEvent } from '../peeker/swap-events.js';
import type { SwapsRepo } from '../store/swaps-repo.js';
import type { SwapTracker } from './swap-tracker.js';
import { type EventHandler, retryLater } from './webhook-processor.js';

/**
 * `swap.created`, `.in_progress`, `.completed`, `.failed` and `.action_required`
 * (https://docs.peeker.ai/guides/domain-swaps; also one per `user_names` row of a rename), fed
 * into the swap state machine that answers and polls feed too; repeats and late events are no-ops
 * there. An event about a swap whose `POST` answer is not recorded yet (Peeker can be faster than
 * its own answer) is looked at again shortly; a domain swap made outside Slack on an order we
 * follow is adopted, so its thread hears about it too.
 */
export function createSwapEventHandlers(deps: {
  tracker: SwapTracker;
  swaps: SwapsRepo;
}): Record<string, EventHandler> {
  const handle: EventHandler = (event, stored, now) => {
    const swap = swapFromEvent(event);
    if (!swap) return { status: 'ignored', outcome: 'swap event without a swap id' };
    const update = {
      status: swap.status,
      at: event.created_at ?? null,
      reason: swap.reason,
      warmUntil: swap.warmUntil,
      completedAt: swap.completedAt,
    };
    const applied = deps.tracker.apply(swap.id, update, now);
    if (applied) return { status: 'applied', outcome: applied.changed ? `swap ${swap.status}` : 'no change' };
    const waiting = swap.domainId
      ? (deps.swaps.inFlightFor(swap.domainId, 'swap') ?? deps.swaps.inFlightFor(swap.domainId, 'rename'))
      : deps.swaps.submitting()[0];
    if (waiting) return retryLater(stored, now, 'swap not recorded (yet)');
    if (swap.domainId && (swap.type === 'standard' || swap.type === 'premium')) {
      const adopted = deps.tracker.adoptExternal(
        { id: swap.id, type: swap.type, domainId: swap.domainId, replacement: swap.replacementDomain },
        update,
        now,
      );
      if (adopted) return { status: 'applied', outcome: `adopted swap ${swap.status}` };
    }
    return { status: 'ignored', outcome: 'not a swap of an order we follow' };
  };
  return {
    'swap.created': handle,
    'swap.in_progress': handle,
    'swap.completed': handle,
    'swap.failed': handle,
    'swap.action_required': handle,
  };
}
