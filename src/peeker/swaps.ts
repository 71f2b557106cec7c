import { z } from 'zod';
import type { PeekerHttp, PeekerResult, Throttle } from './http.js';
import { unwrap } from './me.js';
import { type PagedResult, readAllPages } from './pagination.js';
import { envelope, nullishString } from './schemas.js';

/**
 * A swap (`swp_…`, https://docs.peeker.ai/api-reference/domain-swaps/retrieving-a-domain-swap):
 * `type` `standard` | `premium` | `user_names`, `status` `created` → `in_progress` → `completed` |
 * `failed` | `action_required`. `replacement_domain` is null for user-name rows; `reason`
 * (undocumented on the object) explains an `action_required` when Peeker sends it.
 */
export const swapSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  domain_id: z.string().min(1),
  replacement_domain: nullishString,
  status: z.string().min(1),
  reason: nullishString,
  created_at: nullishString,
  /** Not in the reference; read when Peeker sends it (a premium swap's old domain stays warm 14 days). */
  completed_at: nullishString,
  warm_until: nullishString,
});
export type PeekerSwap = z.output<typeof swapSchema>;

const userNameSwapsSchema = envelope(z.object({ swaps: z.array(swapSchema) }));

/** A person on the renamed inboxes; the `profile_picture_url` key is required (value may be null or ""). */
export interface SwapPersona {
  first_name: string;
  last_name: string;
  profile_picture_url: string | null;
}

/** Pages of swaps read at most (100 per page). */
const MAX_PAGES = 20;

/** `POST /swaps`, `GET /swaps`, `GET /swaps/{id}` and `POST /swaps/user_names`. */
export function createSwapsApi(http: PeekerHttp) {
  return {
    /**
     * Replaces one domain of an order (https://docs.peeker.ai/guides/domain-swaps). Retry
     * `unsafe`: swaps are not documented as idempotent and a second one would retire or bill
     * twice, so after a lost answer the caller checks `list({domainId})` before re-sending.
     */
    create(
      swap: { type: 'standard' | 'premium'; domainId: string; replacementDomain: string },
      signal?: AbortSignal,
    ): Promise<PeekerResult<PeekerSwap>> {
      return http
        .request({
          method: 'POST',
          path: '/swaps',
          route: 'POST /swaps',
          body: { type: swap.type, domain_id: swap.domainId, replacement_domain: swap.replacementDomain },
          schema: envelope(swapSchema),
          retry: 'unsafe',
          signal,
        })
        .then(unwrap);
    },

    /** Swaps of a domain, an order and/or in a status, every page (capped; see `truncated`). A read: retried (`idempotent`). */
    list(
      filter: { domainId?: string; orderId?: string; status?: string } = {},
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PagedResult<PeekerSwap>> {
      return readAllPages(http, {
        path: '/swaps',
        route: 'GET /swaps',
        query: { domain_id: filter.domainId, order_id: filter.orderId, status: filter.status },
        item: swapSchema,
        maxPages: MAX_PAGES,
        ...options,
      });
    },

    /** One swap. A read: retried (`idempotent`). */
    get(
      id: string,
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerResult<PeekerSwap>> {
      return http
        .request({
          method: 'GET',
          path: `/swaps/${encodeURIComponent(id)}`,
          route: 'GET /swaps/{id}',
          schema: envelope(swapSchema),
          retry: 'idempotent',
          ...options,
        })
        .then(unwrap);
    },

    /**
     * Renames the people on a domain's inboxes; answers one swap row per inbox, not per persona
     * (https://docs.peeker.ai/guides/user-name-swaps). Retry `unsafe`: not documented as
     * idempotent, and a re-send would start a second set of renames.
     */
    async renameUsers(
      rename: { domainId: string; personas: SwapPersona[] },
      signal?: AbortSignal,
    ): Promise<PeekerResult<PeekerSwap[]>> {
      const result = await http.request({
        method: 'POST',
        path: '/swaps/user_names',
        route: 'POST /swaps/user_names',
        body: { domain_id: rename.domainId, personas: rename.personas },
        schema: userNameSwapsSchema,
        retry: 'unsafe',
        signal,
      });
      return { data: result.data.data.swaps, requestId: result.requestId };
    },
  };
}
