/**
 * The `/peeker dns` mail-DNS check: puts the record reports from `mail-records.ts` together and
 * turns what is wrong into problems with fixes, against what a connected domain's provider expects.
 */
import {
  isGoogleMx,
  isMicrosoftMx,
  type MailProvider,
  type ProviderExpectations,
  providerExpectations,
  providerName,
} from './mail-providers.js';
import {
  type DmarcReport,
  dmarcReport,
  type MxReport,
  mxReport,
  type NsReport,
  nsReport,
  type SpfReport,
  spfReport,
} from './mail-records.js';
import { type DnsAnswer, type DnsErrorCode, type MxRecord, normalizeHostname } from './resolver.js';

/** The answers `/peeker dns <domain>` looks at; the caller runs the four lookups (in parallel). */
export interface MailCheckInput {
  domain: string;
  ns: DnsAnswer<string>;
  mx: DnsAnswer<MxRecord>;
  /** TXT at the domain itself (SPF lives there). */
  txt: DnsAnswer<string>;
  /** TXT at `_dmarc.<domain>` (RFC 7489 §6.1). */
  dmarc: DnsAnswer<string>;
}

export interface MailCheckOptions {
  /** The nameservers Peeker assigned, when the app knows them. */
  assignedNameservers?: readonly string[];
  /** The provider the domain's inboxes are on, when it is connected. */
  provider?: MailProvider;
}

export type MailCheckName = 'ns' | 'mx' | 'spf' | 'dmarc';

export type MailProblemKind =
  | 'domain_not_found'
  | 'nameservers_not_assigned'
  | 'no_mx'
  | 'null_mx'
  | 'mx_not_provider'
  | 'no_spf'
  | 'multiple_spf'
  | 'spf_missing_provider'
  | 'spf_allows_anyone'
  | 'no_dmarc'
  | 'multiple_dmarc'
  | 'dmarc_no_policy';

/** One thing wrong, in plain English, with what to do about it. */
export interface MailProblem {
  kind: MailProblemKind;
  /** `error`: mail will not work or will be rejected; `warning`: works, but risks spam folders. */
  severity: 'error' | 'warning';
  check: MailCheckName;
  message: string;
  fix: string;
  /** A page with the steps, when there is one (the registrar's nameserver help). */
  helpUrl?: string;
}

export interface MailCheckReport {
  domain: string;
  ns: NsReport;
  mx: MxReport;
  spf: SpfReport;
  dmarc: DmarcReport;
  problems: MailProblem[];
  /** Checks whose lookup failed just now ("couldn't check"); not problems with the domain. */
  unchecked: Array<{ check: MailCheckName; code: DnsErrorCode }>;
  expected?: ProviderExpectations;
}

/**
 * Builds the `/peeker dns <domain>` report: NS (and whether it matches the assigned pair), MX
 * (none, Google, Microsoft or other), SPF (exactly one `v=spf1` record) and DMARC, with each
 * problem's fix in plain English. Pure and total: a failed lookup becomes an `unchecked` item,
 * never an exception and never a false problem.
 */
