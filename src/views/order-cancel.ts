/**
 * Cancelling an order (`/peeker cancel`, "Cancel order…" on the status message), as pure views:
 *
 *   loading → confirm ──Cancel order──▶ sending → scheduled | failed | uncertain
 *
 * The confirm view says what stops (every domain, or the named ones), that the inboxes are deleted
 * at the end of the renewal period and that Slack cannot undo it; only approvers get the button.
 * The status thread's replies are customer-safe: no IDs, prices or Peeker wording.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { encodeCancelConfirmMetadata } from '../parsing/interaction-payloads.js';
import { modal, type RenderedMessage, SANDBOX_MARKER } from './blocks.js';
import { formatDate } from './dates.js';
import { CANCEL_CONFIRM_CALLBACK, CANCEL_RESULT_CALLBACK } from './ids.js';
import { LIMITS } from './limits.js';
import { type PeekerErrorView, peekerErrorFacts } from './peeker-error.js';
import {
  bold,
  channelLink,
  code,
  context,
  escapeMrkdwn,
  joinLimited,
  listNames,
  plural,
  section,
  truncate,
  userLink,
} from './text.js';

const TITLE = 'Cancel order';

/** Opened right after the command or the menu click (trigger IDs last 3 s), while the order is looked up. */
export function renderCancelLoading(orderId: string): ModalView {
  return modal({
    title: TITLE,
    callbackId: CANCEL_RESULT_CALLBACK,
    close: 'Close',
    blocks: [section(`⏳ Looking up order ${code(orderId)}…`)],
  });
}

/** Nothing can be cancelled (unknown order, already cancelled, a name not on the order…). */
export function renderCancelProblem(message: string): ModalView {
  return modal({
    title: TITLE,
    callbackId: CANCEL_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [section(`⚠️ ${message}`), context('Nothing was sent to Peeker.')],
  });
}

/** What {@link renderCancelConfirm} shows. */
export interface CancelConfirmModel {
  cancellationId: string;
  orderId: string;
  customerEmail: string | null;
  bundleName: string | null;
  /** Where the order's status message is (null for an order not placed from Slack). */
  channelId: string | null;
  scope: 'order' | 'domains';
  /** The domains that stop: every domain of the order, or the named ones. */
  domains: string[];
  /** Domains on the order in all, when known. */
  totalDomains: number | null;
  /** When the order renews (its current period ends), when known. */
  renewsAt: string | null;
  canConfirm: boolean;
  approvers: string[];
  sandbox: boolean;
}

