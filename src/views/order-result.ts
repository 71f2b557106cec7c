/**
 * The views that end the order flow: placing, placed, failed, not allowed, unavailable. They set
 * `clear_on_close` (except "failed", whose close pops back to the form), so closing them can never
 * reveal the form again and invite a second order.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { button, modal, type RenderedMessage, SANDBOX_MARKER } from './blocks.js';
import { ACTION, ORDER_RESULT_CALLBACK } from './ids.js';
import { formatMoney } from './money.js';
import { notAllowedText } from './order-review.js';
import { type PeekerErrorView, peekerErrorFacts } from './peeker-error.js';
import { bold, channelLink, code, context, escapeMrkdwn, section } from './text.js';

/** What {@link renderOrderPlaced} reports. */
export interface OrderPlacedModel {
  orderId: string;
  channelId: string;
  totalCents: number | null;
  currency: string | null;
  sandbox: boolean;
  /** Whether the status message is already in the channel. */
  posted: boolean;
}

/** Shown instead of the form when it cannot be filled in, e.g. Peeker could not list bundles. */
export function renderOrderUnavailable(message: string): ModalView {
  return modal({
    title: 'New inbox order',
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [section(`⚠️ ${escapeMrkdwn(message)}`)],
  });
}

/** Replaces the review while `POST /orders` is in flight. */
export function renderOrderPlacing(): ModalView {
  return modal({
    title: 'Placing order',
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Close',
    // Closing mid-flight must not pop back to the form and invite a second submission.
    clearOnClose: true,
    blocks: [
      section('⏳ Placing your order with Peeker…'),
      context('You can close this; the status message will appear in the channel either way.'),
    ],
  });
}

/** Ops-facing success: the Peeker order ID, its cost and where its status thread is. */
export function renderOrderPlaced(p: OrderPlacedModel): ModalView {
  const lines = [`✅ *Order placed.* Peeker order ${code(p.orderId)}.`];
  if (p.totalCents !== null) lines.push(`*Cost:* ${formatMoney(p.totalCents, p.currency)}`);
  lines.push(
    p.posted
      ? `Status updates are in the order message in ${channelLink(p.channelId)}, and in its thread.`
      : `The status message for ${channelLink(p.channelId)} will appear shortly. If it does not, invite me there with \`/invite @Peeker\`.`,
  );
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  if (p.sandbox) blocks.push(context(SANDBOX_MARKER));
  return modal({
    title: 'Order placed',
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Done',
    clearOnClose: true,
    blocks,
  });
}

/**
 * Peeker refused or failed the order: its message, `error.code`, field and request ID,
 * and what to do. With `canGoBack` (the default) the close button pops back to the form.
 */
export function renderOrderFailed(
  error: PeekerErrorView,
  options: { canGoBack: boolean } = { canGoBack: true },
): ModalView {
  const facts = peekerErrorFacts(error);
  const back = options.canGoBack ? ' Press *Back to form* to' : ' Open `/peeker order` again to';
  // Peeker dedupes identical bodies for 24 h, so resending after an outage cannot order twice.
  const advice: Record<PeekerErrorView['kind'], string> = {
    rejected: `Peeker did not accept the order, so nothing was ordered.${back} fix it and review again.`,
    unavailable: `Peeker could not be reached or failed.${back} try again in a few minutes. Resending the order unchanged is safe: Peeker will not order it twice.`,
    rate_limited: `Peeker is rate-limiting us${error.retryAfterSeconds ? ` (retry in ${error.retryAfterSeconds} s)` : ''}.${back} try again in a minute.`,
    auth: 'The Peeker API key is missing a permission or was revoked — ask your Slack admin to check PEEKER_API_KEY.',
  };
  return modal({
    title: 'Order not placed',
    callbackId: ORDER_RESULT_CALLBACK,
    close: options.canGoBack ? 'Back to form' : 'Close',
    ...(options.canGoBack ? {} : { clearOnClose: true }),
    blocks: [
      section(`❌ Peeker could not place the order: ${bold(error.message)}`),
      ...(facts ? [context(facts)] : []),
      section(advice[error.kind] ?? advice.unavailable),
    ],
  });
}

/** For someone who may not place orders: who can. */
export function renderOrderNotAllowed(approvers: string[]): ModalView {
  return modal({
    title: 'Not allowed',
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [section(notAllowedText(approvers))],
  });
}

/**
 * A direct message to the person who placed an order, when the modal could not show the outcome
 * (it was closed) or the order was adopted after a restart.
 */
export function renderOrderPlacedNotice(
  orderId: string,
  channelId: string,
  options: { afterRestart?: boolean } = {},
): RenderedMessage {
  const text = `✅ Order ${escapeMrkdwn(orderId)} ${options.afterRestart ? 'was placed' : 'placed'}; its status thread is in ${channelLink(channelId)}.`;
  return { text, blocks: [section(text)] };
}

/** A direct message: an order interrupted by a restart never reached Peeker; a button re-opens the form. */
export function renderOrderLostNotice(customerEmail: string, draftId: string): RenderedMessage {
  const text = `⚠️ Your order for ${escapeMrkdwn(customerEmail)} did not reach Peeker before the app restarted, so nothing was ordered. Open the form to place it again (the Smartlead password must be entered again).`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [button('Open the order form', ACTION.openOrderForm, { value: draftId })],
      },
    ],
  };
}

/** Why an order could not be placed when the password is gone (restart, or a review left open). */
export const PASSWORD_GONE_MESSAGE =
  'The Smartlead password is no longer in memory (the app restarted or the review sat open too long). Go back and enter it again.';

/** `/peeker order` could not open its modal (Slack refused `views.open`). */
export function renderFormOpenFailed(slackError: string): RenderedMessage {
  const text =
    slackError === 'expired_trigger_id'
      ? 'Slack took too long to let me open the order form. Please run `/peeker order` again.'
      : `I couldn’t open the order form (Slack said ${code(slackError)}). Please try again.`;
  return { text, blocks: [section(text)] };
}
