/**
 * Reads and validates the order modal's `view.state.values`. Every problem is keyed by
 * the `block_id` of the INPUT block it belongs to, because Slack shows `response_action: "errors"`
 * only under input blocks and silently drops errors keyed to anything else. Messages are plain
 * text (Slack does not render mrkdwn there) and at most {@link ERROR_MAX} characters.
 *
 * Nothing here throws: the payload is whatever Slack (or someone forging a request) sent.
 */
import { z } from 'zod';
import { BLOCK, personaBlock } from '../views/ids.js';
import { type InvalidDomain, normalizeDomain, parseDomainList, validateRootDomain } from './domains.js';
import { cutToLength, lastOfLength } from './graphemes.js';
import { elementState, isRecord, own, readMultiSelected, readSelected, readText } from './view-state.js';

/** A bundle the form offers: Peeker's `id`, its name and `required_domains.total` (null if unknown). */
export interface BundleChoice {
  id: string;
  name: string;
  requiredDomains: number | null;
}

/** One persona row. `pictureUrl` is '' when none was given (Peeker still requires the key). */
export interface PersonaValues {
  firstName: string;
  lastName: string;
  pictureUrl: string;
}

/** Slack's `view.state.values`, loosely typed: only the parts we read, all of them optional. */
export type StateValues = Record<
  string,
  Record<
    string,
    | {
        type?: string;
        value?: string | null;
        selected_option?: { value?: string; text?: { text?: string } } | null;
        selected_options?: { value?: string }[] | null;
      }
    | undefined
  >
>;

/**
 * What the person typed, unvalidated and untrimmed, so the form can be re-rendered with it after
 * "Add persona" / "Remove last persona" without losing anything. Deliberately has no password.
 */
export interface CurrentFormValues {
  customerEmail: string;
  bundleId: string;
  domainsSelected: string[];
  domainsText: string;
  forwardingUrl: string;
  smartleadClientId: string;
  smartleadEmail: string;
  personas: PersonaValues[];
}

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

/** Peeker accepts 1–10 personas per order (https://docs.peeker.ai/orders/create-order). */
export const MIN_PERSONAS = 1;
export const MAX_PERSONAS = 10;
/** Longest first or last name we accept; the inputs carry the same `max_length`. */
export const PERSONA_NAME_MAX = 50;
/** Error texts are kept short so they fit under a field without wrapping into a wall. */
export const ERROR_MAX = 150;

const emailSchema = z.email();

/**
 * The raw values of every field the form renders for `personaCount` persona rows. Missing or
 * malformed entries read as '' / []; `personaCount` is clamped to 0–10 so a forged count cannot
 * make us loop.
 */
