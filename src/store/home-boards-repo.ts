import type { Db } from './database.js';
import type { ThreadRef } from './digest-repo.js';
import type { ImportPhase } from './imports-repo.js';
import type { OrderAction } from './order-actions-repo.js';
import type { Audience, OrderStatus } from './orders-repo.js';

/** One of a person's imports, as their board lists it. */
export interface BoardImportRow {
  importId: string;
  channelId: string;
  phase: ImportPhase;
  submittedAt: number;
  /** When the customer got the nameservers (or the import was submitted, if they never came). */
  waitingSince: number;
  finishedAt: number | null;
  domainCount: number;
  /** Domains neither verified nor failed, in the order they were given. */
  pendingDomains: string[];
  /** The first few domains, for naming the import. */
  firstDomains: string[];
  thread: ThreadRef | null;
}

/** One of a person's orders, as their board lists it. */
export interface BoardOrderRow {
  orderId: string;
  channelId: string;
  audience: Audience;
  customerEmail: string;
  bundleName: string | null;
  domainCount: number;
  connected: number;
  status: OrderStatus;
  openActions: number;
  createdAt: number;
  updatedAt: number;
  thread: ThreadRef | null;
}

/** Someone who opened the Home tab, and the signature of the board they were last shown. */
export interface BoardSubscriber {
  userId: string;
  openedAt: number;
  publishedAt: number | null;
  signature: string | null;
}

interface ActionRow {
  id: string;
  order_id: string;
  type: string | null;
  reason: string | null;
  status: string;
  domain: string | null;
  persona: string | null;
  message: string | null;
  created_at: number;
  updated_at: number;
}

const FINISHED_IMPORT = "i.phase IN ('verified', 'failed')";
const FINISHED_ORDER = "o.status IN ('completed', 'failed', 'cancelled')";

const threadOf = (channelId: string | null, ts: string | null): ThreadRef | null =>
  channelId && ts ? { channelId, ts } : null;

const stringList = (text: string | null): string[] => {
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};

/**
 * The App Home board of each person: the imports they asked for, the orders they
 * placed and the open actions on them — unfinished ones and those finished since `recentSince` —
 * plus who opened the tab and what they were last shown, so a change republishes it.
 */