/** The confirm view: what stops and when, and that Slack cannot undo it. */
export function renderCancelConfirm(model: CancelConfirmModel): ModalView {
  const whole = model.scope === 'order';
  const count = model.domains.length;
  const what = whole
    ? `the *whole order*${model.totalDomains !== null ? ` — every one of its ${plural(model.totalDomains, 'domain')}` : ''}`
    : `*${plural(count, 'domain')}*${model.totalDomains !== null ? ` of its ${model.totalDomains}` : ''}`;
  const ends = formatDate(model.renewsAt);
  const blocks: KnownBlock[] = [
    section(
      [
        `*Customer:* ${model.customerEmail ? escapeMrkdwn(model.customerEmail) : '_unknown_'}`,
        `*Order:* ${code(model.orderId)}${model.bundleName ? ` · ${escapeMrkdwn(model.bundleName)}` : ''}`,
        model.channelId ? `*Status thread:* ${channelLink(model.channelId)}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    ),
    section(`You are cancelling ${what}.`),
    section(domainList(model.domains)),
    section(
      [
        `• The inboxes on ${count === 1 ? 'this domain' : 'these domains'} keep working until the end of the renewal period${ends ? ` (${ends})` : ''}, then they are *deleted* and the domains released.`,
        whole
          ? '• Every inbox of the order stops, and the Google and Microsoft licences with them.'
          : '• The rest of the order carries on.',
        '• *This cannot be undone from Slack.*',
      ].join('\n'),
    ),
  ];
  if (!model.canConfirm) blocks.push(section(notAllowedToCancel(model.approvers)));
  blocks.push(
    context(
      [
        model.canConfirm
          ? 'Nothing is cancelled until you press the button.'
          : 'Press *Keep order* to close.',
        model.sandbox ? SANDBOX_MARKER : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );
  return modal({
    title: TITLE,
    callbackId: CANCEL_CONFIRM_CALLBACK,
    ...(model.canConfirm ? { submit: whole ? 'Cancel order' : `Cancel ${plural(count, 'domain')}` } : {}),
    close: 'Keep order',
    privateMetadata: encodeCancelConfirmMetadata({ cancellationId: model.cancellationId }),
    blocks,
  });
}

function domainList(domains: readonly string[]): string {
  const items = domains.map((domain) => code(truncate(domain, 100)));
  return truncate(`*Stops:* ${joinLimited(items, 150)}`, LIMITS.sectionText - 50);
}

/** Who may cancel, for someone who may not. */
export function notAllowedToCancel(approvers: readonly string[]): string {
  if (approvers.length === 0) {
    return '🔒 Only approved people can cancel orders, and none are set up yet. Ask your Slack admin to add Slack user IDs to ORDER_APPROVERS.';
  }
  return `🔒 Only approved people can cancel orders. Ask ${listNames(approvers.map(userLink), 10)} to do it.`;
}

/** A submission by someone who may not cancel (also a forged one): nothing is sent. */
export function renderCancelNotAllowed(approvers: readonly string[]): ModalView {
  return modal({
    title: 'Not allowed',
    callbackId: CANCEL_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [section(notAllowedToCancel(approvers)), context('Nothing was sent to Peeker.')],
  });
}

/** While the one `POST /orders/{id}/cancel` is in flight (a second click lands here too). */
export function renderCancelSending(): ModalView {
  return modal({
    title: TITLE,
    callbackId: CANCEL_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [
      section('⏳ Sending the cancellation to Peeker…'),
      context('You can close this; the order’s thread will show the outcome.'),
    ],
  });
}

/** What {@link renderCancelScheduled} reports. */
export interface CancelScheduledModel {
  orderId: string;
  scope: 'order' | 'domains';
  domains: string[];
  cancelsAt: string | null;
  channelId: string | null;
}

function scheduledText(model: CancelScheduledModel): string {
  const ends = formatDate(model.cancelsAt);
  const what =
    model.scope === 'order'
      ? `Order ${code(model.orderId)}`
      : `${plural(model.domains.length, 'domain')} of order ${code(model.orderId)}`;
  return `✅ *Cancellation scheduled.* ${what} ${model.scope === 'order' ? 'ends' : 'end'} ${
    ends ? `on *${ends}*` : 'at the end of the renewal period (Peeker did not give the date)'
  }; the inboxes keep working until then.`;
}

/** Peeker accepted the cancellation: when it ends (`cancels_at`). */
export function renderCancelScheduled(model: CancelScheduledModel): ModalView {
  return modal({
    title: 'Cancellation scheduled',
    callbackId: CANCEL_RESULT_CALLBACK,
    close: 'Done',
    clearOnClose: true,
    blocks: [
      section(scheduledText(model)),
      ...(model.scope === 'domains' ? [section(domainList(model.domains))] : []),
      context(
        model.channelId
          ? `The order’s status message in ${channelLink(model.channelId)} shows it too.`
          : 'This order was not placed from Slack, so no channel follows it.',
      ),
    ],
  });
}

/** Peeker refused, or provably did not receive, the cancellation: nothing was cancelled. */
export function renderCancelFailed(error: PeekerErrorView): ModalView {
  const facts = peekerErrorFacts(error);
  const advice: Record<PeekerErrorView['kind'], string> = {
    rejected:
      'Peeker did not accept the cancellation, so nothing was cancelled. Check the order and try again.',
    unavailable:
      'Peeker could not be reached, so nothing was cancelled. Run `/peeker cancel` again in a few minutes; if it keeps failing, send the request ID to Peeker support.',
    rate_limited: `Peeker is rate-limiting us${error.retryAfterSeconds ? ` (retry in ${error.retryAfterSeconds} s)` : ''}, so nothing was cancelled. Try again in a minute.`,
    auth: 'The Peeker API key is missing a permission or was revoked — ask your Slack admin to check PEEKER_API_KEY.',
  };
  return modal({
    title: 'Not cancelled',
    callbackId: CANCEL_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [
      section(`❌ Peeker could not cancel: ${bold(error.message)}`),
      ...(facts ? [context(facts)] : []),
      section(advice[error.kind] ?? advice.unavailable),
    ],
  });
}

/** Why we cannot tell whether Peeker received the cancellation. */
export type UncertainReason = 'no_answer' | 'restart';

function uncertainText(orderId: string, reason: UncertainReason): string {
  const why =
    reason === 'restart'
      ? 'The app restarted while the cancellation of order'
      : 'Peeker did not answer in time about the cancellation of order';
  return `⚠️ ${why} ${code(orderId)} was on its way, so Peeker may have received it. It was *not sent again* (a second cancel could stop more than you meant). I’ll tell you as soon as Peeker confirms; meanwhile \`/peeker status ${escapeMrkdwn(orderId)}\` shows what Peeker says.`;
}

/** The call may have reached Peeker: it is never re-sent; Peeker's events will settle it. */
export function renderCancelUncertain(orderId: string, reason: UncertainReason): ModalView {
  return modal({
    title: TITLE,
    callbackId: CANCEL_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [section(uncertainText(orderId, reason))],
  });
}

/** A direct message about a cancellation whose outcome came later (or was interrupted). */
export function renderCancellationNotice(
  phase: 'uncertain' | 'scheduled',
  model: CancelScheduledModel & { reason?: UncertainReason },
): RenderedMessage {
  const text =
    phase === 'uncertain' ? uncertainText(model.orderId, model.reason ?? 'restart') : scheduledText(model);
  return { text, blocks: [section(text)] };
}

// ---- the order's thread and status message -------------------------------------------------

/**
 * The thread reply for a cancellation that moved (customer-safe wording: no IDs, no prices).
 * `domains` are the ones that moved, for a partial cancellation.
 */
export function renderCancellationReply(change: {
  kind: 'scheduled' | 'cancelled';
  wholeOrder: boolean;
  domains: readonly string[];
  cancelsAt: string | null;
}): { text: string } {
  const ends = formatDate(change.cancelsAt);
  const names = escapeMrkdwn(listNames(change.domains, 10));
  if (change.kind === 'scheduled') {
    return change.wholeOrder
      ? {
          text: `🗓️ Cancellation scheduled — the order ends ${ends ? `on ${ends}` : 'at the end of the renewal period'}. The inboxes keep working until then and are deleted afterwards.`,
        }
      : {
          text: `🗓️ ${plural(change.domains.length, 'domain')} will stop ${ends ? `on ${ends}` : 'at the end of the renewal period'}: ${names}. Their inboxes keep working until then; the rest of the order carries on.`,
        };
  }
  return change.wholeOrder
    ? { text: '⏹️ Cancelled — the inboxes are deleted and the domains released.' }
    : {
        text: `⏹️ ${plural(change.domains.length, 'domain')} cancelled and released: ${names}. The rest of the order carries on.`,
      };
}

/** The status line of a cancelled or cancelling order, or of one with some domains cancelled. */
export function cancellationStatusLine(
  status: 'cancel_scheduled' | 'cancelled' | 'other',
  summary: { cancelled: number; released: number; endsAt: string | null } | null,
  totalDomains: number,
): string | undefined {
  const ends = formatDate(summary?.endsAt ?? null);
  if (status === 'cancel_scheduled') return `🗓️ Cancellation scheduled${ends ? ` — ends ${ends}` : ''}`;
  if (status === 'cancelled') return '⏹️ Cancelled — domains released';
  if (!summary || summary.cancelled === 0) return undefined;
  const of = `${summary.cancelled} of ${totalDomains} domains cancelled`;
  if (summary.released >= summary.cancelled) return `⏹️ ${of} — released`;
  return `🗓️ ${of}${ends ? ` — ends ${ends}` : ''}`;
}