export function readFormValues(values: unknown, personaCount: number): CurrentFormValues {
  const personas: PersonaValues[] = [];
  for (let i = 0; i < clampCount(personaCount, 0); i++) {
    personas.push({
      firstName: readText(values, personaBlock(i, 'first')),
      lastName: readText(values, personaBlock(i, 'last')),
      pictureUrl: readText(values, personaBlock(i, 'picture')),
    });
  }
  return {
    customerEmail: readText(values, BLOCK.customerEmail),
    bundleId: readSelected(values, BLOCK.bundle),
    domainsSelected: readMultiSelected(values, BLOCK.domainsSelected),
    domainsText: readText(values, BLOCK.domainsText),
    forwardingUrl: readText(values, BLOCK.forwardingUrl),
    smartleadClientId: readText(values, BLOCK.smartleadClientId),
    smartleadEmail: readText(values, BLOCK.smartleadEmail),
    personas,
  };
}

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

  // Domains: the selected verified imports first, then what was typed.
  const domains: string[] = [];
  const seen = new Set<string>();
  const badSelected: InvalidDomain[] = [];
  for (const selected of raw.domainsSelected) {
    const host = normalizeDomain(selected);
    const problem = validateRootDomain(host, selected);
    if (problem) badSelected.push(problem);
    else if (!seen.has(host)) {
      seen.add(host);
      domains.push(host);
    }
  }
  const domainSources: Record<string, string> = {};
  for (const host of domains) domainSources[host] = BLOCK.domainsSelected;
  const typed = parseDomainList(raw.domainsText);
  for (const host of typed.domains) {
    if (!seen.has(host)) {
      seen.add(host);
      domains.push(host);
      domainSources[host] = BLOCK.domainsText;
    }
  }
  // A file holds lists no text input can (Slack caps one at 3,000 characters).
  const hasFile = typeof ctx.fileDomainsText === 'string';
  const fromFile = parseDomainList(ctx.fileDomainsText ?? '');
  for (const host of fromFile.domains) {
    if (!seen.has(host)) {
      seen.add(host);
      domains.push(host);
      domainSources[host] = BLOCK.domainsFile;
    }
  }
  const hasSelectBlock = isRecord(values) && isRecord(own(values, BLOCK.domainsSelected));
  if (badSelected.length > 0) fail(BLOCK.domainsSelected, invalidDomainsMessage(badSelected));
  if (typed.invalid.length > 0) fail(BLOCK.domainsText, invalidDomainsMessage(typed.invalid));
  if (fromFile.invalid.length > 0)
    fail(BLOCK.domainsFile, `In the file: ${invalidDomainsMessage(fromFile.invalid)}`);
  else if (hasFile && fromFile.domains.length === 0) {
    fail(BLOCK.domainsFile, 'The file has no domain names in it — one per line, or separated by commas.');
  }
  if (badSelected.length === 0 && typed.invalid.length === 0 && fromFile.invalid.length === 0) {
    if (domains.length === 0) {
      fail(
        BLOCK.domainsText,
        hasSelectBlock
          ? 'Add at least one domain: select verified ones above or type them here.'
          : 'Add at least one domain, one per line or separated by commas.',
      );
    } else if (bundle && hasRequiredCount(bundle) && domains.length !== bundle.requiredDomains) {
      const message = domainCountMessage(bundle, domains.length);
      fail(BLOCK.domainsText, message);
      if (hasSelectBlock) fail(BLOCK.domainsSelected, message);
      if (fromFile.domains.length > 0) fail(BLOCK.domainsFile, message);
    }
  }

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
  const personas: PersonaValues[] = [];
  const countOk =
    Number.isInteger(ctx.personaCount) &&
    ctx.personaCount >= MIN_PERSONAS &&
    ctx.personaCount <= MAX_PERSONAS;
  if (!countOk) {
    fail(personaBlock(0, 'first'), `An order needs ${MIN_PERSONAS} to ${MAX_PERSONAS} personas.`);
  } else {
    raw.personas.forEach((persona, i) => {
      const firstName = persona.firstName.trim();
      const lastName = persona.lastName.trim();
      const pictureUrl = persona.pictureUrl.trim();
      const nameProblem = (name: string, which: string) =>
        name === ''
          ? `Enter a ${which} name.`
          : name.length > PERSONA_NAME_MAX
            ? `Keep the ${which} name to ${PERSONA_NAME_MAX} characters or fewer.`
            : undefined;
      const firstProblem = nameProblem(firstName, 'first');
      const lastProblem = nameProblem(lastName, 'last');
      if (firstProblem) fail(personaBlock(i, 'first'), firstProblem);
      if (lastProblem) fail(personaBlock(i, 'last'), lastProblem);
      if (pictureUrl !== '') {
        const problem = httpsUrlProblem(pictureUrl);
        if (problem) {
          fail(personaBlock(i, 'picture'), `${problem} Use a public image URL, or leave it empty.`);
        }
      }
      personas.push({ firstName, lastName, pictureUrl });
    });
  }

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

/** Short per-entry reasons so several bad entries fit in one {@link ERROR_MAX}-character error. */
function shortReason(entry: InvalidDomain): string {
  switch (entry.reason) {
    case 'subdomain':
    case 'email_address':
      return entry.suggestion
        ? `use ${entry.suggestion}`
        : entry.reason === 'subdomain'
          ? 'subdomain'
          : 'email';
    case 'public_suffix':
      return 'public suffix';
    case 'ip_address':
      return 'IP address';
    case 'single_label':
      return 'no .com or similar';
    case 'unknown_tld':
      return 'unknown ending';
    case 'invalid_characters':
      return 'invalid characters';
    case 'too_long':
      return 'too long';
    case 'localhost':
      return 'local name';
    default:
      return 'not a root domain';
  }
}

/** A domain that passed the form's checks but cannot be ordered (taken, premium…), and why, briefly. */
export interface DomainProblem {
  domain: string;
  why: string;
}

/**
 * One field error naming every domain that cannot be ordered and why (as many as fit in
 * {@link ERROR_MAX} characters, then how many more): `Can't order: a.com (taken), b.com (premium)`.
 */
export function domainProblemsMessage(problems: readonly DomainProblem[]): string {
  const prefix = problems.length === 1 ? 'Can’t order: ' : `${problems.length} domains can’t be ordered: `;
  return fitList(
    prefix,
    problems.map((problem) => `${shortenMiddle(problem.domain, 40)} (${problem.why})`),
    ERROR_MAX,
  );
}

