import type { Db } from './database.js';

export type WebhookEventStatus = 'pending' | 'applied' | 'ignored' | 'failed';

export interface StoredWebhookEvent {
  eventId: string;
  type: string;
  payload: string;
  eventCreatedAt: string | null;
  receivedAt: number;
  status: WebhookEventStatus;
  attempts: number;
  outcome: string | null;
}

interface EventRow {
  event_id: string;
  type: string;
  payload: string;
  event_created_at: string | null;
  received_at: number;
  status: WebhookEventStatus;
  attempts: number;
  outcome: string | null;
}

const toRecord = (row: EventRow): StoredWebhookEvent => ({
  eventId: row.event_id,
  type: row.type,
  payload: row.payload,
  eventCreatedAt: row.event_created_at,
  receivedAt: row.received_at,
  status: row.status,
  attempts: row.attempts,
  outcome: row.outcome,
});

/** Received Peeker webhook events: stored once per `Peeker-Event-Id`, applied afterwards. */
export function createWebhookEventsRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string | null, number]>(
    `INSERT INTO webhook_events (event_id, type, payload, event_created_at, received_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
  );
  const selectDue = db.prepare<[number, number], EventRow>(
    `SELECT * FROM webhook_events WHERE status = 'pending' AND next_attempt_at <= ?
     ORDER BY received_at, event_id LIMIT ?`,
  );
  const selectOne = db.prepare<[string], EventRow>('SELECT * FROM webhook_events WHERE event_id = ?');
  const settle = db.prepare<[WebhookEventStatus, string, number, string]>(
    'UPDATE webhook_events SET status = ?, outcome = ?, applied_at = ?, attempts = attempts + 1 WHERE event_id = ?',
  );
  const defer = db.prepare<[number, string, string]>(
    'UPDATE webhook_events SET attempts = attempts + 1, next_attempt_at = ?, outcome = ? WHERE event_id = ?',
  );
  const countPending = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM webhook_events WHERE status = 'pending'",
  );
  const prune = db.prepare<[number, number]>(
    `DELETE FROM webhook_events WHERE rowid IN (
       SELECT rowid FROM webhook_events WHERE status != 'pending' AND received_at < ? LIMIT ?)`,
  );
  const selectNextDue = db.prepare<[], { at: number | null }>(
    "SELECT MIN(next_attempt_at) AS at FROM webhook_events WHERE status = 'pending'",
  );

  return {
    /** True when stored now, false when this event ID was already stored (a redelivery). */
    store(event: {
      eventId: string;
      type: string;
      payload: string;
      createdAt: string | null;
      receivedAt: number;
    }): boolean {
      return (
        insert.run(event.eventId, event.type, event.payload, event.createdAt, event.receivedAt).changes === 1
      );
    },
    get(eventId: string): StoredWebhookEvent | undefined {
      const row = selectOne.get(eventId);
      return row ? toRecord(row) : undefined;
    },
    /** Pending events whose next attempt is due, oldest received first. */
    due(now: number, limit: number): StoredWebhookEvent[] {
      return selectDue.all(now, limit).map(toRecord);
    },
    /** Final outcome: applied (state changed or a no-op repeat), ignored (nothing to do), failed. */
    settle(
      eventId: string,
      status: Exclude<WebhookEventStatus, 'pending'>,
      outcome: string,
      now: number,
    ): void {
      settle.run(status, outcome, now, eventId);
    },
    /** Try again later, e.g. an event about an import whose submission has not been recorded yet. */
    defer(eventId: string, nextAttemptAt: number, reason: string): void {
      defer.run(nextAttemptAt, reason, eventId);
    },
    pendingCount(): number {
      return countPending.get()?.n ?? 0;
    },
    /**
     * Forgets settled events received before `before` (a batch at a time). Peeker redelivers for
     * at most 24 hours, so older event IDs are no longer needed for deduplication.
     */
    prune(before: number, limit = 5_000): number {
      return prune.run(before, limit).changes;
    },
    nextDueAt(): number | undefined {
      return selectNextDue.get()?.at ?? undefined;
    },
  };
}

export type WebhookEventsRepo = ReturnType<typeof createWebhookEventsRepo>;
