import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
import {
  type DnsDetail,
  type DomainDnsView,
  dnsDomainLine,
  dnsSummary,
  domainLine,
  hasDnsFindings,
  registrarHelp,
} from './import-dns-lines.js';
import { LIMITS } from './limits.js';
import {
  context,
  divider,
  escapeMrkdwn,
  formatDuration,
  header,
  joinLimited,
  joinWords,
  listNames,
  plural,
  section,
  truncate,
} from './text.js';

/**
 * The customer-facing nameserver instructions: one parent message per import, edited in place as
 * DNS is verified, plus one short thread reply per change. Customers read this (often in a Slack
 * Connect channel), so it never shows IDs, prices or internal errors.
 */
export type ImportMessagePhase =
  | 'preparing'
  | 'awaiting_dns'
  | 'waiting_on_registrar'
  | 'verified'
  | 'failed';

export interface ImportMessageModel {
  phase: ImportMessagePhase;
  domains: {
    domain: string;
    state: 'pending' | 'verified' | 'failed';
    failureReason: string | null;
    /** The DNS check's finding for a pending domain (see {@link DomainDnsView}). */
    dns?: DomainDnsView | undefined;
  }[];
  nameserverGroups: { nameservers: [string, string]; domains: string[] }[];
  /** How long the customer has had the nameservers (shown while waiting on the registrar). */
  waitedMs: number | null;
  /** Every waiting domain points at its assigned nameservers; Peeker has not confirmed yet. */
  nameserversSet?: boolean | undefined;
}

/** Domains listed while the nameservers are not known yet, and failed domains listed. */
const DOMAINS_SHOWN = 40;
const FAILED_SHOWN = 20;

const REGISTRAR_STEPS = [
  '*How to change nameservers*',
  '1. Sign in where the domain is registered (GoDaddy, Namecheap, Google/Squarespace, Cloudflare Registrar…) and open the domain’s *DNS* or *Nameservers* settings.',
  '2. Choose *custom nameservers* and replace every existing nameserver with the two shown for that domain.',
  '3. Save. Most registrars apply the change within a few hours (it can take up to 48 h). Nothing else needs to change — we check automatically and update this message.',
].join('\n');

/**
 * Peeker's failed-row reasons, in words a customer understands. An unknown code is shown as words
 * to the ops person; a customer sees a plain "not accepted" instead (the code may be internal).
 */
export function describeFailureReason(
  reason: string | null | undefined,
  audience: 'ops' | 'customer' = 'ops',
): string {
  const known: Record<string, string> = {
    not_root_domain: 'not a root domain (use the main domain, e.g. acme.com)',
    invalid: 'not a valid domain name',
    invalid_domain: 'not a valid domain name',
    already_imported: 'already imported',
    domain_already_exists: 'already connected',
    not_registered: 'not registered yet',
    ineligible: 'not eligible for import',
    not_eligible: 'not eligible for import',
    registrar_lock: 'locked at the registrar',
  };
  if (!reason) return 'rejected';
  const words = known[reason];
  if (words) return words;
  return audience === 'customer' ? 'not accepted (our team will follow up)' : reason.replace(/[_-]+/g, ' ');
}

/** The words of the status line once every domain points at Peeker (and of the fallback text). */
const NAMESERVERS_SET = 'Nameservers set — waiting for Peeker to confirm.';

function statusLine(model: ImportMessageModel, activeCount: number): string {
  if (model.nameserversSet && (model.phase === 'awaiting_dns' || model.phase === 'waiting_on_registrar')) {
    return `✅ ${NAMESERVERS_SET} Nothing else to do: this message updates itself.`;
  }
  switch (model.phase) {
    case 'preparing':
      return `⏳ Setting up ${plural(activeCount, 'domain')} — the nameservers to use will appear here in a minute or two.`;
    case 'awaiting_dns':
      return '⏳ Waiting for the nameserver change. We check automatically and this message updates itself.';
    case 'waiting_on_registrar':
      return `🕒 Waiting on the registrar${model.waitedMs !== null ? ` for ${formatDuration(model.waitedMs)}` : ''} — the nameservers above are not set yet. Please double-check them at your registrar.`;
    case 'verified':
      return `✅ DNS verified for ${plural(activeCount, 'domain')}. You’re all set.`;
    case 'failed':
      return '❌ This import could not be completed. Our team has been notified and will follow up here.';
  }
}

function headline(phase: ImportMessagePhase): string {
  switch (phase) {
    case 'preparing':
      return 'Preparing your domains';
    case 'verified':
      return 'DNS verified';
    case 'failed':
      return 'Domain import needs attention';
    default:
      return 'Set your domains’ nameservers';
  }
}

