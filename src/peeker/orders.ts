import { z } from 'zod';
import type { PeekerHttp, PeekerResult, Throttle } from './http.js';
import { unwrap } from './me.js';
import { readAllPages } from './pagination.js';
import { envelope, listEnvelope, nullishCount, nullishString } from './schemas.js';

/** The body of `POST /orders`, exactly as https://docs.peeker.ai/guides/importing-domains shows it. */
export interface CreateOrderBody {
  user: string;
  bundle_id: string;
  sequencer: {
    provider: 'smartlead';
    client_id: number;
    login_email: string;
    login_password: string;
  };
  forwarding_url: string;
  domains: string[];
  personas: { first_name: string; last_name: string; profile_picture_url: string }[];
}

const costsSchema = z.object({
  total_cents: z.number().int(),
  currency: z.string().nullish(),
});

/** The lean receipt `POST /orders` answers with (also the shape of list rows). */
export const orderReceiptSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  user_id: nullishString,
  email: nullishString,
  bundle_id: nullishString,
  domain_count: nullishCount,
  costs: costsSchema.nullish(),
  created_at: nullishString,
});
export type PeekerOrderReceipt = z.output<typeof orderReceiptSchema>;

/** `GET /orders/{id}`: the receipt plus detail; the detail fields are undocumented, so all optional. */
export const orderDetailSchema = orderReceiptSchema.extend({
  domains: z
    .union([
      z.object({ registered: z.array(z.string()).nullish(), imported: z.array(z.string()).nullish() }),
      z.array(z.union([z.string(), z.object({ domain: z.string(), status: nullishString })])),
    ])
    .nullish(),
  connected_count: nullishCount,
});
export type PeekerOrderDetail = z.output<typeof orderDetailSchema>;

export const pendingActionSchema = z.object({
  id: z.string().min(1),
  type: nullishString,
  reason: nullishString,
  status: z.string().default('open'),
  domain_id: nullishString,
  domain: nullishString,
  user: z
    .object({ first_name: nullishString, last_name: nullishString, profile_picture_url: nullishString })
    .nullish(),
  message: nullishString,
  created_at: nullishString,
});
export type PeekerPendingAction = z.output<typeof pendingActionSchema>;

/** Pages of pending actions read at most (100 per page). */
const MAX_PAGES = 20;

/** A cancelled domain row of the NEW answer; tolerates a bare name too. */
const cancelledDomainSchema = z.union([
  z.string().transform((domain) => ({ id: null, domain })),
  z.object({ id: nullishString, domain: z.string().min(1) }),
]);

/**
 * Both documented answers of `POST /orders/{id}/cancel`: the NEW
 * `{id, status, cancellation_scheduled_at, cancels_at, domains: [{id, domain}]}` and the OLD full
 * order (whose `domains` is `{registered, imported}` and which has no dates), normalised to one shape.
 */
export const cancellationSchema = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    cancellation_scheduled_at: nullishString,
    cancels_at: nullishString,
    domains: z
      .union([
        z.array(cancelledDomainSchema),
        z.object({ registered: z.array(z.string()).nullish(), imported: z.array(z.string()).nullish() }),
      ])
      .nullish(),
  })
  .transform(
    (body): PeekerCancellation => ({
      id: body.id,
      status: body.status,
      cancelsAt: body.cancels_at ?? null,
      scheduledAt: body.cancellation_scheduled_at ?? null,
      domains: cancelledDomains(body.domains),
    }),
  );

/** A scheduled cancellation, whichever doc generation answered. */
export interface PeekerCancellation {
  /** The order id. */
  id: string;
  /** `cancel_scheduled` once accepted. */
  status: string;
  /** When the inboxes go (end of the renewal period); null when Peeker did not say (OLD answer). */
  cancelsAt: string | null;
  scheduledAt: string | null;
  /** The domains being cancelled; for the OLD answer the whole order's. Null when not given. */
  domains: { id?: string | null; domain: string }[] | null;
}

