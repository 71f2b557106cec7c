/**
 * The swap modal, as pure functions of plain data:
 *
 *   loading → form ──Check──▶ checking → review ──Swap domain──▶ sending → placed | pending
 *                 ◀── (the replacement cannot be used, or Peeker refused: the form again, with the
 *                      reason under its field)
 *
 * Only the ops person who opened it sees a modal, so prices, IDs and Peeker's codes may show.
 */
import type { KnownBlock, ModalView, PlainTextOption, RadioButtons } from '@slack/types';
import { encodeSwapFormMetadata, encodeSwapReviewMetadata } from '../parsing/interaction-payloads.js';
import { input, modal, type RenderedMessage, SANDBOX_MARKER, withInitial } from './blocks.js';
import { ACTION, SWAP_BLOCK, SWAP_FORM_CALLBACK, SWAP_RESULT_CALLBACK, SWAP_REVIEW_CALLBACK } from './ids.js';
import { LIMITS } from './limits.js';
import { formatMoney } from './money.js';
import { type PeekerErrorView, peekerErrorFacts } from './peeker-error.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  header,
  joinWords,
  plainText,
  section,
  userLink,
} from './text.js';

export const SWAP_TITLE = 'Swap a domain';
export type SwapType = 'standard' | 'premium';

/** The one-line explanation of each swap type, shown next to its choice. */
export const SWAP_TYPE_TEXT: Record<SwapType, { label: string; description: string }> = {
  standard: {
    label: 'Standard',
    description: 'Old domain retired at once (brief pause in sending). Lower cost.',
  },
  premium: {
    label: 'Premium',
    description: 'Old domain stays warm 14 days. Microsoft only, 1 per 30 days, uses quota.',
  },
};

const providerName = (provider: string | null) =>
  provider === 'microsoft'
    ? 'Microsoft'
    : provider === 'google'
      ? 'Google'
      : (provider ?? 'provider unknown');

export interface SwapFormModel {
  orderId: string;
  customerEmail: string | null;
  /** Where the order's thread is (null: an order not followed here). */
  channelId: string | null;
  /** The order's connected domains: the choices of what to retire. */
  domains: { domain: string; provider: string | null }[];
  selected: string | null;
  replacement: string;
  type: SwapType;
  /** Problems to show under a field (after Peeker refused, or the replacement check failed). */
  fieldErrors?: Partial<Record<'domain' | 'replacement' | 'type', string>>;
  /** A Peeker refusal to show with its code and request ID. */
  peekerError?: PeekerErrorView;
  note?: string;
  sandbox: boolean;
}

export function renderSwapLoading(): ModalView {
  return modal({
    title: SWAP_TITLE,
    callbackId: SWAP_RESULT_CALLBACK,
    close: 'Cancel',
    blocks: [section('⏳ Looking up the domain and its order…')],
  });
}

/** Information only (not a form): errors before the form, outcomes after it. */
export function renderSwapInfo(text: string, options: { title?: string; close?: string } = {}): ModalView {
  return modal({
    title: options.title ?? SWAP_TITLE,
    callbackId: SWAP_RESULT_CALLBACK,
    close: options.close ?? 'Close',
    blocks: [section(text)],
  });
}

function typeOption(type: SwapType) {
  return {
    text: plainText(SWAP_TYPE_TEXT[type].label),
    description: plainText(SWAP_TYPE_TEXT[type].description, LIMITS.optionText),
    value: type,
  };
}

function fieldError(message: string | undefined): KnownBlock[] {
  return message ? [context(`⚠️ ${escapeMrkdwn(message)}`)] : [];
}

