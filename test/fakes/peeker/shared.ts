/**
 * Helpers every resource module of the fake Peeker shares: the error envelope, ids, domain
 * normalisation, and opaque page tokens. They live apart from `server.ts` so the resource
 * modules can import them without an import cycle (server.ts imports every resource module).
 */

import { createHash, randomBytes } from 'node:crypto';
import { parse } from 'tldts';

/** Path prefix of the NEW doc generation, https://docs.peeker.ai/authentication.md. */
export const BASE_PATH = '/partner/v1';

/** An answer a route produces; the server adds the headers. */
export interface Reply {
  status: number;
  body: unknown;
}

/** What every resource module may ask of the server. */
export interface FakeContext {
  /** Base URL without trailing slash, for `links`/`meta` of list answers. */
  readonly url: string;
  /** The fake's clock (tests replace it to travel in time). */
  now(): number;
}

/** A resource module: answers the routes it owns (`undefined` for the rest) and can start over. */
export interface FakeResource {
  route(method: string, path: string, query: URLSearchParams, body: unknown): Reply | undefined;
  reset(): void;
}

/** Peeker's error envelope, https://docs.peeker.ai/best-practices. */
export function errorEnvelope(
  code: string,
  message: string,
  field: string | null = null,
  details: Record<string, unknown> = {},
): { error: { code: string; message: string; field: string | null; details: Record<string, unknown> } } {
  return { error: { code, message, field, details } };
}

export function ok(data: unknown, status = 200): Reply {
  return { status, body: { data } };
}

export function invalid(message: string, field: string | null, details: Record<string, unknown> = {}): Reply {
  return { status: 400, body: errorEnvelope('invalid_request', message, field, details) };
}

/** A 400 with a code of its own (the undocumented business-rule errors). */
export function rejected(
  code: string,
  message: string,
  field: string | null = null,
  details: Record<string, unknown> = {},
): Reply {
  return { status: 400, body: errorEnvelope(code, message, field, details) };
}

export function notFound(message: string, field: string | null = null): Reply {
  return { status: 404, body: errorEnvelope('not_found', message, field) };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `<prefix>_` + a ULID-shaped id (10 time chars + 16 random chars, Crockford base32). */
export function newId(prefix: string): string {
  let time = '';
  let t = Date.now();
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += CROCKFORD.charAt(byte % 32);
  return `${prefix}_${time}${random}`;
}

/**
 * The `dom_…` id of a domain name: derived from the name, so the fake's `GET /domains`,
 * `domainConnectedData` and pending actions agree on it without sharing state.
 */
export function domainIdFor(domain: string): string {
  const digest = createHash('sha256')
    .update(`fake-peeker:${normalizeDomain(domain)}`)
    .digest();
  let id = '';
  for (const byte of digest.subarray(0, 26)) id += CROCKFORD.charAt(byte % 32);
  return `dom_${id}`;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** A non-empty array of non-empty strings, or undefined. */
export function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const strings: string[] = [];
  for (const item of value) {
    if (!nonEmptyString(item)) return undefined;
    strings.push(item);
  }
  return strings;
}

/** Lowercase, trim, drop a trailing dot, dedupe, sort: Peeker's "normalized domain set". */
export function normalizeDomains(domains: string[]): string[] {
  return [...new Set(domains.map(normalizeDomain).filter((d) => d !== ''))].sort();
}

export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

export function normalizeKeys<V>(map: Record<string, V>): Map<string, V> {
  return new Map(Object.entries(map).map(([k, v]) => [normalizeDomain(k), v]));
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why a domain cannot be imported or ordered: `invalid_domain` (not a name, or a bare public
 * suffix, or a suffix outside the ICANN list), `not_root_domain` (a subdomain, which the guide
 * says to avoid: https://docs.peeker.ai/guides/importing-domains.md), or undefined when fine.
 */
export function domainProblem(domain: string): string | undefined {
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return 'invalid_domain';
  const parsed = parse(domain);
  if (parsed.isIp || !parsed.isIcann || !parsed.publicSuffix || parsed.domain === null)
    return 'invalid_domain';
  return parsed.domain === domain ? undefined : 'not_root_domain';
}

/** JSON with object keys sorted, so a dedupe key ignores key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ cursor: offset })).toString('base64url');
}

export function decodePageToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const cursor = isRecord(parsed) ? parsed.cursor : undefined;
    return typeof cursor === 'number' && Number.isInteger(cursor) && cursor >= 0 ? cursor : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A list answer `{data, links: {first, next}, meta}` with `per_page` (1–100, default 25) and an
 * opaque `page_token`, as every list endpoint pages (https://docs.peeker.ai/api-reference/orders/listing-orders).
 */
export function paginate<T>(baseUrl: string, path: string, query: URLSearchParams, items: T[]): Reply {
  let perPage = 25;
  const perPageRaw = query.get('per_page');
  if (perPageRaw !== null) {
    const n = Number(perPageRaw);
    if (!Number.isInteger(n) || n < 1 || n > 100)
      return invalid('per_page must be between 1 and 100', 'per_page');
    perPage = n;
  }
  let offset = 0;
  const token = query.get('page_token');
  if (token !== null) {
    const decoded = decodePageToken(token);
    if (decoded === undefined) return invalid('page_token is invalid', 'page_token');
    offset = decoded;
  }
  const page = items.slice(offset, offset + perPage);
  const params = new URLSearchParams(query);
  params.delete('page_token');
  params.set('per_page', String(perPage));
  let next: string | null = null;
  if (offset + perPage < items.length) {
    const nextParams = new URLSearchParams(params);
    nextParams.set('page_token', encodePageToken(offset + perPage));
    next = `${baseUrl}${path}?${nextParams}`;
  }
  return {
    status: 200,
    body: {
      data: page,
      links: { first: `${baseUrl}${path}?${params}`, next },
      meta: { path: `${baseUrl}${path}`, per_page: perPage, returned: page.length },
    },
  };
}

/** Keeps only the rows whose fields equal every query parameter that is set. */
export function filterBy<T>(
  query: URLSearchParams,
  rows: T[],
  filters: Array<[param: string, get: (row: T) => string | null | undefined]>,
): T[] {
  return rows.filter((row) =>
    filters.every(([param, get]) => {
      const wanted = query.get(param);
      return wanted === null || get(row) === wanted;
    }),
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
