import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PeekerClient } from '../peeker/client.js';
import {
  describePeekerError,
  PeekerConnectionError,
  PeekerError,
  PeekerResponseError,
  PeekerServerError,
  PeekerTimeoutError,
} from '../peeker/errors.js';
import type { Modals } from '../slack/modals.js';
import type { Responder } from '../slack/responder.js';
import type { CancellationRequest, CancellationsRepo } from '../store/cancellations-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import { formatDate } from '../views/dates.js';
import {
  type CancelScheduledModel,
  renderCancelFailed,
  renderCancelScheduled,
  renderCancelUncertain,
} from '../views/order-cancel.js';
import { peekerErrorText } from '../views/peeker-error.js';
import { code, section } from '../views/text.js';
import { BLOCKING_WINDOW_MS } from './cancellation-checks.js';
import { type CancellationTracker, cancellationNoticeSubject } from './cancellation-tracker.js';

export interface CancellationSenderDeps {
  orders: OrdersRepo;
  cancellations: CancellationsRepo;
  tracker: CancellationTracker;
  outbox: SlackOutboxRepo;
  peeker: PeekerClient;
  modals: Modals;
  responder: Responder;
  logger: Logger;
  metrics?: Metrics | undefined;
  now: () => number;
}

/**
 * Whether Peeker provably did not act on a failed `POST /orders/{id}/cancel`: it answered with a
 * 4xx (it refused, or rate-limited us), or the connection was refused. A timeout, a 5xx (a gateway
 * can fail after the work was done) or an unreadable 2xx may hide an accepted cancellation.
 */
function provablyNotReceived(error: unknown): boolean {
  if (error instanceof PeekerConnectionError) return !error.mayHaveReachedPeeker;
  if (
    error instanceof PeekerTimeoutError ||
    error instanceof PeekerServerError ||
    error instanceof PeekerResponseError
  ) {
    return false;
  }
  return (
    error instanceof PeekerError && error.status !== undefined && error.status >= 400 && error.status < 500
  );
}

/** The "scheduled" view's model for a request Peeker accepted. */
export function scheduledModel(
  orders: OrdersRepo,
  request: CancellationRequest,
  cancelsAt: string | null,
): CancelScheduledModel {
  return {
    orderId: request.orderId,
    scope: request.scope,
    domains: request.domains,
    cancelsAt,
    channelId: orders.get(request.orderId)?.channelId ?? null,
  };
}

/**
 * The one `POST /orders/{id}/cancel` of a confirmed request — no body for the whole order,
 * `{"domains": […]}` for some (https://docs.peeker.ai/api-reference/orders/cancelling-an-order).
 *
 * POST rule: cancelling is not documented as idempotent, so the request is claimed in SQLite
 * before the call (a double click or a Slack retry finds it taken) and the call is only retried
 * when Peeker provably did not receive it. An answer lost to a timeout, a 5xx or a restart is
 * never re-sent: the request waits as `unknown` until Peeker's events (or a read of the order)
 * settle it, and the person is told so.
 */
