/**
 * Helpers for the tests of changes to live domains: an order placed through the real
 * modal whose domains Peeker then connects (`domain.connected` webhooks), and the swap and rename
 * modals driven like Slack would.
 */
import {
  personaBlock,
  RENAME_FORM_CALLBACK,
  SWAP_BLOCK,
  SWAP_FORM_CALLBACK,
  SWAP_REVIEW_CALLBACK,
} from '../../src/views/ids.js';
import type { DomainProvider } from '../fakes/peeker/index.js';
import { allText, type Harness } from './harness.js';
import { placeOrderThroughSlack, viewSubmission } from './order-flow.js';

export interface LiveOrder {
  orderId: string;
  parentTs: string;
  channel: string;
}

/**
 * Places an order for `domains` in `channel` through the modal (with a bundle of that size) and
 * connects every domain through signed `domain.connected` webhooks; resolves once settled.
 */
export async function placeLiveOrder(
  h: Harness,
  options: {
    domains: string[];
    channel?: string;
    providers?: Record<string, DomainProvider>;
    personas?: { first: string; last: string; picture?: string }[];
    connect?: string[];
  },
): Promise<LiveOrder> {
  const channel = options.channel ?? 'COPS';
  const bundleId = `bun_live_${options.domains.length}`;
  if (!h.peeker.bundles.some((bundle) => bundle.id === bundleId)) {
    h.peeker.addBundle({
      id: bundleId,
      name: `Live ${options.domains.length}`,
      required_domains: { google: options.domains.length, microsoft: 0, total: options.domains.length },
    });
  }
  const before = h.peeker.orders.size;
  await placeOrderThroughSlack(h, {
    channel,
    input: {
      bundleId,
      domainsText: options.domains.join('\n'),
      ...(options.personas ? { personas: options.personas } : {}),
    },
  });
  await h.peeker.waitFor(() => h.peeker.orders.size > before, 8000, 'POST /orders');
  const orderId = [...h.peeker.orders.keys()].at(-1) ?? '';
  // Ops channels show the order ID on its message; customer channels do not (then: the latest order message).
  const parent = await h.slack.waitFor(
    () =>
      h.slack.messagesIn(channel).find((message) => allText(message).includes(orderId)) ??
      h.slack
        .messagesIn(channel)
        .filter((message) => !message.thread_ts && allText(message).includes('Inbox order'))
        .at(-1),
    8000,
    'the order status message',
  );
  for (const domain of options.connect ?? options.domains) {
    const provider = options.providers?.[domain] ?? 'google';
    await h.webhook(h.peeker.domainConnectedEvent(orderId, domain, { provider }));
  }
  await h.settle();
  return { orderId, parentTs: parent.ts, channel };
}

/** `view.state.values` of the swap form. */
export function swapFormState(input: { domain: string; replacement: string; type?: 'standard' | 'premium' }) {
  return {
    [SWAP_BLOCK.domain]: { value: { type: 'static_select', selected_option: { value: input.domain } } },
    [SWAP_BLOCK.replacement]: { value: { type: 'plain_text_input', value: input.replacement } },
    [SWAP_BLOCK.type]: {
      value: { type: 'radio_buttons', selected_option: { value: input.type ?? 'standard' } },
    },
  };
}

/** `view.state.values` of the rename form. */
export function renameFormState(personas: { first: string; last: string; picture?: string }[]) {
  const values: Record<string, Record<string, unknown>> = {};
  personas.forEach((persona, index) => {
    values[personaBlock(index, 'first')] = { value: { type: 'plain_text_input', value: persona.first } };
    values[personaBlock(index, 'last')] = { value: { type: 'plain_text_input', value: persona.last } };
    values[personaBlock(index, 'picture')] = {
      value: { type: 'url_text_input', value: persona.picture ?? null },
    };
  });
  return values;
}

export interface StoredModal {
  id: string;
  private_metadata: string;
  blocks: unknown[];
  callback_id: string;
}

