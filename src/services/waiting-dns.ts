import type { DnsRepo } from '../store/dns-repo.js';
import type { DomainDnsView } from '../views/import-dns-lines.js';
import { dnsView } from './import-dns.js';

/**
 * What the app's own DNS checks last found for the domains of an import waiting on the
 * registrar — the seam through which reminders, the digest and the Home board show "not yet
 * switched" per domain. Without it every pending domain counts as not switched.
 */
export interface WaitingDnsSource {
  /** The last DNS finding of each checked domain of an import (domains never checked are absent). */
  statesOf(importId: string): ReadonlyMap<string, DomainDnsView>;
}

/** The DNS-insight store as a {@link WaitingDnsSource} (one query per import). */
export function waitingDnsFromRepo(dns: Pick<DnsRepo, 'domainStatesOf'>): WaitingDnsSource {
  return {
    statesOf(importId) {
      return new Map(dns.domainStatesOf(importId).map((state) => [state.domain, dnsView(state)]));
    },
  };
}

/** A pending domain with its DNS finding, if any. */
export interface PendingDomainDns {
  domain: string;
  dns?: DomainDnsView | undefined;
}

/** Each pending domain with its finding, in the import's order. */
export function pendingWithDns(
  pending: readonly string[],
  states: ReadonlyMap<string, DomainDnsView> | undefined,
): PendingDomainDns[] {
  return pending.map((domain) => {
    const dns = states?.get(domain);
    return dns ? { domain, dns } : { domain };
  });
}

/** Not yet at the assigned nameservers, as far as the app knows (never checked counts as not switched). */
export const isNotSwitched = (domain: PendingDomainDns): boolean => domain.dns?.state !== 'pointing';
