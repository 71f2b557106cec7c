import { classifyNameservers } from './nameserver-state.js';
import { guessRegistrar, type RegistrarEntry } from './registrars.js';
import { type DnsAnswer, type DnsErrorCode, type MxRecord, normalizeHostname } from './resolver.js';

/** The mailbox provider a connected domain is set up for. */
export type MailProvider = 'google' | 'microsoft';

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

export type NsReport =
  | {
      status: 'found';
      nameservers: string[];
      /** Whether they are exactly the assigned ones; undefined when the app does not know them. */
      matchesAssigned?: boolean;
      registrar?: RegistrarEntry;
    }
  | { status: 'not_found' }
  | { status: 'unknown'; code: DnsErrorCode };

export type MxProvider = 'google' | 'microsoft' | 'other' | 'mixed';

export type MxReport =
  | { status: 'none' }
  /** A single MX of "." (RFC 7505): the domain says it accepts no mail at all. */
  | { status: 'null_mx' }
  | { status: 'found'; provider: MxProvider; hosts: MxRecord[] }
  | { status: 'unknown'; code: DnsErrorCode };

export type SpfAll = '+all' | '-all' | '~all' | '?all';

export type SpfReport =
  | { status: 'none' }
  | {
      status: 'one';
      record: string;
      includesGoogle: boolean;
      includesMicrosoft: boolean;
      /** The record's `all` term, when it has one. */
      all?: SpfAll;
    }
  | { status: 'multiple'; records: string[] }
  | { status: 'unknown'; code: DnsErrorCode };

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export type DmarcReport =
  | { status: 'none' }
  | { status: 'found'; record: string; policy?: DmarcPolicy }
  | { status: 'multiple'; records: string[] }
  | { status: 'unknown'; code: DnsErrorCode };

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

