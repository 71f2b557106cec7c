import { z } from 'zod';
import { PeekerNotFoundError } from './errors.js';
import type { PeekerHttp, PeekerResult, Throttle } from './http.js';
import { unwrap } from './me.js';
import { envelope, nullishCount, nullishString } from './schemas.js';

export const nameserverGroupSchema = z.object({
  nameserver_one: z.string().min(1),
  nameserver_two: z.string().min(1),
  domains: z.array(z.string()),
});
export type PeekerNameserverGroup = z.output<typeof nameserverGroupSchema>;

/** A failed row; the guide shows only `[]`, the forwarding jobs use `{ domain, reason }`. */
export const failedRowSchema = z.union([
  z.string().transform((domain) => ({ domain, reason: undefined as string | undefined })),
  z
    .object({ domain: z.string(), reason: nullishString, code: nullishString, message: nullishString })
    .transform((row) => ({ domain: row.domain, reason: row.reason ?? row.code ?? row.message ?? undefined })),
]);
export type PeekerFailedRow = z.output<typeof failedRowSchema>;

/** A domain import (`imp_…`) or import job, as in the guide's "200 OK · nameserver groups". */
export const importSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  submitted_count: nullishCount,
  completed_count: nullishCount,
  failed_count: nullishCount,
  nameserver_groups: z
    .array(nameserverGroupSchema)
    .nullish()
    .transform((groups) => groups ?? []),
  failed: z
    .array(failedRowSchema)
    .nullish()
    .transform((rows) => rows ?? []),
  created_at: nullishString,
  completed_at: nullishString,
});
export type PeekerImport = z.output<typeof importSchema>;

/** The lookup may answer one import or a list of them; both are accepted. */
const lookupSchema = z.object({ data: z.union([importSchema, z.array(importSchema)]) });

/** The import endpoints of the guide: synchronous (≤25), jobs (≤500), get, and lookup by domains. */
export function createImportsApi(http: PeekerHttp) {
  return {
    /** `POST /domains/import`. Not known to be idempotent, so only retried when Peeker provably did not act. */
    create(domains: string[], signal?: AbortSignal): Promise<PeekerResult<PeekerImport>> {
      return http
        .request({
          method: 'POST',
          path: '/domains/import',
          route: 'POST /domains/import',
          body: { domains },
          schema: envelope(importSchema),
          retry: 'unsafe',
          // A synchronous import validates eligibility before answering and can take well over
          // 10 s, so it gets the full configured timeout (reads get a shorter one).
          signal,
        })
        .then(unwrap);
    },

    /** `POST /domains/import/jobs`. Peeker returns the existing job for the same domain set, so retries are safe. */
    createJob(domains: string[], signal?: AbortSignal): Promise<PeekerResult<PeekerImport>> {
      return http
        .request({
          method: 'POST',
          path: '/domains/import/jobs',
          route: 'POST /domains/import/jobs',
          body: { domains },
          schema: envelope(importSchema),
          retry: 'idempotent',
          signal,
        })
        .then(unwrap);
    },

    /** `GET /domains/import/{id}` or `GET /domains/import/jobs/{id}`. */
    get(
      id: string,
      kind: 'sync' | 'job',
      options: { throttle?: Throttle; signal?: AbortSignal } = {},
    ): Promise<PeekerResult<PeekerImport>> {
      const base = kind === 'job' ? '/domains/import/jobs' : '/domains/import';
      return http
        .request({
          method: 'GET',
          path: `${base}/${encodeURIComponent(id)}`,
          route: `GET ${base}/{id}`,
          schema: envelope(importSchema),
          retry: 'idempotent',
          ...options,
        })
        .then(unwrap);
    },

    /** `GET /domains/import?domains=…`: finds imports when the ID is lost. Empty when Peeker has none. */
    async lookup(domains: string[], signal?: AbortSignal): Promise<PeekerResult<PeekerImport[]>> {
      let result: PeekerResult<z.output<typeof lookupSchema>>;
      try {
        result = await http.request({
          method: 'GET',
          path: '/domains/import',
          route: 'GET /domains/import',
          query: { domains: domains.join(',') },
          schema: lookupSchema,
          retry: 'idempotent',
          signal,
        });
      } catch (error) {
        if (error instanceof PeekerNotFoundError) return { data: [], requestId: error.requestId };
        throw error;
      }
      const data = result.data.data;
      return { data: Array.isArray(data) ? data : [data], requestId: result.requestId };
    },
  };
}
