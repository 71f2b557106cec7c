/**
 * What `/peeker dns` knows about the two mailbox providers a connected domain can be set up for:
 * which MX hosts and SPF includes are theirs, and the records their setup guides ask for.
 */
import { type MxRecord, normalizeHostname } from './resolver.js';

/** The mailbox provider a connected domain is set up for. */
export type MailProvider = 'google' | 'microsoft';

/** What the provider expects to see, for a connected domain. */
export interface ProviderExpectations {
  provider: MailProvider;
  mx: MxRecord[];
  /** The SPF `include:` the provider needs. */
  spfInclude: string;
  /** A complete SPF record to use when there is none. */
  spfRecord: string;
}

export const GOOGLE_SPF = '_spf.google.com';
export const MICROSOFT_SPF = 'spf.protection.outlook.com';

/** Suffix match on label boundaries: `host` is `suffix` or ends with `.suffix`. */
const under = (host: string, suffix: string) => host === suffix || host.endsWith(`.${suffix}`);

/**
 * Google Workspace MX hosts: `smtp.google.com` (the single record Google now recommends),
 * `aspmx.l.google.com` and its `alt*` siblings, and the older `aspmx*.googlemail.com`
 * (https://support.google.com/a/answer/174125).
 */
export function isGoogleMx(host: string): boolean {
  return host === 'smtp.google.com' || under(host, 'aspmx.l.google.com') || under(host, 'googlemail.com');
}

/**
 * Microsoft 365 MX hosts: `<domain-key>.mail.protection.outlook.com`, or `*.mx.microsoft` for
 * domains set up with DNSSEC-capable inbound mail
 * (https://learn.microsoft.com/en-us/microsoft-365/admin/get-help-with-domains/create-dns-records-at-any-dns-hosting-provider).
 */
export function isMicrosoftMx(host: string): boolean {
  return under(host, 'mail.protection.outlook.com') || under(host, 'mx.microsoft');
}

/** What Google or Microsoft expect, from their setup guides. */
export function providerExpectations(domain: string, provider: MailProvider): ProviderExpectations {
  if (provider === 'google') {
    return {
      provider,
      mx: [{ exchange: 'smtp.google.com', priority: 1 }],
      spfInclude: GOOGLE_SPF,
      spfRecord: `v=spf1 include:${GOOGLE_SPF} ~all`,
    };
  }
  // Microsoft's domain key is the domain with dots turned into dashes; the admin center shows the exact host.
  const key = normalizeHostname(domain).replace(/\./g, '-');
  return {
    provider,
    mx: [{ exchange: `${key}.mail.protection.outlook.com`, priority: 0 }],
    spfInclude: MICROSOFT_SPF,
    spfRecord: `v=spf1 include:${MICROSOFT_SPF} -all`,
  };
}

export const providerName = (provider: MailProvider) =>
  provider === 'google' ? 'Google Workspace' : 'Microsoft 365';