type DomainView = ImportMessageModel['domains'][number];

/** The nameserver pair of a group, as the customer copies it. */
function nameserverText(group: ImportMessageModel['nameserverGroups'][number]): string {
  return `*Nameservers*\n\`${escapeMrkdwn(group.nameservers[0])}\`\n\`${escapeMrkdwn(group.nameservers[1])}\``;
}

/** The active (not failed) domains of each group, in the order Peeker gave them. */
export function activeGroups(model: ImportMessageModel) {
  const byDomain = new Map(model.domains.map((domain) => [domain.domain, domain]));
  return model.nameserverGroups
    .map((group) => ({
      group,
      domains: group.domains
        .map(
          (name): DomainView => byDomain.get(name) ?? { domain: name, state: 'pending', failureReason: null },
        )
        .filter((domain) => domain.state !== 'failed'),
    }))
    .filter((entry) => entry.domains.length > 0);
}

/** A group with every domain on its own line (with its state), when the message has room. */
function fullGroupText(
  group: ImportMessageModel['nameserverGroups'][number],
  domains: DomainView[],
  detail: DnsDetail = 'none',
): string {
  return [
    nameserverText(group),
    `*For ${domains.length === 1 ? 'this domain' : `these ${domains.length} domains`}*`,
    ...domains.map((domain) => dnsDomainLine(domain, detail)),
  ].join('\n');
}

/** A group with its domains named in a line that stops at `room` characters. */
function compactGroupText(
  group: ImportMessageModel['nameserverGroups'][number],
  domains: DomainView[],
  room: number,
): string {
  let names = '';
  let shown = 0;
  for (const domain of domains) {
    const item = `${shown === 0 ? '' : ', '}${escapeMrkdwn(domain.domain)}`;
    if (shown > 0 && names.length + item.length > room) break;
    names += item;
    shown += 1;
  }
  const rest = domains.length - shown;
  return `${nameserverText(group)}\n*For ${plural(domains.length, 'domain')}:* ${names}${rest > 0 ? `, …and ${rest} more (listed in the thread)` : ''}`;
}

/** Text kept for everything around the nameserver groups (headline, steps, failures, status). */
const FRAME_BUDGET = 2_600;
/** Room for the groups in one message, inside Slack's total (see LIMITS.messageBlockText). */
const GROUPS_BUDGET = LIMITS.messageBlockText - FRAME_BUDGET;
/** A section holds at most 3,000 characters; groups are packed into sections of this much. */
export const SECTION_BUDGET = LIMITS.sectionText - 100;
/** Blocks left for nameserver groups once the frame's blocks are counted. */
const GROUP_BLOCKS = LIMITS.blocksPerMessage - 8;

/** Room left for the DNS check's summary section when the groups are compact. */
const DNS_SUMMARY_BUDGET = 1_200;

/**
 * Whether every domain fits on its own line in the parent message. When not (hundreds of
 * domains), the parent names the domains of each group compactly and the thread lists them all
 * ({@link renderDomainListReplies}). Decided on the plain lines, so the DNS check's findings never
 * change it (the thread's list is posted once, before any check).
 */
export function domainsFitInMessage(model: ImportMessageModel): boolean {
  const groups = activeGroups(model);
  const texts = groups.map(({ group, domains }) => fullGroupText(group, domains));
  return (
    groups.length <= GROUP_BLOCKS &&
    texts.every((text) => text.length <= SECTION_BUDGET) &&
    texts.reduce((sum, text) => sum + text.length, 0) <= GROUPS_BUDGET
  );
}

/**
 * Every nameserver group, within the message's budget: full lines when they fit — with the DNS
 * check's finding per domain (its current nameservers when there is room, else a short word, else
 * none) and the registrars' help pages — and compact otherwise, with the DNS check as a summary.
 */
function groupSections(model: ImportMessageModel): KnownBlock[] {
  const groups = activeGroups(model);
  if (domainsFitInMessage(model)) {
    if (hasDnsFindings(model)) {
      const help = registrarHelp(model);
      for (const detail of ['rich', 'short'] as const) {
        const texts = groups.map(({ group, domains }) => fullGroupText(group, domains, detail));
        const all = help ? [...texts, help] : texts;
        const fits =
          all.length <= GROUP_BLOCKS &&
          all.every((text) => text.length <= SECTION_BUDGET) &&
          all.reduce((sum, text) => sum + text.length, 0) <= GROUPS_BUDGET;
        if (fits) return all.map((text) => section(text));
      }
    }
    return groups.map(({ group, domains }) => section(fullGroupText(group, domains)));
  }
  const summary = dnsSummary(model, DNS_SUMMARY_BUDGET);
  const compact = compactGroupSections(
    groups,
    summary ? GROUPS_BUDGET - summary.length : GROUPS_BUDGET,
    summary ? GROUP_BLOCKS - 1 : GROUP_BLOCKS,
  );
  return summary ? [...compact, section(summary)] : compact;
}

