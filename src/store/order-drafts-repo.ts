import type { Db } from './database.js';

/** The order as sent to Peeker, minus the Smartlead password (kept to pre-fill a corrected order). */
export interface StoredOrderRequest {
  user: string;
  bundle_id: string;
  sequencer: { provider: 'smartlead'; client_id: number; login_email: string };
  forwarding_url: string;
  domains: string[];
  personas: { first_name: string; last_name: string; profile_picture_url: string }[];
}

export interface OrderDraft {
  id: string;
  userId: string;
  channelId: string;
  request: StoredOrderRequest;
  bundleName: string | null;
  reorderOf: string | null;
  status: 'ready' | 'submitting' | 'placed' | 'failed';
  viewId: string | null;
  orderId: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

interface DraftRow {
  id: string;
  user_id: string;
  channel_id: string;
  request: string;
  bundle_name: string | null;
  reorder_of: string | null;
  status: OrderDraft['status'];
  view_id: string | null;
  order_id: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

const toDraft = (row: DraftRow): OrderDraft => ({
  id: row.id,
  userId: row.user_id,
  channelId: row.channel_id,
  request: JSON.parse(row.request) as StoredOrderRequest,
  bundleName: row.bundle_name,
  reorderOf: row.reorder_of,
  status: row.status,
  viewId: row.view_id,
  orderId: row.order_id,
  error: row.error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Orders between the review and Peeker's answer. A draft is claimed before `POST /orders`, so a
 * double click or a Slack retry finds it taken and cannot place a second order. It never holds the
 * Smartlead password.
 */
export function createOrderDraftsRepo(db: Db) {
  const insertDraft = db.prepare(
    `INSERT INTO order_drafts (id, user_id, channel_id, request, bundle_name, reorder_of, status, created_at, updated_at)
     VALUES (@id, @userId, @channelId, @request, @bundleName, @reorderOf, 'ready', @now, @now)`,
  );
  const selectDraft = db.prepare<[string], DraftRow>('SELECT * FROM order_drafts WHERE id = ?');
  const claimDraft = db.prepare<[string | null, number, string]>(
    `UPDATE order_drafts SET status = 'submitting', view_id = COALESCE(?, view_id), updated_at = ?
     WHERE id = ? AND status IN ('ready', 'failed')`,
  );
  const settleDraft = db.prepare<[string, string | null, string | null, number, string]>(
    'UPDATE order_drafts SET status = ?, order_id = ?, error = ?, updated_at = ? WHERE id = ?',
  );
  const selectSubmitting = db.prepare<[], DraftRow>(
    "SELECT * FROM order_drafts WHERE status = 'submitting' ORDER BY updated_at",
  );

  return {
    create(draft: {
      id: string;
      userId: string;
      channelId: string;
      request: StoredOrderRequest;
      bundleName: string | null;
      reorderOf: string | null;
      now: number;
    }): void {
      insertDraft.run({ ...draft, request: JSON.stringify(draft.request) });
    },
    get(id: string): OrderDraft | undefined {
      const row = selectDraft.get(id);
      return row ? toDraft(row) : undefined;
    },
    /** Marks a draft as being placed; false when it is already being placed or was placed (a double click, a retry). */
    claim(id: string, viewId: string | null, now: number): boolean {
      return claimDraft.run(viewId, now, id).changes === 1;
    },
    settle(
      id: string,
      status: 'placed' | 'failed',
      orderId: string | null,
      error: string | null,
      now: number,
    ): void {
      settleDraft.run(status, orderId, error, now, id);
    },
    /** Drafts a previous process was placing when it stopped. */
    submitting(): OrderDraft[] {
      return selectSubmitting.all().map(toDraft);
    },
  };
}

export type OrderDraftsRepo = ReturnType<typeof createOrderDraftsRepo>;
