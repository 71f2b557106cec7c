import type { Db } from './database.js';

export interface OrderAction {
  id: string;
  orderId: string;
  type: string | null;
  reason: string | null;
  status: string;
  domain: string | null;
  persona: { firstName: string; lastName: string; pictureUrl: string | null } | null;
  message: string | null;
  createdAt: number;
  updatedAt: number;
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

const toAction = (row: ActionRow): OrderAction => ({
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
});

/** The pending actions Peeker lists for our orders (`GET /orders/pending`), open or resolved. */
export function createOrderActionsRepo(db: Db) {
  const upsertAction = db.prepare(
    `INSERT INTO order_actions (id, order_id, type, reason, status, domain, persona, message, created_at, updated_at)
     VALUES (@id, @orderId, @type, @reason, @status, @domain, @persona, @message, @now, @now)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, message = excluded.message, updated_at = excluded.updated_at`,
  );
  const selectAction = db.prepare<[string], ActionRow>('SELECT * FROM order_actions WHERE id = ?');
  const selectOpenActions = db.prepare<[string], ActionRow>(
    "SELECT * FROM order_actions WHERE order_id = ? AND status = 'open' ORDER BY created_at, id",
  );
  const selectAllOpenActions = db.prepare<[number], ActionRow>(
    "SELECT * FROM order_actions WHERE status = 'open' ORDER BY created_at DESC, id LIMIT ?",
  );
  const resolveAll = db.prepare<[number, string]>(
    "UPDATE order_actions SET status = 'resolved', updated_at = ? WHERE order_id = ? AND status = 'open'",
  );

  return {
    /** Stores an action; true when it is new. */
    save(action: Omit<OrderAction, 'createdAt' | 'updatedAt'>, now: number): boolean {
      const existed = selectAction.get(action.id) !== undefined;
      upsertAction.run({ ...action, persona: action.persona ? JSON.stringify(action.persona) : null, now });
      return !existed;
    },
    get(id: string): OrderAction | undefined {
      const row = selectAction.get(id);
      return row ? toAction(row) : undefined;
    },
    openFor(orderId: string): OrderAction[] {
      return selectOpenActions.all(orderId).map(toAction);
    },
    /** The newest open actions over every order. */
    allOpen(limit: number): OrderAction[] {
      return selectAllOpenActions.all(limit).map(toAction);
    },
    /** Every open action of the order not in `stillOpen` is resolved (Peeker no longer lists it). */
    /** Returns how many were resolved. */
    resolveExcept(orderId: string, stillOpen: readonly string[], now: number): number {
      if (stillOpen.length === 0) return resolveAll.run(now, orderId).changes;
      const placeholders = stillOpen.map(() => '?').join(', ');
      return db
        .prepare(
          `UPDATE order_actions SET status = 'resolved', updated_at = ? WHERE order_id = ? AND status = 'open' AND id NOT IN (${placeholders})`,
        )
        .run(now, orderId, ...stillOpen).changes;
    },
  };
}

export type OrderActionsRepo = ReturnType<typeof createOrderActionsRepo>;
