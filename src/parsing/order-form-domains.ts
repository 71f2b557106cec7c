/**
 * The order form's domains: the selected verified imports and picks, the typed list and the
 * attached file (for lists no text input can hold: Slack caps one at 3,000 characters). Every
 * problem is keyed by the `block_id` of the input it belongs to; nothing here throws.
 */
import { BLOCK } from '../views/ids.js';
import { type InvalidDomain, normalizeDomain, parseDomainList, validateRootDomain } from './domains.js';
import { ERROR_MAX, type FailField, fitList, shortenMiddle } from './field-errors.js';
import type { BundleChoice } from './order-form-values.js';
import { elementState, isRecord, own } from './view-state.js';

/** The order's domains, in order and deduplicated, and the input block each one came from. */
export interface CheckedDomains {
  /** Selected domains first, then typed ones, then the file's; normalised and deduplicated. */
  domains: string[];
  /** The input block each domain came from, so a problem found later is shown under it. */
  domainSources: Record<string, string>;
}

/**
 * Checks the domain fields of a submitted order form, reporting each problem through `fail`:
 * every entry must be a root domain, there must be at least one, and as many as `bundle` requires
 * when Peeker said how many.
 */
export function checkDomainFields(
  values: unknown,
  raw: { domainsSelected: readonly string[]; domainsText: string },
  bundle: BundleChoice | undefined,
  fileDomainsText: string | undefined,
  fail: FailField,
): CheckedDomains {
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
  const hasFile = typeof fileDomainsText === 'string';
  const fromFile = parseDomainList(fileDomainsText ?? '');
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
  return { domains, domainSources };
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