export function renderSwapForm(model: SwapFormModel): ModalView {
  const blocks: KnownBlock[] = [];
  if (model.note) blocks.push(section(`📝 ${escapeMrkdwn(model.note)}`));
  if (model.peekerError) {
    const error = model.peekerError;
    blocks.push(
      section(`❌ Peeker refused the swap: *${escapeMrkdwn(error.message)}*\n${peekerErrorFacts(error)}`),
    );
  }
  blocks.push(
    context(
      [
        `Order ${code(model.orderId)}`,
        model.customerEmail ? `customer ${escapeMrkdwn(model.customerEmail)}` : '',
        model.channelId ? `thread in ${channelLink(model.channelId)}` : 'not followed in Slack',
        model.sandbox ? SANDBOX_MARKER : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );
  const options: PlainTextOption[] = model.domains
    .filter((d) => d.domain.length <= LIMITS.optionValue)
    .slice(0, LIMITS.optionsPerSelect)
    .map((d) => ({
      text: plainText(`${d.domain} · ${providerName(d.provider)}`, LIMITS.optionText),
      value: d.domain,
    }));
  const initial = options.find((option) => option.value === model.selected);
  blocks.push(
    input(
      SWAP_BLOCK.domain,
      'Domain to retire',
      {
        type: 'static_select',
        action_id: ACTION.value,
        placeholder: plainText('Choose a domain'),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
      { hint: 'A connected domain of this order.' },
    ),
    ...fieldError(model.fieldErrors?.domain),
    input(
      SWAP_BLOCK.replacement,
      'Replacement domain',
      withInitial(
        {
          type: 'plain_text_input',
          action_id: ACTION.value,
          placeholder: plainText('acme-fresh.com'),
          max_length: 253,
        },
        model.replacement,
      ),
      {
        hint: 'A root domain: imported and DNS-verified, or available to register (checked next, with its price).',
      },
    ),
    ...fieldError(model.fieldErrors?.replacement),
  );
  const radios: RadioButtons = {
    type: 'radio_buttons',
    action_id: ACTION.value,
    options: [typeOption('standard'), typeOption('premium')],
    initial_option: typeOption(model.type),
  };
  blocks.push(input(SWAP_BLOCK.type, 'Swap type', radios), ...fieldError(model.fieldErrors?.type));
  return modal({
    title: SWAP_TITLE,
    callbackId: SWAP_FORM_CALLBACK,
    submit: 'Check',
    close: 'Cancel',
    privateMetadata: encodeSwapFormMetadata({ order: model.orderId }),
    blocks,
  });
}

export function renderSwapChecking(replacement: string): ModalView {
  return renderSwapInfo(`⏳ Checking whether ${escapeMrkdwn(replacement)} can replace it…`, {
    close: 'Cancel',
  });
}

/** How the replacement comes in: already imported, or registered at this price. */
export type ReplacementSource =
  | { kind: 'imported' }
  | { kind: 'register'; priceCents: number | null; renewalCents: number | null; currency: string | null };

export interface SwapReviewModel {
  orderId: string;
  customerEmail: string | null;
  channelId: string | null;
  domain: string;
  provider: string | null;
  replacement: string;
  source: ReplacementSource;
  type: SwapType;
  canSwap: boolean;
  approvers: string[];
  sandbox: boolean;
}

export function renderSwapReview(model: SwapReviewModel): ModalView {
  const domain = escapeMrkdwn(model.domain);
  const replacement = escapeMrkdwn(model.replacement);
  const source =
    model.source.kind === 'imported'
      ? 'imported and DNS-verified ✅'
      : `available — Peeker registers it: ${
          model.source.priceCents !== null
            ? formatMoney(model.source.priceCents, model.source.currency)
            : 'price not given'
        } the first year${
          model.source.renewalCents !== null
            ? `, then ${formatMoney(model.source.renewalCents, model.source.currency)} a year`
            : ''
        }`;
  const what =
    model.type === 'premium'
      ? `*Premium:* ${domain} stays warm for 14 days alongside ${replacement}, then retires. Counts against your premium quota; the next premium swap of ${domain} is possible in 30 days.`
      : `*Standard:* ${domain} is retired at once — a brief pause in sending on it — and ${replacement} takes its place on the order.`;
  const blocks: KnownBlock[] = [
    header('Review the swap'),
    section(
      `*Retire* ${domain} (${escapeMrkdwn(providerName(model.provider))})\n*Replace with* ${replacement} — ${source}`,
    ),
    section(what),
    context(
      [
        `Order ${code(model.orderId)}`,
        model.customerEmail ? `customer ${escapeMrkdwn(model.customerEmail)}` : '',
        model.channelId ? `progress in the order's thread in ${channelLink(model.channelId)}` : '',
        model.sandbox ? SANDBOX_MARKER : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  ];
  if (!model.canSwap) {
    blocks.push(
      section(
        `🔒 Only ${joinWords(model.approvers.map(userLink))} can swap domains (\`ORDER_APPROVERS\`). Ask one of them to run \`/peeker swap ${domain} for ${replacement}\`.`,
      ),
    );
  }
  return modal({
    title: SWAP_TITLE,
    callbackId: SWAP_REVIEW_CALLBACK,
    close: 'Back',
    ...(model.canSwap ? { submit: 'Swap domain' } : {}),
    privateMetadata: encodeSwapReviewMetadata({
      order: model.orderId,
      domain: model.domain,
      replacement: model.replacement,
      type: model.type,
    }),
    blocks,
  });
}

export function renderSwapSending(domain: string, replacement: string): ModalView {
  return renderSwapInfo(`⏳ Asking Peeker to swap ${escapeMrkdwn(domain)} for ${escapeMrkdwn(replacement)}…`);
}

export function renderSwapPlaced(model: {
  domain: string;
  replacement: string;
  swapId: string;
  channelId: string | null;
}): ModalView {
  const where = model.channelId
    ? `Follow it in the order's thread in ${channelLink(model.channelId)}.`
    : 'The order is not followed in Slack, so no thread will show its progress; `/peeker status` shows the order.';
  return renderSwapInfo(
    `✅ Swap requested: ${escapeMrkdwn(model.domain)} → ${escapeMrkdwn(model.replacement)} (swap ${code(model.swapId)}).\n${where}`,
    { title: 'Swap requested' },
  );
}

export function renderSwapPending(model: {
  domain: string;
  replacement: string;
  error: PeekerErrorView;
}): ModalView {
  return renderSwapInfo(
    `⏳ Peeker has not confirmed the swap of ${escapeMrkdwn(model.domain)} for ${escapeMrkdwn(model.replacement)} yet (${code(model.error.code)}${model.error.requestId ? `, request ${code(model.error.requestId)}` : ''}).\nIt stays claimed: the app checks with Peeker and sends it once, never twice. The order's thread will show it.`,
  );
}

export function renderSwapNotAllowed(approvers: readonly string[]): ModalView {
  return renderSwapInfo(
    `🔒 Only ${joinWords(approvers.map(userLink))} can swap domains (\`ORDER_APPROVERS\`). Nothing was sent.`,
  );
}

/** The swap or rename form could not be opened (the ephemeral answer to the command). */
export function renderChangeFormOpenFailed(
  subcommand: 'swap' | 'rename',
  slackError: string,
): RenderedMessage {
  const text =
    slackError === 'expired_trigger_id'
      ? `Slack took too long to let me open the ${subcommand} form. Please run \`/peeker ${subcommand}\` again.`
      : `I couldn’t open the ${subcommand} form (Slack said ${code(slackError)}). Please try again.`;
  return { text, blocks: [section(text)] };
}
