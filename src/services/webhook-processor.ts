import { type BackgroundGate, nextTurnGate } from '../lib/background-gate.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { singleFlight } from '../lib/single-flight.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { KNOWN_EVENT_TYPES, type WebhookEvent, webhookEventSchema } from '../peeker/webhook-events.js';
import type { Db } from '../store/database.js';
import { isStorageFailure } from '../store/storage-health.js';
import type { StoredWebhookEvent, WebhookEventsRepo } from '../store/webhook-events-repo.js';

/**
 * What applying one event did. Handlers are synchronous (SQLite only) so the change and the
 * event's `applied` mark commit in one transaction: an event is applied exactly once, even if the
 * process dies mid-way. Work that needs the network is queued in SQLite by the handler.
 */
export type EventOutcome =
  | { status: 'applied'; outcome: string }
  | { status: 'ignored'; outcome: string }
  | { status: 'retry'; outcome: string; delayMs: number };

export type EventHandler = (event: WebhookEvent, stored: StoredWebhookEvent, now: number) => EventOutcome;

/** An event about something we have not recorded yet (Peeker can be faster than its own POST answer). */
export const MAX_UNKNOWN_SUBJECT_WAIT_MS = 60 * 60_000;
/** Such an event is looked at again 1 s, 2 s, 4 s… later, at most 5 minutes apart. */
const UNKNOWN_SUBJECT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 5 * 60_000, jitter: false };
/** An event whose handler threw is retried 1 s, 2 s, 4 s, 8 s, 16 s later, then parked. */
const HANDLER_ERROR_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 60_000, jitter: false };
const MAX_HANDLER_ATTEMPTS = 5;

export function retryLater(stored: StoredWebhookEvent, now: number, outcome: string): EventOutcome {
  if (now - stored.receivedAt > MAX_UNKNOWN_SUBJECT_WAIT_MS) return { status: 'ignored', outcome };
  return { status: 'retry', outcome, delayMs: backoffDelay(UNKNOWN_SUBJECT_BACKOFF, stored.attempts) };
}

const BATCH = 200;
/**
 * A batch also ends once it has taken this long (the events after it stay pending for the next
 * one): one batch is one synchronous stretch of the event loop, which a request arriving meanwhile
 * waits for.
 */
const BATCH_BUDGET_MS = 2;

export function metricType(type: string): string {
  return (KNOWN_EVENT_TYPES as readonly string[]).includes(type) ? type : 'unknown';
}

/** Applies stored webhook events in the order they were received. */
export function createWebhookProcessor(options: {
  db: Db;
  events: WebhookEventsRepo;
  handlers: Record<string, EventHandler>;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Acks first: each batch waits until no request awaits its answer. */
  gate?: BackgroundGate;
  /** How long one batch may take before it commits and yields (default 2 ms). */
  batchBudgetMs?: number;
}) {
  const now = options.now ?? Date.now;
  const gate = options.gate ?? nextTurnGate;
  const batchBudgetMs = options.batchBudgetMs ?? BATCH_BUDGET_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const settleOne = options.db.transaction((stored: StoredWebhookEvent, at: number): EventOutcome => {
    let result: EventOutcome;
    const parsed = webhookEventSchema.safeParse(safeJson(stored.payload));
    if (!parsed.success) {
      result = { status: 'ignored', outcome: 'malformed payload' };
    } else {
      const handler = options.handlers[parsed.data.type];
      result = handler
        ? handler(parsed.data, stored, at)
        : { status: 'ignored', outcome: 'no handler for this type' };
    }
    if (result.status === 'retry') options.events.defer(stored.eventId, at + result.delayMs, result.outcome);
    else options.events.settle(stored.eventId, result.status, result.outcome, at);
    return result;
  });

  function applyOne(stored: StoredWebhookEvent): EventOutcome {
    const at = now();
    try {
      return settleOne(stored, at);
    } catch (error) {
      // Storage refusing writes is no fault of the event: stop here, it is applied once writes work.
      if (isStorageFailure(error)) throw error;
      // A bug or a corrupt row must not block every later event: park it and move on.
      options.logger.error(
        { eventId: stored.eventId, type: stored.type, err: error },
        'applying webhook event failed',
      );
      const outcome: EventOutcome =
        stored.attempts >= MAX_HANDLER_ATTEMPTS
          ? { status: 'ignored', outcome: 'failed repeatedly' }
          : {
              status: 'retry',
              outcome: 'error',
              delayMs: backoffDelay(HANDLER_ERROR_BACKOFF, stored.attempts),
            };
      if (outcome.status === 'retry') options.events.defer(stored.eventId, at + outcome.delayMs, 'error');
      else options.events.settle(stored.eventId, 'failed', 'failed repeatedly', at);
      return outcome;
    }
  }

  // One commit per batch: each event still applies in its own savepoint (a failing one rolls back
  // alone), but a burst costs one commit, not one per event. A batch stops early once it has run
  // for `batchBudgetMs`; the events it did not reach stay pending, in order, for the next batch.
  const applyBatch = options.db.transaction((due: readonly StoredWebhookEvent[]) => {
    const started = performance.now();
    const results: EventOutcome[] = [];
    for (const stored of due) {
      if (results.length > 0 && performance.now() - started >= batchBudgetMs) break;
      results.push(applyOne(stored));
    }
    return results;
  });

  async function drain(): Promise<void> {
    for (;;) {
      // Out of the request that stored the event, and behind any request waiting for its answer.
      await gate.turn();
      if (stopped) return;
      const due = options.events.due(now(), BATCH);
      if (due.length === 0) break;
      for (const [index, result] of applyBatch(due).entries()) {
        const stored = due[index];
        if (!stored) continue;
        options.metrics?.webhookApplied.inc({ type: metricType(stored.type), outcome: result.status });
        if (result.status !== 'retry') {
          options.logger.debug(
            { eventId: stored.eventId, type: stored.type, ...result },
            'webhook event settled',
          );
        }
      }
      // HTTP requests go in between batches (a burst must not starve webhook receipt): the
      // gate is waited for at the top of the loop.
    }
    scheduleNext();
  }

  function scheduleNext(): void {
    if (timer) clearTimeout(timer);
    const next = options.events.nextDueAt();
    if (next === undefined || stopped) return;
    timer = setTimeout(() => processor.notify(), Math.max(10, Math.min(60_000, next - now())));
    timer.unref();
  }

  const draining = singleFlight(drain, (error) =>
    options.logger.error({ err: error }, 'webhook processing failed'),
  );

  const processor = {
    /** New events were stored: apply them soon (coalesces many notifications into one pass). */
    notify(): void {
      if (!stopped) draining.trigger();
    },
    /** Applies everything due now and waits for it (start-up recovery, tests). */
    async drainNow(): Promise<void> {
      processor.notify();
      await draining.idle();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await draining.idle();
    },
  };
  return processor;
}

export type WebhookProcessor = ReturnType<typeof createWebhookProcessor>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
