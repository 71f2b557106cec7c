import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
import { blockTextLength } from './blocks.js';
import { hoursText } from './digest.js';
import type { DomainDnsView, RegistrarLink } from './import-dns-lines.js';
import { LIMITS } from './limits.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  formatDuration,
  joinLimited,
  listNames,
  plural,
  section,
  truncate,
} from './text.js';

/**
 * The reminder an import waiting on the registrar gets in its thread. Customers read it
 * (often in a Slack Connect channel): friendly, no IDs, only what is left to do — the domains not
 * switched yet with what DNS shows for each, and the nameservers again — and how to stop reminders.
 */
export interface NudgeModel {
  /** This reminder's number (1 for the first) and the most there will be. */
  number: number;
  max: number;
  /** How long the customer has had the nameservers. */
  waitedMs: number;
  /** The domains not switched yet, with the DNS check's finding when there is one. */
  domains: { domain: string; dns?: DomainDnsView | undefined }[];
  /** The nameserver pairs of those domains. */
  nameserverGroups: { nameservers: [string, string]; domains: string[] }[];
}

/** Domains named one per line; the rest are counted. */
const DOMAINS_SHOWN = 15;
/** Nameserver pairs shown (imports of hundreds of domains may have several). */
const GROUPS_SHOWN = 5;
/** The reminder stays far under Slack's total of block text. */
const BUDGET = 6_000;

function safeLink(registrar: RegistrarLink): string | undefined {
  if (!/^https:\/\/[^\s<>|]+$/.test(registrar.helpUrl)) return undefined;
  return `<${registrar.helpUrl}|how to change them at ${escapeMrkdwn(registrar.name)}>`;
}

function hosts(current: readonly string[]): string {
  const shown = current.slice(0, 3).map(code).join(', ');
  return current.length > 3 ? `${shown} +${current.length - 3} more` : shown;
}

/** One domain with what DNS shows; `rich` names its current nameservers and the registrar's help page. */
function domainLine(domain: NudgeModel['domains'][number], rich: boolean): string {
  const name = escapeMrkdwn(truncate(domain.domain, 80));
  const dns = domain.dns;
  if (!dns) return `• ${name}`;
  switch (dns.state) {
    case 'pointing':
      return `• ✅ ${name} — nameservers set`;
    case 'elsewhere': {
      if (!rich)
        return `• ⏳ ${name} — not switched yet${dns.registrar ? ` (${escapeMrkdwn(dns.registrar.name)})` : ''}`;
      const link = dns.registrar ? safeLink(dns.registrar) : undefined;
      return `• ⏳ ${name} — still at ${hosts(dns.current)}${link ? ` · ${link}` : ''}`;
    }
    case 'other_cloudflare':
      return rich
        ? `• ⚠️ ${name} — on *another Cloudflare account* (${hosts(dns.current)}): replace them with the pair below`
        : `• ⚠️ ${name} — on another Cloudflare account`;
    case 'not_found':
      return `• ❓ ${name} — not found in DNS (expired, or misspelt?)`;
    case 'unknown':
      // A lookup that failed says nothing about the domain: no remark the customer cannot act on.
      return `• ${name}`;
  }
}

function groupText(group: NudgeModel['nameserverGroups'][number], single: boolean): string {
  const pair = `${code(group.nameservers[0])}\n${code(group.nameservers[1])}`;
  if (single) return `*Nameservers to set*\n${pair}`;
  const names = group.domains.map((domain) => escapeMrkdwn(truncate(domain, 80)));
  return truncate(`*Nameservers for ${listNames(names, 5)}*\n${pair}`, LIMITS.sectionText);
}

function build(model: NudgeModel, rich: boolean): RenderedMessage {
  const count = model.domains.length;
  const intro =
    count === 1
      ? `👋 *A friendly reminder:* ${escapeMrkdwn(model.domains[0]?.domain ?? 'one domain')} still needs its nameservers changed at the registrar (it has been ${formatDuration(model.waitedMs)}).`
      : `👋 *A friendly reminder:* ${plural(count, 'domain')} still need their nameservers changed at the registrar (it has been ${formatDuration(model.waitedMs)}).`;
  const lines = model.domains.slice(0, DOMAINS_SHOWN).map((domain) => domainLine(domain, rich));
  if (count > DOMAINS_SHOWN) lines.push(`…and ${count - DOMAINS_SHOWN} more`);
  const groups = model.nameserverGroups.filter((group) => group.domains.length > 0);
  const blocks: KnownBlock[] = [section(intro)];
  if (count > 1 || (model.domains[0]?.dns && model.domains[0].dns.state !== 'unknown'))
    blocks.push(section(truncate(lines.join('\n'), LIMITS.sectionText)));
  for (const group of groups.slice(0, GROUPS_SHOWN))
    blocks.push(section(groupText(group, groups.length === 1)));
  if (groups.length > GROUPS_SHOWN) {
    blocks.push(
      section(`…and ${plural(groups.length - GROUPS_SHOWN, 'more nameserver pair')} in the message above.`),
    );
  }
  const last = model.number >= model.max;
  blocks.push(
    context(
      `${last ? 'Last reminder' : `Reminder ${model.number} of ${model.max}`} — the message above updates itself once DNS is verified. To stop reminders in this channel: \`/peeker nudges off\`.`,
    ),
  );
  const names = joinLimited(
    model.domains.map((domain) => escapeMrkdwn(domain.domain)),
    5,
  );
  const text = truncate(
    `Reminder: ${plural(count, 'domain')} still need${count === 1 ? 's' : ''} the nameservers changed at the registrar: ${names}.`,
    LIMITS.messageText,
  );
  return { text, blocks };
}

/** The reminder, with the current nameservers per domain when it fits, the plain list otherwise. */
export function renderNudge(model: NudgeModel): RenderedMessage {
  const rich = build(model, true);
  return blockTextLength(rich.blocks) <= BUDGET ? rich : build(model, false);
}

/** `/peeker nudges off|on`: what is now set for the channel, and how to change it back. */
export function renderNudgesSetting(options: {
  enabled: boolean;
  channelId: string;
  /** `NUDGE_AFTER_HOURS` in ms (0: reminders are off for the whole app). */
  nudgeAfterMs: number;
  max: number;
}): RenderedMessage {
  const where = channelLink(options.channelId);
  let text: string;
  if (!options.enabled) {
    text = `🔕 Reminders are off in ${where}: customers here get no reminders about nameservers they have not changed yet. \`/peeker nudges on\` turns them back on.`;
  } else if (options.nudgeAfterMs <= 0) {
    text = `🔔 Reminders are on in ${where}, but the app sends none at all (\`NUDGE_AFTER_HOURS=0\`). \`/peeker nudges off\` keeps them off here whatever that setting becomes.`;
  } else {
    const every = hoursText(options.nudgeAfterMs);
    text = `🔔 Reminders are on in ${where}: an import still waiting on the registrar ${every} after the nameservers were posted gets a friendly reminder in its thread, then one every ${every}, at most ${options.max}. \`/peeker nudges off\` turns them off.`;
  }
  return { text, blocks: [section(text)] };
}
