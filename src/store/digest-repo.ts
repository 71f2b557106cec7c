import type { Db } from './database.js';
import type { Audience } from './orders-repo.js';

/** Where a subject's parent message lives in Slack (null until it was posted). */
export interface ThreadRef {
  channelId: string;
  ts: string;
}

/** A section's first rows and how many there are in all. */
export interface Page<T> {
  total: number;
  rows: T[];
}

/** An import waiting on the registrar for too long. */
export interface StuckImportRow {
  importId: string;
  channelId: string;
  /** When the customer got the nameservers (or the import was submitted, if they never came). */
  waitingSince: number;
  /** Domains neither verified nor failed, in the order they were given. */
  pendingDomains: string[];
  thread: ThreadRef | null;
}

/** An order with pending actions Peeker is waiting on. */
export interface OpenActionsRow {
  orderId: string;
  channelId: string;
  audience: Audience;
  customerEmail: string;
  /** Reasons of the open actions (Peeker's codes, e.g. `profile_picture_not_accessible`), oldest first. */
  reasons: string[];
  oldestAt: number;
  thread: ThreadRef | null;
}

/** An order in progress for too long. */
export interface StuckOrderRow {
  orderId: string;
  channelId: string;
  customerEmail: string;
  domainCount: number;
  connected: number;
  placedAt: number;
  thread: ThreadRef | null;
}

/** How a digest slot was decided. */
export type DigestOutcome = 'queued' | 'nothing';

const WAITING = "imports.phase IN ('awaiting_dns', 'waiting_on_registrar')";
const WAITING_SINCE = 'COALESCE(imports.nameservers_at, imports.submitted_at)';

const threadOf = (channelId: string | null, ts: string | null): ThreadRef | null =>
  channelId && ts ? { channelId, ts } : null;

const stringList = (text: string | null): string[] => {
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};

/**
 * The digest: what needs a person, read straight from the imports, orders and actions
 * (one query for a section's count and one for its first rows), and each `DIGEST_CRON` slot once
 * decided.
 */