export function createHomeBoardsRepo(db: Db) {
  const importWhere = `i.requested_by = @user AND (NOT ${FINISHED_IMPORT} OR i.finished_at >= @recent)`;
  const countImports = db.prepare<{ user: string; recent: number }, { n: number }>(
    `SELECT COUNT(*) AS n FROM imports i WHERE ${importWhere}`,
  );
  const selectImports = db.prepare<
    { user: string; recent: number; limit: number },
    {
      id: string;
      channel_id: string;
      phase: ImportPhase;
      submitted_at: number;
      waiting_since: number;
      finished_at: number | null;
      domain_count: number;
      pending: string;
      first_domains: string;
      message_channel: string | null;
      message_ts: string | null;
    }
  >(
    `SELECT i.id, i.channel_id, i.phase, i.submitted_at, COALESCE(i.nameservers_at, i.submitted_at) AS waiting_since,
       i.finished_at,
       (SELECT COUNT(*) FROM import_domains d WHERE d.import_id = i.id) AS domain_count,
       (SELECT json_group_array(domain) FROM
          (SELECT domain FROM import_domains d WHERE d.import_id = i.id AND d.state = 'pending' ORDER BY d.position)) AS pending,
       (SELECT json_group_array(domain) FROM
          (SELECT domain FROM import_domains d WHERE d.import_id = i.id ORDER BY d.position LIMIT 3)) AS first_domains,
       m.channel_id AS message_channel, m.ts AS message_ts
     FROM imports i
     LEFT JOIN slack_messages m ON m.subject_type = 'import' AND m.subject_id = i.id
     WHERE ${importWhere}
     ORDER BY CASE WHEN ${FINISHED_IMPORT} THEN 1 ELSE 0 END, waiting_since, i.id
     LIMIT @limit`,
  );

  const orderWhere = `o.placed_by = @user AND (NOT ${FINISHED_ORDER} OR o.updated_at >= @recent)`;
  const countOrders = db.prepare<{ user: string; recent: number }, { n: number }>(
    `SELECT COUNT(*) AS n FROM orders o WHERE ${orderWhere}`,
  );
  const selectOrders = db.prepare<
    { user: string; recent: number; limit: number },
    {
      id: string;
      channel_id: string;
      audience: Audience;
      customer_email: string;
      bundle_name: string | null;
      domain_count: number;
      connected: number;
      status: OrderStatus;
      open_actions: number;
      created_at: number;
      updated_at: number;
      message_channel: string | null;
      message_ts: string | null;
    }
  >(
    `SELECT o.id, o.channel_id, o.audience, o.customer_email, o.bundle_name, o.domain_count, o.status,
       o.created_at, o.updated_at,
       (SELECT COUNT(*) FROM order_domains d WHERE d.order_id = o.id AND d.state = 'connected') AS connected,
       (SELECT COUNT(*) FROM order_actions a WHERE a.order_id = o.id AND a.status = 'open') AS open_actions,
       m.channel_id AS message_channel, m.ts AS message_ts
     FROM orders o
     LEFT JOIN slack_messages m ON m.subject_type = 'order' AND m.subject_id = o.id
     WHERE ${orderWhere}
     ORDER BY CASE WHEN ${FINISHED_ORDER} THEN 1 ELSE 0 END, o.created_at, o.id
     LIMIT @limit`,
  );

  const actionWhere = "a.status = 'open' AND o.placed_by = ? AND o.status <> 'cancelled'";
  const countActions = db.prepare<[string], { n: number }>(
    `SELECT COUNT(*) AS n FROM order_actions a JOIN orders o ON o.id = a.order_id WHERE ${actionWhere}`,
  );
  const selectActions = db.prepare<[string, number], ActionRow>(
    `SELECT a.* FROM order_actions a JOIN orders o ON o.id = a.order_id WHERE ${actionWhere}
     ORDER BY a.created_at, a.id LIMIT ?`,
  );

  const upsertOpened = db.prepare<[string, number]>(
    `INSERT INTO home_boards (user_id, opened_at) VALUES (?, ?)
     ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at`,
  );
  const updatePublished = db.prepare<[string, number, string]>(
    'UPDATE home_boards SET signature = ?, published_at = ? WHERE user_id = ?',
  );
  const selectSubscribers = db.prepare<
    [number, number],
    { user_id: string; opened_at: number; published_at: number | null; signature: string | null }
  >('SELECT * FROM home_boards WHERE opened_at >= ? ORDER BY opened_at DESC LIMIT ?');
  const selectSubscriber = db.prepare<
    [string],
    { user_id: string; opened_at: number; published_at: number | null; signature: string | null }
  >('SELECT * FROM home_boards WHERE user_id = ?');

  const toSubscriber = (row: {
    user_id: string;
    opened_at: number;
    published_at: number | null;
    signature: string | null;
  }): BoardSubscriber => ({
    userId: row.user_id,
    openedAt: row.opened_at,
    publishedAt: row.published_at,
    signature: row.signature,
  });

  return {
    /** A person's imports: unfinished ones first (longest waiting first), then those finished since `recentSince`. */
    importsOf(userId: string, recentSince: number, limit: number): { total: number; rows: BoardImportRow[] } {
      const params = { user: userId, recent: recentSince };
      return {
        total: countImports.get(params)?.n ?? 0,
        rows: selectImports.all({ ...params, limit }).map((row) => ({
          importId: row.id,
          channelId: row.channel_id,
          phase: row.phase,
          submittedAt: row.submitted_at,
          waitingSince: row.waiting_since,
          finishedAt: row.finished_at,
          domainCount: row.domain_count,
          pendingDomains: stringList(row.pending),
          firstDomains: stringList(row.first_domains),
          thread: threadOf(row.message_channel, row.message_ts),
        })),
      };
    },

    /** A person's orders: unfinished ones first (oldest first), then those finished since `recentSince`. */
    ordersOf(userId: string, recentSince: number, limit: number): { total: number; rows: BoardOrderRow[] } {
      const params = { user: userId, recent: recentSince };
      return {
        total: countOrders.get(params)?.n ?? 0,
        rows: selectOrders.all({ ...params, limit }).map((row) => ({
          orderId: row.id,
          channelId: row.channel_id,
          audience: row.audience,
          customerEmail: row.customer_email,
          bundleName: row.bundle_name,
          domainCount: row.domain_count,
          connected: row.connected,
          status: row.status,
          openActions: row.open_actions,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
          thread: threadOf(row.message_channel, row.message_ts),
        })),
      };
    },

    /** Open actions on the (not cancelled) orders a person placed, the oldest first. */
    openActionsOf(userId: string, limit: number): { total: number; rows: OrderAction[] } {
      return {
        total: countActions.get(userId)?.n ?? 0,
        rows: selectActions.all(userId, limit).map((row) => ({
          id: row.id,
          orderId: row.order_id,
          type: row.type,
          reason: row.reason,
          status: row.status,
          domain: row.domain,
          persona: row.persona ? (JSON.parse(row.persona) as OrderAction['persona']) : null,
          message: row.message,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        })),
      };
    },

    /** Someone opened their Home tab (they are kept up to date from now on). */
    opened(userId: string, now: number): void {
      upsertOpened.run(userId, now);
    },

    /** Records what a person was shown (its signature) after a publish. */
    published(userId: string, signature: string, now: number): void {
      updatePublished.run(signature, now, userId);
    },

    subscriber(userId: string): BoardSubscriber | undefined {
      const row = selectSubscriber.get(userId);
      return row ? toSubscriber(row) : undefined;
    },

    /** People who opened their Home tab since `since`, the most recent first. */
    subscribers(since: number, limit: number): BoardSubscriber[] {
      return selectSubscribers.all(since, limit).map(toSubscriber);
    },
  };
}

export type HomeBoardsRepo = ReturnType<typeof createHomeBoardsRepo>;
