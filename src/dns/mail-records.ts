/**
 * Classifies one DNS answer each for `/peeker dns`: NS (and whether it is the assigned pair), MX
 * provider, SPF and DMARC. Pure and total: a failed lookup becomes an `unknown` report.
 */
import { GOOGLE_SPF, isGoogleMx, isMicrosoftMx, MICROSOFT_SPF } from './mail-providers.js';
import { classifyNameservers } from './nameserver-state.js';
import { guessRegistrar, type RegistrarEntry } from './registrars.js';
import { type DnsAnswer, type DnsErrorCode, type MxRecord, normalizeHostname } from './resolver.js';

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

export function nsReport(answer: DnsAnswer<string>, assigned: readonly string[] | undefined): NsReport {
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

export function mxReport(answer: DnsAnswer<MxRecord>): MxReport {
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

export function spfReport(answer: DnsAnswer<string>): SpfReport {
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

export function dmarcReport(answer: DnsAnswer<string>): DmarcReport {
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
