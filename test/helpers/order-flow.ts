import { BLOCK, ORDER_FORM_CALLBACK, ORDER_REVIEW_CALLBACK, personaBlock } from '../../src/views/ids.js';
import { FAKE_BUNDLE_IDS } from '../fakes/peeker/index.js';
import type { Harness } from './harness.js';

export const MARKER_PASSWORD = 'Sm4rtl3ad-pa55word-MARKER-7f3a';

export interface FormInput {
  customerEmail?: string;
  bundleId?: string;
  domainsSelected?: string[];
  domainsText?: string;
  forwardingUrl?: string;
  smartleadClientId?: string;
  smartleadEmail?: string;
  smartleadPassword?: string;
  personas?: { first: string; last: string; picture?: string }[];
}

/** `view.state.values` as Slack sends it for the order form. */
export function formState(input: FormInput): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {
    [BLOCK.customerEmail]: {
      value: { type: 'email_text_input', value: input.customerEmail ?? 'alex@acme.com' },
    },
    [BLOCK.bundle]: {
      value: {
        type: 'static_select',
        selected_option: {
          value: input.bundleId ?? FAKE_BUNDLE_IDS.starter,
          text: { type: 'plain_text', text: 'Starter' },
        },
      },
    },
    [BLOCK.domainsText]: { value: { type: 'plain_text_input', value: input.domainsText ?? null } },
    [BLOCK.forwardingUrl]: {
      value: { type: 'url_text_input', value: input.forwardingUrl ?? 'https://acme.com' },
    },
    [BLOCK.smartleadClientId]: {
      value: { type: 'number_input', value: input.smartleadClientId ?? '366903' },
    },
    [BLOCK.smartleadEmail]: {
      value: { type: 'email_text_input', value: input.smartleadEmail ?? 'ops@acme.com' },
    },
    [BLOCK.smartleadPassword]: {
      value: { type: 'plain_text_input', value: input.smartleadPassword ?? MARKER_PASSWORD },
    },
  };
  if (input.domainsSelected) {
    values[BLOCK.domainsSelected] = {
      value: {
        type: 'multi_static_select',
        selected_options: input.domainsSelected.map((domain) => ({ value: domain })),
      },
    };
  }
  const personas = input.personas ?? [
    { first: 'Alex', last: 'Rivera', picture: 'https://cdn.acme.com/alex.jpg' },
    { first: 'Sam', last: 'Lee', picture: 'https://cdn.acme.com/sam.jpg' },
  ];
  personas.forEach((persona, index) => {
    values[personaBlock(index, 'first')] = { value: { type: 'plain_text_input', value: persona.first } };
    values[personaBlock(index, 'last')] = { value: { type: 'plain_text_input', value: persona.last } };
    values[personaBlock(index, 'picture')] = {
      value: { type: 'url_text_input', value: persona.picture ?? null },
    };
  });
  return values;
}

/** The view the app last put into the fake Slack (via views.update after views.open). */
const isFormUpdate = (call: { args: Record<string, unknown> }) =>
  (call.args.view as { callback_id?: string } | undefined)?.callback_id === ORDER_FORM_CALLBACK;

/** Waits for an order form rendered after the first `after` views.update calls. */
export async function waitForFormUpdate(h: Harness, after: number): Promise<void> {
  await h.slack.waitFor(
    () => h.slack.callsTo('views.update').slice(after).some(isFormUpdate),
    5000,
    'the order form',
  );
}

export function latestFormView(h: Harness): {
  id: string;
  hash: string;
  private_metadata: string;
  blocks: unknown[];
} {
  const update = h.slack.callsTo('views.update').filter(isFormUpdate).at(-1);
  const view = update?.args.view as
    | { private_metadata: string; blocks: unknown[]; callback_id: string }
    | undefined;
  if (!view || view.callback_id !== ORDER_FORM_CALLBACK) throw new Error('no order form was rendered');
  const id = String(update?.args.view_id);
  return {
    id,
    hash: h.slack.views.get(id)?.hash ?? '',
    private_metadata: view.private_metadata,
    blocks: view.blocks,
  };
}

