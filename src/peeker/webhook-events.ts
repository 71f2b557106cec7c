import { z } from 'zod';
import { importSchema, type PeekerImport } from './imports.js';

/** The envelope every Peeker webhook shares: `{ id, type, created_at, data }`. */
export const webhookEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  created_at: z.string().nullish(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.output<typeof webhookEventSchema>;

/** Every event type of peeker-api.md §4, so unknown types can be told apart in metrics. */
export const KNOWN_EVENT_TYPES = [
  'order.in_progress',
  'order.completed',
  'order.failed',
  'order.action_required',
  'order.cancel_scheduled',
  'order.cancelled',
  'domain.connected',
  'domain.action_required',
  'domain.forwarding_updated',
  'domain.forwarding_failed',
  'domain_import.completed',
  'domain_import.failed',
  'domain_import.action_required',
  'swap.created',
  'swap.in_progress',
  'swap.completed',
  'swap.failed',
  'swap.action_required',
] as const;

const IMPORT_EVENT_STATUS: Record<string, string> = {
  'domain_import.completed': 'completed',
  'domain_import.action_required': 'action_required',
  'domain_import.failed': 'failed',
};

/**
 * The doc generations disagree on payloads: the newest puts the object flat in `data`
 * (`data.id`, `data.status`), older ones nest it (`data.order`, and by analogy `data.import`).
 * Returns the object whichever way it came.
 */
export function eventObject(
  data: Record<string, unknown>,
  nestedKeys: readonly string[],
): Record<string, unknown> {
  if (typeof data.id === 'string') return data;
  for (const key of nestedKeys) {
    const nested = data[key];
    if (nested && typeof nested === 'object' && typeof (nested as { id?: unknown }).id === 'string') {
      return nested as Record<string, unknown>;
    }
  }
  return data;
}

/** An import event's payload may omit `status`; the event type says it. */
const importEventDataSchema = importSchema.extend({ status: z.string().nullish() });

/**
 * The import an import event is about. The status comes from the event type, because that is
 * what Peeker announces even when the payload is the lean `{ id }`.
 */
export function importFromEvent(event: WebhookEvent): PeekerImport | undefined {
  const status = IMPORT_EVENT_STATUS[event.type];
  if (!status) return undefined;
  const parsed = importEventDataSchema.safeParse(
    eventObject(event.data, ['import', 'domain_import', 'domain_import_job', 'job']),
  );
  if (!parsed.success) return undefined;
  return { ...parsed.data, status };
}
