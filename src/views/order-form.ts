/**
 * The order form of `/peeker order` and its loading view, as pure functions of plain data:
 *
 *   loading → form ──Review──▶ review (order-review.ts) ──Place order──▶ placing → placed | failed
 *
 * The review is pushed on top of the form, so its "Back" (and the failed view's "Back to form")
 * pops back to the form with everything still typed. The Smartlead password lives only in the
 * form's password input: never an initial value, never in `private_metadata`.
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { encodeFormMetadata } from '../parsing/interaction-payloads.js';
import {
  type BundleChoice,
  type CurrentFormValues,
  MAX_PERSONAS,
  MIN_PERSONAS,
  type PersonaValues,
} from '../parsing/order-form.js';
import { input, modal, SANDBOX_MARKER, withInitial } from './blocks.js';
import { ACTION, BLOCK, ORDER_FORM_CALLBACK, ORDER_RESULT_CALLBACK, personaBlock } from './ids.js';
import { LIMITS } from './limits.js';
import { formatMoney } from './money.js';
import { renderOrderUnavailable } from './order-result.js';
import { personaInputs } from './persona-inputs.js';
import { channelLink, context, escapeMrkdwn, header, plainText, plural, section, truncate } from './text.js';

export type { BundleChoice, CurrentFormValues, PersonaValues } from '../parsing/order-form.js';

export const ORDER_FORM_TITLE = 'New inbox order';

/** Field errors the form's submission can answer before validating anything else. */
export const FORM_EXPIRED_ERROR = 'This form has expired. Close it and run /peeker order again.';
export const BUNDLES_UNAVAILABLE_ERROR =
  'Could not load the bundles from Peeker just now. Try again in a moment.';

/** The note at the top of a form re-opened to correct an order Peeker flagged. */
export function correctionNote(reason: string | null, personaName: string): string {
  return reason === 'profile_picture_not_accessible'
    ? `${personaName || 'A persona'}’s profile picture was not publicly accessible. Paste a public image URL, re-enter the Smartlead password and place the corrected order.`
    : 'Correct what Peeker flagged, re-enter the Smartlead password and place the corrected order.';
}

/** The note at the top of a form re-opened from a draft lost to a restart. */
export const RESUBMIT_NOTE = 'Re-enter the Smartlead password and place the order again.';

/**
 * Values to start the form with, e.g. from the original order when "Fix order" re-opens it after
 * `profile_picture_not_accessible`. Deliberately has no password field: it is never pre-filled.
 */
export interface OrderFormPrefill {
  customerEmail?: string;
  bundleId?: string;
  domains?: string[];
  forwardingUrl?: string;
  smartleadClientId?: number;
  smartleadEmail?: string;
  personas?: PersonaValues[];
  /** Shown at the top of the form, e.g. what to fix. Plain text; escaped here. */
  note?: string;
}

/** Everything {@link renderOrderForm} needs. */
export interface OrderFormModel {
  /** Where the order's status message will be posted. */
  channelId: string;
  bundles: BundleChoice[];
  /** The channel's DNS-verified imports, offered pre-selected. */
  verifiedDomains: string[];
  /**
   * Available names picked from a `check` / `find` answer, offered first (pre-selected when the
   * form opens from that answer), with their first-year price.
   */
  pickedDomains?: { domain: string; priceCents: number | null; currency: string | null }[];
  /** The `check` / `find` answer the picks come from, kept in `private_metadata`. */
  pickSetId?: string;
  /** Offer a domains file (`file_input`, scope `files:read`) for lists too long to type. */
  acceptsFile?: boolean;
  /** False when a default Smartlead login comes from configuration. */
  askSmartleadLogin: boolean;
  personaCount: number;
  prefill?: OrderFormPrefill;
  /** What was already typed (from `readFormValues`); wins over `prefill` when re-rendering. */
  current?: CurrentFormValues;
  sandbox: boolean;
  reorderOf?: string;
}

