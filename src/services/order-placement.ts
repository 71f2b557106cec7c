import type { Logger, SecretScrubber } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { decodeReviewMetadata } from '../parsing/interaction-payloads.js';
import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError, type PeekerErrorInfo } from '../peeker/errors.js';
import type { CreateOrderBody, PeekerOrderReceipt } from '../peeker/orders.js';
import type { Modals } from '../slack/modals.js';
import type { SlackPublisher } from '../slack/publisher.js';
import type { Responder } from '../slack/responder.js';
import type { OrderDraft, OrderDraftsRepo } from '../store/order-drafts-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import type { ViewAck } from '../views/blocks.js';
import { postFailureNotice } from '../views/import-feedback.js';
import {
  PASSWORD_GONE_MESSAGE,
  renderOrderFailed,
  renderOrderLostNotice,
  renderOrderNotAllowed,
  renderOrderPlaced,
  renderOrderPlacedNotice,
  renderOrderPlacing,
  renderOrderUnavailable,
} from '../views/order-result.js';
import { peekerErrorText } from '../views/peeker-error.js';
import { section } from '../views/text.js';
import type { ChannelAudience } from './channel-audience.js';
import type { OrderTracker } from './order-tracker.js';
import type { PasswordVault } from './password-vault.js';

/** An order found in Peeker after a restart counts as ours if it was created this close to the draft. */
const ADOPT_WINDOW_MS = 5 * 60_000;

export interface OrderPlacementDeps {
  drafts: OrderDraftsRepo;
  orders: OrdersRepo;
  tracker: OrderTracker;
  peeker: PeekerClient;
  publisher: SlackPublisher;
  responder: Responder;
  modals: Modals;
  vault: PasswordVault;
  audienceOf: ChannelAudience;
  /** For the orderer's controls (cancel…) of an order in a customer channel, sent by DM. */
  outbox?: SlackOutboxRepo | undefined;
  logger: Logger;
  scrubber: SecretScrubber;
  metrics?: Metrics | undefined;
  approvers: readonly string[];
  defaultLogin: { email: string; password: string } | undefined;
  isSandbox: () => boolean;
  now: () => number;
}

/**
 * "Place order": exactly one `POST /orders` per draft with the body of https://docs.peeker.ai/guides/importing-domains
 * (https://docs.peeker.ai/guides/importing-domains), then the order's status thread.
 *
 * POST rule: retried with the identical body (Peeker dedupes identical bodies for 24 h,
 * https://docs.peeker.ai/guides/buying-domains); the draft is claimed in SQLite first, so a double
 * click or a Slack retry cannot send a second one; after a restart mid-call the order is looked up
 * (`GET /orders?user_email&bundle_id`) and adopted, or the person is asked to place it again.
 */