/** The latest `views.update` that put a view with `callbackId` (after the first `after` updates). */
export async function waitForView(
  h: Harness,
  callbackId: string,
  after = 0,
  viewId?: string,
): Promise<StoredModal> {
  const call = await h.slack.waitFor(
    () =>
      h.slack
        .callsTo('views.update')
        .slice(after)
        .filter(
          (c) =>
            (c.args.view as { callback_id?: string }).callback_id === callbackId &&
            (viewId === undefined || c.args.view_id === viewId),
        )
        .at(-1),
    8000,
    `a ${callbackId} view`,
  );
  const view = call.args.view as { private_metadata?: string; blocks?: unknown[]; callback_id: string };
  return {
    id: String(call.args.view_id),
    private_metadata: view.private_metadata ?? '',
    blocks: view.blocks ?? [],
    callback_id: view.callback_id,
  };
}

/** The latest view the app put into modal `viewId`, whatever it is. */
export function latestViewText(h: Harness, viewId: string): string {
  const call = h.slack
    .callsTo('views.update')
    .filter((c) => c.args.view_id === viewId)
    .at(-1);
  return JSON.stringify(call?.args.view ?? {});
}

/** `/peeker swap …` → the filled swap form. */
export async function openSwapForm(h: Harness, text: string, user = 'UOPS'): Promise<StoredModal> {
  const before = h.slack.callsTo('views.update').length;
  const result = await h.command(text, { user });
  if (result.ack?.text) throw new Error(`swap was refused: ${result.ack.text}`);
  return waitForView(h, SWAP_FORM_CALLBACK, before);
}

/** Submits the swap form; resolves with its acknowledgement and, when it was accepted, the review. */
export async function submitSwapForm(
  h: Harness,
  form: StoredModal,
  input: { domain: string; replacement: string; type?: 'standard' | 'premium' },
  user = 'UOPS',
): Promise<{ ack: Record<string, unknown>; review?: StoredModal }> {
  const before = h.slack.callsTo('views.update').length;
  const answer = await h.interact(
    viewSubmission(
      SWAP_FORM_CALLBACK,
      { id: form.id, private_metadata: form.private_metadata, values: swapFormState(input) },
      user,
    ),
  );
  const ack = (answer.body ?? {}) as Record<string, unknown>;
  if (ack.response_action !== 'update') return { ack };
  const next = await h.slack.waitFor(
    () =>
      h.slack
        .callsTo('views.update')
        .slice(before)
        .find((c) => c.args.view_id === form.id),
    8000,
    'the swap review (or the form again)',
  );
  const view = next.args.view as { callback_id: string; private_metadata?: string; blocks?: unknown[] };
  if (view.callback_id !== SWAP_REVIEW_CALLBACK) {
    return {
      ack: { ...ack, after: view },
    };
  }
  return {
    ack,
    review: {
      id: form.id,
      private_metadata: view.private_metadata ?? '',
      blocks: view.blocks ?? [],
      callback_id: view.callback_id,
    },
  };
}

/** "Swap domain" on the review. */
export async function confirmSwap(
  h: Harness,
  review: StoredModal,
  user = 'UOPS',
): Promise<Record<string, unknown>> {
  const answer = await h.interact(
    viewSubmission(SWAP_REVIEW_CALLBACK, { id: review.id, private_metadata: review.private_metadata }, user),
  );
  return (answer.body ?? {}) as Record<string, unknown>;
}

/** `/peeker rename <domain>` → the filled rename form. */
export async function openRenameForm(h: Harness, domain: string): Promise<StoredModal> {
  const before = h.slack.callsTo('views.update').length;
  const result = await h.command(`rename ${domain}`);
  if (result.ack?.text) throw new Error(`rename was refused: ${result.ack.text}`);
  return waitForView(h, RENAME_FORM_CALLBACK, before);
}

export async function submitRename(
  h: Harness,
  form: StoredModal,
  personas: { first: string; last: string; picture?: string }[],
): Promise<Record<string, unknown>> {
  const answer = await h.interact(
    viewSubmission(RENAME_FORM_CALLBACK, {
      id: form.id,
      private_metadata: form.private_metadata,
      values: renameFormState(personas),
    }),
  );
  return (answer.body ?? {}) as Record<string, unknown>;
}
