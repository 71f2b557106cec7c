import type { z } from 'zod';
import type { PeekerHttp, PeekerResult, RetryMode, Throttle } from './http.js';
import { listEnvelope } from './schemas.js';

/** One list endpoint to read every page of. */
export interface PagedRequest<T> {
  /** e.g. `/orders/pending` */
  path: string;
  /** Route template for metrics and errors, e.g. `GET /orders/pending`. */
  route: string;
  /** Filters; `page_token` is managed here and `per_page` defaults to the maximum (100). */
  query?: Record<string, string | number | undefined>;
  /** Schema of one row. */
  item: z.ZodType<T>;
  /** Pages read at most; a result that stopped early says so in `truncated`. */
  maxPages: number;
  /** Every list read is a GET, so `idempotent` unless a caller has a reason not to. */
  retry?: RetryMode;
  throttle?: Throttle;
  signal?: AbortSignal;
}

/** Every row of every page read, the `Peeker-Request-Id` of the last page, and whether pages were left unread. */
export interface PagedResult<T> extends PeekerResult<T[]> {
  truncated: boolean;
}

/** The most rows per page Peeker serves ("per_page … range 1–100"). */
export const MAX_PER_PAGE = 100;

/**
 * Reads a list endpoint page by page, following the opaque `page_token` of `links.next` until
 * it is null. The token is taken from the URL Peeker gives, never built: "do not parse or build
 * by hand" (https://docs.peeker.ai/api-reference/orders/listing-orders).
 */
export async function readAllPages<T>(http: PeekerHttp, request: PagedRequest<T>): Promise<PagedResult<T>> {
  const rows: T[] = [];
  const schema = listEnvelope(request.item);
  let pageToken: string | undefined;
  let requestId: string | undefined;
  for (let page = 0; page < request.maxPages; page += 1) {
    const result = await http.request({
      method: 'GET',
      path: request.path,
      route: request.route,
      query: { per_page: MAX_PER_PAGE, ...request.query, page_token: pageToken },
      schema,
      retry: request.retry ?? 'idempotent',
      throttle: request.throttle,
      signal: request.signal,
    });
    requestId = result.requestId;
    rows.push(...result.data.data);
    pageToken = nextPageToken(result.data.links?.next);
    if (!pageToken) return { data: rows, requestId, truncated: false };
  }
  return { data: rows, requestId, truncated: true };
}

/** The `page_token` of a `links.next` URL (absolute or relative), if there is one. */
export function nextPageToken(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  return new URL(next, 'http://peeker.invalid').searchParams.get('page_token') ?? undefined;
}