function cancelledDomains(
  domains:
    | Array<{ id?: string | null | undefined; domain: string }>
    | { registered?: string[] | null | undefined; imported?: string[] | null | undefined }
    | null
    | undefined,
): PeekerCancellation['domains'] {
  if (!domains) return null;
  if (Array.isArray(domains)) return domains.map((d) => ({ id: d.id ?? null, domain: d.domain }));
  // The OLD answer was the full order: an OLD cancel always covered every domain of it.
  return [...(domains.registered ?? []), ...(domains.imported ?? [])].map((domain) => ({ id: null, domain }));
}

/** `POST /orders`, `GET /orders/{id}`, `GET /orders/pending`. */
export function createOrdersApi(http: PeekerHttp) {
  return {
    /**
     * Places an order. Peeker returns the original order for an identical body within 24 h, so
     * the call is retried with the very same body (never rebuilt) after timeouts and 5xx.
     */
    create(body: CreateOrderBody, signal?: AbortSignal): Promise<PeekerResult<PeekerOrderReceipt>> {
      return http
        .request({
          method: 'POST',
          path: '/orders',
          route: 'POST /orders',
          body,
          schema: envelope(orderReceiptSchema),
          retry: 'idempotent',
          signal,
        })
        .then(unwrap);
    },

    get(
      id: string,
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerResult<PeekerOrderDetail>> {
      return http
        .request({
          method: 'GET',
          path: `/orders/${encodeURIComponent(id)}`,
          route: 'GET /orders/{id}',
          schema: envelope(orderDetailSchema),
          retry: 'idempotent',
          ...options,
        })
        .then(unwrap);
    },

    /** The newest orders of a customer for a bundle (first page): finds an order whose answer was lost. */
    async find(
      filter: { userEmail: string; bundleId: string },
      signal?: AbortSignal,
    ): Promise<PeekerResult<PeekerOrderReceipt[]>> {
      const result = await http.request({
        method: 'GET',
        path: '/orders',
        route: 'GET /orders',
        query: { user_email: filter.userEmail, bundle_id: filter.bundleId, per_page: 25 },
        schema: listEnvelope(orderReceiptSchema),
        retry: 'idempotent',
        signal,
      });
      return { data: result.data.data, requestId: result.requestId };
    },

    /** Open pending actions of one order (every page). A read: retried (`idempotent`). */
    async pending(
      orderId: string,
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerResult<PeekerPendingAction[]>> {
      const { data, requestId } = await readAllPages(http, {
        path: '/orders/pending',
        route: 'GET /orders/pending',
        query: { order_id: orderId, status: 'open' },
        item: pendingActionSchema,
        maxPages: MAX_PAGES,
        ...options,
      });
      return { data, requestId };
    },

    /**
     * `POST /orders/{id}/cancel`: no body cancels the whole order, `domains` (names or `dom_` ids,
     * at least one) only those (https://docs.peeker.ai/api-reference/orders/cancelling-an-order).
     * Retry `unsafe`: cancelling is not documented as idempotent, and if a lost attempt got
     * through, a re-send is a second cancel of the same domains; so a lost answer is settled by
     * reading the order, not by re-sending. Accepts the NEW answer and the OLD full order alike.
     */
    cancel(
      orderId: string,
      domains?: string[],
      signal?: AbortSignal,
    ): Promise<PeekerResult<PeekerCancellation>> {
      if (domains !== undefined && domains.length === 0) {
        throw new RangeError(
          'orders.cancel: pass undefined to cancel the whole order, or at least one domain',
        );
      }
      return http
        .request({
          method: 'POST',
          path: `/orders/${encodeURIComponent(orderId)}/cancel`,
          route: 'POST /orders/{id}/cancel',
          body: domains === undefined ? undefined : { domains },
          schema: envelope(cancellationSchema),
          retry: 'unsafe',
          signal,
        })
        .then(unwrap);
    },
  };
}
