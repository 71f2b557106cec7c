import type { Db } from './database.js';

/**
 * A cancellation asked for from Slack:
 * - `ready`: the confirm view is shown, nothing sent;
 * - `submitting`: claimed for `POST /orders/{id}/cancel` (a second click finds it taken);
 * - `unknown`: the call may have reached Peeker (timeout, 5xx, restart mid-call): never re-sent;
 *   Peeker's events or a later read settle it;
 * - `scheduled`: Peeker accepted it; `failed`: Peeker provably did not act (refused, unreachable).
 */
export type CancellationStatus = 'ready' | 'submitting' | 'unknown' | 'scheduled' | 'failed';

export interface CancellationRequest {
  id: string;
  orderId: string;
  /** `order`: every domain (no body); `domains`: only {@link domains} (`{"domains": […]}`). */
  scope: 'order' | 'domains';
  domains: string[];
  customerEmail: string | null;
  requestedBy: string;
  /** Where the person acted (to tell them later), when known. */
  originChannelId: string | null;
  status: CancellationStatus;
  viewId: string | null;
  cancelsAt: string | null;
  scheduledAt: string | null;
  errorCode: string | null;
  requestId: string | null;
  createdAt: number;
  updatedAt: number;
}

interface RequestRow {
  id: string;
  order_id: string;
  scope: 'order' | 'domains';
  domains: string;
  customer_email: string | null;
  requested_by: string;
  origin_channel_id: string | null;
  status: CancellationStatus;
  view_id: string | null;
  cancels_at: string | null;
  scheduled_at: string | null;
  error_code: string | null;
  request_id: string | null;
  created_at: number;
  updated_at: number;
}

const toRequest = (row: RequestRow): CancellationRequest => ({
  id: row.id,
  orderId: row.order_id,
  scope: row.scope,
  domains: parseNames(row.domains),
  customerEmail: row.customer_email,
  requestedBy: row.requested_by,
  originChannelId: row.origin_channel_id,
  status: row.status,
  viewId: row.view_id,
  cancelsAt: row.cancels_at,
  scheduledAt: row.scheduled_at,
  errorCode: row.error_code,
  requestId: row.request_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

function parseNames(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Where one domain of a followed order stands: scheduled to stop, or cancelled (released). */
export type DomainCancelState = 'scheduled' | 'cancelled';

export interface DomainCancellation {
  domain: string;
  state: DomainCancelState;
  cancelsAt: string | null;
}

/**
 * Cancellation requests (claimed before the one `POST /orders/{id}/cancel`) and the per-domain
 * cancellation state of followed orders. Writes are single statements; the trackers wrap them in
 * transactions together with the Slack work they cause.
 */
export function createCancellationsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO order_cancellations (id, order_id, scope, domains, customer_email, requested_by,
       origin_channel_id, status, created_at, updated_at)
     VALUES (@id, @orderId, @scope, @domains, @customerEmail, @requestedBy, @originChannelId, 'ready', @now, @now)`,
  );
  const select = db.prepare<[string], RequestRow>('SELECT * FROM order_cancellations WHERE id = ?');
  const claim = db.prepare<[string | null, number, string]>(
    `UPDATE order_cancellations SET status = 'submitting', view_id = COALESCE(?, view_id), updated_at = ?
     WHERE id = ? AND status IN ('ready', 'failed')`,
  );
  const selectBlocking = db.prepare<[string, string], RequestRow>(
    `SELECT * FROM order_cancellations WHERE order_id = ? AND id != ?
       AND status IN ('submitting', 'unknown') ORDER BY created_at LIMIT 1`,
  );
  const settle = db.prepare(
    `UPDATE order_cancellations SET status = @status, cancels_at = COALESCE(@cancelsAt, cancels_at),
       scheduled_at = COALESCE(@scheduledAt, scheduled_at), error_code = @errorCode,
       request_id = COALESCE(@requestId, request_id), updated_at = @now
     WHERE id = @id`,
  );
  const selectByStatus = db.prepare<[string], RequestRow>(
    'SELECT * FROM order_cancellations WHERE status = ? ORDER BY created_at',
  );
  const selectOpenForOrder = db.prepare<[string], RequestRow>(
    `SELECT * FROM order_cancellations WHERE order_id = ? AND status IN ('submitting', 'unknown')
     ORDER BY created_at`,
  );
  const selectDomainStates = db.prepare<
    [string],
    { domain: string; state: DomainCancelState; cancels_at: string | null }
  >('SELECT domain, state, cancels_at FROM order_domain_cancellations WHERE order_id = ? ORDER BY domain');
  const upsertDomainState = db.prepare<[string, string, DomainCancelState, string | null, number]>(
    `INSERT INTO order_domain_cancellations (order_id, domain, state, cancels_at, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (order_id, domain) DO UPDATE SET state = excluded.state,
       cancels_at = COALESCE(excluded.cancels_at, order_domain_cancellations.cancels_at),
       updated_at = excluded.updated_at`,
  );

  return {
    /** A confirm view was shown: the request exists, nothing is sent yet. */
    create(request: {
      id: string;
      orderId: string;
      scope: 'order' | 'domains';
      domains: readonly string[];
      customerEmail: string | null;
      requestedBy: string;
      originChannelId: string | null;
      now: number;
    }): void {
      insert.run({ ...request, domains: JSON.stringify(request.domains) });
    },
    get(id: string): CancellationRequest | undefined {
      const row = select.get(id);
      return row ? toRequest(row) : undefined;
    },
    /**
     * Marks a request as being sent; false when it already is (or was): a double click, a Slack
     * retry. A request that provably did not reach Peeker (`failed`) may be confirmed again.
     */
    claim(id: string, viewId: string | null, now: number): boolean {
      return claim.run(viewId, now, id).changes === 1;
    },
    /** Another request for the same order that is in flight or may have reached Peeker. */
    blockingFor(orderId: string, exceptId: string): CancellationRequest | undefined {
      const row = selectBlocking.get(orderId, exceptId);
      return row ? toRequest(row) : undefined;
    },
    settle(
      id: string,
      outcome: {
        status: 'scheduled' | 'failed' | 'unknown';
        cancelsAt?: string | null;
        scheduledAt?: string | null;
        errorCode?: string | null;
        requestId?: string | null;
      },
      now: number,
    ): void {
      settle.run({
        id,
        status: outcome.status,
        cancelsAt: outcome.cancelsAt ?? null,
        scheduledAt: outcome.scheduledAt ?? null,
        errorCode: outcome.errorCode ?? null,
        requestId: outcome.requestId ?? null,
        now,
      });
    },
    /** Requests a stopped process was sending (`submitting`) or could not confirm (`unknown`). */
    withStatus(status: 'submitting' | 'unknown'): CancellationRequest[] {
      return selectByStatus.all(status).map(toRequest);
    },
    /** This order's requests whose outcome Peeker has not told us yet. */
    unsettledFor(orderId: string): CancellationRequest[] {
      return selectOpenForOrder.all(orderId).map(toRequest);
    },
    domainStates(orderId: string): DomainCancellation[] {
      return selectDomainStates.all(orderId).map((row) => ({
        domain: row.domain,
        state: row.state,
        cancelsAt: row.cancels_at,
      }));
    },
    setDomainState(orderId: string, change: DomainCancellation, now: number): void {
      upsertDomainState.run(orderId, change.domain, change.state, change.cancelsAt, now);
    },
  };
}

export type CancellationsRepo = ReturnType<typeof createCancellationsRepo>;