/** The IDs of the files attached to the form's domains file input (Slack's `files` state). */
export function readFileIds(values: unknown): string[] {
  const files = own(elementState(values, BLOCK.domainsFile), 'files');
  if (!Array.isArray(files)) return [];
  return files.flatMap((file: unknown) => {
    const id = isRecord(file) ? own(file, 'id') : undefined;
    return typeof id === 'string' && id !== '' ? [id] : [];
  });
}

function invalidDomainsMessage(invalid: readonly InvalidDomain[]): string {
  const [only] = invalid;
  // One bad entry: parseDomainList's own sentence says best what to do, if it fits.
  if (invalid.length === 1 && only && only.message.length <= ERROR_MAX) return only.message;
  const prefix =
    invalid.length === 1 ? 'Not a root domain: ' : `${invalid.length} entries are not root domains: `;
  const items = invalid.map((entry) => `${shortenMiddle(entry.input, 40)} (${shortReason(entry)})`);
  return fitList(prefix, items, ERROR_MAX);
}

/** `prefix a, b, c` keeping as many items as fit in `max`, then `…and N more`. */
function fitList(prefix: string, items: readonly string[], max: number): string {
  let text = prefix;
  for (let i = 0; i < items.length; i++) {
    const piece = `${i === 0 ? '' : ', '}${items[i]}`;
    const rest = items.length - i - 1;
    const tail = rest > 0 ? `, …and ${rest} more` : '';
    if ((text + piece + tail).length > max && i > 0) return `${text}, …and ${items.length - i} more`;
    text += piece;
  }
  return text;
}

/** A usable `required_domains.total`; anything else means "Peeker did not say", so no count check. */
function hasRequiredCount(bundle: BundleChoice): bundle is BundleChoice & { requiredDomains: number } {
  return Number.isSafeInteger(bundle.requiredDomains) && (bundle.requiredDomains ?? 0) > 0;
}

function domainCountMessage(bundle: BundleChoice, have: number): string {
  const required = bundle.requiredDomains ?? 0;
  const name = shortenMiddle(
    typeof bundle.name === 'string' && bundle.name.trim() ? bundle.name.trim() : 'This bundle',
    60,
  );
  const diff = Math.abs(required - have);
  const gap = have < required ? `${diff} missing` : `${diff} too many`;
  return `${name} needs exactly ${required} ${required === 1 ? 'domain' : 'domains'}; you have ${have} (${gap}).`;
}

/** Why `text` is not an https URL with a real host name, or undefined when it is. */
function httpsUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'That is not a full URL — start it with https://.';
  }
  if (url.protocol === 'http:') return 'Use an https:// URL.';
  if (url.protocol !== 'https:') return 'Enter an https:// URL.';
  // `https://acme` parses, but nothing on the internet answers there.
  if (!url.hostname.includes('.') || url.hostname.endsWith('.')) {
    return 'That URL has no full domain name — use something like https://acme.com.';
  }
  return undefined;
}

function isEmail(text: string): boolean {
  return emailSchema.safeParse(text).success;
}

function truncateError(message: string): string {
  return message.length <= ERROR_MAX ? message : `${cutToLength(message, ERROR_MAX - 1)}…`;
}

/** Keeps both ends of a long entry (`averyveryl…example.com`): the ending is what people check. */
function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${cutToLength(text, head)}…${lastOfLength(text, max - 1 - head)}`;
}

function clampCount(count: number, min: number): number {
  if (typeof count !== 'number' || !Number.isFinite(count)) return min;
  return Math.min(MAX_PERSONAS, Math.max(min, Math.trunc(count)));
}

// ---- shared with the other persona and URL forms (forwarding, renames) ----------------

/** Why `text` is not an https URL with a real host name (as on the order form), or undefined when it is. */
export function httpsUrlError(text: string): string | undefined {
  return httpsUrlProblem(text.trim());
}

/**
 * The persona rows of any form built with {@link personaBlock} inputs (the rename form), validated
 * exactly as the order form validates its own: the same rules, messages and block IDs.
 */
export function validatePersonaRows(
  values: unknown,
  personaCount: number,
): { ok: true; personas: PersonaValues[] } | { ok: false; errors: Record<string, string> } {
  const checked = validateOrderForm(values, { personaCount, askSmartleadLogin: false, bundles: [] });
  const errors = Object.fromEntries(
    Object.entries(checked.ok ? {} : checked.errors).filter(([blockId]) => blockId.startsWith('persona_')),
  );
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const personas = readFormValues(values, personaCount).personas.map((persona) => ({
    firstName: persona.firstName.trim(),
    lastName: persona.lastName.trim(),
    pictureUrl: persona.pictureUrl.trim(),
  }));
  return { ok: true, personas };
}
