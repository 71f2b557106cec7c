import { z } from 'zod';
import type { PeekerHttp, PeekerResult } from './http.js';
import { readAllPages } from './pagination.js';
import { nullishCount } from './schemas.js';

export const bundleSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  status: z.string().nullish(),
  monthly_sending_volume: z.number().nullish(),
  required_domains: z
    .object({ google: nullishCount, microsoft: nullishCount, total: z.number().int().nonnegative() })
    .nullish(),
});
export type PeekerBundle = z.output<typeof bundleSchema>;

/** Pages followed at most (100 per page): a partner with more active bundles than this is not plausible. */
const MAX_PAGES = 10;

/** `GET /bundles`: the order form's bundle choices. */
export function createBundlesApi(http: PeekerHttp) {
  return {
    /**
     * Every active bundle, following `links.next` page tokens. A read: retried (`idempotent`) on
     * 429, 5xx, timeouts and network errors.
     */
    async listActive(signal?: AbortSignal): Promise<PeekerResult<PeekerBundle[]>> {
      const { data, requestId } = await readAllPages(http, {
        path: '/bundles',
        route: 'GET /bundles',
        query: { status: 'active' },
        item: bundleSchema,
        maxPages: MAX_PAGES,
        signal,
      });
      return { data: data.filter((bundle) => !bundle.status || bundle.status === 'active'), requestId };
    },
  };
}