export function checkMailDns(input: MailCheckInput, options: MailCheckOptions = {}): MailCheckReport {
  const domain = normalizeHostname(input.domain);
  const problems: MailProblem[] = [];
  const unchecked: MailCheckReport['unchecked'] = [];
  const expected = options.provider ? providerExpectations(domain, options.provider) : undefined;

  const ns = nsReport(input.ns, options.assignedNameservers);
  if (ns.status === 'unknown') unchecked.push({ check: 'ns', code: ns.code });
  if (ns.status === 'not_found') {
    problems.push({
      kind: 'domain_not_found',
      severity: 'error',
      check: 'ns',
      message: `${domain} is not in DNS: it may have expired, or the name may be misspelt.`,
      fix: 'Check the spelling, then check at the registrar that the domain is registered and renewed.',
    });
  }
  if (ns.status === 'found' && ns.matchesAssigned === false && options.assignedNameservers) {
    const wanted = options.assignedNameservers.map(normalizeHostname).join(' and ');
    const where = ns.registrar ? ` at ${ns.registrar.name}` : ' at the registrar';
    const problem: MailProblem = {
      kind: 'nameservers_not_assigned',
      severity: 'error',
      check: 'ns',
      message: `${domain} uses ${ns.nameservers.join(', ')}, not the nameservers Peeker assigned.`,
      fix: `Replace all of its nameservers${where} with ${wanted}.`,
    };
    if (ns.registrar) problem.helpUrl = ns.registrar.helpUrl;
    problems.push(problem);
  }

  const mx = mxReport(input.mx);
  if (mx.status === 'unknown') unchecked.push({ check: 'mx', code: mx.code });
  const mxFix = expected
    ? `Add the MX record ${providerName(expected.provider)} expects: ${expected.mx.map((record) => `${record.exchange} (priority ${record.priority})`).join(', ')}.`
    : 'Add the MX records your mailbox provider gives you (Google Workspace: smtp.google.com, priority 1; Microsoft 365: the .mail.protection.outlook.com host shown in the admin center).';
  if (mx.status === 'none') {
    problems.push({
      kind: 'no_mx',
      severity: 'error',
      check: 'mx',
      message: `${domain} has no MX records, so it cannot receive email.`,
      fix: mxFix,
    });
  }
  if (mx.status === 'null_mx') {
    problems.push({
      kind: 'null_mx',
      severity: 'error',
      check: 'mx',
      message: `${domain} has a "null MX" record, which tells senders it accepts no email at all.`,
      fix: `Delete the MX record that points to ".", then: ${mxFix}`,
    });
  }
  if (mx.status === 'found' && expected && mx.provider !== expected.provider) {
    const others = mx.hosts
      .filter(({ exchange }) =>
        expected.provider === 'google' ? !isGoogleMx(exchange) : !isMicrosoftMx(exchange),
      )
      .map((host) => host.exchange);
    const name = providerName(expected.provider);
    problems.push({
      kind: 'mx_not_provider',
      severity: 'error',
      check: 'mx',
      message:
        mx.provider === 'mixed' && others.length < mx.hosts.length
          ? `${domain}'s MX records mix ${name} with other servers (${others.join(', ')}), so some mail goes elsewhere.`
          : `${domain}'s MX records point to ${others.join(', ')}, not ${name}, so mail goes elsewhere.`,
      fix: `Remove the MX records for ${others.join(', ')}. ${mxFix}`,
    });
  }

  const spf = spfReport(input.txt);
  if (spf.status === 'unknown') unchecked.push({ check: 'spf', code: spf.code });
  if (spf.status === 'none') {
    problems.push({
      kind: 'no_spf',
      severity: 'error',
      check: 'spf',
      message: `${domain} has no SPF record, so receivers cannot tell which servers may send its mail.`,
      fix: `Add one TXT record at ${domain}: ${expected ? expected.spfRecord : 'v=spf1 include:<your provider> ~all (Google Workspace: include:_spf.google.com; Microsoft 365: include:spf.protection.outlook.com)'}.`,
    });
  }
  if (spf.status === 'multiple') {
    problems.push({
      kind: 'multiple_spf',
      severity: 'error',
      check: 'spf',
      message: `${domain} has ${spf.records.length} SPF records; with more than one, SPF fails for every message (RFC 7208 §4.5).`,
      fix: 'Merge them into a single TXT record starting with v=spf1 that has every include: term, and delete the others.',
    });
  }
  if (spf.status === 'one' && expected) {
    const included = expected.provider === 'google' ? spf.includesGoogle : spf.includesMicrosoft;
    if (!included) {
      problems.push({
        kind: 'spf_missing_provider',
        severity: 'error',
        check: 'spf',
        message: `${domain}'s SPF record does not include ${providerName(expected.provider)} (include:${expected.spfInclude}).`,
        fix: `Edit the SPF record to add include:${expected.spfInclude} before its "all" term.`,
      });
    }
  }
  if (spf.status === 'one' && spf.all === '+all') {
    problems.push({
      kind: 'spf_allows_anyone',
      severity: 'warning',
      check: 'spf',
      message: `${domain}'s SPF record ends in +all, which lets any server in the world send as ${domain}.`,
      fix: 'Change +all to ~all (or -all once every sender is listed).',
    });
  }

  const dmarc = dmarcReport(input.dmarc);
  if (dmarc.status === 'unknown') unchecked.push({ check: 'dmarc', code: dmarc.code });
  const dmarcFix = `Add a TXT record at _dmarc.${domain}: v=DMARC1; p=none; rua=mailto:<an address you read> (move to p=quarantine once reports look clean).`;
  if (dmarc.status === 'none') {
    problems.push({
      kind: 'no_dmarc',
      severity: 'warning',
      check: 'dmarc',
      message: `${domain} has no DMARC record; large mailbox providers expect one from bulk senders.`,
      fix: dmarcFix,
    });
  }
  if (dmarc.status === 'multiple') {
    problems.push({
      kind: 'multiple_dmarc',
      severity: 'error',
      check: 'dmarc',
      message: `_dmarc.${domain} has ${dmarc.records.length} DMARC records; with more than one, receivers ignore DMARC (RFC 7489 §6.6.3).`,
      fix: 'Keep a single TXT record starting with v=DMARC1 and delete the others.',
    });
  }
  if (dmarc.status === 'found' && dmarc.policy === undefined) {
    problems.push({
      kind: 'dmarc_no_policy',
      severity: 'error',
      check: 'dmarc',
      message: `_dmarc.${domain} has a DMARC record without a valid p= policy, so receivers ignore it.`,
      fix: `Set the record to start with v=DMARC1; p=none (or p=quarantine / p=reject).`,
    });
  }

  const report: MailCheckReport = { domain, ns, mx, spf, dmarc, problems, unchecked };
  if (expected) report.expected = expected;
  return report;
}
