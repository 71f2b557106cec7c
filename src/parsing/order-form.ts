/**
 * Reads and validates the order modal's `view.state.values`. Every problem is keyed by
 * the `block_id` of the INPUT block it belongs to, because Slack shows `response_action: "errors"`
 * only under input blocks and silently drops errors keyed to anything else. Messages are plain
 * text (Slack does not render mrkdwn there) and at most {@link ERROR_MAX} characters.
 *
 * The domains are checked in `order-form-domains.ts`, the persona rows in `persona-rows.ts`.
 *
 * Nothing here throws: the payload is whatever Slack (or someone forging a request) sent.
 */
import { z } from 'zod';
import { BLOCK } from '../views/ids.js';
import { truncateError } from './field-errors.js';
import { httpsUrlProblem } from './https-url.js';
import { checkDomainFields } from './order-form-domains.js';
import { type BundleChoice, readFormValues } from './order-form-values.js';
import { checkPersonaRows, type PersonaValues } from './persona-rows.js';
import { readText } from './view-state.js';

/** A form that passed every check, ready to become a `POST /orders` body. */
export interface ValidOrderForm {
  customerEmail: string;
  bundleId: string;
  /** Selected domains first, then typed ones, then the file's; normalised and deduplicated. */
  domains: string[];
  /** The input block each domain came from, so a problem found later is shown under it. */
  domainSources: Record<string, string>;
  forwardingUrl: string;
  smartleadClientId: number;
  /** Undefined when the login comes from configuration (the form did not ask). */
  smartleadEmail: string | undefined;
  /** The only place the password ever appears; never echoed in errors. */
  smartleadPassword: string | undefined;
  personas: PersonaValues[];
}

/** What {@link validateOrderForm} needs to know about the form it validates. */
export interface OrderFormContext {
  personaCount: number;
  askSmartleadLogin: boolean;
  bundles: BundleChoice[];
  /** The text of the domains file attached to the form, once read (see `readFileIds`). */
  fileDomainsText?: string;
}

export type OrderFormResult =
  | { ok: true; form: ValidOrderForm }
  | { ok: false; errors: Record<string, string> };

const emailSchema = z.email();

/**
 * Validates a submitted order form. On success returns the cleaned form; otherwise one short,
 * actionable message per input block (keyed by its `block_id`) for `response_action: "errors"`.
 */
export function validateOrderForm(values: unknown, ctx: OrderFormContext): OrderFormResult {
  const errors: Record<string, string> = {};
  const fail = (blockId: string, message: string) => {
    errors[blockId] ??= truncateError(message);
  };
  const raw = readFormValues(values, ctx.personaCount);

  // Customer email (`user` in Peeker's API).
  const customerEmail = raw.customerEmail.trim();
  if (customerEmail === '')
    fail(BLOCK.customerEmail, "Enter the customer's email address, like alex@acme.com.");
  else if (!isEmail(customerEmail)) {
    fail(BLOCK.customerEmail, 'That is not a valid email address — check it, e.g. alex@acme.com.');
  }

  // Bundle: must still be one Peeker offers (the list may have changed while the modal was open).
  const bundles = Array.isArray(ctx.bundles) ? ctx.bundles : [];
  const bundle = raw.bundleId === '' ? undefined : bundles.find((b) => b?.id === raw.bundleId);
  if (raw.bundleId === '') fail(BLOCK.bundle, 'Pick a bundle.');
  else if (!bundle) fail(BLOCK.bundle, 'That bundle is no longer available — pick another.');

  // Domains: the selected verified imports first, then what was typed, then the file's.
  const { domains, domainSources } = checkDomainFields(values, raw, bundle, ctx.fileDomainsText, fail);

  // Forwarding URL: where every domain redirects; Peeker needs https.
  const forwardingUrl = raw.forwardingUrl.trim();
  const forwardingProblem = httpsUrlProblem(forwardingUrl);
  if (forwardingUrl === '') {
    fail(BLOCK.forwardingUrl, 'Enter the URL the domains should redirect to, like https://acme.com.');
  } else if (forwardingProblem) fail(BLOCK.forwardingUrl, forwardingProblem);

  // Smartlead client ID: a positive whole number.
  const clientIdText = raw.smartleadClientId.trim();
  const smartleadClientId = /^\d+$/.test(clientIdText) ? Number(clientIdText) : Number.NaN;
  if (clientIdText === '') fail(BLOCK.smartleadClientId, 'Enter the Smartlead client ID, like 366903.');
  else if (!Number.isSafeInteger(smartleadClientId) || smartleadClientId < 1) {
    fail(BLOCK.smartleadClientId, 'The Smartlead client ID is a positive whole number, like 366903.');
  }

  // Smartlead login: Peeker needs both fields unless a default login is configured.
  let smartleadEmail: string | undefined;
  let smartleadPassword: string | undefined;
  if (ctx.askSmartleadLogin) {
    smartleadEmail = raw.smartleadEmail.trim();
    if (smartleadEmail === '') fail(BLOCK.smartleadEmail, 'Enter the email used to log in to Smartlead.');
    else if (!isEmail(smartleadEmail)) {
      fail(BLOCK.smartleadEmail, 'That is not a valid email address — use the Smartlead login email.');
    }
    // Kept exactly as typed: a password is not ours to trim.
    smartleadPassword = readText(values, BLOCK.smartleadPassword);
    if (smartleadPassword.trim() === '') {
      fail(BLOCK.smartleadPassword, 'Enter the Smartlead password — Peeker needs it to set up the inboxes.');
    }
  }

  // Personas.
  const personas = checkPersonaRows(raw.personas, ctx.personaCount, fail);

  if (Object.keys(errors).length > 0 || !bundle) return { ok: false, errors };
  return {
    ok: true,
    form: {
      customerEmail,
      bundleId: bundle.id,
      domains,
      domainSources,
      forwardingUrl,
      smartleadClientId,
      smartleadEmail,
      smartleadPassword,
      personas,
    },
  };
}

function isEmail(text: string): boolean {
  return emailSchema.safeParse(text).success;
}
