import { z } from 'zod';
import { nullishString } from './schemas.js';
import { eventObject, type WebhookEvent } from './webhook-events.js';

/**
 * `swap.*` payloads (https://docs.peeker.ai/guides/domain-swaps): the swap object, flat in `data`
 * or nested under `data.swap` like the older order events; also one per `user_names` row. The
 * status may be omitted (the event type says it); where a failure's reason lives is not
 * documented, so the likely places are all read.
 */
const swapEventDataSchema = z.object({
  id: z.string().startsWith('swp_'),
  type: nullishString,
  domain_id: nullishString,
  replacement_domain: nullishString,
  status: nullishString,
  reason: nullishString,
  failure_reason: nullishString,
  error: z.object({ code: nullishString, message: nullishString }).nullish(),
  created_at: nullishString,
  completed_at: nullishString,
  warm_until: nullishString,
});

export interface SwapEventData {
  id: string;
  type: string | null;
  domainId: string | null;
  replacementDomain: string | null;
  status: string;
  reason: string | null;
  completedAt: string | null;
  warmUntil: string | null;
}

const SWAP_EVENT_STATUS: Record<string, string> = {
  'swap.created': 'created',
  'swap.in_progress': 'in_progress',
  'swap.completed': 'completed',
  'swap.failed': 'failed',
  'swap.action_required': 'action_required',
};

/** The swap a `swap.*` event is about, or undefined when the payload names none. */
export function swapFromEvent(event: WebhookEvent): SwapEventData | undefined {
  const parsed = swapEventDataSchema.safeParse(eventObject(event.data, ['swap']));
  if (!parsed.success) return undefined;
  const swap = parsed.data;
  const status = swap.status || SWAP_EVENT_STATUS[event.type];
  if (!status) return undefined;
  return {
    id: swap.id,
    type: swap.type ?? null,
    domainId: swap.domain_id ?? null,
    replacementDomain: swap.replacement_domain ?? null,
    status,
    reason: swap.reason || swap.failure_reason || swap.error?.code || swap.error?.message || null,
    completedAt: swap.completed_at ?? null,
    warmUntil: swap.warm_until ?? null,
  };
}
