import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import type { PeekerClient } from '../peeker/client.js';
import {
  describePeekerError,
  PeekerConnectionError,
  type PeekerErrorInfo,
  PeekerResponseError,
  PeekerServerError,
  PeekerTimeoutError,
} from '../peeker/errors.js';
import type { PeekerSwap } from '../peeker/swaps.js';
import type { SwapRequest, SwapsRepo } from '../store/swaps-repo.js';
import type { SwapTracker } from './swap-tracker.js';

/** What became of one attempt to send a claimed swap or rename. */
export type SendOutcome =
  | { status: 'recorded'; swapIds: string[]; adopted: boolean }
  | { status: 'rejected'; error: PeekerErrorInfo }
  /** Peeker did not answer usefully; the claim stays and is sent (after a lookup) later. */
  | { status: 'pending'; error: PeekerErrorInfo }
  /** Someone else is sending it right now. */
  | { status: 'busy' };

/** Attempts (each after a lookup found nothing) before a claim is given up. */
const MAX_ATTEMPTS = 8;
/** Tries now, 1 s and 2 s apart (then the poll loop takes over). */
const ATTEMPTS_NOW = 3;
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 4_000 };
/**
 * After an attempt that may have reached Peeker (a timeout, a 5xx, a connection lost mid-request),
 * a lookup that finds nothing only counts once the attempt is this old: Peeker may still be
 * working on it. Until then the claim waits (the poll loop looks again).
 */
export const REPOST_GRACE_MS = 60_000;
/** Peeker's clock and ours may differ: a swap created a little before our claim can still be ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Whether Peeker may have acted on a POST that failed this way (a lookup must come before any retry). */
export function mayHaveActed(error: unknown): boolean {
  return (
    error instanceof PeekerTimeoutError ||
    error instanceof PeekerServerError ||
    (error instanceof PeekerResponseError && error.status !== undefined && error.status < 300) ||
    (error instanceof PeekerConnectionError && error.mayHaveReachedPeeker)
  );
}

/** A refusal recorded on the claim, as the views show Peeker errors. */
export function storedError(request: SwapRequest): PeekerErrorInfo {
  return {
    kind: 'rejected',
    code: request.error?.code ?? 'rejected',
    message: request.error?.message ?? 'Peeker refused the request.',
    field: request.error?.field ?? undefined,
    requestId: request.error?.requestId ?? undefined,
    retryAfterSeconds: undefined,
  };
}

/**
 * Sends claimed swaps (`POST /swaps`) and renames (`POST /swaps/user_names`). Neither is
 * idempotent at Peeker and a second swap would retire or bill twice, so: the request is claimed
 * in SQLite first; the client never retries these POSTs itself; and before any retry — also after
 * a restart — `GET /swaps?domain_id=` is read, and a swap Peeker already made for the claim is
 * adopted instead of sending another.
 */
