import { z } from 'zod';
import type { PeekerHttp, PeekerResult, Throttle } from './http.js';
import { unwrap } from './me.js';
import { envelope, nullishCount, nullishString } from './schemas.js';

/** A domain the job could not repoint: `dns_lookup_failed`, `target_unreachable` or `invalid_target`. */
const forwardingFailureSchema = z.object({ domain: z.string().min(1), reason: nullishString });

/**
 * A forwarding job (`fwj_…`, https://docs.peeker.ai/api-reference/domains/retrieving-a-forwarding-job):
 * `in_progress`, then `completed`, `partial_success` or `failed`. Also the `data` of the
 * `domain.forwarding_updated` / `domain.forwarding_failed` webhooks.
 */
export const forwardingJobSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  completed_count: nullishCount,
  failed_count: nullishCount,
  forwarding_url: nullishString,
  completed: z
    .array(z.string())
    .nullish()
    .transform((rows) => rows ?? []),
  failed: z
    .array(forwardingFailureSchema)
    .nullish()
    .transform((rows) => rows ?? []),
  created_at: nullishString,
  completed_at: nullishString,
});
export type PeekerForwardingJob = z.output<typeof forwardingJobSchema>;

/** "Repoint up to 25 domains at a new forwarding URL" (https://docs.peeker.ai/guides/forwarding.md). */
export const FORWARDING_BATCH_LIMIT = 25;

/** `POST /domains/forwarding` and `GET /domains/forwarding/{id}`. */
export function createForwardingApi(http: PeekerHttp) {
  return {
    /**
     * Starts a job pointing up to {@link FORWARDING_BATCH_LIMIT} domains (names or `dom_` ids) at
     * `forwardingUrl`; more throws before any request. Retry `idempotent`: re-sending is harmless,
     * since domains already pointed at the URL simply land in `completed`
     * (https://docs.peeker.ai/guides/forwarding). A retry may leave a second, equivalent job.
     */
    create(
      domains: string[],
      forwardingUrl: string,
      signal?: AbortSignal,
    ): Promise<PeekerResult<PeekerForwardingJob>> {
      if (domains.length === 0 || domains.length > FORWARDING_BATCH_LIMIT) {
        throw new RangeError(
          `forwarding.create takes 1 to ${FORWARDING_BATCH_LIMIT} domains per job (got ${domains.length})`,
        );
      }
      return http
        .request({
          method: 'POST',
          path: '/domains/forwarding',
          route: 'POST /domains/forwarding',
          body: { domains, forwarding_url: forwardingUrl },
          schema: envelope(forwardingJobSchema),
          retry: 'idempotent',
          signal,
        })
        .then(unwrap);
    },

    /** Reads a job to follow it to a terminal status. A read: retried (`idempotent`). */
    get(
      id: string,
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerResult<PeekerForwardingJob>> {
      return http
        .request({
          method: 'GET',
          path: `/domains/forwarding/${encodeURIComponent(id)}`,
          route: 'GET /domains/forwarding/{id}',
          schema: envelope(forwardingJobSchema),
          retry: 'idempotent',
          ...options,
        })
        .then(unwrap);
    },
  };
}
