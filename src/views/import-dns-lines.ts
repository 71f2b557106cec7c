import type { ImportMessageModel } from './import-message.js';
import { code, escapeMrkdwn, joinLimited, truncate } from './text.js';

/*
 * The DNS check's findings in the customer's import message: one line per waiting domain (rich or
 * short), the registrars' help pages, and a summary of counts when there are hundreds of domains.
 */

/** A registrar (or DNS host) and its own "change nameservers" help page. */
export interface RegistrarLink {
  name: string;
  helpUrl: string;
}

/**
 * What the app's own DNS check found for a domain still waiting (absent until a check answered):
 * pointing at the assigned nameservers; still elsewhere (its current nameservers, and the
 * registrar guessed from them); at Cloudflare but another account's pair; not in DNS at all; or
 * not checkable just now.
 */
export type DomainDnsView =
  | { state: 'pointing' }
  | { state: 'elsewhere'; current: string[]; registrar?: RegistrarLink }
  | { state: 'other_cloudflare'; current: string[]; registrar?: RegistrarLink }
  | { state: 'not_found' }
  | { state: 'unknown' };

export function domainLine(domain: ImportMessageModel['domains'][number]): string {
  const icon = domain.state === 'verified' ? '✅' : domain.state === 'failed' ? '❌' : '⏳';
  return `${icon} ${escapeMrkdwn(domain.domain)}`;
}

/**
 * How much of the DNS check a domain line carries: `rich` names the current nameservers, `short`
 * only what to do, `none` is the plain line (the message falls back when the richer one is too long).
 */
export type DnsDetail = 'rich' | 'short' | 'none';

/** Nameservers a customer can compare with their registrar's page: the first few, as code. */
function nameserverList(hosts: readonly string[]): string {
  const shown = hosts.slice(0, 4).map(code).join(', ');
  return hosts.length > 4 ? `${shown} +${hosts.length - 4} more` : shown;
}

/** One domain with what the DNS check found, at the given detail. */
export function dnsDomainLine(domain: ImportMessageModel['domains'][number], detail: DnsDetail): string {
  const dns = domain.dns;
  if (detail === 'none' || domain.state !== 'pending' || !dns) return domainLine(domain);
  const name = escapeMrkdwn(domain.domain);
  switch (dns.state) {
    case 'pointing':
      return `✅ ${name} — nameservers set`;
    case 'elsewhere': {
      const at = dns.registrar ? ` (${escapeMrkdwn(dns.registrar.name)})` : '';
      return detail === 'rich'
        ? `⏳ ${name} — still at ${nameserverList(dns.current)}${at}`
        : `⏳ ${name} — not switched yet${at}`;
    }
    case 'other_cloudflare':
      return detail === 'rich'
        ? `⚠️ ${name} — *another Cloudflare account*: still at ${nameserverList(dns.current)}, not the pair above`
        : `⚠️ ${name} — *another Cloudflare account*`;
    case 'not_found':
      return `❓ ${name} — not found in DNS (expired, or misspelt?)`;
    case 'unknown':
      return `⏳ ${name} — couldn’t check just now`;
  }
}

/** A registrar's help page as a link; our own table's https URLs only, so nothing can break the markup. */
function registrarLink(registrar: RegistrarLink): string | undefined {
  if (!/^https:\/\/[^\s<>|]+$/.test(registrar.helpUrl)) return undefined;
  return `<${registrar.helpUrl}|how to change nameservers at ${escapeMrkdwn(registrar.name)}>`;
}

/** Registrars guessed for the domains not switched yet, with their help pages: one line each. */
export function registrarHelp(model: ImportMessageModel): string | undefined {
  const seen = new Map<string, string>();
  let anotherCloudflare = false;
  for (const domain of model.domains) {
    if (domain.state !== 'pending' || !domain.dns) continue;
    if (domain.dns.state !== 'elsewhere' && domain.dns.state !== 'other_cloudflare') continue;
    if (domain.dns.state === 'other_cloudflare') anotherCloudflare = true;
    const registrar = domain.dns.registrar;
    const link = registrar && registrarLink(registrar);
    if (registrar && link && !seen.has(registrar.name) && seen.size < 6) {
      seen.set(registrar.name, `• ${escapeMrkdwn(registrar.name)}: ${link}`);
    }
  }
  const lines = [...seen.values()];
  if (anotherCloudflare) {
    lines.push(
      '• *Another Cloudflare account*: being on Cloudflare is not enough — each domain needs exactly the two nameservers shown for it. Replace the pair where the domain is registered.',
    );
  }
  return lines.length > 0 ? `*Where to change them*\n${lines.join('\n')}` : undefined;
}

/** Whether any waiting domain has a DNS finding to show. */
export const hasDnsFindings = (model: ImportMessageModel) =>
  model.domains.some((domain) => domain.state === 'pending' && domain.dns !== undefined);

/** For hundreds of domains: the DNS check as counts, the first domains not switched, and the help links. */
export function dnsSummary(model: ImportMessageModel, max: number): string | undefined {
  if (!hasDnsFindings(model)) return undefined;
  const waiting = model.domains.filter((domain) => domain.state === 'pending');
  const count = (state: DomainDnsView['state']) =>
    waiting.filter((domain) => domain.dns?.state === state).length;
  const parts = [
    [count('pointing'), 'nameservers set', '✅'],
    [count('elsewhere'), 'not switched yet', '⏳'],
    [count('other_cloudflare'), 'on another Cloudflare account', '⚠️'],
    [count('not_found'), 'not found in DNS', '❓'],
    [count('unknown'), 'couldn’t be checked just now', '⏳'],
  ] as const;
  const counts = parts
    .filter(([n]) => n > 0)
    .map(([n, words, icon]) => `${icon} ${n} ${words}`)
    .join(' · ');
  const notSwitched = waiting
    .filter((domain) => domain.dns && domain.dns.state !== 'pointing' && domain.dns.state !== 'unknown')
    .map((domain) => escapeMrkdwn(domain.domain));
  const lines = [`*Nameserver check*\n${counts}`];
  if (notSwitched.length > 0) lines.push(`Not switched yet: ${joinLimited(notSwitched, 15)}`);
  const help = registrarHelp(model);
  if (help) lines.push(help);
  return truncate(lines.join('\n'), max);
}