/** What the provider expects to see, for a connected domain. */
export interface ProviderExpectations {
  provider: MailProvider;
  mx: MxRecord[];
  /** The SPF `include:` the provider needs. */
  spfInclude: string;
  /** A complete SPF record to use when there is none. */
  spfRecord: string;
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

const GOOGLE_SPF = '_spf.google.com';
const MICROSOFT_SPF = 'spf.protection.outlook.com';

/** Suffix match on label boundaries: `host` is `suffix` or ends with `.suffix`. */
const under = (host: string, suffix: string) => host === suffix || host.endsWith(`.${suffix}`);

/**
 * Google Workspace MX hosts: `smtp.google.com` (the single record Google now recommends),
 * `aspmx.l.google.com` and its `alt*` siblings, and the older `aspmx*.googlemail.com`
 * (https://support.google.com/a/answer/174125).
 */
function isGoogleMx(host: string): boolean {
  return host === 'smtp.google.com' || under(host, 'aspmx.l.google.com') || under(host, 'googlemail.com');
}

/**
 * Microsoft 365 MX hosts: `<domain-key>.mail.protection.outlook.com`, or `*.mx.microsoft` for
 * domains set up with DNSSEC-capable inbound mail
 * (https://learn.microsoft.com/en-us/microsoft-365/admin/get-help-with-domains/create-dns-records-at-any-dns-hosting-provider).
 */
function isMicrosoftMx(host: string): boolean {
  return under(host, 'mail.protection.outlook.com') || under(host, 'mx.microsoft');
}

function mxProviderOf(hosts: readonly MxRecord[]): MxProvider {
  const kinds = new Set(
    hosts.map(({ exchange }) =>
      isGoogleMx(exchange) ? 'google' : isMicrosoftMx(exchange) ? 'microsoft' : 'other',
    ),
  );
  if (kinds.size !== 1) return 'mixed';
  const [only] = kinds;
  return only ?? 'other';
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

const providerName = (provider: MailProvider) =>
  provider === 'google' ? 'Google Workspace' : 'Microsoft 365';

/** An SPF record is a TXT record that is exactly `v=spf1` or starts with `v=spf1 ` (RFC 7208 §4.5). */
const isSpf = (text: string) => /^v=spf1(\s|$)/i.test(text.trim());

/** A DMARC record's first tag is `v=DMARC1` (RFC 7489 §6.4); other TXT records at `_dmarc` are ignored. */
const isDmarc = (text: string) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(text.trim());

function parseSpf(record: string): Extract<SpfReport, { status: 'one' }> {
  const terms = record.trim().toLowerCase().split(/\s+/).slice(1);
  const includes = new Set(
    terms.filter((term) => /^[+]?include:/.test(term)).map((term) => term.replace(/^[+]?include:/, '')),
  );
  const allTerm = terms.find((term) => /^[+\-~?]?all$/.test(term));
  const report: Extract<SpfReport, { status: 'one' }> = {
    status: 'one',
    record: record.trim(),
    includesGoogle: includes.has(GOOGLE_SPF),
    includesMicrosoft: includes.has(MICROSOFT_SPF),
  };
  if (allTerm !== undefined) report.all = toSpfAll(allTerm);
  return report;
}

function toSpfAll(term: string): SpfAll {
  switch (term[0]) {
    case '-':
      return '-all';
    case '~':
      return '~all';
    case '?':
      return '?all';
    default:
      return '+all';
  }
}

function parseDmarcPolicy(record: string): DmarcPolicy | undefined {
  for (const part of record.split(';')) {
    const [tag = '', value = ''] = part.split('=').map((piece) => piece.trim().toLowerCase());
    if (tag === 'p' && (value === 'none' || value === 'quarantine' || value === 'reject')) return value;
  }
  return undefined;
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

function nsReport(answer: DnsAnswer<string>, assigned: readonly string[] | undefined): NsReport {
  switch (answer.status) {
    case 'nxdomain':
    case 'nodata':
      return { status: 'not_found' };
    case 'error':
      return { status: 'unknown', code: answer.code };
    case 'ok': {
      const nameservers = [...new Set(answer.records.map(normalizeHostname))].sort();
      const report: NsReport = { status: 'found', nameservers };
      const registrar = guessRegistrar(nameservers);
      if (registrar) report.registrar = registrar;
      if (assigned && assigned.length > 0) {
        report.matchesAssigned = classifyNameservers(assigned, answer).state === 'pointing';
      }
      return report;
    }
  }
}

function mxReport(answer: DnsAnswer<MxRecord>): MxReport {
  switch (answer.status) {
    case 'nxdomain':
    case 'nodata':
      return { status: 'none' };
    case 'error':
      return { status: 'unknown', code: answer.code };
    case 'ok': {
      const hosts = answer.records.map((record) => ({
        exchange: normalizeHostname(record.exchange),
        priority: record.priority,
      }));
      // RFC 7505 §3: a null MX is a single record whose exchange is the root (".", empty once normalised).
      const usable = hosts.filter((host) => host.exchange !== '');
      if (usable.length === 0) return { status: 'null_mx' };
      return { status: 'found', provider: mxProviderOf(usable), hosts: usable };
    }
  }
}

function spfReport(answer: DnsAnswer<string>): SpfReport {
  switch (answer.status) {
    case 'nxdomain':
    case 'nodata':
      return { status: 'none' };
    case 'error':
      return { status: 'unknown', code: answer.code };
    case 'ok': {
      const records = answer.records.filter(isSpf);
      const [only] = records;
      if (only === undefined) return { status: 'none' };
      if (records.length > 1) return { status: 'multiple', records };
      return parseSpf(only);
    }
  }
}

function dmarcReport(answer: DnsAnswer<string>): DmarcReport {
  switch (answer.status) {
    case 'nxdomain':
    case 'nodata':
      return { status: 'none' };
    case 'error':
      return { status: 'unknown', code: answer.code };
    case 'ok': {
      const records = answer.records.filter(isDmarc).map((record) => record.trim());
      const [only] = records;
      if (only === undefined) return { status: 'none' };
      if (records.length > 1) return { status: 'multiple', records };
      const policy = parseDmarcPolicy(only);
      return policy ? { status: 'found', record: only, policy } : { status: 'found', record: only };
    }
  }
}
