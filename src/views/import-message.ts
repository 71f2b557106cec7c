import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
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
  domains: { domain: string; state: 'pending' | 'verified' | 'failed'; failureReason: string | null }[];
  nameserverGroups: { nameservers: [string, string]; domains: string[] }[];
  /** How long the customer has had the nameservers (shown while waiting on the registrar). */
  waitedMs: number | null;
}

const DOMAINS_PER_GROUP_SHOWN = 40;
const GROUPS_SHOWN = 20;

const REGISTRAR_STEPS = [
  '*How to change nameservers*',
  '1. Sign in where the domain is registered (GoDaddy, Namecheap, Google/Squarespace, Cloudflare Registrar…) and open the domain’s *DNS* or *Nameservers* settings.',
  '2. Choose *custom nameservers* and replace every existing nameserver with the two shown for that domain.',
  '3. Save. Most registrars apply the change within a few hours (it can take up to 48 h). Nothing else needs to change — we check automatically and update this message.',
].join('\n');

/** Peeker's failed-row reasons, in words a customer understands. Unknown codes are shown as words. */
export function describeFailureReason(reason: string | null | undefined): string {
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
  return known[reason] ?? reason.replace(/[_-]+/g, ' ');
}

function domainLine(domain: ImportMessageModel['domains'][number]): string {
  const icon = domain.state === 'verified' ? '✅' : domain.state === 'failed' ? '❌' : '⏳';
  return `${icon} ${escapeMrkdwn(domain.domain)}`;
}

function statusLine(model: ImportMessageModel, activeCount: number): string {
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

/** The parent message. Pure: the same model always renders the same message (edits are skipped when nothing changed). */
export function renderImportMessage(model: ImportMessageModel): RenderedMessage {
  const byDomain = new Map(model.domains.map((domain) => [domain.domain, domain]));
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
    for (const group of model.nameserverGroups.slice(0, GROUPS_SHOWN)) {
      const lines = group.domains
        .map((name) => byDomain.get(name) ?? { domain: name, state: 'pending' as const, failureReason: null })
        .filter((domain) => domain.state !== 'failed')
        .map(domainLine);
      if (lines.length === 0) continue;
      blocks.push(
        section(
          [
            `*Nameservers*\n\`${escapeMrkdwn(group.nameservers[0])}\`\n\`${escapeMrkdwn(group.nameservers[1])}\``,
            `*For ${lines.length === 1 ? 'this domain' : `these ${lines.length} domains`}*`,
            joinLimited(lines, DOMAINS_PER_GROUP_SHOWN, '\n'),
          ].join('\n'),
        ),
      );
    }
    if (model.nameserverGroups.length > GROUPS_SHOWN) {
      blocks.push(
        section(
          `…and ${model.nameserverGroups.length - GROUPS_SHOWN} more nameserver groups. Ask us for the full list.`,
        ),
      );
    }
    if (model.phase !== 'verified' && model.phase !== 'failed') blocks.push(section(REGISTRAR_STEPS));
  } else if (model.phase === 'preparing') {
    blocks.push(section(joinLimited(active.map(domainLine), DOMAINS_PER_GROUP_SHOWN, '\n') || ' '));
  }

  if (failed.length > 0) {
    blocks.push(
      section(
        `*Not imported*\n${joinLimited(
          failed.map(
            (domain) =>
              `❌ ${escapeMrkdwn(domain.domain)} — ${escapeMrkdwn(describeFailureReason(domain.failureReason))}`,
          ),
          DOMAINS_PER_GROUP_SHOWN,
          '\n',
        )}`,
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
      return truncate(
        `${model.phase === 'waiting_on_registrar' ? 'Waiting on the registrar. ' : ''}Set the nameservers of ${names} to ${escapeMrkdwn(joinWords(pairs))}.`,
        LIMITS.messageText,
      );
    }
  }
}

export type ImportReplyKind = 'nameservers_ready' | 'waiting_on_registrar' | 'verified' | 'failed';

/** One short thread reply per change of an import. */
export function renderImportReply(
  kind: ImportReplyKind,
  model: ImportMessageModel,
  newlyFailed: ImportMessageModel['domains'] = [],
): { text: string } {
  const active = model.domains.filter((domain) => domain.state !== 'failed').map((domain) => domain.domain);
  const names = escapeMrkdwn(listNames(active, 10));
  switch (kind) {
    case 'nameservers_ready':
      return {
        text: `The nameservers for ${names} are ready — please set them at your registrar as shown above.`,
      };
    case 'waiting_on_registrar': {
      const groups = model.nameserverGroups
        .slice(0, 5)
        .map(
          (group) =>
            `• \`${escapeMrkdwn(group.nameservers[0])}\` and \`${escapeMrkdwn(group.nameservers[1])}\` for ${escapeMrkdwn(joinLimited(group.domains, 5))}`,
        );
      const waited = model.waitedMs !== null ? ` (waiting ${formatDuration(model.waitedMs)} so far)` : '';
      return {
        text: truncate(
          `🕒 Still waiting on the registrar${waited}: the nameservers haven’t changed yet. Please set:\n${groups.join('\n')}`,
          LIMITS.messageText,
        ),
      };
    }
    case 'verified':
      return { text: `✅ DNS verified for ${names}.` };
    case 'failed':
      if (newlyFailed.length > 0 && model.phase !== 'failed') {
        return {
          text: truncate(
            newlyFailed
              .map(
                (domain) =>
                  `❌ ${escapeMrkdwn(domain.domain)} could not be imported: ${escapeMrkdwn(describeFailureReason(domain.failureReason))}.`,
              )
              .join('\n'),
            LIMITS.messageText,
          ),
        };
      }
      return {
        text: '❌ This import could not be completed. Our team has been notified and will follow up here.',
      };
  }
}
