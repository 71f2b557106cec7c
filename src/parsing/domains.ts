/**
 * The domain-list parser behind `/peeker import` and the order modal's free-text domain field:
 * split, normalise and validate what an ops person pasted, so that only
 * registrable root domains ever reach Peeker. Peeker's guide asks for "root domains only, such as
 * acme-mail.com, not subdomains like mail.acme.com", and rejects others late, as failed job rows.
 *
 * Roots are decided with the Public Suffix List (tldts), ICANN section only: the customer must be
 * able to buy the domain at a registrar and change its nameservers there. Private-section
 * suffixes such as `github.io` are hosting platforms, so `foo.github.io` is reported as a
 * subdomain of `github.io`, exactly as `mail.acme.com` is of `acme.com`.
 */
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse } from 'tldts';
import { normalizeSlackText } from './slack-text.js';

/** Why one entry of a domain list cannot be imported. */
export type InvalidDomainReason =
  | 'subdomain'
  | 'public_suffix'
  | 'ip_address'
  | 'single_label'
  | 'unknown_tld'
  | 'invalid_characters'
  | 'too_long'
  | 'localhost'
  | 'email_address';

/**
 * One rejected entry. `input` is the entry as the user typed it (Slack markup already removed);
 * `message` is a plain sentence naming it and saying what to do. Neither is mrkdwn-escaped.
 */
export type InvalidDomain = {
  input: string;
  reason: InvalidDomainReason;
  message: string;
  /** The root domain to import instead, when there is an obvious one. */
  suggestion?: string;
};

/** The outcome of {@link parseDomainList}: normalised roots in first-seen order, and every bad entry. */
export type DomainListResult = { domains: string[]; invalid: InvalidDomain[] };

// Spaces (incl. newlines, tabs and the NBSP that pasting from docs brings), commas and semicolons.
// Zero-width spaces and BOMs come along when copying from spreadsheets and web pages.
const SEPARATORS = /[\s,;\u200B\uFEFF]+/u;

