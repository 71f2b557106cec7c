import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { parseDomainList } from '../parsing/domains.js';
import { decodeCancelConfirmMetadata } from '../parsing/interaction-payloads.js';
import type { PeekerClient } from '../peeker/client.js';
import {
  describePeekerError,
  PeekerConnectionError,
  PeekerError,
  PeekerNotFoundError,
  PeekerResponseError,
  PeekerServerError,
  PeekerTimeoutError,
} from '../peeker/errors.js';
import type { PeekerOrderDetail } from '../peeker/orders.js';
import type { Modals } from '../slack/modals.js';
import type { Responder } from '../slack/responder.js';
import type { CancellationRequest, CancellationsRepo } from '../store/cancellations-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { ViewAck } from '../views/blocks.js';
import { formatDate } from '../views/dates.js';
import {
  type CancelConfirmModel,
  type CancelScheduledModel,
  renderCancelConfirm,
  renderCancelFailed,
  renderCancelLoading,
  renderCancelNotAllowed,
  renderCancelProblem,
  renderCancelScheduled,
  renderCancelSending,
  renderCancelUncertain,
} from '../views/order-cancel.js';
import { peekerErrorText } from '../views/peeker-error.js';
import { code, escapeMrkdwn, formatDuration, joinLimited, section } from '../views/text.js';
import { summarizeCancellation } from './cancellation-state.js';
import { type CancellationTracker, cancellationNoticeSubject } from './cancellation-tracker.js';

/** A request that may have reached Peeker blocks a new one for the same order this long. */
const BLOCKING_WINDOW_MS = 24 * 3600_000;

export interface OrderCancellationDeps {
  orders: OrdersRepo;
  cancellations: CancellationsRepo;
  tracker: CancellationTracker;
  outbox: SlackOutboxRepo;
  peeker: PeekerClient;
  modals: Modals;
  responder: Responder;
  logger: Logger;
  metrics?: Metrics | undefined;
  approvers: readonly string[];
  isSandbox: () => boolean;
  now: () => number;
}

/** What the person asked to cancel: the whole order (`domains: null`) or some of its domains. */
export interface CancelAsk {
  orderId: string;
  domains: string[] | null;
  userId: string;
  originChannelId: string | null;
}

type Checked = { ok: true; domains: string[] | null } | { ok: false; problem: string };

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

/** Every domain name of a Peeker order detail, when it lists them. */
function detailDomains(detail: PeekerOrderDetail): string[] | null {
  const domains = detail.domains;
  if (!domains) return null;
  if (Array.isArray(domains)) {
    return domains.map((entry) => (typeof entry === 'string' ? entry : entry.domain).toLowerCase());
  }
  return [...(domains.registered ?? []), ...(domains.imported ?? [])].map((domain) => domain.toLowerCase());
}

/**
 * Cancelling an order from Slack (`/peeker cancel`, "Cancel order…"): check what can be checked
 * before any call, show a confirm view, and on an approver's confirmation send exactly one
 * `POST /orders/{id}/cancel` — no body for the whole order, `{"domains": […]}` for some
 * (https://docs.peeker.ai/api-reference/orders/cancelling-an-order).
 *
 * POST rule: cancelling is not documented as idempotent, so the request is claimed in SQLite
 * before the call (a double click or a Slack retry finds it taken) and the call is only retried
 * when Peeker provably did not receive it. An answer lost to a timeout, a 5xx or a restart is
 * never re-sent: the request waits as `unknown` until Peeker's events (or a read of the order)
 * settle it, and the person is told so.
 */
