import type { KnownBlock, ModalView } from '@slack/types';
import { encodeReviewMetadata } from '../parsing/interaction-payloads.js';
import type { PersonaValues } from '../parsing/persona-rows.js';
import { modal, SANDBOX_MARKER } from './blocks.js';
import { ORDER_REVIEW_CALLBACK } from './ids.js';
import { LIMITS } from './limits.js';
import { formatMoney } from './money.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  listNames,
  plural,
  section,
  truncate,
  userLink,
} from './text.js';

// Review: the domain list may span several sections (3000 chars each) before it is cut short.
const MAX_DOMAIN_SECTIONS = 8;
const SECTION_BUDGET = LIMITS.sectionText - 100;

/** Everything {@link renderOrderReview} shows. Note: no password, by construction. */
export interface OrderReviewModel {
  draftId: string;
  channelId: string;
  customerEmail: string;
  bundleName: string;
  requiredDomains: number | null;
  domains: string[];
  /** Of {@link domains}: the ones the customer owns (imported, or in Peeker's inventory). */
  imported?: string[];
  /** Of {@link domains}: the ones Peeker registers, with their prices (minor units). */
  toRegister?: RegistrationView[];
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

/** A domain Peeker will register for the order, with its prices. */
export interface RegistrationView {
  domain: string;
  priceCents: number | null;
  renewalCents: number | null;
  currency: string | null;
  usableFor: string[];
}

/**
 * What will be ordered, for whom and where the status goes, with "Place order" only for an
 * approver. Everyone else sees who can place it. Never shows the password. Domains to register
 * are listed with their prices and the registration total (the review is the ops person's own
 * view; customer channels never see prices).
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
    ...(model.toRegister && model.toRegister.length > 0
      ? registrationSections(model.imported ?? [], model.toRegister, model.domains.length)
      : domainSections(model.domains)),
    section(personaLines(model.personas)),
  ];

  if (!model.canPlace) blocks.push(section(notAllowedText(model.approvers)));
  blocks.push(
    context(
      [
        model.canPlace
          ? 'Nothing is ordered until you press *Place order*.'
          : 'Press *Back* to return to the form.',
        model.sandbox ? SANDBOX_MARKER : '',
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

// ---------------------------------------------------------------------------------------------

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

/** Spreads lines over a few sections of ≤ 3000 characters each, then says how many were left out. */
function lineSections(title: string, lines: readonly string[], maxSections: number): string[] {
  const sections: string[] = [];
  let current = title;
  let shown = 0;
  for (const line of lines) {
    if (current.length + line.length + 1 > SECTION_BUDGET) {
      if (sections.length + 1 >= maxSections) break;
      sections.push(current);
      current = '';
    }
    current += current === '' ? line : `\n${line}`;
    shown += 1;
  }
  if (shown < lines.length) current += `\n…and ${lines.length - shown} more`;
  sections.push(current);
  return sections;
}

const PROVIDER: Record<string, string> = { google: 'Google', microsoft: 'Microsoft' };

function priceText(entry: RegistrationView): string {
  if (entry.priceCents === null) return 'price not given';
  const renewal =
    entry.renewalCents === null ? '' : `, then ${formatMoney(entry.renewalCents, entry.currency)}/yr`;
  return `${formatMoney(entry.priceCents, entry.currency)} first year${renewal}`;
}

/** First-year and renewal totals, per currency (Peeker prices each name in its own). */
function totals(entries: readonly RegistrationView[]): string {
  const byCurrency = new Map<
    string,
    { first: number; renewal: number; unknown: number; names: number; currency: string | null }
  >();
  for (const entry of entries) {
    const key = (entry.currency ?? '').toLowerCase();
    const sum = byCurrency.get(key) ?? {
      first: 0,
      renewal: 0,
      unknown: 0,
      names: 0,
      currency: entry.currency,
    };
    sum.names += 1;
    if (entry.priceCents === null) sum.unknown += 1;
    else sum.first += entry.priceCents;
    sum.renewal += entry.renewalCents ?? 0;
    byCurrency.set(key, sum);
  }
  return [...byCurrency.values()]
    .map((sum) =>
      sum.unknown === sum.names
        ? `${plural(sum.names, 'name')} without a price from Peeker`
        : `${formatMoney(sum.first, sum.currency)} the first year, then ${formatMoney(sum.renewal, sum.currency)} a year${
            sum.unknown > 0 ? ` (+${plural(sum.unknown, 'name')} without a price)` : ''
          }`,
    )
    .join('; ');
}

/** Imported vs to-register, each registration with its prices, and the registration total. */
function registrationSections(
  imported: readonly string[],
  toRegister: readonly RegistrationView[],
  total: number,
): KnownBlock[] {
  const texts: string[] = [
    `*Domains (${total}):* ${imported.length} imported · ${toRegister.length} to register by Peeker`,
  ];
  if (imported.length > 0) {
    texts.push(
      ...lineSections(
        `*Imported (${imported.length}):*\n`,
        imported.map((domain) => `• ${code(truncate(domain, 100))}`),
        2,
      ),
    );
  }
  const lines = toRegister.map((entry) => {
    const providers = entry.usableFor.map((provider) => PROVIDER[provider] ?? provider).join(', ');
    return `• ${code(truncate(entry.domain, 100))} — ${priceText(entry)}${providers ? ` · ${providers}` : ''}`;
  });
  texts.push(...lineSections(`*To register (${toRegister.length}):*`, lines, MAX_DOMAIN_SECTIONS - 2));
  texts.push(`*Registration cost:* ${totals(toRegister)}`);
  return texts.map((text) => section(truncate(text, LIMITS.sectionText)));
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

/** Who may place orders, for someone who may not. */
export function notAllowedText(approvers: readonly string[]): string {
  if (approvers.length === 0) {
    return '🔒 Only approved people can place orders, and none are set up yet. Ask your Slack admin to add Slack user IDs to ORDER_APPROVERS.';
  }
  return `🔒 Only approved people can place orders. Ask ${listNames(approvers.map(userLink), 10)} to place it.`;
}
