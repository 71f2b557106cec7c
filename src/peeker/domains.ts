import { z } from 'zod';
import type { PeekerHttp, PeekerResult, Throttle } from './http.js';
import { type PagedResult, readAllPages } from './pagination.js';
import { envelope, nullishString } from './schemas.js';

/**
 * One row of `POST /domains/availability`
 * (https://docs.peeker.ai/api-reference/domains/checking-domain-availability). Prices and
 * `usable_for` come only with available rows, `reason` (`taken`, `premium`, `invalid`,
 * `errored`, `stale`) only with unavailable ones.
 */
export const availabilitySchema = z.object({
  domain: z.string().min(1),
  available: z.boolean(),
  price_cents: z.number().int().nullish(),
  renewal_price_cents: z.number().int().nullish(),
  currency: nullishString,
  usable_for: z.array(z.string()).nullish(),
  premium: z.boolean().nullish(),
  reason: nullishString,
});
export type PeekerAvailability = z.output<typeof availabilitySchema>;

const availabilityAnswerSchema = envelope(z.object({ domains: z.array(availabilitySchema) }));

/** A `GET /domains` row (https://docs.peeker.ai/api-reference/domains/listing-domains). */
export const domainSchema = z.object({
  id: z.string().min(1),
  domain: z.string().min(1),
  /** `inventory` (ready, not on an order) or `connected` (on an order). */
  category: nullishString,
  /** `available` (inventory) or `active` (connected); the full enum is not published. */
  status: nullishString,
  provider: nullishString,
  user_id: nullishString,
  order_id: nullishString,
  usable_for: z.array(z.string()).nullish(),
  forwarding_url: nullishString,
  created_at: nullishString,
});
export type PeekerDomain = z.output<typeof domainSchema>;

/**
 * Names per availability call. The NEW reference allows 50, the OLD guide and
 * https://docs.peeker.ai/guides/domain-search 25; 25 is safe under both, and one call costs one
 * rate-limit token either way.
 */
export const AVAILABILITY_BATCH_LIMIT = 25;

/** Pages of domains read at most (100 per page): 5,000 domains is far beyond one customer. */
const MAX_PAGES = 50;

/** `POST /domains/availability` and `GET /domains`. */
export function createDomainsApi(http: PeekerHttp) {
  return {
    /**
     * Checks up to {@link AVAILABILITY_BATCH_LIMIT} names; batching more is the caller's job (a
     * larger batch throws synchronously, before any request). Retry `idempotent`: it is a read in
     * POST clothing, nothing is reserved or bought, so re-sending after a 5xx or timeout is
     * harmless. Rows come back in Peeker's order; an empty list answers empty without a request.
     */
    checkAvailability(
      domains: string[],
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerResult<PeekerAvailability[]>> {
      if (domains.length > AVAILABILITY_BATCH_LIMIT) {
        throw new RangeError(
          `domains.checkAvailability takes at most ${AVAILABILITY_BATCH_LIMIT} names per call (got ${domains.length})`,
        );
      }
      if (domains.length === 0) return Promise.resolve({ data: [], requestId: undefined });
      return http
        .request({
          method: 'POST',
          path: '/domains/availability',
          route: 'POST /domains/availability',
          body: { domains },
          schema: availabilityAnswerSchema,
          retry: 'idempotent',
          ...options,
        })
        .then((result) => ({ data: result.data.data.domains, requestId: result.requestId }));
    },

    /**
     * Every domain of a category (`inventory`: ready, not on an order; `connected`: on an order),
     * optionally of one customer or usable for one provider, following every page (capped; see
     * `truncated`). A read: retried (`idempotent`).
     */
    list(
      filter: { category: 'inventory' | 'connected'; userEmail?: string; usableFor?: 'google' | 'microsoft' },
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PagedResult<PeekerDomain>> {
      return readAllPages(http, {
        path: '/domains',
        route: 'GET /domains',
        query: { category: filter.category, user_email: filter.userEmail, usable_for: filter.usableFor },
        item: domainSchema,
        maxPages: MAX_PAGES,
        ...options,
      });
    },
  };
}
