import { checkMailDns, type MailCheckOptions, type MailCheckReport } from './mail-check.js';
import type { DnsLookup } from './resolver.js';

/**
 * Runs the four lookups of a domain's mail check in parallel — NS and MX and TXT at the domain,
 * TXT at `_dmarc.<domain>` — and reports on them. Never rejects and never takes longer than one
 * lookup's give-up time (the lookup service answers every lookup, failures included).
 */
export async function checkDomainDns(
  lookup: DnsLookup,
  domain: string,
  options: MailCheckOptions = {},
): Promise<MailCheckReport> {
  const [ns, mx, txt, dmarc] = await Promise.all([
    lookup.ns(domain),
    lookup.mx(domain),
    lookup.txt(domain),
    lookup.txt(`_dmarc.${domain}`),
  ]);
  return checkMailDns({ domain, ns, mx, txt, dmarc }, options);
}
