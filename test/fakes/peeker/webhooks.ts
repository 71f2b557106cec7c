/**
 * Playing Peeker's side of webhooks (https://docs.peeker.ai/webhooks.md): signing, the event
 * envelope, delivery to the app, and builders of each event's `data`.
 */

import { createHmac } from 'node:crypto';
import type { DomainConnectedData } from './domains.js';
import type { ForwardingJob } from './forwarding.js';
import type { ImportObject } from './imports.js';
import type { Cancellation, CancelledDomain, OrderStatus } from './orders.js';
import { domainIdFor, isoSeconds, isRecord, newId } from './shared.js';
import type { PeekerSwap } from './swaps.js';

/** A webhook envelope (NEW flat shape). */
export interface WebhookEvent<T = unknown> {
  id: string;
  type: string;
  created_at: string;
  data: T;
}

/** Options every event builder takes: a fixed event id or creation time. */
export interface EventOptions {
  id?: string;
  createdAt?: string;
}

/**
 * Signs a webhook body the way the app expects Peeker to: HMAC-SHA256 hex keyed with
 * the secret over `${timestamp}.${rawBody}` (`mode: 'timestamped'`, default) or over the raw body
 * alone (`mode: 'raw'`).
 */
export function signWebhook(
  rawBody: string,
  secret: string,
  opts: { timestamp?: number; mode?: 'timestamped' | 'raw' } = {},
): { 'Peeker-Timestamp': string; 'Peeker-Signature': string } {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = (opts.mode ?? 'timestamped') === 'timestamped' ? `${timestamp}.${rawBody}` : rawBody;
  const hex = createHmac('sha256', secret).update(signed, 'utf8').digest('hex');
  return { 'Peeker-Timestamp': String(timestamp), 'Peeker-Signature': `v1=${hex}` };
}

/** Builds a webhook envelope `{id, type, created_at, data}` with a fresh `evt_…` id. */
export function makeEvent<T>(type: string, data: T, opts: EventOptions = {}): WebhookEvent<T> {
  return {
    id: opts.id ?? newId('evt'),
    type,
    created_at: opts.createdAt ?? isoSeconds(Date.now()),
    data,
  };
}

/**
 * POSTs a signed webhook to the app. `event` is serialized with JSON.stringify unless it is a
 * string (sent byte-for-byte, e.g. malformed JSON). Headers: Content-Type, Peeker-Event-Id
 * (default `event.id`), Peeker-Timestamp, Peeker-Signature; `headers` overrides any of them and
 * `unsigned: true` leaves the two signature headers out.
 */
export async function deliverWebhook(
  targetUrl: string,
  event: object | string,
  opts: {
    secret: string;
    eventId?: string;
    timestamp?: number;
    mode?: 'timestamped' | 'raw';
    headers?: Record<string, string>;
    unsigned?: boolean;
  },
): Promise<{ status: number; body: string }> {
  const rawBody = typeof event === 'string' ? event : JSON.stringify(event);
  const eventId = opts.eventId ?? eventIdOf(event);
  const signature = signWebhook(rawBody, opts.secret, {
    ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
    ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...(eventId !== undefined ? { 'Peeker-Event-Id': eventId } : {}),
    ...(opts.unsigned ? {} : signature),
    ...(opts.headers ?? {}),
  };
  const res = await fetch(targetUrl, { method: 'POST', headers, body: rawBody });
  return { status: res.status, body: await res.text() };
}

/** `domain_import.*` event data: the import object itself (a deep copy). */
export function importEventData(importObject: ImportObject): ImportObject {
  return structuredClone(importObject);
}

/**
 * `domain.connected` event data shaped like the importing-domains guide's example. The default `id` is the
 * domain's stable `dom_` id, the one the fake's `GET /domains` lists once the domain connects.
 */
export function domainConnectedData(
  fields: Partial<DomainConnectedData> & { domain: string; order_id: string },
): DomainConnectedData {
  return {
    id: domainIdFor(fields.domain),
    category: 'connected',
    status: 'active',
    provider: 'google',
    user_id: 'usr_01HZX0C6Z3K4M5N6P7Q8R9S0',
    usable_for: ['google', 'microsoft'],
    forwarding_url: 'https://acme.com',
    created_at: isoSeconds(Date.now()),
    ...fields,
  };
}

/** `order.*` event data in the NEW flat shape: `{id, status, ...extra}`. */
export function orderEventData(
  orderId: string,
  status: OrderStatus,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id: orderId, status, ...extra };
}

/** `order.cancel_scheduled` / `order.cancelled` data: the cancel answer's shape with the current status. */
export interface CancellationEventData {
  id: string;
  status: 'cancel_scheduled' | 'cancelled';
  cancellation_scheduled_at: string;
  cancels_at: string;
  domains: CancelledDomain[];
  cancelled_at?: string;
}

export function cancellationEventData(cancellation: Cancellation): CancellationEventData {
  const data: CancellationEventData = {
    id: cancellation.orderId,
    status: cancellation.status,
    cancellation_scheduled_at: cancellation.cancellation_scheduled_at,
    cancels_at: cancellation.cancels_at,
    domains: cancellation.domains.map((d) => ({ ...d })),
  };
  if (cancellation.cancelled_at !== null) data.cancelled_at = cancellation.cancelled_at;
  return data;
}

/** `order.cancel_scheduled` or `order.cancelled`, after the cancellation's status. */
export function cancellationEvent(
  cancellation: Cancellation,
  opts: EventOptions = {},
): WebhookEvent<CancellationEventData> {
  return makeEvent(`order.${cancellation.status}`, cancellationEventData(cancellation), opts);
}

/**
 * `domain.forwarding_failed` for a failed job, `domain.forwarding_updated` otherwise, with the
 * job as data ("forwarding job webhooks use the same data shape as GET /domains/forwarding/{id}").
 */
export function forwardingJobEvent(
  job: ForwardingJob,
  opts: EventOptions & { type?: 'domain.forwarding_updated' | 'domain.forwarding_failed' } = {},
): WebhookEvent<ForwardingJob> {
  const type =
    opts.type ?? (job.status === 'failed' ? 'domain.forwarding_failed' : 'domain.forwarding_updated');
  return makeEvent(type, structuredClone(job), opts);
}

/** `swap.<status>` with the swap object (a deep copy) as data; also one per `user_names` row. */
export function swapEvent(swap: PeekerSwap, opts: EventOptions = {}): WebhookEvent<PeekerSwap> {
  return makeEvent(`swap.${swap.status}`, structuredClone(swap), opts);
}

function eventIdOf(event: object | string): string | undefined {
  let value: unknown = event;
  if (typeof event === 'string') {
    try {
      value = JSON.parse(event);
    } catch {
      return undefined;
    }
  }
  return isRecord(value) && typeof value.id === 'string' ? value.id : undefined;
}
