import { z } from 'zod';
import { nullishString } from './schemas.js';
import { eventObject, type WebhookEvent } from './webhook-events.js';

/**
 * `order.cancel_scheduled` / `order.cancelled` payloads (https://docs.peeker.ai/webhooks). The
 * newest docs send the cancel answer's shape flat in `data`
 * (`{id, status, cancellation_scheduled_at, cancels_at, domains: [{id, domain}]}`), older ones the
 * full order nested under `data.order` (whose `domains` is `{registered, imported}`), and a lean
 * `{id, status}` names no domains at all. All three are read.
 */
const cancelledDomainSchema = z.union([z.string().min(1), z.object({ domain: z.string().min(1) })]);

const cancellationEventDataSchema = z.object({
  id: z.string().min(1),
  status: nullishString,
  cancels_at: nullishString,
  cancellation_scheduled_at: nullishString,
  domains: z
    .union([
      z.array(cancelledDomainSchema),
      z.object({ registered: z.array(z.string()).nullish(), imported: z.array(z.string()).nullish() }),
    ])
    .nullish(),
});

export interface CancellationEventData {
  orderId: string;
  kind: 'scheduled' | 'cancelled';
  /** The domains the event names; null when it names none (the whole order). */
  domains: string[] | null;
  cancelsAt: string | null;
  scheduledAt: string | null;
}

const KIND: Record<string, CancellationEventData['kind']> = {
  'order.cancel_scheduled': 'scheduled',
  'order.cancelled': 'cancelled',
};

/** The cancellation a cancel event reports, or undefined when it is not one or names no order. */
export function cancellationFromEvent(event: WebhookEvent): CancellationEventData | undefined {
  const kind = KIND[event.type];
  if (!kind) return undefined;
  const parsed = cancellationEventDataSchema.safeParse(eventObject(event.data, ['order', 'cancellation']));
  if (!parsed.success) return undefined;
  const data = parsed.data;
  let domains: string[] | null = null;
  if (Array.isArray(data.domains)) {
    domains = data.domains.map((entry) => (typeof entry === 'string' ? entry : entry.domain));
  } else if (data.domains) {
    domains = [...(data.domains.registered ?? []), ...(data.domains.imported ?? [])];
  }
  return {
    orderId: data.id,
    kind,
    domains: domains && domains.length > 0 ? domains : null,
    cancelsAt: data.cancels_at ?? null,
    scheduledAt: data.cancellation_scheduled_at ?? null,
  };
}
