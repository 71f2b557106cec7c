/**
 * The order form of `/peeker order`, as pure functions of plain data (its loading view is in
 * order-form-loading.ts, its domains section in order-form-domains.ts):
 *
 *   loading → form ──Review──▶ review (order-review.ts) ──Place order──▶ placing → placed | failed
 *
 * The review is pushed on top of the form, so its "Back" (and the failed view's "Back to form")
 * pops back to the form with everything still typed. The Smartlead password lives only in the
 * form's password input: never an initial value, never in `private_metadata`.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { encodeFormMetadata } from '../parsing/interaction-payloads.js';
import { MAX_PERSONAS, MIN_PERSONAS } from '../parsing/persona-rows.js';
import { input, modal, SANDBOX_MARKER, withInitial } from './blocks.js';
import { ACTION, BLOCK, ORDER_FORM_CALLBACK, personaBlock } from './ids.js';
import { bundleSelectOptions } from './order-form-bundles.js';
import { domainInputs } from './order-form-domains.js';
import { initialValues } from './order-form-initial-values.js';
import type { OrderFormModel } from './order-form-model.js';
import { ORDER_FORM_TITLE } from './order-form-texts.js';
import { renderOrderUnavailable } from './order-result.js';
import { personaInputs } from './persona-inputs.js';
import { channelLink, context, escapeMrkdwn, header, plainText, section } from './text.js';

/**
 * The order form. Every input uses `action_id` {@link ACTION.value} and a block ID from
 * {@link BLOCK} / {@link personaBlock}; `validateOrderForm` keys its errors by the same IDs.
 * Without any bundle Slack would reject the select, so that case renders
 * {@link renderOrderUnavailable} instead.
 */
export function renderOrderForm(model: OrderFormModel): ModalView {
  const personaCount = clampPersonas(model.personaCount);
  const initial = initialValues(model);
  const bundleOptions = bundleSelectOptions(model.bundles, initial.bundleId);
  if (bundleOptions.length === 0) {
    return renderOrderUnavailable(
      'Peeker has no active bundles to order right now. Try again later, or ask Peeker support.',
    );
  }

  const blocks: KnownBlock[] = [];
  if (model.prefill?.note) blocks.push(section(`📝 ${escapeMrkdwn(model.prefill.note)}`));
  blocks.push(
    context(
      [
        `Status updates will be posted in ${channelLink(model.channelId)}`,
        model.sandbox ? SANDBOX_MARKER : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );

  blocks.push(
    input(
      BLOCK.customerEmail,
      'Customer email',
      withInitial(
        { type: 'email_text_input', action_id: ACTION.value, placeholder: plainText('alex@acme.com') },
        initial.customerEmail,
      ),
      { hint: 'Peeker reuses the existing customer with this email, if there is one.' },
    ),
  );

  const chosenBundle = bundleOptions.find((option) => option.value === initial.bundleId);
  blocks.push(
    input(
      BLOCK.bundle,
      'Bundle',
      {
        type: 'static_select',
        action_id: ACTION.value,
        placeholder: plainText('Choose a bundle'),
        options: bundleOptions,
        ...(chosenBundle ? { initial_option: chosenBundle } : {}),
      },
      { hint: 'The order needs exactly as many domains as the bundle says.' },
    ),
  );

  blocks.push(...domainInputs(model, initial));
  blocks.push(
    input(
      BLOCK.forwardingUrl,
      'Forwarding URL',
      withInitial(
        { type: 'url_text_input', action_id: ACTION.value, placeholder: plainText('https://acme.com') },
        initial.forwardingUrl,
      ),
      { hint: 'An https:// address; every domain in the order redirects there.' },
    ),
  );

  blocks.push(header('Smartlead'));
  blocks.push(
    input(
      BLOCK.smartleadClientId,
      'Smartlead client ID',
      withInitial(
        {
          type: 'number_input',
          action_id: ACTION.value,
          is_decimal_allowed: false,
          min_value: '1',
          placeholder: plainText('366903'),
        },
        // A number input rejects a non-numeric initial value, so only pass a whole number through.
        /^\d{1,15}$/.test(initial.smartleadClientId.trim()) ? initial.smartleadClientId.trim() : '',
      ),
    ),
  );
  if (model.askSmartleadLogin) {
    blocks.push(
      input(
        BLOCK.smartleadEmail,
        'Smartlead login email',
        withInitial(
          { type: 'email_text_input', action_id: ACTION.value, placeholder: plainText('ops@acme.com') },
          initial.smartleadEmail,
        ),
      ),
      input(
        BLOCK.smartleadPassword,
        'Smartlead login password',
        // Never an initial_value: the password must not travel back to Slack in a view.
        { type: 'plain_text_input', action_id: ACTION.value },
        { hint: 'Sent to Peeker only, to set up the inboxes. Never stored or shown in Slack.' },
      ),
    );
  } else {
    blocks.push(context('The Smartlead login is set in the app configuration.'));
  }

  blocks.push(header('Personas'));
  blocks.push(
    ...personaInputs({
      count: personaCount,
      personas: initial.personas,
      addActionId: ACTION.addPersona,
      removeActionId: ACTION.removePersona,
      actionsBlockId: BLOCK.personaActions,
    }),
  );

  return modal({
    title: ORDER_FORM_TITLE,
    callbackId: ORDER_FORM_CALLBACK,
    submit: 'Review',
    close: 'Cancel',
    privateMetadata: encodeFormMetadata({
      channelId: model.channelId,
      personaCount,
      ...(model.reorderOf ? { reorderOf: model.reorderOf } : {}),
      ...(model.pickSetId ? { pickSetId: model.pickSetId } : {}),
    }),
    blocks,
  });
}

function clampPersonas(count: number): number {
  if (typeof count !== 'number' || !Number.isFinite(count)) return MIN_PERSONAS;
  return Math.min(MAX_PERSONAS, Math.max(MIN_PERSONAS, Math.trunc(count)));
}
