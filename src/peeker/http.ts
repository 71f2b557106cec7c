import { setTimeout as delay } from 'node:timers/promises';
import { type $Fetch, FetchError, ofetch } from 'ofetch';
import pThrottle from 'p-throttle';
import type { z } from 'zod';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import {
  errorForStatus,
  PeekerConnectionError,
  PeekerError,
  PeekerRateLimitError,
  PeekerResponseError,
  PeekerTimeoutError,
} from './errors.js';

/** A parsed Peeker answer together with the `Peeker-Request-Id` that produced it. */
export interface PeekerResult<T> {
  data: T;
  requestId: string | undefined;
}

/**
 * How a call may be retried:
 * - `idempotent`: GETs and POSTs Peeker dedupes (import jobs on the domain set, orders on the
 *   identical body) — retried on 429, 5xx, timeouts and network errors;
 * - `unsafe`: retried only when Peeker provably did not act (429, connection refused).
 */
export type RetryMode = 'idempotent' | 'unsafe';

export interface PeekerRequest<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with parameters filled in, e.g. `/domains/import/imp_1`. */
  path: string;
  /** Route template for metrics and errors, e.g. `GET /domains/import/{id}`. */
  route: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Schema of the whole JSON body (usually `{ data: … }`). */
  schema: S;
  retry: RetryMode;
  timeoutMs?: number;
  /** The poll loop passes its own throttle so background work never crowds out people. */
  throttle?: Throttle;
  signal?: AbortSignal;
}

export type Throttle = <T>(fn: () => Promise<T>) => Promise<T>;

export interface PeekerHttpOptions {
  baseUrl: string;
  apiKey: string;
  /** Deadline of writes (a synchronous import can take well over 10 s). */
  timeoutMs: number;
  /** Deadline of reads, capped by `timeoutMs` (default 30 s): a stuck GET must not hold a poll slot for minutes. */
  readTimeoutMs?: number;
  /** Peeker's documented cap; we stay a little under it to absorb clock skew between us and them. */
  rateLimitPerMinute: number;
  /** The limiter's sliding window (60 s; tests use a short one to see it act). */
  rateWindowMs?: number;
  logger: Logger;
  metrics?: Metrics;
  /** Attempts per call, including the first. */
  maxAttempts?: number;
  /** A 429 asking us to wait longer than this is reported instead of waited out. */
  maxRetryAfterSeconds?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  fetch?: typeof globalThis.fetch;
}

export interface PeekerHttp {
  request<S extends z.ZodType>(request: PeekerRequest<S>): Promise<PeekerResult<z.output<S>>>;
  /** A throttle for background callers that may use `share` of the rate limit. */
  createThrottle(share: number): Throttle;
}

/** 5xx and network failures are retried ½ s, 1 s, 2 s… later (with jitter), at most 8 s apart. */
const PEEKER_RETRY_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 8_000 };

/**
 * A sliding-window throttle: no 60 s window ever holds more than 95% of `requestsPerMinute`
 * (the margin absorbs clock skew between us and Peeker). Bursts within the budget go out at
 * once; past it, calls wait for the window to slide.
 */
export function createThrottle(requestsPerMinute: number, windowMs = 60_000): Throttle {
  const limit = Math.max(1, Math.floor(requestsPerMinute * 0.95 * (windowMs / 60_000)));
  const throttle = pThrottle({ limit, interval: windowMs, strict: true });
  return <T>(fn: () => Promise<T>) => throttle(fn)();
}

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted. */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}

/**
 * The transport under every Peeker resource module: bearer auth, a deadline on the whole
 * exchange (ofetch's own `timeout` stops at the headers, so a stalled body would hang), a
 * process-wide limiter under the rate limit, zod-parsed bodies, the error envelope mapped to
 * typed errors, and retries chosen per call.
 */