/** The first view, opened right after `ack()` while bundles and domains load (trigger IDs last 3 s). */
export function renderOrderLoading(channelId: string): ModalView {
  return modal({
    title: ORDER_FORM_TITLE,
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Cancel',
    privateMetadata: encodeFormMetadata({ channelId, personaCount: MIN_PERSONAS }),
    blocks: [section('⏳ Loading bundles and verified domains from Peeker…')],
  });
}

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

  const prices = new Map((model.pickedDomains ?? []).map((picked) => [picked.domain, picked]));
  const domainOptions = initial.selectable.map((domain) => domainOption(domain, prices.get(domain)));
  if (domainOptions.length > 0) {
    const chosen = new Set(initial.selectedDomains);
    const initialOptions = domainOptions.filter((option) => chosen.has(option.value ?? ''));
    blocks.push(
      input(
        BLOCK.domainsSelected,
        prices.size > 0 ? 'Domains to order (picked and verified)' : 'Verified domains in this channel',
        {
          type: 'multi_static_select',
          action_id: ACTION.value,
          placeholder: plainText('Choose domains'),
          options: domainOptions,
          // Slack rejects an empty `initial_options`, so leave it out when nothing is chosen.
          ...(initialOptions.length > 0 ? { initial_options: initialOptions } : {}),
        },
        {
          optional: true,
          hint:
            prices.size > 0
              ? 'Available names from your check (Peeker registers them) and this channel’s DNS-verified imports.'
              : 'Imported for this channel and DNS-verified.',
        },
      ),
    );
  }
  blocks.push(
    input(
      BLOCK.domainsText,
      domainOptions.length > 0
        ? 'More domains (one per line, or separated by commas)'
        : 'Domains (one per line, or separated by commas)',
      withInitial(
        {
          type: 'plain_text_input',
          action_id: ACTION.value,
          multiline: true,
          placeholder: plainText('acme-mail.com, team-acme.com'),
        },
        initial.domainsText,
      ),
      {
        optional: true,
        hint: 'Root domains only, such as acme-mail.com (not mail.acme.com). Imported ones are used as they are; any other available name is registered by Peeker.',
      },
    ),
  );
  if (initial.leftOut > 0) {
    blocks.push(
      context(
        `⚠️ ${plural(initial.leftOut, 'more domain')} did not fit in the form (a text box holds ${LIMITS.textInput} characters) — attach them as a file below.`,
      ),
    );
  }
  if (model.acceptsFile) {
    blocks.push(
      input(
        BLOCK.domainsFile,
        'Or a file of domains',
        { type: 'file_input', action_id: ACTION.value, filetypes: ['txt', 'csv'], max_files: 1 },
        {
          optional: true,
          hint: 'A .txt or .csv with one domain per line (or comma-separated): for lists too long to type.',
        },
      ),
    );
  }
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

// ---------------------------------------------------------------------------------------------

interface InitialValues {
  customerEmail: string;
  bundleId: string;
  /** Picked, then verified domains that can be options (value ≤ 75 chars, at most 100). */
  selectable: string[];
  selectedDomains: string[];
  /** At most {@link LIMITS.textInput} characters: Slack refuses a longer initial value. */
  domainsText: string;
  /** Pre-filled domains that fit neither the select nor the text box. */
  leftOut: number;
  forwardingUrl: string;
  smartleadClientId: string;
  smartleadEmail: string;
  personas: PersonaValues[];
}

