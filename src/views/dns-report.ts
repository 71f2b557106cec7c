import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
import { LIMITS } from './limits.js';
import { code, context, escapeMrkdwn, joinLimited, section, truncate } from './text.js';

/**
 * `/peeker dns <domain>` (an ephemeral report for the ops person) and the health watch's thread
 * replies. The models mirror `dns/mail-check.ts`'s report (and the record reports of
 * `dns/mail-records.ts`), which views cannot import; everything in them came from DNS or from our
 * own wording, and all of it is escaped.
 */
export interface DnsRegistrarView {
  name: string;
  helpUrl: string;
}

export interface DnsMxHostView {
  exchange: string;
  priority: number;
}

export interface DnsProblemView {
  kind: string;
  severity: 'error' | 'warning';
  check: string;
  message: string;
  fix: string;
  helpUrl?: string;
}

export interface DnsReportView {
  domain: string;
  ns:
    | { status: 'found'; nameservers: string[]; matchesAssigned?: boolean; registrar?: DnsRegistrarView }
    | { status: 'not_found' }
    | { status: 'unknown'; code: string };
  mx:
    | { status: 'none' }
    | { status: 'null_mx' }
    | { status: 'found'; provider: 'google' | 'microsoft' | 'other' | 'mixed'; hosts: DnsMxHostView[] }
    | { status: 'unknown'; code: string };
  spf:
    | { status: 'none' }
    | { status: 'one'; record: string }
    | { status: 'multiple'; records: string[] }
    | { status: 'unknown'; code: string };
  dmarc:
    | { status: 'none' }
    | { status: 'found'; record: string; policy?: string }
    | { status: 'multiple'; records: string[] }
    | { status: 'unknown'; code: string };
  problems: DnsProblemView[];
  expected?: { provider: 'google' | 'microsoft'; mx: DnsMxHostView[]; spfRecord: string };
}

/** Where the domain stands with the app, for the report's last line. */
export interface DnsReportContext {
  /** The app knows the nameservers Peeker assigned (the domain was imported here). */
  assignedKnown: boolean;
  /** The domain is connected on an order (the provider's expectations are shown when known). */
  connected: boolean;
}

const PROVIDER_NAMES = { google: 'Google Workspace', microsoft: 'Microsoft 365' } as const;

/** Human words for a lookup that failed (the resolver's error code, as `dns/resolver.ts` names them). */
function lookupFailure(errorCode: string): string {
  const words: Record<string, string> = {
    timeout: 'the DNS server did not answer in time',
    servfail: 'the DNS server failed (SERVFAIL)',
    refused: 'the DNS server refused the query',
    unreachable: 'the DNS server could not be reached',
    busy: 'too many DNS checks are running right now',
  };
  return `⏳ couldn’t check just now — ${words[errorCode] ?? `lookup failed (${escapeMrkdwn(errorCode)})`}; try again in a minute`;
}

