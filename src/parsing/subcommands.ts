/**
 * The subcommands `/peeker` understands: their usage and examples for the help view, the shape
 * each parses to, and the nearest one to a mistyped word.
 */
import { distance } from 'fastest-levenshtein';
import type { ChannelRef } from './slack-text.js';

/** The subcommands `/peeker` understands. */
export type SubcommandName =
  | 'help'
  | 'import'
  | 'status'
  | 'order'
  | 'pending'
  | 'check'
  | 'find'
  | 'cancel'
  | 'forward'
  | 'swap'
  | 'rename'
  | 'dns'
  | 'nudges'
  | 'digest';

/** What the help view shows for one subcommand. */
export type SubcommandInfo = {
  readonly name: SubcommandName;
  readonly usage: string;
  readonly example: string;
  readonly description: string;
};

/** Every subcommand with its usage line and one example, in the order the help view lists them. */
export const SUBCOMMANDS: readonly SubcommandInfo[] = [
  {
    name: 'import',
    usage: '/peeker import <domains…> [in #channel]',
    example: '/peeker import acme-mail.com team-acme.com in #acme-shared',
    description:
      'Import root domains the customer already owns and post the nameservers to set in the customer channel (this channel if none is named).',
  },
  {
    name: 'status',
    usage: '/peeker status <domain | imp_… | ord_…>',
    example: '/peeker status acme-mail.com',
    description: 'Show the current state of a domain, an import or an order.',
  },
  {
    name: 'order',
    usage: '/peeker order [in #channel]',
    example: '/peeker order in #acme-shared',
    description: 'Open the order form for a customer channel (this channel if none is named).',
  },
  {
    name: 'pending',
    usage: '/peeker pending [ord_…]',
    example: '/peeker pending ord_01HZX…',
    description: 'List the open actions that need fixing, for every order or for one.',
  },
  {
    name: 'check',
    usage: '/peeker check <domains…> [in #channel]',
    example: '/peeker check acme-mail.com getacme.com',
    description:
      'Check whether domains can be registered, with their prices; pick the available ones to order them for a customer channel.',
  },
  {
    name: 'find',
    usage: '/peeker find <brand or domain> [in #channel]',
    example: '/peeker find acme',
    description:
      'Suggest available lookalike domains for cold email (getacme.com, acmehq.com…), cheapest first.',
  },
  {
    name: 'cancel',
    usage: '/peeker cancel <ord_…> [domains…]',
    example: '/peeker cancel ord_01HZX… acme-mail.com',
    description:
      'Cancel an order, or only some of its domains, after a confirmation that says what stops and when.',
  },
  {
    name: 'forward',
    usage: '/peeker forward <domains… | ord_…> to <https-url>',
    example: '/peeker forward ord_01HZX… to https://acme.com/welcome',
    description: 'Point live domains (or every connected domain of an order) at a new forwarding URL.',
  },
  {
    name: 'swap',
    usage: '/peeker swap <domain> [for <replacement>] [premium]',
    example: '/peeker swap acme-mail.com for acme-fresh.com',
    description: 'Retire a burnt domain and replace it, keeping the order and its inboxes going.',
  },
  {
    name: 'rename',
    usage: '/peeker rename <domain>',
    example: '/peeker rename acme-mail.com',
    description: 'Change the personas (inbox names) on a live domain.',
  },
  {
    name: 'dns',
    usage: '/peeker dns <domain>',
    example: '/peeker dns acme-mail.com',
    description: 'Check a domain’s nameservers, MX, SPF and DMARC, and say what to fix.',
  },
  {
    name: 'nudges',
    usage: '/peeker nudges off|on',
    example: '/peeker nudges off',
    description: 'Turn the reminders about unchanged nameservers off (or back on) for this channel.',
  },
  {
    name: 'digest',
    usage: '/peeker digest',
    example: '/peeker digest',
    description: 'List what needs a person now: stuck imports, open actions, stuck orders, failed changes.',
  },
  {
    name: 'help',
    usage: '/peeker help',
    example: '/peeker help',
    description: 'Show this help.',
  },
];

/** The result of `parseCommandText` (`command-text.ts`). */
export type ParsedCommand =
  | { kind: 'help' }
  /** `domainText` is still Slack-escaped, ready for `parseDomainList`. */
  | { kind: 'import'; domainText: string; channel?: ChannelRef }
  /** `target` is unescaped, with links stripped; '' when the user gave none. */
  | { kind: 'status'; target: string }
  | { kind: 'order'; channel?: ChannelRef }
  | { kind: 'pending'; orderId?: string }
  /** `domainText` is still Slack-escaped, ready for `parseDomainList`. */
  | { kind: 'check'; domainText: string; channel?: ChannelRef }
  /** `query` is unescaped, links stripped: a brand (`Acme Corp`) or a domain. */
  | { kind: 'find'; query: string; channel?: ChannelRef }
  /** `domainText` (Slack-escaped) is '' to cancel the whole order. */
  | { kind: 'cancel'; orderId: string; domainText: string }
  /** `targetText` (Slack-escaped): domains, or one order ID; `url` unescaped, links stripped. */
  | { kind: 'forward'; targetText: string; url: string }
  /** Domains unescaped, links stripped (still to be validated as roots). */
  | { kind: 'swap'; domain: string; replacement?: string; premium: boolean }
  | { kind: 'rename'; domain: string }
  | { kind: 'dns'; domain: string }
  | { kind: 'nudges'; enabled: boolean }
  | { kind: 'digest' }
  /** `word` is what the user typed (links stripped); `suggestion` the closest subcommand, if any is close. */
  | { kind: 'unknown'; word: string; suggestion?: SubcommandName }
  /** A known subcommand with arguments that cannot work; `message` says how to fix them (not escaped). */
  | { kind: 'invalid'; subcommand: SubcommandName; message: string };

const NAMES: readonly SubcommandName[] = SUBCOMMANDS.map((s) => s.name);

/**
 * The subcommand a mistyped word most likely meant: one it is a prefix of, else the nearest within
 * two edits (ties go to the earlier entry of {@link SUBCOMMANDS}). Undefined when nothing is close.
 */
export function suggestSubcommand(word: string): SubcommandName | undefined {
  const w = word.toLowerCase();
  if (w === '') return undefined;
  const byPrefix = NAMES.find((name) => name.startsWith(w));
  if (byPrefix !== undefined) return byPrefix;
  let best: SubcommandName | undefined;
  let bestDistance = 3;
  for (const name of NAMES) {
    const d = distance(w, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}
