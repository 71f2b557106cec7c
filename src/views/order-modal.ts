/**
 * The `/peeker order` modal flow (SPEC §2.3), as pure functions of plain data:
 *
 *   loading → form ──submit──▶ review (pushed) ──Place order──▶ placing → placed | failed
 *
 * The review is pushed on top of the form, so its "Back" (and the failed view's "Back to form")
 * pops back to the form with everything still typed. Views that end the flow set
 * `clear_on_close`, so closing them can never reveal the form again and invite a second order.
 *
 * The Smartlead password lives only in the form's password input: it is never an initial value,
 * never in `private_metadata`, never shown in the review (SPEC §2.3, last paragraph).
 */
import type {
  ActionsBlock,
  Button,
  EmailInput,
  InputBlock,
  InputBlockElement,
  KnownBlock,
  ModalView,
  NumberInput,
  PlainTextInput,
  PlainTextOption,
  URLInput,
} from '@slack/types';
import {
  type BundleChoice,
  type CurrentFormValues,
  MAX_PERSONAS,
  MIN_PERSONAS,
  PERSONA_NAME_MAX,
  type PersonaValues,
} from '../parsing/order-form.js';
import {
  ACTION,
  BLOCK,
  ORDER_FORM_CALLBACK,
  ORDER_RESULT_CALLBACK,
  ORDER_REVIEW_CALLBACK,
  personaBlock,
} from './ids.js';
import { LIMITS } from './limits.js';
import type { PeekerErrorView } from './peeker-error.js';
import {
  bold,
  channelLink,
  code,
  context,
  escapeMrkdwn,
  header,
  listNames,
  plainText,
  plural,
  section,
  truncate,
  userLink,
} from './text.js';

export type { BundleChoice, CurrentFormValues, PersonaValues } from '../parsing/order-form.js';

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

/** What the form carries in `private_metadata`: routing facts only, never a field value. */
export interface OrderFormMetadata {
  channelId: string;
  personaCount: number;
  /** The Peeker order this one corrects, when opened from "Fix order". */
  reorderOf?: string;
}

/** Everything {@link renderOrderForm} needs. */
export interface OrderFormModel {
  /** Where the order's status message will be posted. */
  channelId: string;
  bundles: BundleChoice[];
  /** The channel's DNS-verified imports, offered pre-selected. */
  verifiedDomains: string[];
  /** False when a default Smartlead login comes from configuration. */
  askSmartleadLogin: boolean;
  personaCount: number;
  prefill?: OrderFormPrefill;
  /** What was already typed (from `readFormValues`); wins over `prefill` when re-rendering. */
  current?: CurrentFormValues;
  sandbox: boolean;
  reorderOf?: string;
}

/** Everything {@link renderOrderReview} shows. Note: no password, by construction. */
export interface OrderReviewModel {
  draftId: string;
  channelId: string;
  customerEmail: string;
  bundleName: string;
  requiredDomains: number | null;
  domains: string[];
  forwardingUrl: string;
  smartleadClientId: number;
  /** '' when the default login from configuration is used. */
  smartleadEmail: string;
  personas: PersonaValues[];
  sandbox: boolean;
  /** Whether the viewer is one of `approvers`. */
  canPlace: boolean;
  /** Slack user IDs allowed to place orders. */
  approvers: string[];
}

/** The review's `private_metadata`: a pointer to the stored draft, nothing more. */
export interface OrderReviewMetadata {
  draftId: string;
}

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

const FORM_TITLE = 'New inbox order';
// IDs are a few dozen characters; anything longer is not an ID and would only eat metadata room.
const MAX_ID_LENGTH = 255;
// Review: the domain list may span several sections (3000 chars each) before it is cut short.
const MAX_DOMAIN_SECTIONS = 8;
const SECTION_BUDGET = LIMITS.sectionText - 100;

/** The first view, opened right after `ack()` while bundles and domains load (trigger IDs last 3 s). */
export function renderOrderLoading(channelId: string): ModalView {
  return modal({
    title: FORM_TITLE,
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Cancel',
    privateMetadata: encodeFormMetadata({ channelId, personaCount: MIN_PERSONAS }),
    blocks: [section('⏳ Loading bundles and verified domains from Peeker…')],
  });
}