// Quotes and brackets people wrap pasted names in; never part of a host name.
const WRAPPERS = /^["'`“”‘’(]+|["'`“”‘’)]+$/gu;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

// RFC 1035 "LDH" label: letters, digits, hyphens, not starting or ending with a hyphen.
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

const MAX_HOST_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

/** tldts options: ICANN rules only (see the module comment), and flag RFC 6761 special-use names. */
export const PSL_OPTIONS = {
  allowPrivateDomains: false,
  detectIp: true,
  detectSpecialUse: true,
  extractHostname: false,
  validateHostname: false,
} as const;

/**
 * Splits a Slack-escaped (or plain) domain list, normalises each entry with
 * {@link normalizeDomain}, drops duplicates after normalisation (so `Acme.com` and `www.acme.com`
 * collapse) and validates each survivor with {@link validateRootDomain}.
 *
 * Never throws; an empty or blank input gives `{ domains: [], invalid: [] }`.
 */
export function parseDomainList(input: string): DomainListResult {
  const result: DomainListResult = { domains: [], invalid: [] };
  if (typeof input !== 'string') return result;
  const seen = new Set<string>();
  for (const token of normalizeSlackText(input).split(SEPARATORS)) {
    if (token === '') continue;
    const host = normalizeDomain(token);
    // An entry that normalises to nothing (`https://`, `www.`) has no host to dedupe on.
    const key = host === '' ? `\u0000${token}` : host;
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = validateRootDomain(host, token);
    if (problem) result.invalid.push(problem);
    else result.domains.push(host);
  }
  return result;
}

/**
 * Reduces one entry to the bare host name Peeker expects: strips wrapping quotes, any
 * `scheme://` and its userinfo, path, query, fragment, port, one trailing dot (FQDN form) and
 * leading `www.` labels; lowercases; converts internationalised names to punycode.
 *
 * Returns '' when nothing is left. A name that cannot be converted to ASCII is returned
 * lowercased but otherwise unconverted, so that {@link validateRootDomain} can say why. Email
 * addresses written without a scheme keep their `@` for the same reason (`mailto:` is dropped).
 */
export function normalizeDomain(entry: string): string {
  let s = entry.trim().replace(WRAPPERS, '').trim();
  s = s.replace(/^mailto:/i, '');

  const scheme = SCHEME.exec(s);
  const hadScheme = scheme !== null || s.startsWith('//');
  if (scheme) s = s.slice(scheme[0].length);
  else if (s.startsWith('//')) s = s.slice(2);

  // The authority ends at the first path, query or fragment delimiter (browsers treat `\` as `/`).
  s = s.split(/[/?#\\]/, 1)[0] ?? '';
  if (hadScheme) s = s.slice(s.lastIndexOf('@') + 1);
  s = stripPort(s);

  s = toAscii(s.toLowerCase());
  // Repeat so the result is stable under a second normalisation (`www.www.x.co.uk`).
  while (s.startsWith('www.')) s = s.slice(4);
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s;
}

/**
 * Checks that an already-normalised host (see {@link normalizeDomain}) is a registrable root
 * domain under the ICANN section of the Public Suffix List. Returns undefined when it is, else the
 * reason with a message naming `input` (defaults to the host; pass what the user typed).
 */
export function validateRootDomain(host: string, input: string = host): InvalidDomain | undefined {
  const reject = (reason: InvalidDomainReason, message: string, suggestion?: string): InvalidDomain =>
    suggestion === undefined ? { input, reason, message } : { input, reason, message, suggestion };

  if (host === '') {
    return reject('invalid_characters', `${input} does not contain a domain name.`);
  }

  if (host.includes('@')) {
    // Only the text after the last `@` can be a host, so this recursion is one level deep.
    const candidate = normalizeDomain(host.slice(host.lastIndexOf('@') + 1));
    if (candidate !== '' && validateRootDomain(candidate) === undefined) {
      return reject(
        'email_address',
        `${input} is an email address — import its domain ${display(candidate)} instead.`,
        candidate,
      );
    }
    return reject('email_address', `${input} is an email address — import the domain name alone.`);
  }

  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const labels = host.split('.');
  if (isIP(bare) !== 0 || parse(host, PSL_OPTIONS).isIp === true || labels.every(isNumeric)) {
    return reject('ip_address', `${input} is an IP address — import the customer's domain name instead.`);
  }

  if (host === 'localhost' || host.endsWith('.localhost')) {
    return reject(
      'localhost',
      `${input} is a local machine name, not an internet domain — import the customer's registered domain.`,
    );
  }

  if (host.length > MAX_HOST_LENGTH) {
    return reject(
      'too_long',
      `${input} is longer than the ${MAX_HOST_LENGTH} characters a domain name allows.`,
    );
  }
  if (labels.some((label) => label.length > MAX_LABEL_LENGTH)) {
    return reject(
      'too_long',
      `${input} has a part longer than the ${MAX_LABEL_LENGTH} characters allowed between dots.`,
    );
  }

  const invalidCharacters = () =>
    reject(
      'invalid_characters',
      `${input} is not a valid domain name — use letters, digits and hyphens, with single dots between parts.`,
    );
  if (!labels.every((label) => LDH_LABEL.test(label))) return invalidCharacters();

  const last = labels[labels.length - 1] ?? host;
  // Checked before the punycode round trip below, which fails on a numeric last label as well.
  if (isNumeric(last)) {
    return reject(
      'unknown_tld',
      `${input} ends in .${last}, which is not a top-level domain — check the spelling.`,
    );
  }
  // The round trip through domainToASCII rejects malformed punycode such as `xn--zz.com`.
  if (safeDomainToASCII(host) !== host) return invalidCharacters();

  const psl = parse(host, PSL_OPTIONS);

  if (labels.length === 1) {
    if (psl.isIcann === true && psl.publicSuffix === host) {
      return reject(
        'public_suffix',
        `${input} is a top-level domain, not a domain anyone owns — import the full domain, such as acme.${host}.`,
      );
    }
    return reject(
      'single_label',
      `${input} has no top-level domain — import the full domain name, such as ${host}.com.`,
    );
  }

  // RFC 6761 names (.local, .test, .onion, .home.arpa, …) and the infrastructure-only .arpa:
  // some are even in the ICANN section, but no registrar sells them.
  if (psl.isSpecialUse === true || last === 'arpa') {
    return reject(
      'unknown_tld',
      `${input} ends in .${psl.publicSuffix ?? last}, which is reserved and cannot be registered.`,
    );
  }
  if (psl.isIcann !== true) {
    return reject(
      'unknown_tld',
      `${input} ends in .${last}, which is not a top-level domain on the Public Suffix List — check the spelling.`,
    );
  }

  if (psl.domain === null || psl.publicSuffix === host) {
    return reject(
      'public_suffix',
      `${input} is a public suffix that others register names under, not a domain itself — import the full domain, such as acme.${host}.`,
    );
  }

  if (psl.domain !== host) {
    return reject(
      'subdomain',
      `${input} is a subdomain — import the root domain ${display(psl.domain)} instead.`,
      psl.domain,
    );
  }

  return undefined;
}

/** Drops a `:port` suffix; keeps a bracketed IPv6 literal whole and leaves bare IPv6 alone. */
function stripPort(s: string): string {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    return end === -1 ? s : s.slice(0, end + 1);
  }
  // More than one colon is a bare IPv6 address, not host:port.
  if (s.indexOf(':') !== s.lastIndexOf(':')) return s;
  return s.replace(/:\d*$/, '');
}

/** Punycode conversion that keeps the input when it cannot be converted (see normalizeDomain). */
function toAscii(s: string): string {
  if (s === '') return s;
  const ascii = safeDomainToASCII(s);
  return ascii === '' ? s : ascii;
}

function safeDomainToASCII(s: string): string {
  try {
    return domainToASCII(s);
  } catch {
    // Documented to return '' on invalid input; guard anyway so the parser can promise never to throw.
    return '';
  }
}

/** A punycode suggestion is shown as the name people recognise, with the ASCII form beside it. */
function display(ascii: string): string {
  let unicode = ascii;
  try {
    unicode = domainToUnicode(ascii) || ascii;
  } catch {
    // Keep the ASCII form.
  }
  return unicode === ascii ? ascii : `${unicode} (${ascii})`;
}

function isNumeric(label: string): boolean {
  return /^(?:\d+|0x[0-9a-f]*)$/i.test(label);
}