export function createCancellationSender(deps: CancellationSenderDeps) {
  const count = (outcome: string) => deps.metrics?.commands.inc({ subcommand: 'cancel', outcome });
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();

  /** Shows a result in the modal, or in a DM when the modal is gone. */
  async function show(
    request: CancellationRequest,
    viewId: string | null,
    view: Parameters<Modals['update']>[1],
    fallback: string,
  ) {
    const shown = viewId ? await deps.modals.update(viewId, view) : false;
    if (!shown) await deps.responder.dm(request.requestedBy, { text: fallback, blocks: [section(fallback)] });
  }

  /** Reads the order: a cancellation Peeker shows on it settles a request we could not confirm. */
  async function verify(request: CancellationRequest): Promise<void> {
    try {
      const { data } = await deps.peeker.orders.get(request.orderId, { signal: stopping.signal });
      if (data.status !== 'cancel_scheduled' && data.status !== 'cancelled') return;
      deps.tracker.apply(
        request.orderId,
        { kind: data.status === 'cancelled' ? 'cancelled' : 'scheduled', domains: null, cancelsAt: null },
        { at: null, via: 'poll' },
        deps.now(),
      );
    } catch (error) {
      deps.logger.info(
        { orderId: request.orderId, err: error },
        'could not read the order to settle a cancellation',
      );
    }
  }

  /** The one call. Runs after the acknowledgement; the request is already claimed. */
  async function send(request: CancellationRequest, viewId: string | null): Promise<void> {
    const domains = request.scope === 'order' ? undefined : request.domains;
    let answer: Awaited<ReturnType<PeekerClient['orders']['cancel']>>;
    try {
      answer = await deps.peeker.orders.cancel(request.orderId, domains, stopping.signal);
    } catch (error) {
      if (stopping.signal.aborted) return; // still `submitting`: the next start settles it
      deps.logger.warn({ orderId: request.orderId, err: error }, 'cancelling the order failed');
      const info = describePeekerError(error);
      if (provablyNotReceived(error)) {
        deps.cancellations.settle(
          request.id,
          { status: 'failed', errorCode: info.code, requestId: info.requestId ?? null },
          deps.now(),
        );
        count(info.kind === 'rejected' ? 'peeker_rejected' : 'peeker_error');
        await show(request, viewId, renderCancelFailed(info), peekerErrorText('cancel the order', info));
        return;
      }
      deps.cancellations.settle(
        request.id,
        { status: 'unknown', errorCode: info.code, requestId: info.requestId ?? null },
        deps.now(),
      );
      count('uncertain');
      await show(
        request,
        viewId,
        renderCancelUncertain(request.orderId, 'no_answer'),
        `⚠️ Peeker did not answer in time about the cancellation of order ${code(request.orderId)}; it was not sent again.`,
      );
      await verify(request);
      return;
    }
    const { data, requestId } = answer;
    deps.tracker.apply(
      request.orderId,
      {
        kind: 'scheduled',
        // Peeker accepted exactly what was asked (its OLD answer lists the whole order either way).
        domains: request.scope === 'order' ? null : request.domains,
        cancelsAt: data.cancelsAt,
      },
      { at: data.scheduledAt, via: 'answer' },
      deps.now(),
    );
    // Settled by the tracker for a followed order; recorded here for one we do not follow.
    deps.cancellations.settle(
      request.id,
      {
        status: 'scheduled',
        cancelsAt: data.cancelsAt,
        scheduledAt: data.scheduledAt,
        requestId: requestId ?? null,
      },
      deps.now(),
    );
    count('ok');
    const model = scheduledModel(deps.orders, request, data.cancelsAt);
    const ends = formatDate(data.cancelsAt);
    await show(
      request,
      viewId,
      renderCancelScheduled(model),
      `✅ Cancellation of order ${code(request.orderId)} scheduled${ends ? `; it ends on ${ends}` : ''}.`,
    );
  }

  function track(work: Promise<void>): Promise<void> {
    const run = work.catch((error: unknown) =>
      deps.logger.error({ err: error }, 'cancellation failed unexpectedly'),
    );
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  }

  return {
    /** Sends a request already claimed (`submitting`); the result goes to the modal `viewId` or a DM. */
    submit(request: CancellationRequest, viewId: string | null): Promise<void> {
      return track(send(request, viewId));
    },

    /**
     * After a restart: a request that was being sent may have reached Peeker, so it is never
     * re-sent; it becomes `unknown`, its asker is told (a direct message), and the order is read
     * once — Peeker's events settle the rest.
     */
    async resume(): Promise<void> {
      for (const request of deps.cancellations.withStatus('submitting')) {
        deps.cancellations.settle(request.id, { status: 'unknown', errorCode: 'interrupted' }, deps.now());
        deps.outbox.ensureMessage(
          cancellationNoticeSubject(request.id, 'uncertain'),
          request.requestedBy,
          deps.now(),
        );
        await track(verify(request));
      }
      for (const request of deps.cancellations.withStatus('unknown')) {
        if (deps.now() - request.updatedAt < BLOCKING_WINDOW_MS) await track(verify(request));
      }
    },

    /** Stops in-flight calls (they stay `submitting`, settled by the next start) and waits for them. */
    async stop(): Promise<void> {
      stopping.abort(new Error('shutting down'));
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type CancellationSender = ReturnType<typeof createCancellationSender>;
