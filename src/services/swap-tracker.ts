import type { PeekerSwap } from '../peeker/swaps.js';
import type { Db } from '../store/database.js';
import type { LiveDomainsRepo } from '../store/live-domains-repo.js';
import type { OrderRecord, OrdersRepo } from '../store/orders-repo.js';
import type { OutboxSubject, ReplyPayload, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { NewSwapClaim, SwapRequest, SwapRow, SwapsRepo } from '../store/swaps-repo.js';
import {
  PICTURE_NOT_ACCESSIBLE,
  renderRenameActionRequired,
  renderRenameProgress,
  renderRenameRowFailed,
  renderRenameStarted,
  renderSwapActionRequired,
  renderSwapCompleted,
  renderSwapFailed,
  renderSwapStarted,
  type SwapView,
} from '../views/swap-messages.js';
import { isSwapFinished, type SwapReport, transitionSwap } from './swap-state.js';

const orderSubject = (orderId: string): OutboxSubject => ({ type: 'order', id: orderId });
/** The requester's DM about a swap (`<swp_…>`) or a rename (`rename:<request id>`) that needs them. */
export const swapNoticeSubject = (id: string): OutboxSubject => ({ type: 'swap_notice', id });

/** A swap that has been quiet this long is read again with `GET /swaps/{id}` (webhooks stop after 5 tries). */
export const SWAP_QUIET_MS = 10 * 60_000;
/** "The old domain stays warm for 14 days alongside the new one." */
const PREMIUM_WARM_MS = 14 * 24 * 3600_000;

/** What a report about one swap says, from a webhook, an answer or a poll. */
export interface SwapUpdate extends SwapReport {
  warmUntil: string | null;
  completedAt: string | null;
}

export function swapView(row: SwapRow, request: SwapRequest | undefined): SwapView {
  return {
    swapId: row.id,
    type: row.type,
    domain: row.domain,
    replacement: row.replacement,
    reason: row.reason,
    warmUntil: row.warmUntil,
    requestedBy: request?.requestedBy ?? null,
  };
}

/**
 * Applies everything that happens to swaps and renames — the claim before the `POST`, Peeker's
 * answer, `swap.*` events and polls — each in one synchronous SQLite transaction together with
 * the Slack work it causes: replies in the order's thread (started, completed, failed, action
 * required; a rename's "n of N inboxes renamed"), the order's domain list after a swap, and the
 * requester's DM when the order is in a customer channel. The status machine is `swap-state.ts`.
 */
export function createSwapTracker(deps: {
  db: Db;
  swaps: SwapsRepo;
  liveDomains: LiveDomainsRepo;
  orders: OrdersRepo;
  outbox: SlackOutboxRepo;
}) {
  const { db, swaps, liveDomains, orders, outbox } = deps;

  const followed = (orderId: string | null): OrderRecord | undefined =>
    orderId ? orders.get(orderId) : undefined;

  /** A reply in the order's thread (when the order is followed here), recorded once per key. */
  function reply(order: OrderRecord | undefined, key: string, payload: ReplyPayload, now: number): void {
    if (order) outbox.queueReply(orderSubject(order.id), key, payload, now);
  }

  function announceSwap(row: SwapRow, kind: 'action_required' | 'completed' | 'failed', now: number): void {
    const request = row.requestId !== null ? swaps.get(row.requestId) : undefined;
    const order = followed(row.orderId);
    const view = swapView(row, request);
    const audience = order?.audience ?? 'ops';
    if (kind === 'completed') {
      if (row.orderId) orders.replaceDomain(row.orderId, row.domain, row.replacement ?? row.domain, now);
      liveDomains.markReplaced(row.domain, row.type === 'premium' ? 'warm' : 'retired', row.warmUntil, now);
      if (row.replacement) {
        const old = liveDomains.get(row.domain);
        liveDomains.recordConnected(
          {
            domain: row.replacement,
            domainId: null,
            orderId: row.orderId,
            provider: old?.provider ?? null,
            forwardingUrl: old?.forwardingUrl ?? null,
          },
          now,
        );
      }
      if (order) outbox.markStale(orderSubject(order.id));
      reply(order, `swap:${row.id}:completed`, renderSwapCompleted(view), now);
    } else if (kind === 'failed') {
      reply(order, `swap:${row.id}:failed`, renderSwapFailed(view, audience), now);
    } else {
      reply(
        order,
        `swap:${row.id}:action:${row.reason ?? ''}`,
        renderSwapActionRequired(view, audience),
        now,
      );
      if (order?.audience === 'customer' && request) {
        outbox.ensureMessage(swapNoticeSubject(row.id), request.requestedBy, now);
      }
    }
  }

  function announceRenameRow(
    row: SwapRow,
    kind: 'action_required' | 'completed' | 'failed',
    now: number,
  ): void {
    const request = row.requestId !== null ? swaps.get(row.requestId) : undefined;
    if (!request) return;
    const order = followed(row.orderId);
    const audience = order?.audience ?? 'ops';
    if (kind === 'completed') {
      const rows = swaps.rowsOf(request.id);
      const done = rows.filter((r) => r.status === 'completed').length;
      reply(
        order,
        `rename:${request.id}:done:${row.id}`,
        renderRenameProgress({ domain: request.domain, done, total: request.rowCount ?? rows.length }),
        now,
      );
    } else if (kind === 'failed') {
      reply(
        order,
        `rename:${request.id}:failed:${row.id}`,
        renderRenameRowFailed({ domain: request.domain, reason: row.reason, swapId: row.id }, audience),
        now,
      );
    } else {
      const reason = row.reason ?? PICTURE_NOT_ACCESSIBLE;
      reply(
        order,
        `rename:${request.id}:action:${reason}`,
        renderRenameActionRequired({ domain: request.domain, reason, renameId: request.id }, audience),
        now,
      );
      if (order?.audience === 'customer')
        outbox.ensureMessage(swapNoticeSubject(`rename:${request.id}`), request.requestedBy, now);
    }
  }

  /** Applies a report to a recorded row; true when the row changed. */
  function applyToRow(row: SwapRow, update: SwapUpdate, now: number): boolean {
    const transition = transitionSwap(row, update, now);
    const finished = isSwapFinished(transition.status);
    let warmUntil = row.warmUntil ?? update.warmUntil;
    if (transition.status === 'completed' && row.type === 'premium' && !warmUntil) {
      const from = Date.parse(update.completedAt ?? update.at ?? '') || now;
      warmUntil = new Date(from + PREMIUM_WARM_MS).toISOString();
    }
    const next: SwapRow = {
      ...row,
      status: transition.status,
      statusAt: transition.statusAt,
      reason: transition.reason,
      warmUntil,
      updatedAt: now,
      finishedAt: finished ? (row.finishedAt ?? now) : null,
      nextCheckAt: finished ? null : now + SWAP_QUIET_MS,
    };
    swaps.saveRow(next);
    if (transition.changed) {
      // A DM about this swap's (or rename's) fix, if one was sent, shows where it stands now.
      outbox.markStale(swapNoticeSubject(row.type === 'user_names' ? `rename:${row.requestId}` : row.id));
    }
    if (transition.announce) {
      if (row.type === 'user_names') announceRenameRow(next, transition.announce, now);
      else announceSwap(next, transition.announce, now);
    }
    if (finished && row.requestId !== null) {
      const rows = swaps.rowsOf(row.requestId);
      if (rows.every((r) => isSwapFinished(r.status))) swaps.finishRequest(row.requestId, now);
    }
    return transition.changed;
  }

  const claim = db.transaction((input: NewSwapClaim, now: number) => swaps.claim(input, now));

  /** Peeker accepted a swap: recorded with its first status, and the order's thread hears it started. */
  const recordSwap = db.transaction((requestId: number, swap: PeekerSwap, now: number): boolean => {
    const request = swaps.get(requestId);
    if (!request) return false;
    swaps.saveRequest(
      { ...request, state: 'submitted', error: null, attempts: request.attempts + 1, rowCount: 1 },
      now,
    );
    const inserted = swaps.insertRow(
      {
        id: swap.id,
        requestId,
        type: swap.type || request.type,
        domain: request.domain,
        domainId: swap.domain_id || request.domainId,
        orderId: request.orderId,
        replacement: swap.replacement_domain ?? request.replacement,
        status: 'created',
        statusAt: null,
        reason: null,
        nextCheckAt: now + SWAP_QUIET_MS,
      },
      now,
    );
    const row = swaps.row(swap.id);
    if (!row) return false;
    if (inserted) {
      const order = followed(request.orderId);
      reply(
        order,
        `swap:${swap.id}:started`,
        renderSwapStarted(swapView(row, request), order?.audience ?? 'ops'),
        now,
      );
    }
    applyToRow(
      row,
      {
        status: swap.status,
        at: null,
        reason: swap.reason ?? null,
        warmUntil: swap.warm_until ?? null,
        completedAt: swap.completed_at ?? null,
      },
      now,
    );
    return inserted;
  });

  /** Peeker accepted a rename: one row per inbox; the thread hears "Renaming N inboxes". */
  const recordRename = db.transaction(
    (requestId: number, rows: readonly PeekerSwap[], now: number): number => {
      const request = swaps.get(requestId);
      if (!request) return 0;
      const count = Math.max(request.rowCount ?? 0, rows.length);
      swaps.saveRequest(
        { ...request, state: 'submitted', error: null, attempts: request.attempts + 1, rowCount: count },
        now,
      );
      let inserted = 0;
      for (const swap of rows) {
        if (
          swaps.insertRow(
            {
              id: swap.id,
              requestId,
              type: 'user_names',
              domain: request.domain,
              domainId: swap.domain_id || request.domainId,
              orderId: request.orderId,
              replacement: null,
              status: 'created',
              statusAt: null,
              reason: null,
              nextCheckAt: now + SWAP_QUIET_MS,
            },
            now,
          )
        )
          inserted += 1;
      }
      const order = followed(request.orderId);
      reply(
        order,
        `rename:${requestId}:started`,
        renderRenameStarted(
          { domain: request.domain, inboxes: count, requestedBy: request.requestedBy },
          order?.audience ?? 'ops',
        ),
        now,
      );
      for (const swap of rows) {
        const row = swaps.row(swap.id);
        if (row)
          applyToRow(
            row,
            {
              status: swap.status,
              at: null,
              reason: swap.reason ?? null,
              warmUntil: null,
              completedAt: null,
            },
            now,
          );
      }
      return inserted;
    },
  );

  /** Peeker refused the request (4xx): nothing was sent on; the form shows why. */
  const reject = db.transaction(
    (requestId: number, error: NonNullable<SwapRequest['error']>, now: number): void => {
      const request = swaps.get(requestId);
      if (request?.state !== 'submitting') return;
      swaps.saveRequest({ ...request, state: 'rejected', error, attempts: request.attempts + 1 }, now);
    },
  );

  /** An attempt that did not settle anything (a lost answer, Peeker unreachable): counted, still claimed. */
  const noteAttempt = db.transaction((requestId: number, now: number): void => {
    const request = swaps.get(requestId);
    if (request?.state === 'submitting')
      swaps.saveRequest({ ...request, attempts: request.attempts + 1 }, now);
  });

  /** A report about a swap we recorded; undefined when the swap is not ours. */
  const apply = db.transaction(
    (swapId: string, update: SwapUpdate, now: number): { changed: boolean } | undefined => {
      const row = swaps.row(swapId);
      if (!row) return undefined;
      return { changed: applyToRow(row, update, now) };
    },
  );

  /**
   * A domain swap of an order we follow that was not asked for here (the API, Peeker's portal):
   * recorded, so its events reach the order's thread like ours.
   */
  const adoptExternal = db.transaction(
    (
      swap: { id: string; type: string; domainId: string; replacement: string | null },
      update: SwapUpdate,
      now: number,
    ): boolean => {
      const domain = liveDomains.byDomainId(swap.domainId);
      if (!domain?.orderId || !orders.get(domain.orderId)) return false;
      swaps.insertRow(
        {
          id: swap.id,
          requestId: null,
          type: swap.type,
          domain: domain.domain,
          domainId: swap.domainId,
          orderId: domain.orderId,
          replacement: swap.replacement,
          status: 'created',
          statusAt: null,
          reason: null,
          nextCheckAt: now + SWAP_QUIET_MS,
        },
        now,
      );
      const row = swaps.row(swap.id);
      if (row) applyToRow(row, update, now);
      return true;
    },
  );

  /** A poll that failed: look again later. */
  const deferCheck = db.transaction((swapId: string, now: number): void => {
    const row = swaps.row(swapId);
    if (row && !isSwapFinished(row.status)) swaps.saveRow({ ...row, nextCheckAt: now + SWAP_QUIET_MS });
  });

  return { claim, recordSwap, recordRename, reject, noteAttempt, apply, adoptExternal, deferCheck };
}

export type SwapTracker = ReturnType<typeof createSwapTracker>;
