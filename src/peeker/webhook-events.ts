import { z } from 'zod';
import { importSchema, type PeekerImport } from './imports.js';
import { nullishString } from './schemas.js';

/** The envelope every Peeker webhook shares: `{ id, type, created_at, data }`. */
export const webhookEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  created_at: z.string().nullish(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.output<typeof webhookEventSchema>;

/** Every event type of https://docs.peeker.ai/webhooks, so unknown types can be told apart in metrics. */
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

/**
 * `order.*` payloads: `{ id, status }` (newest docs) or the full order (`order.completed`), flat
 * or nested under `data.order`. Peeker does not document where a failure's reason is, so the
 * likely places are all read.
 */
const orderEventDataSchema = z.object({
  id: z.string().min(1),
  status: nullishString,
  failure_reason: nullishString,
  reason: nullishString,
  error: z.object({ message: nullishString }).nullish(),
});

export interface OrderEventData {
  id: string;
  status: string | undefined;
  failureReason: string | null;
}

/** The order an `order.*` event is about, or undefined when the payload names none. */
export function orderFromEvent(event: WebhookEvent): OrderEventData | undefined {
  const parsed = orderEventDataSchema.safeParse(eventObject(event.data, ['order']));
  if (!parsed.success) return undefined;
  const order = parsed.data;
  return {
    id: order.id,
    status: order.status || undefined,
    failureReason: order.failure_reason || order.reason || order.error?.message || null,
  };
}

/** `domain.*` payloads: the domain object of https://docs.peeker.ai/api-reference/domains/listing-domains. */
const domainEventDataSchema = z.object({
  id: nullishString,
  domain: z.string().min(1),
  order_id: nullishString,
  provider: nullishString,
  status: nullishString,
  forwarding_url: nullishString,
});
export type DomainEventData = z.output<typeof domainEventDataSchema>;

/** The domain a `domain.connected` / `domain.action_required` event is about. */
export function domainFromEvent(event: WebhookEvent): DomainEventData | undefined {
  const parsed = domainEventDataSchema.safeParse(eventObject(event.data, ['domain']));
  return parsed.success ? parsed.data : undefined;
}

/**
 * `domain.forwarding_updated` / `domain.forwarding_failed` carry "the same `data` shape as
 * `GET /domains/forwarding/{id}`" (https://docs.peeker.ai/guides/forwarding) — or, since the docs do
 * not say whether they fire per job or per domain, one domain.
 */
const forwardingEventDataSchema = z.object({
  id: nullishString,
  status: nullishString,
  forwarding_url: nullishString,
  completed: z.array(z.string()).nullish(),
  failed: z.array(z.object({ domain: z.string(), reason: nullishString })).nullish(),
  domain: nullishString,
  reason: nullishString,
});

export interface ForwardingChange {
  domain: string;
  ok: boolean;
  reason: string | null;
}

/** Every domain a forwarding event reports on, with the URL it now forwards to (when given). */
export function forwardingFromEvent(
  event: WebhookEvent,
): { jobId: string | null; url: string | null; changes: ForwardingChange[] } | undefined {
  const parsed = forwardingEventDataSchema.safeParse(
    eventObject(event.data, ['forwarding', 'job', 'domain']),
  );
  if (!parsed.success) return undefined;
  const job = parsed.data;
  const changes: ForwardingChange[] = [
    ...(job.completed ?? []).map((domain) => ({ domain, ok: true, reason: null })),
    ...(job.failed ?? []).map((row) => ({ domain: row.domain, ok: false, reason: row.reason ?? null })),
  ];
  if (changes.length === 0 && job.domain) {
    changes.push({
      domain: job.domain,
      ok: event.type !== 'domain.forwarding_failed',
      reason: job.reason ?? null,
    });
  }
  return {
    jobId: job.id?.startsWith('fwj_') ? job.id : null,
    url: job.forwarding_url ?? null,
    changes,
  };
}