/** Shown instead of the form when it cannot be filled in, e.g. Peeker could not list bundles. */
export function renderOrderUnavailable(message: string): ModalView {
  return modal({
    title: FORM_TITLE,
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Close',
    clearOnClose: true,
    blocks: [section(`⚠️ ${escapeMrkdwn(message)}`)],
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
      [`Status updates will be posted in ${channelLink(model.channelId)}`, model.sandbox ? sandboxMarker : '']
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

  const domainOptions = initial.selectable.map(domainOption);
  if (domainOptions.length > 0) {
    const chosen = new Set(initial.selectedDomains);
    const initialOptions = domainOptions.filter((option) => chosen.has(option.value ?? ''));
    blocks.push(
      input(
        BLOCK.domainsSelected,
        'Verified domains in this channel',
        {
          type: 'multi_static_select',
          action_id: ACTION.value,
          placeholder: plainText('Choose domains'),
          options: domainOptions,
          // Slack rejects an empty `initial_options`, so leave it out when nothing is chosen.
          ...(initialOptions.length > 0 ? { initial_options: initialOptions } : {}),
        },
        { optional: true, hint: 'Imported for this channel and DNS-verified.' },
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
      { optional: true, hint: 'Root domains only, such as acme-mail.com (not mail.acme.com).' },
    ),
  );
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
  for (let i = 0; i < personaCount; i++) {
    const persona = initial.personas[i];
    blocks.push(
      context(`*Persona ${i + 1}*`),
      input(
        personaBlock(i, 'first'),
        'First name',
        withInitial(
          { type: 'plain_text_input', action_id: ACTION.value, max_length: PERSONA_NAME_MAX },
          // Slack rejects an initial value longer than max_length.
          (persona?.firstName ?? '').slice(0, PERSONA_NAME_MAX),
        ),
      ),
      input(
        personaBlock(i, 'last'),
        'Last name',
        withInitial(
          { type: 'plain_text_input', action_id: ACTION.value, max_length: PERSONA_NAME_MAX },
          (persona?.lastName ?? '').slice(0, PERSONA_NAME_MAX),
        ),
      ),
      input(
        personaBlock(i, 'picture'),
        'Profile picture URL',
        withInitial(
          {
            type: 'url_text_input',
            action_id: ACTION.value,
            placeholder: plainText('https://cdn.acme.com/alex.jpg'),
          },
          persona?.pictureUrl ?? '',
        ),
        { optional: true, hint: 'A public image URL (https). Peeker must be able to download it.' },
      ),
    );
  }
  const buttons: Button[] = [];
  if (personaCount < MAX_PERSONAS) buttons.push(button('Add persona', ACTION.addPersona));
  if (personaCount > MIN_PERSONAS) buttons.push(button('Remove last persona', ACTION.removePersona));
  const actions: ActionsBlock = { type: 'actions', block_id: BLOCK.personaActions, elements: buttons };
  blocks.push(actions);

  return modal({
    title: FORM_TITLE,
    callbackId: ORDER_FORM_CALLBACK,
    submit: 'Review',
    close: 'Cancel',
    privateMetadata: encodeFormMetadata({
      channelId: model.channelId,
      personaCount,
      ...(model.reorderOf ? { reorderOf: model.reorderOf } : {}),
    }),
    blocks,
  });
}

/**
 * What will be ordered, for whom and where the status goes, with "Place order" only for an
 * approver (SPEC §2.3). Everyone else sees who can place it. Never shows the password.
 */
export function renderOrderReview(model: OrderReviewModel): ModalView {
  const required =
    model.requiredDomains === null ? '' : ` (${plural(model.requiredDomains, 'domain')} required)`;
  const blocks: KnownBlock[] = [
    section(
      [
        `*Customer:* ${escapeMrkdwn(model.customerEmail)}`,
        `*Bundle:* ${escapeMrkdwn(model.bundleName)}${required}`,
        `*Forwarding URL:* ${code(model.forwardingUrl)}`,
        `*Status updates:* ${channelLink(model.channelId)}`,
      ].join('\n'),
    ),
    section(
      `*Smartlead:* client ID ${code(String(model.smartleadClientId))} · login ${
        model.smartleadEmail
          ? escapeMrkdwn(model.smartleadEmail)
          : '_the default login from the app configuration_'
      }`,
    ),
    ...domainSections(model.domains),
    section(personaLines(model.personas)),
  ];

  if (!model.canPlace) blocks.push(section(notAllowedText(model.approvers)));
  blocks.push(
    context(
      [
        model.canPlace
          ? 'Nothing is ordered until you press *Place order*.'
          : 'Press *Back* to return to the form.',
        model.sandbox ? sandboxMarker : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );

  return modal({
    title: 'Review order',
    callbackId: ORDER_REVIEW_CALLBACK,
    ...(model.canPlace ? { submit: 'Place order' } : {}),
    close: 'Back',
    privateMetadata: encodeReviewMetadata({ draftId: model.draftId }),
    blocks,
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
  if (p.totalCents !== null) lines.push(`*Cost:* ${formatCents(p.totalCents, p.currency)}`);
  lines.push(
    p.posted
      ? `Status updates are in the order message in ${channelLink(p.channelId)}, and in its thread.`
      : `The status message for ${channelLink(p.channelId)} will appear shortly. If it does not, invite me there with \`/invite @Peeker\`.`,
  );
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  if (p.sandbox) blocks.push(context(sandboxMarker));
  return modal({
    title: 'Order placed',
    callbackId: ORDER_RESULT_CALLBACK,
    close: 'Done',
    clearOnClose: true,
    blocks,
  });
}

/**
 * Peeker refused or failed the order: its message, `error.code`, field and request ID (SPEC §2.3),
 * and what to do. With `canGoBack` (the default) the close button pops back to the form.
 */
export function renderOrderFailed(
  error: PeekerErrorView,
  options: { canGoBack: boolean } = { canGoBack: true },
): ModalView {
  const facts = [
    code(error.code),
    error.field ? `field ${code(error.field)}` : undefined,
    error.requestId ? `request ${code(error.requestId)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
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
 * An amount for people: `$68.00` for USD, `1,234.50 EUR` for other currencies (the code, not a
 * symbol, so nobody mistakes one currency for another), and just the number when the currency is
 * missing or not a 3-letter code.
 */
export function formatCents(cents: number, currency: string | null): string {
  if (typeof cents !== 'number' || !Number.isFinite(cents)) return '—';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.round(Math.abs(cents));
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const amount = `${units}.${String(abs % 100).padStart(2, '0')}`;
  const iso = typeof currency === 'string' ? currency.trim().toUpperCase() : '';
  if (iso === 'USD') return `${sign}$${amount}`;
  return /^[A-Z]{3}$/.test(iso) ? `${sign}${amount} ${iso}` : `${sign}${amount}`;
}

/** The form's `private_metadata`: channel, persona count and `reorderOf` as JSON. */
export function encodeFormMetadata(m: OrderFormMetadata): string {
  const reorderOf = m.reorderOf && m.reorderOf.length <= MAX_ID_LENGTH ? m.reorderOf : undefined;
  return JSON.stringify({
    channelId: m.channelId,
    personaCount: clampPersonas(m.personaCount),
    ...(reorderOf ? { reorderOf } : {}),
  });
}

/** Parses {@link encodeFormMetadata}'s output; undefined for anything else. Never throws. */
export function decodeFormMetadata(s: string | undefined): OrderFormMetadata | undefined {
  const data = parseJsonObject(s);
  if (!data) return undefined;
  const { channelId, personaCount, reorderOf } = data;
  if (!isId(channelId)) return undefined;
  if (
    typeof personaCount !== 'number' ||
    !Number.isInteger(personaCount) ||
    personaCount < MIN_PERSONAS ||
    personaCount > MAX_PERSONAS
  ) {
    return undefined;
  }
  if (reorderOf !== undefined && !isId(reorderOf)) return undefined;
  return reorderOf === undefined ? { channelId, personaCount } : { channelId, personaCount, reorderOf };
}

/** The review's `private_metadata`. */
export function encodeReviewMetadata(m: OrderReviewMetadata): string {
  return JSON.stringify({ draftId: m.draftId });
}

/** Parses {@link encodeReviewMetadata}'s output; undefined for anything else. Never throws. */
export function decodeReviewMetadata(s: string | undefined): OrderReviewMetadata | undefined {
  const data = parseJsonObject(s);
  return data && isId(data.draftId) ? { draftId: data.draftId } : undefined;
}

// ---------------------------------------------------------------------------------------------

const sandboxMarker = '🧪 _Sandbox: Peeker test key_';

interface InitialValues {
  customerEmail: string;
  bundleId: string;
  /** Verified domains that can be options (value ≤ 75 chars, at most 100). */
  selectable: string[];
  selectedDomains: string[];
  domainsText: string;
  forwardingUrl: string;
  smartleadClientId: string;
  smartleadEmail: string;
  personas: PersonaValues[];
}

/** `current` (what was typed) wins over `prefill`; with neither, every verified domain is chosen. */
function initialValues(model: OrderFormModel): InitialValues {
  const selectable: string[] = [];
  const overflow: string[] = [];
  for (const domain of new Set(model.verifiedDomains)) {
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
      forwardingUrl: current.forwardingUrl,
      smartleadClientId: current.smartleadClientId,
      smartleadEmail: current.smartleadEmail,
      personas: current.personas,
    };
  }
  const domains = prefill?.domains;
  const clientId = prefill?.smartleadClientId;
  return {
    customerEmail: prefill?.customerEmail ?? '',
    bundleId: prefill?.bundleId ?? '',
    selectable,
    selectedDomains: domains ? domains.filter((d) => isSelectable.has(d)) : selectable,
    domainsText: (domains ? domains.filter((d) => !isSelectable.has(d)) : overflow).join('\n'),
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

function domainOption(domain: string): PlainTextOption {
  return { text: plainText(domain, LIMITS.optionText), value: domain };
}

function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  options: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plainText(label),
    element,
    ...(options.optional ? { optional: true } : {}),
    ...(options.hint ? { hint: plainText(options.hint) } : {}),
  };
}

/** Sets `initial_value` only when there is one: an empty initial value is noise at best. */
function withInitial<T extends EmailInput | URLInput | PlainTextInput | NumberInput>(
  element: T,
  value: string,
): T {
  return value === '' ? element : { ...element, initial_value: value };
}

function button(text: string, actionId: string): Button {
  return { type: 'button', action_id: actionId, text: plainText(text, LIMITS.buttonText) };
}

function modal(spec: {
  title: string;
  callbackId: string;
  close: string;
  submit?: string;
  clearOnClose?: boolean;
  privateMetadata?: string;
  blocks: KnownBlock[];
}): ModalView {
  return {
    type: 'modal',
    callback_id: spec.callbackId,
    title: plainText(spec.title, LIMITS.modalTitle),
    close: plainText(spec.close, LIMITS.modalTitle),
    ...(spec.submit ? { submit: plainText(spec.submit, LIMITS.modalTitle) } : {}),
    ...(spec.clearOnClose ? { clear_on_close: true } : {}),
    ...(spec.privateMetadata ? { private_metadata: spec.privateMetadata } : {}),
    blocks: spec.blocks.slice(0, LIMITS.blocksPerModal),
  };
}

/** The domain list as `code` spans, spread over a few sections of ≤ 3000 characters each. */
function domainSections(domains: readonly string[]): KnownBlock[] {
  const sections: string[] = [];
  let current = `*Domains (${domains.length}):*\n`;
  let shown = 0;
  for (const domain of domains) {
    const item = `${shown === 0 ? '' : ', '}${code(truncate(domain, 100))}`;
    if (current.length + item.length > SECTION_BUDGET) {
      if (sections.length + 1 >= MAX_DOMAIN_SECTIONS) break;
      sections.push(current);
      current = '';
    }
    current += current === '' ? item.replace(/^, /, '') : item;
    shown++;
  }
  if (shown < domains.length) current += `, …and ${domains.length - shown} more`;
  if (domains.length === 0) current += '_none_';
  sections.push(current);
  return sections.map((text) => section(text));
}

function personaLines(personas: readonly PersonaValues[]): string {
  const lines = personas.map((persona, i) => {
    const picture = persona.pictureUrl
      ? `picture ${code(truncate(persona.pictureUrl, 200))}`
      : '_no picture_';
    return `${i + 1}. ${escapeMrkdwn(`${persona.firstName} ${persona.lastName}`)} — ${picture}`;
  });
  return truncate(
    `*${plural(personas.length, 'persona')}:*\n${lines.join('\n') || '_none_'}`,
    SECTION_BUDGET,
  );
}

function notAllowedText(approvers: readonly string[]): string {
  if (approvers.length === 0) {
    return '🔒 Only approved people can place orders, and none are set up yet. Ask your Slack admin to add Slack user IDs to ORDER_APPROVERS.';
  }
  return `🔒 Only approved people can place orders. Ask ${listNames(approvers.map(userLink), 10)} to place it.`;
}

function clampPersonas(count: number): number {
  if (typeof count !== 'number' || !Number.isFinite(count)) return MIN_PERSONAS;
  return Math.min(MAX_PERSONAS, Math.max(MIN_PERSONAS, Math.trunc(count)));
}

function parseJsonObject(s: string | undefined): Record<string, unknown> | undefined {
  if (typeof s !== 'string' || s === '' || s.length > LIMITS.privateMetadata) return undefined;
  try {
    const data: unknown = JSON.parse(s);
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}