export function createOrderPlacement(deps: OrderPlacementDeps) {
  const canPlace = (userId: string) => deps.approvers.length === 0 || deps.approvers.includes(userId);
  const count = (outcome: string) => deps.metrics?.commands.inc({ subcommand: 'order', outcome });

  /** Records the order and posts its status message; the placer hears where it is. */
  async function adopt(draft: OrderDraft, receipt: PeekerOrderReceipt) {
    const audience = await deps.audienceOf(draft.channelId);
    const { order, messageId } = deps.tracker.recordPlacement(
      draft,
      receipt,
      { audience, sandbox: deps.isSandbox() },
      deps.now(),
    );
    deps.vault.delete(draft.id);
    // The customer must not see the order's menu: its orderer gets it in a direct message.
    if (order.audience === 'customer') {
      deps.outbox?.ensureMessage({ type: 'order_controls', id: order.id }, order.placedBy, deps.now());
    }
    const post = await deps.publisher.postNow(messageId);
    return { order, post };
  }

  async function reportFailure(draft: OrderDraft, viewId: string | null, error: PeekerErrorInfo) {
    deps.drafts.settle(draft.id, 'failed', null, error.code, deps.now());
    count(error.kind === 'rejected' ? 'peeker_rejected' : 'peeker_error');
    const shown = viewId
      ? await deps.modals.update(viewId, renderOrderFailed(error, { canGoBack: true }))
      : false;
    if (!shown) {
      const text = peekerErrorText('place the order', error);
      await deps.responder.dm(draft.userId, { text, blocks: [section(text)] });
    }
  }

  async function place(draft: OrderDraft, viewId: string | null): Promise<void> {
    const password = deps.defaultLogin?.password ?? deps.vault.get(draft.id, deps.now());
    if (!password) {
      return reportFailure(draft, viewId, {
        kind: 'rejected',
        code: 'password_required',
        message: PASSWORD_GONE_MESSAGE,
        field: 'sequencer.login_password',
        requestId: undefined,
        retryAfterSeconds: undefined,
      });
    }
    const body: CreateOrderBody = {
      user: draft.request.user,
      bundle_id: draft.request.bundle_id,
      sequencer: {
        provider: 'smartlead',
        client_id: draft.request.sequencer.client_id,
        login_email: deps.defaultLogin?.email ?? draft.request.sequencer.login_email,
        login_password: password,
      },
      forwarding_url: draft.request.forwarding_url,
      domains: draft.request.domains,
      personas: draft.request.personas,
    };
    const release = deps.scrubber.track(password);
    try {
      const { data: receipt } = await deps.peeker.orders.create(body);
      const { order, post } = await adopt(draft, receipt);
      count('ok');
      const placed = renderOrderPlaced({
        orderId: order.id,
        channelId: order.channelId,
        totalCents: order.totalCents,
        currency: order.currency,
        sandbox: order.sandbox,
        posted: post.status === 'posted',
      });
      const shown = viewId ? await deps.modals.update(viewId, placed) : false;
      if (!shown) await deps.responder.dm(draft.userId, renderOrderPlacedNotice(order.id, order.channelId));
      if (post.status === 'failed') {
        await deps.responder.dm(draft.userId, postFailureNotice(order.channelId, post.failure.error));
      }
    } catch (error) {
      deps.logger.warn({ draftId: draft.id, err: error }, 'placing the order failed');
      await reportFailure(draft, viewId, describePeekerError(error));
      deps.vault.delete(draft.id);
    } finally {
      release();
    }
  }

  return {
    /**
     * The review's "Place order". Acknowledged at once with a "placing" view; the draft is claimed
     * first, so a double click or a Slack retry finds it taken and cannot place a second order.
     */
    placeOrder(
      view: { id: string; private_metadata?: string },
      userId: string,
    ): { ack: ViewAck; afterAck?: () => Promise<void> } {
      if (!canPlace(userId)) {
        count('not_allowed');
        return { ack: { response_action: 'update', view: renderOrderNotAllowed([...deps.approvers]) } };
      }
      const draftId = decodeReviewMetadata(view.private_metadata)?.draftId;
      const draft = draftId ? deps.drafts.get(draftId) : undefined;
      if (!draft) {
        return {
          ack: {
            response_action: 'update',
            view: renderOrderUnavailable('This review has expired. Close it and run /peeker order again.'),
          },
        };
      }
      const order = draft.status === 'placed' ? deps.orders.forDraft(draft.id) : undefined;
      if (order) {
        const placed = renderOrderPlaced({
          orderId: order.id,
          channelId: order.channelId,
          totalCents: order.totalCents,
          currency: order.currency,
          sandbox: order.sandbox,
          posted: true,
        });
        return { ack: { response_action: 'update', view: placed } };
      }
      const placing: ViewAck = { response_action: 'update', view: renderOrderPlacing() };
      if (!deps.drafts.claim(draft.id, view.id, deps.now())) return { ack: placing };
      return { ack: placing, afterAck: () => place({ ...draft, status: 'submitting' }, view.id) };
    },

    /**
     * After a restart: drafts that were being placed. With a configured login the identical body
     * is sent again (Peeker dedupes it); otherwise the password is gone, so the order is looked up
     * in Peeker and, if it never arrived, the person is asked to place it again.
     */
    async resumeSubmitting(): Promise<void> {
      for (const draft of deps.drafts.submitting()) {
        if (deps.defaultLogin) {
          await place(draft, draft.viewId);
          continue;
        }
        try {
          const { data } = await deps.peeker.orders.find({
            userEmail: draft.request.user,
            bundleId: draft.request.bundle_id,
          });
          const landed = data.find(
            (candidate) =>
              (candidate.domain_count ?? draft.request.domains.length) === draft.request.domains.length &&
              (!candidate.created_at ||
                Date.parse(candidate.created_at) >= draft.updatedAt - ADOPT_WINDOW_MS),
          );
          if (landed) {
            const { order } = await adopt(draft, landed);
            await deps.responder.dm(
              draft.userId,
              renderOrderPlacedNotice(order.id, order.channelId, { afterRestart: true }),
            );
            continue;
          }
          deps.drafts.settle(draft.id, 'failed', null, 'lost_on_restart', deps.now());
          await deps.responder.dm(draft.userId, renderOrderLostNotice(draft.request.user, draft.id));
        } catch (error) {
          deps.logger.warn(
            { draftId: draft.id, err: error },
            'could not check an interrupted order; will retry on next start',
          );
        }
      }
    },
  };
}

export type OrderPlacement = ReturnType<typeof createOrderPlacement>;