export function createDigestRepo(db: Db) {
  const countStuckImports = db.prepare<[number], { n: number }>(
    `SELECT COUNT(*) AS n FROM imports WHERE ${WAITING} AND ${WAITING_SINCE} <= ?`,
  );
  const selectStuckImports = db.prepare<
    [number, number],
    {
      id: string;
      channel_id: string;
      waiting_since: number;
      pending: string;
      message_channel: string | null;
      message_ts: string | null;
    }
  >(
    `SELECT imports.id, imports.channel_id, ${WAITING_SINCE} AS waiting_since,
       (SELECT json_group_array(domain) FROM
          (SELECT domain FROM import_domains d WHERE d.import_id = imports.id AND d.state = 'pending'
           ORDER BY d.position)) AS pending,
       m.channel_id AS message_channel, m.ts AS message_ts
     FROM imports
     LEFT JOIN slack_messages m ON m.subject_type = 'import' AND m.subject_id = imports.id
     WHERE ${WAITING} AND ${WAITING_SINCE} <= ?
     ORDER BY waiting_since, imports.id LIMIT ?`,
  );
  const countOpenActionOrders = db.prepare<[], { n: number }>(
    `SELECT COUNT(DISTINCT a.order_id) AS n FROM order_actions a JOIN orders o ON o.id = a.order_id
     WHERE a.status = 'open' AND o.status <> 'cancelled'`,
  );
  const selectOpenActionOrders = db.prepare<
    [number],
    {
      id: string;
      channel_id: string;
      audience: Audience;
      customer_email: string;
      reasons: string;
      oldest_at: number;
      message_channel: string | null;
      message_ts: string | null;
    }
  >(
    `SELECT o.id, o.channel_id, o.audience, o.customer_email,
       json_group_array(COALESCE(a.reason, a.type, 'action')) AS reasons, MIN(a.created_at) AS oldest_at,
       m.channel_id AS message_channel, m.ts AS message_ts
     FROM order_actions a JOIN orders o ON o.id = a.order_id
     LEFT JOIN slack_messages m ON m.subject_type = 'order' AND m.subject_id = o.id
     WHERE a.status = 'open' AND o.status <> 'cancelled'
     GROUP BY o.id ORDER BY oldest_at, o.id LIMIT ?`,
  );
  const countStuckOrders = db.prepare<[number], { n: number }>(
    "SELECT COUNT(*) AS n FROM orders WHERE status = 'in_progress' AND created_at <= ?",
  );
  const selectStuckOrders = db.prepare<
    [number, number],
    {
      id: string;
      channel_id: string;
      customer_email: string;
      domain_count: number;
      connected: number;
      created_at: number;
      message_channel: string | null;
      message_ts: string | null;
    }
  >(
    `SELECT o.id, o.channel_id, o.customer_email, o.domain_count, o.created_at,
       (SELECT COUNT(*) FROM order_domains d WHERE d.order_id = o.id AND d.state = 'connected') AS connected,
       m.channel_id AS message_channel, m.ts AS message_ts
     FROM orders o
     LEFT JOIN slack_messages m ON m.subject_type = 'order' AND m.subject_id = o.id
     WHERE o.status = 'in_progress' AND o.created_at <= ?
     ORDER BY o.created_at, o.id LIMIT ?`,
  );

  const insertSlot = db.prepare<[number, string, DigestOutcome, number, number]>(
    `INSERT INTO digest_slots (slot_at, channel_id, outcome, items, decided_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (slot_at) DO NOTHING`,
  );
  const selectSlot = db.prepare<[number], { outcome: DigestOutcome; items: number; decided_at: number }>(
    'SELECT outcome, items, decided_at FROM digest_slots WHERE slot_at = ?',
  );
  const selectOrderThread = db.prepare<
    [string],
    { channel_id: string; message_channel: string | null; message_ts: string | null }
  >(
    `SELECT o.channel_id, m.channel_id AS message_channel, m.ts AS message_ts FROM orders o
     LEFT JOIN slack_messages m ON m.subject_type = 'order' AND m.subject_id = o.id WHERE o.id = ?`,
  );
  const deleteSlots = db.prepare<[number]>('DELETE FROM digest_slots WHERE slot_at < ?');
  const selectPreviousSlot = db.prepare<[number], { slot_at: number | null }>(
    'SELECT MAX(slot_at) AS slot_at FROM digest_slots WHERE slot_at < ?',
  );

  return {
    /** Imports waiting on the registrar since `before` or earlier, the longest-waiting first. */
    stuckImports(before: number, limit: number): Page<StuckImportRow> {
      return {
        total: countStuckImports.get(before)?.n ?? 0,
        rows: selectStuckImports.all(before, limit).map((row) => ({
          importId: row.id,
          channelId: row.channel_id,
          waitingSince: row.waiting_since,
          pendingDomains: stringList(row.pending),
          thread: threadOf(row.message_channel, row.message_ts),
        })),
      };
    },

    /** Orders (not cancelled) with open pending actions, the longest-open first. */
    ordersWithOpenActions(limit: number): Page<OpenActionsRow> {
      return {
        total: countOpenActionOrders.get()?.n ?? 0,
        rows: selectOpenActionOrders.all(limit).map((row) => ({
          orderId: row.id,
          channelId: row.channel_id,
          audience: row.audience,
          customerEmail: row.customer_email,
          reasons: stringList(row.reasons),
          oldestAt: row.oldest_at,
          thread: threadOf(row.message_channel, row.message_ts),
        })),
      };
    },

    /** Orders still in progress that were placed at `before` or earlier, the oldest first. */
    stuckOrders(before: number, limit: number): Page<StuckOrderRow> {
      return {
        total: countStuckOrders.get(before)?.n ?? 0,
        rows: selectStuckOrders.all(before, limit).map((row) => ({
          orderId: row.id,
          channelId: row.channel_id,
          customerEmail: row.customer_email,
          domainCount: row.domain_count,
          connected: row.connected,
          placedAt: row.created_at,
          thread: threadOf(row.message_channel, row.message_ts),
        })),
      };
    },

    /** An order's channel and status message (for rows about one of its domains). */
    orderThread(orderId: string): { channelId: string; thread: ThreadRef | null } | undefined {
      const row = selectOrderThread.get(orderId);
      return row
        ? { channelId: row.channel_id, thread: threadOf(row.message_channel, row.message_ts) }
        : undefined;
    },

    /**
     * Records how a schedule slot was decided; false when it already was (a second run for the
     * same slot — a restart, an overlapping catch-up — does nothing).
     */
    decideSlot(
      slotAt: number,
      channelId: string,
      outcome: DigestOutcome,
      items: number,
      now: number,
    ): boolean {
      return insertSlot.run(slotAt, channelId, outcome, items, now).changes === 1;
    },

    slot(slotAt: number): { outcome: DigestOutcome; items: number; decidedAt: number } | undefined {
      const row = selectSlot.get(slotAt);
      return row ? { outcome: row.outcome, items: row.items, decidedAt: row.decided_at } : undefined;
    },

    /** The latest slot decided before `before`. */
    previousSlot(before: number): number | undefined {
      return selectPreviousSlot.get(before)?.slot_at ?? undefined;
    },

    /** Forgets slots before `before` (only the last few hours' matter for catching up). */
    pruneSlots(before: number): number {
      return deleteSlots.run(before).changes;
    },
  };
}

export type DigestRepo = ReturnType<typeof createDigestRepo>;
