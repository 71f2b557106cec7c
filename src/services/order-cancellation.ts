import { randomUUID } from 'node:crypto';
import { decodeCancelConfirmMetadata } from '../parsing/interaction-payloads.js';
import type { ViewAck } from '../views/blocks.js';
import {
  type CancelConfirmModel,
  renderCancelConfirm,
  renderCancelLoading,
  renderCancelNotAllowed,
  renderCancelProblem,
  renderCancelScheduled,
  renderCancelSending,
  renderCancelUncertain,
} from '../views/order-cancel.js';
import { type CancelAsk, createCancellationChecks } from './cancellation-checks.js';
import {
  type CancellationSenderDeps,
  createCancellationSender,
  scheduledModel,
} from './cancellation-sender.js';

export type { CancelAsk } from './cancellation-checks.js';

/** The sender's needs, plus who may confirm and whether Peeker is the sandbox. */
export interface OrderCancellationDeps extends CancellationSenderDeps {
  approvers: readonly string[];
  isSandbox: () => boolean;
}

/**
 * Cancelling an order from Slack (`/peeker cancel`, "Cancel order…"): check what can be checked
 * before any call, show a confirm view, and on an approver's confirmation send exactly one
 * `POST /orders/{id}/cancel` — no body for the whole order, `{"domains": […]}` for some
 * (https://docs.peeker.ai/api-reference/orders/cancelling-an-order).
 *
 * This module is the confirm-view session; the checks live in `cancellation-checks.ts`, and the
 * call with its POST rule (claimed before the call, never re-sent when Peeker may have received
 * it) in `cancellation-sender.ts`.
 */
export function createOrderCancellation(deps: OrderCancellationDeps) {
  const canConfirm = (userId: string) => deps.approvers.length === 0 || deps.approvers.includes(userId);
  const count = (outcome: string) => deps.metrics?.commands.inc({ subcommand: 'cancel', outcome });
  const checks = createCancellationChecks(deps);
  const sender = createCancellationSender(deps);

  /** The confirm view's model, after every check (Peeker is asked about orders we do not follow). */
  async function prepare(ask: CancelAsk): Promise<CancelConfirmModel | { problem: string }> {
    const checked = await checks.checkAsk(ask);
    if ('problem' in checked) return checked;
    const { customerEmail, bundleName, channelId, orderDomains } = checked;
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
      channelId,
      scope,
      domains: ask.domains ?? orderDomains ?? [],
      totalDomains: orderDomains?.length ?? null,
      renewsAt: null,
      canConfirm: canConfirm(ask.userId),
      approvers: [...deps.approvers],
      sandbox: deps.isSandbox(),
    };
  }

  return {
    checkLocally: checks.checkLocally,

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
            view: renderCancelScheduled(scheduledModel(deps.orders, request, request.cancelsAt)),
          },
        };
      }
      if (request.status === 'unknown') {
        return {
          ack: { response_action: 'update', view: renderCancelUncertain(request.orderId, 'no_answer') },
        };
      }
      const other = checks.blocking(request.orderId, request.id);
      if (other) {
        return {
          ack: {
            response_action: 'update',
            view: renderCancelProblem(checks.blockedText(request.orderId, other)),
          },
        };
      }
      const sending: ViewAck = { response_action: 'update', view: renderCancelSending() };
      if (!deps.cancellations.claim(request.id, view.id, deps.now())) return { ack: sending };
      return { ack: sending, afterAck: () => sender.submit({ ...request, status: 'submitting' }, view.id) };
    },

    resume: sender.resume,
    stop: sender.stop,
  };
}

export type OrderCancellation = ReturnType<typeof createOrderCancellation>;
