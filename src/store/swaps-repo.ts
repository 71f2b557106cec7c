import type { Db } from './database.js';

export type SwapKind = 'swap' | 'rename';
export type SwapType = 'standard' | 'premium' | 'user_names';
export type SwapRequestState = 'submitting' | 'submitted' | 'rejected';

/** A person on renamed inboxes (as sent to `POST /swaps/user_names`). */
export interface SwapPersonaRecord {
  firstName: string;
  lastName: string;
  pictureUrl: string;
}

/**
 * A swap or rename asked for from Slack. It is claimed (`submitting`) before the `POST`, so a
 * double click, a Slack retry or a restart never sends a second one; `submitted` once Peeker
 * answered (its rows are in `swap_rows`), `rejected` when Peeker refused it.
 */
export interface SwapRequest {
  id: number;
  kind: SwapKind;
  type: SwapType;
  domain: string;
  domainId: string;
  orderId: string | null;
  replacement: string | null;
  personas: SwapPersonaRecord[] | null;
  requestedBy: string;
  viewId: string | null;
  state: SwapRequestState;
  error: { code: string; message: string; field: string | null; requestId: string | null } | null;
  attempts: number;
  /** Rows Peeker answered (inboxes of a rename). */
  rowCount: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** One swap Peeker answered (`swp_…`); a rename has one per inbox. */
export interface SwapRow {
  id: string;
  requestId: number | null;
  type: string;
  domain: string;
  domainId: string;
  orderId: string | null;
  replacement: string | null;
  status: string;
  /** `created_at` of the event that set the status (older reports are ignored). */
  statusAt: string | null;
  reason: string | null;
  warmUntil: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  nextCheckAt: number | null;
}

interface RequestRow {
  id: number;
  kind: SwapKind;
  type: SwapType;
  domain: string;
  domain_id: string;
  order_id: string | null;
  replacement: string | null;
  personas: string | null;
  requested_by: string;
  view_id: string | null;
  state: SwapRequestState;
  error: string | null;
  attempts: number;
  row_count: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface RowRow {
  id: string;
  request_id: number | null;
  type: string;
  domain: string;
  domain_id: string;
  order_id: string | null;
  replacement: string | null;
  status: string;
  status_at: string | null;
  reason: string | null;
  warm_until: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  next_check_at: number | null;
}

const toRequest = (row: RequestRow): SwapRequest => ({
  id: row.id,
  kind: row.kind,
  type: row.type,
  domain: row.domain,
  domainId: row.domain_id,
  orderId: row.order_id,
  replacement: row.replacement,
  personas: row.personas ? (JSON.parse(row.personas) as SwapPersonaRecord[]) : null,
  requestedBy: row.requested_by,
  viewId: row.view_id,
  state: row.state,
  error: row.error ? (JSON.parse(row.error) as SwapRequest['error']) : null,
  attempts: row.attempts,
  rowCount: row.row_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
});

const toRow = (row: RowRow): SwapRow => ({
  id: row.id,
  requestId: row.request_id,
  type: row.type,
  domain: row.domain,
  domainId: row.domain_id,
  orderId: row.order_id,
  replacement: row.replacement,
  status: row.status,
  statusAt: row.status_at,
  reason: row.reason,
  warmUntil: row.warm_until,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
  nextCheckAt: row.next_check_at,
});

/** A failed swap or rename, for the digest. */
export interface FailedSwap {
  swapId: string;
  kind: SwapKind | null;
  type: string;
  domain: string;
  replacement: string | null;
  orderId: string | null;
  reason: string | null;
  requestedBy: string | null;
  finishedAt: number;
}

export interface NewSwapClaim {
  kind: SwapKind;
  type: SwapType;
  domain: string;
  domainId: string;
  orderId: string | null;
  replacement: string | null;
  personas: SwapPersonaRecord[] | null;
  requestedBy: string;
  viewId: string | null;
}

/** Swap and rename requests and the swaps Peeker answered for them. */
export function createSwapsRepo(db: Db) {
  const insertRequest = db.prepare<{
    kind: SwapKind;
    type: SwapType;
    domain: string;
    domainId: string;
    orderId: string | null;
    replacement: string | null;
    personas: string | null;
    requestedBy: string;
    viewId: string | null;
    now: number;
  }>(
    `INSERT INTO swap_requests (kind, type, domain, domain_id, order_id, replacement, personas, requested_by, view_id, state, created_at, updated_at)
     VALUES (@kind, @type, @domain, @domainId, @orderId, @replacement, @personas, @requestedBy, @viewId, 'submitting', @now, @now)`,
  );
  const selectRequest = db.prepare<[number], RequestRow>('SELECT * FROM swap_requests WHERE id = ?');
  // A view is re-used after a refusal (the form comes back in it): only its live claim counts.
  const selectByView = db.prepare<[string], RequestRow>(
    "SELECT * FROM swap_requests WHERE view_id = ? AND state != 'rejected' ORDER BY id DESC LIMIT 1",
  );
  const selectInFlight = db.prepare<[string, SwapKind], RequestRow>(
    "SELECT * FROM swap_requests WHERE domain_id = ? AND kind = ? AND state = 'submitting'",
  );
  const selectSubmitting = db.prepare<[], RequestRow>(
    "SELECT * FROM swap_requests WHERE state = 'submitting' ORDER BY id",
  );
  const updateRequest = db.prepare<[SwapRequestState, string | null, number, number | null, number, number]>(
    'UPDATE swap_requests SET state = ?, error = ?, attempts = ?, row_count = ?, updated_at = ? WHERE id = ?',
  );
  const finishRequest = db.prepare<[number, number, number]>(
    'UPDATE swap_requests SET finished_at = ?, updated_at = ? WHERE id = ? AND finished_at IS NULL',
  );
  const selectLatestRename = db.prepare<[string], RequestRow>(
    `SELECT * FROM swap_requests WHERE kind = 'rename' AND domain = ? AND state = 'submitted'
     ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const selectPremiumSince = db.prepare<[string, number], RequestRow>(
    `SELECT r.* FROM swap_requests r WHERE r.type = 'premium' AND r.domain = ? AND r.created_at >= ?
       AND r.state != 'rejected'
       AND NOT EXISTS (SELECT 1 FROM swap_rows s WHERE s.request_id = r.id AND s.status = 'failed')
     ORDER BY r.created_at DESC LIMIT 1`,
  );
  const selectOpenForReplacement = db.prepare<[string], RequestRow>(
    `SELECT r.* FROM swap_requests r WHERE r.kind = 'swap' AND r.replacement = ? AND r.state != 'rejected'
       AND NOT EXISTS (SELECT 1 FROM swap_rows s WHERE s.request_id = r.id AND s.status = 'failed')
     ORDER BY r.created_at DESC LIMIT 1`,
  );

  const insertRow = db.prepare<{
    id: string;
    requestId: number | null;
    type: string;
    domain: string;
    domainId: string;
    orderId: string | null;
    replacement: string | null;
    status: string;
    statusAt: string | null;
    reason: string | null;
    nextCheckAt: number | null;
    now: number;
  }>(
    `INSERT INTO swap_rows (id, request_id, type, domain, domain_id, order_id, replacement, status, status_at, reason, created_at, updated_at, next_check_at)
     VALUES (@id, @requestId, @type, @domain, @domainId, @orderId, @replacement, @status, @statusAt, @reason, @now, @now, @nextCheckAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const selectRow = db.prepare<[string], RowRow>('SELECT * FROM swap_rows WHERE id = ?');
  const selectRowsOf = db.prepare<[number], RowRow>(
    'SELECT * FROM swap_rows WHERE request_id = ? ORDER BY created_at, id',
  );
  const updateRow = db.prepare<{
    id: string;
    status: string;
    statusAt: string | null;
    reason: string | null;
    warmUntil: string | null;
    updatedAt: number;
    finishedAt: number | null;
    nextCheckAt: number | null;
  }>(
    `UPDATE swap_rows SET status = @status, status_at = @statusAt, reason = @reason, warm_until = @warmUntil,
       updated_at = @updatedAt, finished_at = @finishedAt, next_check_at = @nextCheckAt WHERE id = @id`,
  );
  const selectDueRows = db.prepare<[number, number], RowRow>(
    'SELECT * FROM swap_rows WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?',
  );
  const selectCompletedOfOrder = db.prepare<[string], RowRow>(
    `SELECT * FROM swap_rows WHERE order_id = ? AND status = 'completed' AND type IN ('standard', 'premium')
     ORDER BY finished_at, id`,
  );
  const selectFailedSince = db.prepare<
    [number, number],
    RowRow & { kind: SwapKind | null; requested_by: string | null }
  >(
    `SELECT s.*, r.kind AS kind, r.requested_by AS requested_by FROM swap_rows s
       LEFT JOIN swap_requests r ON r.id = s.request_id
     WHERE s.status = 'failed' AND s.finished_at >= ? ORDER BY s.finished_at LIMIT ?`,
  );

  return {
    /**
     * Claims a swap or rename before anything is sent. A view that already claimed one gets that
     * one back (`isNew: false`); undefined when another one for the same domain is being sent.
     */
    claim(claim: NewSwapClaim, now: number): { request: SwapRequest; isNew: boolean } | undefined {
      if (claim.viewId) {
        const existing = selectByView.get(claim.viewId);
        if (existing) return { request: toRequest(existing), isNew: false };
      }
      if (selectInFlight.get(claim.domainId, claim.kind)) return undefined;
      const id = Number(
        insertRequest.run({
          ...claim,
          personas: claim.personas ? JSON.stringify(claim.personas) : null,
          now,
        }).lastInsertRowid,
      );
      const row = selectRequest.get(id);
      if (!row) throw new Error('swap request vanished after insert');
      return { request: toRequest(row), isNew: true };
    },
    get(id: number): SwapRequest | undefined {
      const row = selectRequest.get(id);
      return row ? toRequest(row) : undefined;
    },
    /** The request a modal view claimed and Peeker did not refuse, if any (a repeated click). */
    forView(viewId: string): SwapRequest | undefined {
      const row = selectByView.get(viewId);
      return row ? toRequest(row) : undefined;
    },
    inFlightFor(domainId: string, kind: SwapKind): SwapRequest | undefined {
      const row = selectInFlight.get(domainId, kind);
      return row ? toRequest(row) : undefined;
    },
    /** Claims not answered yet (after a restart: look them up before sending again). */
    submitting(): SwapRequest[] {
      return selectSubmitting.all().map(toRequest);
    },
    saveRequest(request: SwapRequest, now: number): void {
      updateRequest.run(
        request.state,
        request.error ? JSON.stringify(request.error) : null,
        request.attempts,
        request.rowCount,
        now,
        request.id,
      );
    },
    finishRequest(id: number, now: number): void {
      finishRequest.run(now, now, id);
    },
    /** The latest rename sent for a domain (its personas are the domain's current ones). */
    latestRename(domain: string): SwapRequest | undefined {
      const row = selectLatestRename.get(domain.toLowerCase());
      return row ? toRequest(row) : undefined;
    },
    /** A premium swap of this domain since `since` that did not fail (Peeker's 30-day cooldown). */
    premiumSwapSince(domain: string, since: number): SwapRequest | undefined {
      const row = selectPremiumSince.get(domain.toLowerCase(), since);
      return row ? toRequest(row) : undefined;
    },
    /** A swap already bringing in this replacement (not refused, not failed). */
    swapBringing(replacement: string): SwapRequest | undefined {
      const row = selectOpenForReplacement.get(replacement.toLowerCase());
      return row ? toRequest(row) : undefined;
    },

    /** Records a swap Peeker answered; false when it was already recorded. */
    insertRow(
      row: Omit<SwapRow, 'createdAt' | 'updatedAt' | 'finishedAt' | 'warmUntil'>,
      now: number,
    ): boolean {
      return insertRow.run({ ...row, now }).changes === 1;
    },
    row(id: string): SwapRow | undefined {
      const found = selectRow.get(id);
      return found ? toRow(found) : undefined;
    },
    rowsOf(requestId: number): SwapRow[] {
      return selectRowsOf.all(requestId).map(toRow);
    },
    saveRow(row: SwapRow): void {
      updateRow.run({
        id: row.id,
        status: row.status,
        statusAt: row.statusAt,
        reason: row.reason,
        warmUntil: row.warmUntil,
        updatedAt: row.updatedAt,
        finishedAt: row.finishedAt,
        nextCheckAt: row.nextCheckAt,
      });
    },
    /** Swaps not finished and quiet long enough to be read again (`GET /swaps/{id}`). */
    dueForCheck(now: number, limit: number): SwapRow[] {
      return selectDueRows.all(now, limit).map(toRow);
    },
    /** Completed domain swaps of an order, oldest first (its status message lists them). */
    completedForOrder(orderId: string): SwapRow[] {
      return selectCompletedOfOrder.all(orderId).map(toRow);
    },
    /**
     * Swaps and rename rows that failed since `since` (`swap.failed`, or `GET /swaps/{id}` saying
     * so), oldest first — what the digest lists as "failed swaps". Requests Peeker refused on the
     * spot are not here: the person saw the refusal on the form.
     */
    failedSwapsSince(since: number, limit = 50): FailedSwap[] {
      return selectFailedSince.all(since, limit).map((row) => ({
        swapId: row.id,
        kind: row.kind,
        type: row.type,
        domain: row.domain,
        replacement: row.replacement,
        orderId: row.order_id,
        reason: row.reason,
        requestedBy: row.requested_by,
        finishedAt: row.finished_at ?? row.updated_at,
      }));
    },
  };
}

export type SwapsRepo = ReturnType<typeof createSwapsRepo>;
