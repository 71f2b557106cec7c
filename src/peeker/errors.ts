import type { PeekerErrorView } from '../views/peeker-error.js';

/**
 * Peeker's error taxonomy, mapped from HTTP status like stripe-node's. Every error carries the
 * `Peeker-Request-Id` (when Peeker answered at all) so an ops person can quote it to support, and
 * Peeker's own `error.code` / `field` / `details` so callers branch on codes, never on messages.
 */
export class PeekerError extends Error {
  /** Peeker's `error.code`, or one of ours for failures Peeker did not describe. */
  readonly code: string;
  readonly status: number | undefined;
  readonly field: string | undefined;
  readonly details: Record<string, unknown>;
  readonly requestId: string | undefined;
  /** Route template, e.g. `GET /domains/import/{id}`. */
  readonly route: string;

  constructor(init: {
    message: string;
    code: string;
    route: string;
    status?: number | undefined;
    field?: string | null | undefined;
    details?: Record<string, unknown> | undefined;
    requestId?: string | undefined;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.route = init.route;
    this.status = init.status;
    this.field = init.field ?? undefined;
    this.details = init.details ?? {};
    this.requestId = init.requestId;
  }
}

/** 400/422 and other 4xx: the request itself is wrong; fix it, do not retry. */
export class PeekerInvalidRequestError extends PeekerError {}
/** 401: missing, malformed or revoked API key. */
export class PeekerAuthenticationError extends PeekerError {}
/** 403: the key's permission preset does not allow this. */
export class PeekerPermissionError extends PeekerError {}
/** 404: nothing with that ID in this partner account. */
export class PeekerNotFoundError extends PeekerError {}

/** 429: over the rate limit, or (live synchronous imports) Cloudflare capacity busy. */
export class PeekerRateLimitError extends PeekerError {
  get retryAfterSeconds(): number {
    const value = Number(this.details.retry_after_seconds);
    return Number.isFinite(value) && value >= 0 ? value : 1;
  }

  /** `details.reason`, e.g. `cloudflare_account_capacity`. */
  get reason(): string | undefined {
    return typeof this.details.reason === 'string' ? this.details.reason : undefined;
  }
}

/** 5xx: Peeker failed; retried with backoff, reported with the request ID if it persists. */
export class PeekerServerError extends PeekerError {}

/** The request never got an HTTP answer (connection refused or reset, DNS, TLS). */
export class PeekerConnectionError extends PeekerError {
  /** False only when we know the request never reached Peeker (connection refused). */
  readonly mayHaveReachedPeeker: boolean;

  constructor(init: ConstructorParameters<typeof PeekerError>[0] & { mayHaveReachedPeeker: boolean }) {
    super(init);
    this.mayHaveReachedPeeker = init.mayHaveReachedPeeker;
  }
}

/** No answer within the timeout; Peeker may or may not have acted on the request. */
export class PeekerTimeoutError extends PeekerError {}

/** Peeker answered 2xx with a body we cannot use (not JSON, or missing required fields). */
export class PeekerResponseError extends PeekerError {}

/** Maps an error HTTP answer to the matching class. */
export function errorForStatus(status: number): typeof PeekerError {
  if (status === 401) return PeekerAuthenticationError;
  if (status === 403) return PeekerPermissionError;
  if (status === 404) return PeekerNotFoundError;
  if (status === 429) return PeekerRateLimitError;
  if (status >= 500) return PeekerServerError;
  return PeekerInvalidRequestError;
}

/**
 * What an ops person needs to know about a Peeker failure: the views' plain-data shape (views may
 * not import from here, so the type lives with them).
 */
export type PeekerErrorInfo = PeekerErrorView;

export function describePeekerError(error: unknown): PeekerErrorInfo {
  if (!(error instanceof PeekerError)) {
    return {
      kind: 'unavailable',
      code: 'internal_error',
      message: 'Something went wrong on our side while talking to Peeker.',
      field: undefined,
      requestId: undefined,
      retryAfterSeconds: undefined,
    };
  }
  const kind: PeekerErrorInfo['kind'] =
    error instanceof PeekerRateLimitError
      ? 'rate_limited'
      : error instanceof PeekerAuthenticationError || error instanceof PeekerPermissionError
        ? 'auth'
        : error instanceof PeekerServerError ||
            error instanceof PeekerConnectionError ||
            error instanceof PeekerTimeoutError ||
            error instanceof PeekerResponseError
          ? 'unavailable'
          : 'rejected';
  return {
    kind,
    code: error.code,
    message: error.message,
    field: error.field,
    requestId: error.requestId,
    retryAfterSeconds: error instanceof PeekerRateLimitError ? error.retryAfterSeconds : undefined,
  };
}
