import { z } from 'zod';
import type { PeekerHttp, PeekerResult, Throttle } from './http.js';
import { unwrap } from './me.js';
import { envelope, listEnvelope, nullishCount, nullishString } from './schemas.js';

/** The body of `POST /orders`, exactly as the seed guide shows it. */
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

const MAX_PAGES = 20;

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

    /** Open pending actions of one order (every page). */
    async pending(
      orderId: string,
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerResult<PeekerPendingAction[]>> {
      const actions: PeekerPendingAction[] = [];
      let pageToken: string | undefined;
      let requestId: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result = await http.request({
          method: 'GET',
          path: '/orders/pending',
          route: 'GET /orders/pending',
          query: { order_id: orderId, status: 'open', per_page: 100, page_token: pageToken },
          schema: listEnvelope(pendingActionSchema),
          retry: 'idempotent',
          ...options,
        });
        requestId = result.requestId;
        actions.push(...result.data.data);
        const next = result.data.links?.next;
        pageToken = next
          ? (new URL(next, 'http://peeker.invalid').searchParams.get('page_token') ?? undefined)
          : undefined;
        if (!pageToken) break;
      }
      return { data: actions, requestId };
    },
  };
}
