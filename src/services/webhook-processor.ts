import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { KNOWN_EVENT_TYPES, type WebhookEvent, webhookEventSchema } from '../peeker/webhook-events.js';
import type { Db } from '../store/database.js';
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

export function retryLater(stored: StoredWebhookEvent, now: number, outcome: string): EventOutcome {
  if (now - stored.receivedAt > MAX_UNKNOWN_SUBJECT_WAIT_MS) return { status: 'ignored', outcome };
  return {
    status: 'retry',
    outcome,
    delayMs: Math.min(5 * 60_000, 1000 * 2 ** Math.min(stored.attempts, 12)),
  };
}

const BATCH = 200;

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
  /** Called after a batch changed something (the Slack outbox has work). */
  onApplied?: () => void;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  let running: Promise<void> | undefined;
  let again = false;
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
      // A bug or a corrupt row must not block every later event: park it and move on.
      options.logger.error(
        { eventId: stored.eventId, type: stored.type, err: error },
        'applying webhook event failed',
      );
      const outcome: EventOutcome =
        stored.attempts >= 5
          ? { status: 'ignored', outcome: 'failed repeatedly' }
          : { status: 'retry', outcome: 'error', delayMs: 1000 * 2 ** stored.attempts };
      if (outcome.status === 'retry') options.events.defer(stored.eventId, at + outcome.delayMs, 'error');
      else options.events.settle(stored.eventId, 'failed', 'failed repeatedly', at);
      return outcome;
    }
  }

  // One commit per batch: each event still applies in its own savepoint (a failing one rolls back
  // alone), but a burst costs one commit, not one per event.
  const applyBatch = options.db.transaction((due: readonly StoredWebhookEvent[]) =>
    due.map((stored) => applyOne(stored)),
  );

  async function drain(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const due = options.events.due(now(), BATCH);
        if (due.length === 0) break;
        let changed = false;
        for (const [index, result] of applyBatch(due).entries()) {
          const stored = due[index];
          if (!stored) continue;
          options.metrics?.webhookApplied.inc({ type: metricType(stored.type), outcome: result.status });
          if (result.status === 'applied') changed = true;
          if (result.status !== 'retry') {
            options.logger.debug(
              { eventId: stored.eventId, type: stored.type, ...result },
              'webhook event settled',
            );
          }
        }
        if (changed) options.onApplied?.();
        // Let HTTP requests in between batches (a burst must not starve webhook receipt).
        await new Promise((resolve) => setImmediate(resolve));
        if (stopped) return;
      }
    } while (again && !stopped);
    scheduleNext();
  }

  function scheduleNext(): void {
    if (timer) clearTimeout(timer);
    const next = options.events.nextDueAt();
    if (next === undefined || stopped) return;
    timer = setTimeout(() => processor.notify(), Math.max(10, Math.min(60_000, next - now())));
    timer.unref();
  }

  const processor = {
    /** New events were stored: apply them soon (coalesces many notifications into one pass). */
    notify(): void {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = drain()
        .catch((error: unknown) => options.logger.error({ err: error }, 'webhook processing failed'))
        .finally(() => {
          running = undefined;
        });
    },
    /** Applies everything due now and waits for it (start-up recovery, tests). */
    async drainNow(): Promise<void> {
      processor.notify();
      while (running) await running;
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
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