/** The groups of a message too long to list every domain: domains named compactly, within `budget`. */
function compactGroupSections(
  groups: ReturnType<typeof activeGroups>,
  budget: number,
  maxBlocks: number,
): KnownBlock[] {
  // Share the budget evenly; the nameservers themselves always show (they are what to set).
  const perGroup = Math.floor(budget / Math.max(1, groups.length));
  const room = Math.max(0, Math.min(SECTION_BUDGET, perGroup) - 140);
  const texts = groups.map(({ group, domains }) => compactGroupText(group, domains, room));
  const sections: string[] = [];
  for (const text of texts) {
    const last = sections.at(-1);
    if (last !== undefined && last.length + text.length + 2 <= SECTION_BUDGET) {
      sections[sections.length - 1] = `${last}\n\n${text}`;
    } else sections.push(text);
  }
  if (sections.length > maxBlocks) {
    const shownGroups =
      sections
        .slice(0, maxBlocks - 1)
        .join('\n\n')
        .split('*Nameservers*').length - 1;
    return [
      ...sections.slice(0, maxBlocks - 1).map((text) => section(text)),
      section(`…and ${groups.length - shownGroups} more nameserver groups, listed in the thread.`),
    ];
  }
  return sections.map((text) => section(text));
}

/** The parent message. Pure: the same model always renders the same message (edits are skipped when nothing changed). */
export function renderImportMessage(model: ImportMessageModel): RenderedMessage {
  const failed = model.domains.filter((domain) => domain.state === 'failed');
  const active = model.domains.filter((domain) => domain.state !== 'failed');
  const blocks: KnownBlock[] = [header(headline(model.phase))];

  if (model.phase !== 'preparing' && model.nameserverGroups.length > 0) {
    if (model.phase !== 'verified') {
      blocks.push(
        section(
          `To connect ${plural(active.length, 'domain')}, set the nameservers below at the registrar where ${active.length === 1 ? 'it is' : 'they are'} registered.`,
        ),
      );
    }
    blocks.push(...groupSections(model));
    if (model.phase !== 'verified' && model.phase !== 'failed') blocks.push(section(REGISTRAR_STEPS));
  } else if (model.phase === 'preparing') {
    blocks.push(
      section(truncate(joinLimited(active.map(domainLine), DOMAINS_SHOWN, '\n') || ' ', SECTION_BUDGET)),
    );
  }

  if (failed.length > 0) {
    blocks.push(
      section(
        truncate(
          `*Not imported*\n${joinLimited(
            failed.map(
              (domain) =>
                `❌ ${escapeMrkdwn(domain.domain)} — ${escapeMrkdwn(describeFailureReason(domain.failureReason, 'customer'))}`,
            ),
            FAILED_SHOWN,
            '\n',
          )}`,
          SECTION_BUDGET,
        ),
      ),
    );
  }
  blocks.push(divider(), context(statusLine(model, active.length)));

  return {
    text: fallbackText(
      model,
      active.map((domain) => domain.domain),
    ),
    blocks: blocks.slice(0, LIMITS.blocksPerMessage),
  };
}

function fallbackText(model: ImportMessageModel, active: string[]): string {
  const names = escapeMrkdwn(listNames(active, 10));
  switch (model.phase) {
    case 'preparing':
      return `Preparing ${plural(active.length, 'domain')}: ${names}. The nameservers will follow shortly.`;
    case 'verified':
      return `DNS verified for ${names}.`;
    case 'failed':
      return `The import of ${names} could not be completed.`;
    default: {
      const pairs = model.nameserverGroups
        .slice(0, 5)
        .map((group) => `${group.nameservers[0]} and ${group.nameservers[1]}`);
      if (model.nameserversSet) return truncate(`${NAMESERVERS_SET} ${names}`, LIMITS.messageText);
      return truncate(
        `${model.phase === 'waiting_on_registrar' ? 'Waiting on the registrar. ' : ''}Set the nameservers of ${names} to ${escapeMrkdwn(joinWords(pairs))}.`,
        LIMITS.messageText,
      );
    }
  }
}
