/**
 * What `/peeker forward <domains… | ord_…> to <https-url>` names: root domains (parsed like
 * `import`: Slack links, `www.`, paths and duplicates handled by `parseDomainList`), Peeker's
 * `dom_…` IDs, order IDs (each meaning all of its connected domains), and the URL (https only, checked as on the order
 * form). Pure and total; problems come back as one plain sentence (not mrkdwn-escaped).
 */
import { type InvalidDomain, parseDomainList } from './domains.js';
import { httpsUrlError } from './https-url.js';
import { normalizeSlackText } from './slack-text.js';

/** Most domains one `forward` may name (Peeker's import-job limit; 20 forwarding jobs). */
export const MAX_FORWARD_DOMAINS = 500;

const ORDER_ID = /^ord_[A-Za-z0-9]+$/;
const DOMAIN_ID = /^dom_[A-Za-z0-9]+$/;

export type ForwardTargets =
  | { ok: true; domains: string[]; domainIds: string[]; orderIds: string[]; url: string }
  | {
      ok: false;
      problem: 'url' | 'domains' | 'empty' | 'too_many';
      message: string;
      invalid?: InvalidDomain[];
    };

/** `targetText` is still Slack-escaped; `url` is unescaped with links stripped (as `parseCommandText` gives them). */
export function parseForwardTargets(targetText: string, url: string): ForwardTargets {
  const urlProblem = httpsUrlError(url);
  if (urlProblem) {
    return {
      ok: false,
      problem: 'url',
      message: `${url.trim() === '' ? 'Say where to forward to.' : `${url.trim()}: ${urlProblem}`} Forwarding URLs must be https://, like https://acme.com/welcome.`,
    };
  }
  const orderIds: string[] = [];
  const domainIds: string[] = [];
  const rest: string[] = [];
  for (const token of targetText.split(/[\s,;]+/).filter(Boolean)) {
    const plain = normalizeSlackText(token).trim();
    if (ORDER_ID.test(plain)) {
      if (!orderIds.includes(plain)) orderIds.push(plain);
    } else if (DOMAIN_ID.test(plain)) {
      if (!domainIds.includes(plain)) domainIds.push(plain);
    } else rest.push(token);
  }
  const { domains, invalid } = parseDomainList(rest.join(' '));
  if (invalid.length > 0) {
    const lines = invalid.slice(0, 20).map((entry) => `• ${entry.message}`);
    if (invalid.length > 20) lines.push(`…and ${invalid.length - 20} more`);
    return {
      ok: false,
      problem: 'domains',
      message: `Nothing was changed: ${invalid.length === 1 ? 'one entry is' : `${invalid.length} entries are`} not a root domain or an order ID (ord_…).\n${lines.join('\n')}`,
      invalid,
    };
  }
  if (domains.length === 0 && domainIds.length === 0 && orderIds.length === 0) {
    return {
      ok: false,
      problem: 'empty',
      message: 'Name the domains (or an order ID) to repoint before `to`.',
    };
  }
  if (domains.length + domainIds.length > MAX_FORWARD_DOMAINS) {
    return {
      ok: false,
      problem: 'too_many',
      message: `That is ${domains.length + domainIds.length} domains; repoint at most ${MAX_FORWARD_DOMAINS} per command (split the list).`,
    };
  }
  return { ok: true, domains, domainIds, orderIds, url: url.trim() };
}
