import type { KnownBlock, ModalView } from '@slack/types';
import { encodeReviewMetadata } from '../parsing/interaction-payloads.js';
import type { PersonaValues } from '../parsing/order-form.js';
import { modal, SANDBOX_MARKER } from './blocks.js';
import { ORDER_REVIEW_CALLBACK } from './ids.js';
import { LIMITS } from './limits.js';
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

/**
 * What will be ordered, for whom and where the status goes, with "Place order" only for an
 * approver. Everyone else sees who can place it. Never shows the password.
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