export function createOrderCancellation(deps: OrderCancellationDeps) {
  const canConfirm = (userId: string) => deps.approvers.length === 0 || deps.approvers.includes(userId);
  const count = (outcome: string) => deps.metrics?.commands.inc({ subcommand: 'cancel', outcome });
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();

  /** A request that may have reached Peeker and still has no word from it. */
  function blocking(orderId: string, exceptId = ''): CancellationRequest | undefined {
    const found = deps.cancellations.blockingFor(orderId, exceptId);
    return found && deps.now() - found.updatedAt < BLOCKING_WINDOW_MS ? found : undefined;
  }

  function blockedText(orderId: string, request: CancellationRequest): string {
    return `A cancellation of order ${code(orderId)} asked ${formatDuration(deps.now() - request.createdAt)} ago may already have reached Peeker, and Peeker has not confirmed it yet. It is not sent twice: wait for Peeker’s confirmation in the order’s thread, or check \`/peeker status ${escapeMrkdwn(orderId)}\`.`;
  }

  /** A followed order's domains as they are now (a swap changes them), lowercased. */
  function currentDomains(orderId: string, requested: readonly string[]): string[] {
    const listed = deps.orders.domainsOf(orderId);
    return (listed.length > 0 ? listed : requested).map((domain) => domain.toLowerCase());
  }

  /** The checks on what a followed order holds; undefined when everything asked can be cancelled. */
  function checkFollowed(orderId: string, domains: string[] | null): string | undefined {
    const order = deps.orders.get(orderId);
    if (!order) return undefined;
    const states = deps.cancellations.domainStates(orderId);
    const ends = formatDate(summarizeCancellation(states)?.endsAt ?? null);
    if (order.status === 'cancelled') return `Order ${code(orderId)} is already cancelled.`;
    if (order.status === 'cancel_scheduled') {
      return `Order ${code(orderId)} is already scheduled to be cancelled${ends ? ` (it ends on ${ends})` : ''}.`;
    }
    if (domains !== null) {
      const current = currentDomains(orderId, order.request.domains);
      const onOrder = new Set(current);
      const notOnOrder = domains.filter((domain) => !onOrder.has(domain));
      if (notOnOrder.length > 0) {
        return `${joinLimited(notOnOrder.map(code), 10)} ${notOnOrder.length === 1 ? 'is' : 'are'} not on order ${code(orderId)}. Its domains: ${joinLimited(current.map(code), 20)}.`;
      }
      const alreadyStopping = new Set(states.map((row) => row.domain));
      const again = domains.filter((domain) => alreadyStopping.has(domain));
      if (again.length > 0) {
        return `${joinLimited(again.map(code), 10)} ${again.length === 1 ? 'is' : 'are'} already cancelled or scheduled to stop${ends ? ` (ending ${ends})` : ''}.`;
      }
    }
    const request = blocking(orderId);
    return request ? blockedText(orderId, request) : undefined;
  }

  /**
   * Everything `/peeker cancel ord_… [domains…]` can check before acknowledging (SQLite only):
   * the names are root domains and, for an order we follow, on the order and not already stopping.
   */
  function checkLocally(orderId: string, domainText: string): Checked {
    let domains: string[] | null = null;
    if (domainText.trim() !== '') {
      const parsed = parseDomainList(domainText);
      if (parsed.invalid.length > 0) {
        const lines = parsed.invalid
          .slice(0, 20)
          .map((entry) => `• ${code(entry.input)} — ${escapeMrkdwn(entry.message)}`);
        return { ok: false, problem: `Nothing was cancelled:\n${lines.join('\n')}` };
      }
      domains = parsed.domains;
    }
    const problem = checkFollowed(orderId, domains);
    return problem ? { ok: false, problem } : { ok: true, domains };
  }

  /** The confirm view's model, after every check (Peeker is asked about orders we do not follow). */
  async function prepare(ask: CancelAsk): Promise<CancelConfirmModel | { problem: string }> {
    const local = deps.orders.get(ask.orderId);
    let customerEmail: string | null;
    let bundleName: string | null = null;
    let orderDomains: string[] | null;
    if (local) {
      const problem = checkFollowed(ask.orderId, ask.domains);
      if (problem) return { problem };
      customerEmail = local.customerEmail;
      bundleName = local.bundleName;
      orderDomains = currentDomains(ask.orderId, local.request.domains);
    } else {
      let detail: PeekerOrderDetail;
      try {
        detail = (await deps.peeker.orders.get(ask.orderId)).data;
      } catch (error) {
        if (error instanceof PeekerNotFoundError) {
          return { problem: `Peeker has no order ${code(ask.orderId)} in this account. Check the ID.` };
        }
        return { problem: peekerErrorText('look the order up', describePeekerError(error)) };
      }
      if (detail.status === 'cancelled' || detail.status === 'cancel_scheduled') {
        return {
          problem: `Order ${code(ask.orderId)} is already ${detail.status === 'cancelled' ? 'cancelled' : 'scheduled to be cancelled'}.`,
        };
      }
      customerEmail = detail.email ?? null;
      orderDomains = detailDomains(detail);
      if (ask.domains && orderDomains) {
        const onOrder = new Set(orderDomains);
        const notOnOrder = ask.domains.filter((domain) => !onOrder.has(domain));
        if (notOnOrder.length > 0) {
          return {
            problem: `${joinLimited(notOnOrder.map(code), 10)} ${notOnOrder.length === 1 ? 'is' : 'are'} not on order ${code(ask.orderId)}. Its domains: ${joinLimited(orderDomains.map(code), 20)}.`,
          };
        }
      }
      const request = blocking(ask.orderId);
      if (request) return { problem: blockedText(ask.orderId, request) };
    }
    const id = randomUUID();
    const scope = ask.domains === null ? 'order' : 'domains';
    deps.cancellations.create({
      id,
      orderId: ask.orderId,
      scope,
      domains: ask.domains ?? [],
      customerEmail,
      requestedBy: ask.userId,
      originChannelId: ask.originChannelId,
      now: deps.now(),
    });
    return {
      cancellationId: id,
      orderId: ask.orderId,
      customerEmail,
      bundleName,
      channelId: local?.channelId ?? null,
      scope,
      domains: ask.domains ?? orderDomains ?? [],
      totalDomains: orderDomains?.length ?? null,
      renewsAt: null,
      canConfirm: canConfirm(ask.userId),
      approvers: [...deps.approvers],
      sandbox: deps.isSandbox(),
    };
  }

  function scheduledModel(request: CancellationRequest, cancelsAt: string | null): CancelScheduledModel {
    return {
      orderId: request.orderId,
      scope: request.scope,
      domains: request.domains,
      cancelsAt,
      channelId: deps.orders.get(request.orderId)?.channelId ?? null,
    };
  }

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
    const model = scheduledModel(request, data.cancelsAt);
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
    checkLocally,

    /**
     * Opens the confirm view: a loading view at once (the trigger expires in 3 s), then the
     * confirm view or the reason nothing can be cancelled. Throws Slack's error when the modal
     * cannot be opened (the caller tells the person).
     */
    async openConfirm(triggerId: string, ask: CancelAsk): Promise<void> {
      const opened = await deps.modals.open(triggerId, renderCancelLoading(ask.orderId));
      if (!opened) return;
      const prepared = await prepare(ask);
      if ('problem' in prepared) {
        count('invalid_input');
        await deps.modals.update(opened.id, renderCancelProblem(prepared.problem), opened.hash);
        return;
      }
      await deps.modals.update(opened.id, renderCancelConfirm(prepared), opened.hash);
    },

    /**
     * The confirm view's button. Only approvers (a forged submission is refused the same way);
     * the request is claimed before the acknowledgement, so a double click or a Slack retry finds
     * it taken and sends nothing.
     */
    confirm(
      view: { id: string; private_metadata?: string },
      userId: string,
    ): { ack: ViewAck; afterAck?: () => Promise<void> } {
      if (!canConfirm(userId)) {
        count('not_allowed');
        return { ack: { response_action: 'update', view: renderCancelNotAllowed([...deps.approvers]) } };
      }
      const id = decodeCancelConfirmMetadata(view.private_metadata)?.cancellationId;
      const request = id ? deps.cancellations.get(id) : undefined;
      if (!request) {
        return {
          ack: {
            response_action: 'update',
            view: renderCancelProblem('This confirmation has expired. Run `/peeker cancel` again.'),
          },
        };
      }
      if (request.status === 'scheduled') {
        return {
          ack: {
            response_action: 'update',
            view: renderCancelScheduled(scheduledModel(request, request.cancelsAt)),
          },
        };
      }
      if (request.status === 'unknown') {
        return {
          ack: { response_action: 'update', view: renderCancelUncertain(request.orderId, 'no_answer') },
        };
      }
      const other = blocking(request.orderId, request.id);
      if (other) {
        return {
          ack: { response_action: 'update', view: renderCancelProblem(blockedText(request.orderId, other)) },
        };
      }
      const sending: ViewAck = { response_action: 'update', view: renderCancelSending() };
      if (!deps.cancellations.claim(request.id, view.id, deps.now())) return { ack: sending };
      return { ack: sending, afterAck: () => track(send({ ...request, status: 'submitting' }, view.id)) };
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

export type OrderCancellation = ReturnType<typeof createOrderCancellation>;