export function createSwapSender(deps: {
  swaps: SwapsRepo;
  tracker: SwapTracker;
  peeker: PeekerClient;
  logger: Logger;
  now: () => number;
  wait?: (ms: number) => Promise<unknown>;
}) {
  const wait = deps.wait ?? ((ms: number) => sleep(ms));
  const sending = new Set<number>();

  /** The swap (or rename rows) Peeker made for this claim, if the lookup finds any. */
  async function lookup(request: SwapRequest): Promise<PeekerSwap[]> {
    const { data } = await deps.peeker.swaps.list({ domainId: request.domainId });
    const since = request.createdAt - CLOCK_SKEW_MS;
    const fresh = (swap: PeekerSwap) => {
      const created = swap.created_at ? Date.parse(swap.created_at) : Number.NaN;
      return (Number.isNaN(created) || created >= since) && deps.swaps.row(swap.id) === undefined;
    };
    if (request.kind === 'rename') return data.filter((swap) => swap.type === 'user_names' && fresh(swap));
    const match = data.find(
      (swap) =>
        swap.type !== 'user_names' &&
        (swap.replacement_domain ?? '').toLowerCase() === (request.replacement ?? '') &&
        fresh(swap),
    );
    return match ? [match] : [];
  }

  function record(request: SwapRequest, rows: PeekerSwap[], adopted: boolean): SendOutcome {
    const now = deps.now();
    if (request.kind === 'rename') deps.tracker.recordRename(request.id, rows, now);
    else if (rows[0]) deps.tracker.recordSwap(request.id, rows[0], now);
    return { status: 'recorded', swapIds: rows.map((row) => row.id), adopted };
  }

  async function post(request: SwapRequest): Promise<PeekerSwap[]> {
    if (request.kind === 'rename') {
      const personas = (request.personas ?? []).map((persona) => ({
        first_name: persona.firstName,
        last_name: persona.lastName,
        profile_picture_url: persona.pictureUrl,
      }));
      return (await deps.peeker.swaps.renameUsers({ domainId: request.domainId, personas })).data;
    }
    const type = request.type === 'premium' ? 'premium' : 'standard';
    const { data } = await deps.peeker.swaps.create({
      type,
      domainId: request.domainId,
      replacementDomain: request.replacement ?? '',
    });
    return [data];
  }

  /**
   * Sends a claimed request once (looking it up first when an earlier attempt may have reached
   * Peeker, or `lookupFirst` says so: a resumed claim), retrying a few times now.
   */
  async function send(requestId: number, options: { lookupFirst: boolean }): Promise<SendOutcome> {
    if (sending.has(requestId)) return { status: 'busy' };
    const initial = deps.swaps.get(requestId);
    if (!initial) return { status: 'rejected', error: describePeekerError(new Error('unknown request')) };
    if (initial.state === 'rejected') return { status: 'rejected', error: storedError(initial) };
    if (initial.state === 'submitted') {
      return {
        status: 'recorded',
        swapIds: deps.swaps.rowsOf(requestId).map((row) => row.id),
        adopted: false,
      };
    }
    sending.add(requestId);
    // Whether an earlier attempt (this process's or one before a restart) may have reached Peeker:
    // then a lookup comes first, and its "none" counts only once that attempt is old enough.
    let uncertain = options.lookupFirst || initial.attempts > 0;
    let graceApplies = uncertain;
    let last: PeekerErrorInfo | undefined;
    try {
      for (let attempt = 0; attempt < ATTEMPTS_NOW; attempt += 1) {
        const request = deps.swaps.get(requestId);
        if (request?.state !== 'submitting') break;
        if (uncertain) {
          let found: PeekerSwap[];
          try {
            found = await lookup(request);
          } catch (error) {
            // Without the lookup nothing may be sent again: wait for a later attempt.
            last = describePeekerError(error);
            deps.logger.warn({ requestId, code: last.code }, 'swap lookup failed; not sending');
            await wait(backoffDelay(RETRY_BACKOFF, attempt));
            continue;
          }
          if (found.length > 0) {
            deps.logger.info(
              { requestId, swaps: found.map((s) => s.id) },
              'adopted a swap Peeker had already made',
            );
            return record(request, found, true);
          }
          // Peeker may still be working on an attempt it received: the lookup only proves "none"
          // once that attempt is well in the past.
          if (graceApplies && deps.now() - request.updatedAt < REPOST_GRACE_MS) {
            await wait(backoffDelay(RETRY_BACKOFF, attempt));
            continue;
          }
        }
        if (request.attempts >= MAX_ATTEMPTS) {
          // Peeker never confirmed and has none: stop, rather than send for ever.
          const error = {
            code: 'no_answer',
            message: `Peeker did not confirm it after ${request.attempts} attempts, and lists none. Nothing more is sent; try again later or ask Peeker support.`,
            field: null,
            requestId: null,
          };
          deps.tracker.reject(requestId, error, deps.now());
          return { status: 'rejected', error: storedError({ ...request, error }) };
        }
        try {
          const rows = await post(request);
          return record(request, rows, false);
        } catch (error) {
          last = describePeekerError(error);
          if (last.kind === 'rejected' || last.kind === 'auth') {
            deps.tracker.reject(
              requestId,
              {
                code: last.code,
                message: last.message,
                field: last.field ?? null,
                requestId: last.requestId ?? null,
              },
              deps.now(),
            );
            return { status: 'rejected', error: last };
          }
          deps.tracker.noteAttempt(requestId, deps.now());
          deps.logger.warn(
            {
              requestId,
              code: last.code,
              peekerRequestId: last.requestId,
              mayHaveActed: mayHaveActed(error),
            },
            'swap not answered; it is looked up before any retry',
          );
          // A failure that proves Peeker did nothing (429, connection refused) may be sent again
          // soon; one that may have reached Peeker only after the grace period. A lookup first, always.
          uncertain = true;
          graceApplies = mayHaveActed(error);
          await wait(backoffDelay(RETRY_BACKOFF, attempt));
        }
      }
    } finally {
      sending.delete(requestId);
    }
    const current = deps.swaps.get(requestId);
    if (current?.state === 'submitted') {
      return {
        status: 'recorded',
        swapIds: deps.swaps.rowsOf(requestId).map((row) => row.id),
        adopted: false,
      };
    }
    return {
      status: 'pending',
      error: last ?? {
        kind: 'unavailable',
        code: 'not_confirmed',
        message: 'Peeker has not confirmed it yet.',
        field: undefined,
        requestId: undefined,
        retryAfterSeconds: undefined,
      },
    };
  }

  return {
    send,
    /** Whether a request is being sent by this process right now. */
    isSending: (requestId: number) => sending.has(requestId),
    /**
     * Claims left unanswered (a restart, Peeker unreachable): looked up, then sent if Peeker has
     * none. `olderThanMs` leaves alone claims someone is about to send.
     */
    async resume(options: {
      olderThanMs: number;
      limit: number;
    }): Promise<{ attempted: number; recorded: number }> {
      const result = { attempted: 0, recorded: 0 };
      const cutoff = deps.now() - options.olderThanMs;
      for (const request of deps.swaps.submitting()) {
        if (result.attempted >= options.limit) break;
        if (sending.has(request.id) || request.updatedAt > cutoff) continue;
        result.attempted += 1;
        const outcome = await send(request.id, { lookupFirst: true });
        if (outcome.status === 'recorded') result.recorded += 1;
      }
      return result;
    },
  };
}

export type SwapSender = ReturnType<typeof createSwapSender>;