/** A registrar's own help page, as a link (our table's https URLs only). */
function helpLink(url: string, text: string): string {
  return /^https:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${escapeMrkdwn(text)}>` : '';
}

/** A DNS record as code, cut to a readable length. */
const record = (text: string) => code(truncate(text, 180));

function nsLine(view: DnsReportView): string {
  const ns = view.ns;
  switch (ns.status) {
    case 'not_found':
      return '❓ not found in DNS — the domain may have expired, or the name is misspelt';
    case 'unknown':
      return lookupFailure(ns.code);
    case 'found': {
      const hosts = joinLimited(ns.nameservers.map(code), 6);
      const host = ns.registrar ? ` — ${escapeMrkdwn(ns.registrar.name)}` : '';
      if (ns.matchesAssigned === true) return `✅ ${hosts} — the nameservers Peeker assigned`;
      if (ns.matchesAssigned === false) return `❌ ${hosts}${host} — not the nameservers Peeker assigned`;
      return `${hosts}${host}`;
    }
  }
}

function mxLine(view: DnsReportView): string {
  const mx = view.mx;
  switch (mx.status) {
    case 'none':
      return '❌ none — the domain cannot receive email';
    case 'null_mx':
      return '❌ a “null MX” — the domain says it accepts no email';
    case 'unknown':
      return lookupFailure(mx.code);
    case 'found': {
      const hosts = joinLimited(
        mx.hosts.map((host) => `${code(host.exchange)} (${host.priority})`),
        5,
      );
      const who =
        mx.provider === 'google' || mx.provider === 'microsoft'
          ? PROVIDER_NAMES[mx.provider]
          : mx.provider === 'mixed'
            ? 'mixed providers'
            : 'another provider';
      return `✅ ${who}: ${hosts}`;
    }
  }
}

function spfLine(view: DnsReportView): string {
  const spf = view.spf;
  switch (spf.status) {
    case 'none':
      return '❌ none';
    case 'unknown':
      return lookupFailure(spf.code);
    case 'multiple':
      return `❌ ${spf.records.length} records (there must be exactly one)`;
    case 'one':
      return `✅ ${record(spf.record)}`;
  }
}

function dmarcLine(view: DnsReportView): string {
  const dmarc = view.dmarc;
  switch (dmarc.status) {
    case 'none':
      return '⚠️ none';
    case 'unknown':
      return lookupFailure(dmarc.code);
    case 'multiple':
      return `❌ ${dmarc.records.length} records (there must be exactly one)`;
    case 'found':
      return `${dmarc.policy ? '✅' : '❌'} ${record(dmarc.record)}`;
  }
}

function problemLine(problem: DnsProblemView): string {
  const icon = problem.severity === 'error' ? '❌' : '⚠️';
  const link = problem.helpUrl ? helpLink(problem.helpUrl, 'how to change nameservers there') : '';
  return `${icon} ${escapeMrkdwn(problem.message)}\n      *Fix:* ${escapeMrkdwn(problem.fix)}${link ? ` (${link})` : ''}`;
}

/** The ephemeral `/peeker dns <domain>` report: each record, each problem with its fix, and what the provider expects. */
export function renderDnsReport(view: DnsReportView, about: DnsReportContext): RenderedMessage {
  const domain = escapeMrkdwn(view.domain);
  const blocks: KnownBlock[] = [
    section(
      truncate(
        [
          `*DNS check of ${domain}*`,
          `*Nameservers:* ${nsLine(view)}`,
          `*MX:* ${mxLine(view)}`,
          `*SPF:* ${spfLine(view)}`,
          `*DMARC:* ${dmarcLine(view)}`,
        ].join('\n'),
        LIMITS.sectionText,
      ),
    ),
  ];
  const errors = view.problems.filter((problem) => problem.severity === 'error');
  if (view.problems.length > 0) {
    let text = `*${errors.length > 0 ? 'To fix' : 'Worth fixing'}*`;
    for (const problem of view.problems) {
      const line = problemLine(problem);
      if (text.length + line.length + 1 > LIMITS.sectionText - 40) {
        text += '\n…and more';
        break;
      }
      text += `\n${line}`;
    }
    blocks.push(section(text));
  } else {
    blocks.push(section('✅ No problems found.'));
  }
  if (view.expected) {
    const expected = view.expected;
    blocks.push(
      section(
        truncate(
          `*What ${PROVIDER_NAMES[expected.provider]} expects for this connected domain*\nMX: ${expected.mx
            .map((host) => `${code(host.exchange)} (priority ${host.priority})`)
            .join(', ')}\nSPF: one TXT record at ${domain} like ${code(expected.spfRecord)}`,
          LIMITS.sectionText,
        ),
      ),
    );
  }
  const notes: string[] = [];
  if (!about.assignedKnown)
    notes.push('This domain was not imported here, so its nameservers are not compared with Peeker’s.');
  if (about.connected && !view.expected)
    notes.push('Connected on an order; its mail provider is not known here.');
  if (notes.length > 0) blocks.push(context(notes.join(' ')));
  const summary =
    view.problems.length === 0
      ? `DNS check of ${view.domain}: no problems found.`
      : `DNS check of ${view.domain}: ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix, ${view.problems.length - errors.length} warning${view.problems.length - errors.length === 1 ? '' : 's'}.`;
  return { text: escapeMrkdwn(summary), blocks };
}

/** Answer while the lookups run (the acknowledgement). */
export function renderDnsChecking(domain: string): RenderedMessage {
  const text = `🔎 Checking the DNS of ${escapeMrkdwn(domain)}…`;
  return { text, blocks: [section(text)] };
}

/** `/peeker dns` with something that is not a domain. */
export function renderDnsUsage(problem: string): RenderedMessage {
  const text = `${escapeMrkdwn(problem)} Usage: \`/peeker dns acme-mail.com\`.`;
  return { text, blocks: [section(text)] };
}

/** Short names of the problems the health watch reports, for "fixed" lines. */
const FIXED: Record<string, string> = {
  domain_not_found: 'the domain is back in DNS',
  nameservers_not_assigned: 'the nameservers are the assigned ones again',
  no_mx: 'the MX records are back',
  null_mx: 'the “null MX” record is gone',
  mx_not_provider: 'the MX records point at the mail provider again',
  no_spf: 'the SPF record is back',
  multiple_spf: 'there is a single SPF record again',
  spf_missing_provider: 'the SPF record includes the mail provider again',
  spf_allows_anyone: 'the SPF record no longer ends in +all',
  no_dmarc: 'the DMARC record is back',
  multiple_dmarc: 'there is a single DMARC record again',
  dmarc_no_policy: 'the DMARC record has a policy again',
};

/**
 * One thread reply of the weekly health watch: the problems that appeared (with their fixes) and
 * those that cleared. Plain words only — the thread may be a customer channel.
 */
export function renderDnsHealthReply(change: {
  domain: string;
  appeared: DnsProblemView[];
  cleared: string[];
}): { text: string } {
  const domain = escapeMrkdwn(change.domain);
  const lines = [`🩺 *DNS check of ${domain}*`];
  for (const problem of change.appeared) {
    lines.push(`❌ ${escapeMrkdwn(problem.message)}\n      *Fix:* ${escapeMrkdwn(problem.fix)}`);
  }
  for (const kind of change.cleared) {
    lines.push(`✅ Fixed: ${FIXED[kind] ?? escapeMrkdwn(kind.replace(/_/g, ' '))}.`);
  }
  return { text: truncate(lines.join('\n'), LIMITS.messageText) };
}
