import { z } from 'zod';
import type { PeekerHttp, PeekerResult } from './http.js';
import { envelope } from './schemas.js';

export const meSchema = z.object({
  api_key: z.object({
    environment: z.string(),
    permission_preset: z.string().nullish(),
  }),
  partner: z.object({ id: z.string(), name: z.string().nullish() }).nullish(),
});
export type PeekerMe = z.output<typeof meSchema>;

/** `GET /me`: which environment (sandbox `test` or live) and partner the API key belongs to. */
export function createMeApi(http: PeekerHttp) {
  return {
    get(signal?: AbortSignal): Promise<PeekerResult<PeekerMe>> {
      return http
        .request({
          method: 'GET',
          path: '/me',
          route: 'GET /me',
          schema: envelope(meSchema),
          retry: 'idempotent',
          timeoutMs: 15_000,

          signal,
        })
        .then(unwrap);
    },
  };
}

/** Drops the `{ data }` envelope, keeping the request ID. */
export function unwrap<T>(result: PeekerResult<{ data: T }>): PeekerResult<T> {
  return { data: result.data.data, requestId: result.requestId };
}