export function viewSubmission(
  callbackId: string,
  view: {
    id: string;
    hash?: string;
    private_metadata: string;
    values?: Record<string, Record<string, unknown>>;
  },
  user = 'UOPS',
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: 'T000FAKE', domain: 'fake' },
    user: { id: user, username: 'ops', name: 'ops', team_id: 'T000FAKE' },
    api_app_id: 'A000FAKE',
    token: 'legacy',
    trigger_id: `trig.${Math.random().toString(16).slice(2)}`,
    view: {
      id: view.id,
      team_id: 'T000FAKE',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: view.private_metadata,
      hash: view.hash ?? 'h1',
      state: { values: view.values ?? {} },
      blocks: [],
      title: { type: 'plain_text', text: 'x' },
      app_id: 'A000FAKE',
      bot_id: 'BBOT',
    },
    response_urls: [],
  };
}

export function blockAction(
  actionId: string,
  value: string | undefined,
  options: {
    view?: {
      id: string;
      hash: string;
      private_metadata: string;
      values: Record<string, Record<string, unknown>>;
    };
    user?: string;
    channel?: string;
  } = {},
): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T000FAKE', domain: 'fake' },
    user: { id: options.user ?? 'UOPS', username: 'ops', name: 'ops', team_id: 'T000FAKE' },
    api_app_id: 'A000FAKE',
    token: 'legacy',
    trigger_id: `trig.${Math.random().toString(16).slice(2)}`,
    container: options.view
      ? { type: 'view', view_id: options.view.id }
      : { type: 'message', channel_id: options.channel ?? 'COPS' },
    ...(options.view
      ? {
          view: {
            id: options.view.id,
            hash: options.view.hash,
            type: 'modal',
            callback_id: ORDER_FORM_CALLBACK,
            private_metadata: options.view.private_metadata,
            state: { values: options.view.values },
            blocks: [],
          },
        }
      : { channel: { id: options.channel ?? 'COPS', name: 'ops' } }),
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
  };
}

/**
 * Opens the order form for `channel`, fills and submits it, and places the order from the review.
 * Returns what the review and the placement answered.
 */
export async function placeOrderThroughSlack(
  h: Harness,
  options: { channel?: string; input?: FormInput; user?: string; reviewViewId?: string } = {},
): Promise<{ review: unknown; place: unknown; reviewViewId: string }> {
  const channel = options.channel ?? 'CCUST';
  const input = options.input ?? {};
  const before = h.slack.callsTo('views.update').length;
  await h.command(`order in <#${channel}|customer>`, { user: options.user ?? 'UOPS' });
  await waitForFormUpdate(h, before);
  let form = latestFormView(h);
  // One persona row is shown at first; add rows like a person would, through the button.
  const personaCount = input.personas?.length ?? 2;
  for (let rows = 1; rows < personaCount; rows += 1) {
    const updates = h.slack.callsTo('views.update').length;
    await h.interact(
      blockAction('persona_add', undefined, {
        view: { ...form, values: formState(input) },
        user: options.user ?? 'UOPS',
      }),
    );
    await h.slack.waitFor(
      () => h.slack.callsTo('views.update').length > updates,
      5000,
      'the form with one more persona',
    );
    form = latestFormView(h);
  }
  const review = await h.interact(
    viewSubmission(ORDER_FORM_CALLBACK, { ...form, values: formState(input) }, options.user),
  );
  const reviewView = (review.body as { view?: { private_metadata?: string } } | undefined)?.view;
  const reviewViewId =
    options.reviewViewId ?? `VREVIEW${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  // Slack pushed the review (a response_action); make the fake know the view so views.update works.
  h.slack.views.set(reviewViewId, {
    view: { ...(reviewView ?? {}), id: reviewViewId, hash: 'hr' },
    hash: 'hr',
  });
  const place = await h.interact(
    viewSubmission(
      ORDER_REVIEW_CALLBACK,
      { id: reviewViewId, private_metadata: reviewView?.private_metadata ?? '' },
      options.user,
    ),
  );
  return { review: review.body, place: place.body, reviewViewId };
}

export { FAKE_BUNDLE_IDS, ORDER_REVIEW_CALLBACK };
