import { z } from 'zod';
import type { PeekerHttp, PeekerResult } from './http.js';
import { listEnvelope, nullishCount } from './schemas.js';

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
    /** Every active bundle, following `links.next` page tokens (opaque; never built by hand). */
    async listActive(signal?: AbortSignal): Promise<PeekerResult<PeekerBundle[]>> {
      const bundles: PeekerBundle[] = [];
      let pageToken: string | undefined;
      let requestId: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result = await http.request({
          method: 'GET',
          path: '/bundles',
          route: 'GET /bundles',
          query: { status: 'active', per_page: 100, page_token: pageToken },
          schema: listEnvelope(bundleSchema),
          retry: 'idempotent',
          signal,
        });
        requestId = result.requestId;
        bundles.push(...result.data.data);
        const next = result.data.links?.next;
        pageToken = next
          ? (new URL(next, 'http://peeker.invalid').searchParams.get('page_token') ?? undefined)
          : undefined;
        if (!pageToken) break;
      }
      return { data: bundles.filter((bundle) => !bundle.status || bundle.status === 'active'), requestId };
    },
  };
}