/** `current` (what was typed) wins over `prefill`; with neither, every verified domain is chosen. */
function initialValues(model: OrderFormModel): InitialValues {
  const selectable: string[] = [];
  const overflow: string[] = [];
  const picked = (model.pickedDomains ?? []).map((entry) => entry.domain);
  for (const domain of new Set([...picked, ...model.verifiedDomains])) {
    // An option value holds at most 75 characters; longer names go to the text field instead.
    if (domain && domain.length <= LIMITS.optionValue && selectable.length < LIMITS.optionsPerSelect) {
      selectable.push(domain);
    } else if (domain) overflow.push(domain);
  }
  const isSelectable = new Set(selectable);

  const { current, prefill } = model;
  if (current) {
    return {
      customerEmail: current.customerEmail,
      bundleId: current.bundleId,
      selectable,
      selectedDomains: current.domainsSelected.filter((d) => isSelectable.has(d)),
      domainsText: current.domainsText,
      leftOut: 0,
      forwardingUrl: current.forwardingUrl,
      smartleadClientId: current.smartleadClientId,
      smartleadEmail: current.smartleadEmail,
      personas: current.personas,
    };
  }
  const domains = prefill?.domains;
  const clientId = prefill?.smartleadClientId;
  const verified = new Set(model.verifiedDomains);
  const typed = fitLines(
    domains ? domains.filter((d) => !isSelectable.has(d)) : overflow.filter((d) => verified.has(d)),
    LIMITS.textInput,
  );
  return {
    customerEmail: prefill?.customerEmail ?? '',
    bundleId: prefill?.bundleId ?? '',
    selectable,
    // Without a pre-fill every verified domain is chosen (picks only when the form opens from them).
    selectedDomains: domains
      ? domains.filter((d) => isSelectable.has(d))
      : selectable.filter((d) => verified.has(d)),
    domainsText: typed.text,
    leftOut: typed.leftOut,
    forwardingUrl: prefill?.forwardingUrl ?? '',
    smartleadClientId:
      typeof clientId === 'number' && Number.isSafeInteger(clientId) && clientId > 0 ? String(clientId) : '',
    smartleadEmail: prefill?.smartleadEmail ?? '',
    personas: prefill?.personas ?? [],
  };
}

/**
 * One option per bundle, at most 100 (Slack's limit). The chosen bundle is kept even when it is
 * past the 100th, so a re-order never loses its bundle. IDs longer than an option value allows
 * cannot round-trip and are left out.
 */
function bundleSelectOptions(bundles: readonly BundleChoice[], chosenId: string): PlainTextOption[] {
  const seen = new Set<string>();
  const usable = bundles.filter((bundle) => {
    if (!bundle.id || bundle.id.length > LIMITS.optionValue || seen.has(bundle.id)) return false;
    seen.add(bundle.id);
    return true;
  });
  let shown = usable.slice(0, LIMITS.optionsPerSelect);
  const chosen = usable.find((bundle) => bundle.id === chosenId);
  if (chosen && !shown.includes(chosen)) shown = [...shown.slice(0, LIMITS.optionsPerSelect - 1), chosen];
  return shown.map(bundleOption);
}

function bundleOption(bundle: BundleChoice): PlainTextOption {
  const required = bundle.requiredDomains;
  const suffix =
    typeof required === 'number' && Number.isFinite(required) ? ` · ${plural(required, 'domain')}` : '';
  const name = bundle.name.trim() || bundle.id;
  // Cut the name, not the domain count: the count is what people choose by.
  const text = `${truncate(name, Math.max(10, LIMITS.optionText - suffix.length))}${suffix}`;
  return { text: plainText(text, LIMITS.optionText), value: bundle.id };
}

function domainOption(
  domain: string,
  picked?: { priceCents: number | null; currency: string | null },
): PlainTextOption {
  const price =
    picked === undefined
      ? ''
      : picked.priceCents === null
        ? ' · to register'
        : ` · to register, ${formatMoney(picked.priceCents, picked.currency)}`;
  return {
    text: plainText(`${truncate(domain, LIMITS.optionText - price.length)}${price}`, LIMITS.optionText),
    value: domain,
  };
}

/** One name per line, as many as fit in `max` characters; how many did not. */
function fitLines(names: readonly string[], max: number): { text: string; leftOut: number } {
  let text = '';
  let kept = 0;
  for (const name of names) {
    const next = text === '' ? name : `${text}\n${name}`;
    if (next.length > max) break;
    text = next;
    kept += 1;
  }
  return { text, leftOut: names.length - kept };
}

function clampPersonas(count: number): number {
  if (typeof count !== 'number' || !Number.isFinite(count)) return MIN_PERSONAS;
  return Math.min(MAX_PERSONAS, Math.max(MIN_PERSONAS, Math.trunc(count)));
}