export function createPeekerHttp(options: PeekerHttpOptions): PeekerHttp {
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 4;
  const maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 120;
  const globalThrottle = createThrottle(options.rateLimitPerMinute, options.rateWindowMs);
  const client: $Fetch = ofetch.create(
    {
      baseURL: options.baseUrl,
      retry: false,
      ignoreResponseError: true,
      responseType: 'text',
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
    },
    options.fetch ? { fetch: options.fetch } : {},
  );

  const timeoutFor = (request: PeekerRequest<z.ZodType>) =>
    request.timeoutMs ??
    (request.method === 'GET'
      ? Math.min(options.readTimeoutMs ?? 30_000, options.timeoutMs)
      : options.timeoutMs);

  async function attempt<S extends z.ZodType>(request: PeekerRequest<S>): Promise<PeekerResult<z.output<S>>> {
    const timeout = AbortSignal.timeout(timeoutFor(request));
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    const started = performance.now();
    let status = 'network';
    try {
      const response = await client.raw<string>(request.path, {
        method: request.method,
        query: request.query,
        body: request.body as Record<string, unknown> | undefined,
        signal,
      });
      status = String(response.status);
      // Reading the body is still covered by `signal`.
      const requestId = response.headers.get('peeker-request-id') ?? undefined;
      const text = typeof response._data === 'string' ? response._data : '';
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch (cause) {
        if (response.status >= 400) throw envelopeError(request.route, response.status, undefined, requestId);
        throw new PeekerResponseError({
          message: `Peeker answered ${response.status} with a body that is not JSON`,
          code: 'malformed_response',
          route: request.route,
          status: response.status,
          requestId,
          cause,
        });
      }
      if (response.status >= 400) throw envelopeError(request.route, response.status, json, requestId);
      const parsed = request.schema.safeParse(json);
      if (!parsed.success) {
        const missing = parsed.error.issues
          .slice(0, 5)
          .map((issue) => issue.path.join('.') || '(body)')
          .join(', ');
        throw new PeekerResponseError({
          message: `Peeker's answer is missing or has unexpected fields: ${missing}`,
          code: 'malformed_response',
          route: request.route,
          status: response.status,
          requestId,
          cause: parsed.error,
        });
      }
      return { data: parsed.data, requestId };
    } catch (error) {
      if (error instanceof PeekerError) throw error;
      if (timeout.aborted) {
        status = 'timeout';
        throw new PeekerTimeoutError({
          message: `Peeker did not answer within ${Math.round(timeoutFor(request) / 1000)} s`,
          code: 'timeout',
          route: request.route,
          cause: error,
        });
      }
      if (request.signal?.aborted) throw request.signal.reason ?? error;
      const code = networkCode(error);
      throw new PeekerConnectionError({
        message: `Could not reach Peeker (${code ?? 'network error'})`,
        code: 'connection_error',
        route: request.route,
        cause: error,
        mayHaveReachedPeeker: code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN',
      });
    } finally {
      options.metrics?.peekerCalls.inc({ route: request.route, status });
      options.metrics?.peekerLatency.observe({ route: request.route }, (performance.now() - started) / 1000);
    }
  }

  function retryDelayMs(error: PeekerError, attemptNumber: number, mode: RetryMode): number | undefined {
    if (error instanceof PeekerRateLimitError) {
      // Capacity 429s on the synchronous import are answered by switching to a job, not by waiting.
      if (error.reason === 'cloudflare_account_capacity') return undefined;
      if (error.retryAfterSeconds > maxRetryAfterSeconds) return undefined;
      return error.retryAfterSeconds * 1000 + random() * 1000;
    }
    const transient =
      error instanceof PeekerConnectionError ||
      error instanceof PeekerTimeoutError ||
      (error.status !== undefined && error.status >= 500);
    if (!transient) return undefined;
    if (mode === 'unsafe' && !(error instanceof PeekerConnectionError && !error.mayHaveReachedPeeker)) {
      return undefined;
    }
    return backoffDelay(PEEKER_RETRY_BACKOFF, attemptNumber - 1, random);
  }

  async function request<S extends z.ZodType>(request: PeekerRequest<S>): Promise<PeekerResult<z.output<S>>> {
    const throttle = request.throttle;
    for (let attemptNumber = 1; ; attemptNumber += 1) {
      try {
        const run = () => globalThrottle(() => attempt(request));
        return await (throttle ? throttle(run) : run());
      } catch (error) {
        if (!(error instanceof PeekerError)) throw error;
        const delay =
          attemptNumber < maxAttempts ? retryDelayMs(error, attemptNumber, request.retry) : undefined;
        const context = {
          route: request.route,
          status: error.status,
          code: error.code,
          requestId: error.requestId,
          attempt: attemptNumber,
        };
        if (delay === undefined) {
          options.logger.debug(context, 'peeker request failed');
          throw error;
        }
        options.logger.warn({ ...context, retryInMs: Math.round(delay) }, 'peeker request failed; retrying');
        await sleep(delay, request.signal);
      }
    }
  }

  return {
    request,
    createThrottle: (share) => createThrottle(options.rateLimitPerMinute * share, options.rateWindowMs),
  };
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error instanceof FetchError ? (error.cause ?? error) : error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function envelopeError(
  route: string,
  status: number,
  body: unknown,
  requestId: string | undefined,
): PeekerError {
  const envelope = (body as { error?: Record<string, unknown> } | undefined)?.error;
  const ErrorClass = errorForStatus(status);
  const details =
    envelope && typeof envelope.details === 'object' && envelope.details !== null
      ? (envelope.details as Record<string, unknown>)
      : {};
  return new ErrorClass({
    message:
      typeof envelope?.message === 'string' && envelope.message.length > 0
        ? envelope.message
        : `Peeker answered HTTP ${status}`,
    code: typeof envelope?.code === 'string' ? envelope.code : `http_${status}`,
    field: typeof envelope?.field === 'string' ? envelope.field : undefined,
    details,
    status,
    route,
    requestId,
  });
}
