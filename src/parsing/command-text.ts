/**
 * Parser for the text of the `/peeker` slash command. The command is registered with
 * `should_escape: true`, so channels arrive as `<#C…|name>` and domains as `<http://…|…>`; see
 * `slack-text.ts`. Parsing is pure and total: every string maps to one {@link ParsedCommand}, and
 * the listener decides what to show.
 */
import { distance } from 'fastest-levenshtein';
import type { ChannelRef } from './slack-text.js';
import { normalizeSlackText, parseChannelRef } from './slack-text.js';

export type { ChannelRef } from './slack-text.js';

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

/** The result of {@link parseCommandText}. */
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

// The channel clause must end the text: `… in <#C0123ABC|acme-shared>`.
const TRAILING_CHANNEL = /(?:^|\s)in\s+(<#[^<>]*>)\s*$/i;
// `… in #acme-shared` typed as plain text (Slack did not turn it into a mention).
const TRAILING_PLAIN_CHANNEL = /(?:^|\s)in\s+(#\S*)\s*$/i;
// `… in something-else` or a dangling `… in`.
const TRAILING_IN = /(?:^|\s)in(?:\s+(\S+))?\s*$/i;
const ORDER_ID = /^ord_[A-Za-z0-9]+$/;

const PICK_CHANNEL_HINT =
  "type `in #` and pick the channel from Slack's autocomplete so it becomes a channel link";

/**
 * Parses the text after `/peeker`. The subcommand word is case-insensitive; empty text means help.
 * Never throws.
 */
export function parseCommandText(text: string): ParsedCommand {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed === '') return { kind: 'help' };

  const space = trimmed.search(/\s/);
  const rawWord = space === -1 ? trimmed : trimmed.slice(0, space);
  const rest = space === -1 ? '' : trimmed.slice(space).trim();
  const word = normalizeSlackText(rawWord);

  switch (word.toLowerCase()) {
    case 'help':
      return { kind: 'help' };
    case 'import':
      return parseImport(rest);
    case 'status':
      return parseStatus(rest);
    case 'order':
      return parseOrder(rest);
    case 'pending':
      return parsePending(rest);
    case 'check':
      return parseCheck(rest);
    case 'find':
      return parseFind(rest);
    case 'cancel':
      return parseCancel(rest);
    case 'forward':
      return parseForward(rest);
    case 'swap':
      return parseSwap(rest);
    case 'rename':
      return parseOneDomain('rename', rest, 'Usage: `/peeker rename acme-mail.com`.');
    case 'dns':
      return parseOneDomain('dns', rest, 'Usage: `/peeker dns acme-mail.com`.');
    case 'nudges':
      return parseNudges(rest);
    case 'digest':
      return rest === ''
        ? { kind: 'digest' }
        : {
            kind: 'invalid',
            subcommand: 'digest',
            message: '`digest` takes nothing. Usage: `/peeker digest`.',
          };
    default: {
      const suggestion = suggestSubcommand(word);
      return suggestion === undefined ? { kind: 'unknown', word } : { kind: 'unknown', word, suggestion };
    }
  }
}

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

function parseImport(rest: string): ParsedCommand {
  const invalid = (message: string): ParsedCommand => ({ kind: 'invalid', subcommand: 'import', message });
  const usage = 'Usage: `/peeker import acme-mail.com team-acme.com in #acme-shared`.';

  const clause = splitChannelClause(rest);
  if ('problem' in clause) return invalid(`${clause.problem} ${usage}`);

  // A mention anywhere else is most likely a channel clause in the wrong place; importing it as a
  // "domain" would only produce a confusing error.
  if (clause.before.includes('<#')) {
    return invalid(`Name the customer channel once, at the end, after \`in\`. ${usage}`);
  }
  if (clause.before === '') {
    return invalid(`Name at least one domain to import. ${usage}`);
  }
  return clause.channel === undefined
    ? { kind: 'import', domainText: clause.before }
    : { kind: 'import', domainText: clause.before, channel: clause.channel };
}

function parseStatus(rest: string): ParsedCommand {
  const target = normalizeSlackText(rest).trim();
  if (/\s/.test(target)) {
    return {
      kind: 'invalid',
      subcommand: 'status',
      message:
        'Look up one thing at a time: a domain, an import ID (imp_…) or an order ID (ord_…). Example: `/peeker status acme-mail.com`.',
    };
  }
  return { kind: 'status', target };
}

function parseOrder(rest: string): ParsedCommand {
  if (rest === '') return { kind: 'order' };
  const usage = 'Usage: `/peeker order` for this channel, or `/peeker order in #acme-shared`.';
  const invalid = (message: string): ParsedCommand => ({ kind: 'invalid', subcommand: 'order', message });

  const clause = splitChannelClause(rest);
  if ('problem' in clause) return invalid(`${clause.problem} ${usage}`);
  if (clause.channel === undefined && parseChannelRef(clause.before) !== undefined) {
    return invalid(`Write \`in\` before the channel. ${usage}`);
  }
  if (clause.channel === undefined || clause.before !== '') {
    return invalid(`\`order\` takes nothing but the customer channel. ${usage}`);
  }
  return { kind: 'order', channel: clause.channel };
}

function parsePending(rest: string): ParsedCommand {
  if (rest === '') return { kind: 'pending' };
  const orderId = normalizeSlackText(rest).trim();
  if (ORDER_ID.test(orderId)) return { kind: 'pending', orderId };
  return {
    kind: 'invalid',
    subcommand: 'pending',
    message:
      '`pending` takes nothing, or one order ID that starts with `ord_`. Example: `/peeker pending ord_01HZX…`.',
  };
}

function parseCheck(rest: string): ParsedCommand {
  const invalid = (message: string): ParsedCommand => ({ kind: 'invalid', subcommand: 'check', message });
  const usage = 'Usage: `/peeker check acme-mail.com getacme.com` (add `in #channel` to order them there).';
  const clause = splitChannelClause(rest);
  if ('problem' in clause) return invalid(`${clause.problem} ${usage}`);
  if (clause.before.includes('<#'))
    return invalid(`Name the customer channel once, at the end, after \`in\`. ${usage}`);
  if (clause.before === '') return invalid(`Name at least one domain to check. ${usage}`);
  return clause.channel === undefined
    ? { kind: 'check', domainText: clause.before }
    : { kind: 'check', domainText: clause.before, channel: clause.channel };
}

function parseFind(rest: string): ParsedCommand {
  const invalid = (message: string): ParsedCommand => ({ kind: 'invalid', subcommand: 'find', message });
  const usage =
    'Usage: `/peeker find acme` or `/peeker find acme.com` (add `in #channel` to order for a customer).';
  const clause = splitChannelClause(rest);
  if ('problem' in clause) return invalid(`${clause.problem} ${usage}`);
  const query = normalizeSlackText(clause.before)
    .replace(/<[#@!][^<>]*>/g, ' ')
    .trim();
  if (query === '') return invalid(`Tell me a brand or a domain to find lookalikes for. ${usage}`);
  return clause.channel === undefined
    ? { kind: 'find', query }
    : { kind: 'find', query, channel: clause.channel };
}

function parseCancel(rest: string): ParsedCommand {
  const invalid = (message: string): ParsedCommand => ({ kind: 'invalid', subcommand: 'cancel', message });
  const usage =
    'Usage: `/peeker cancel ord_01HZX…` for the whole order, or `/peeker cancel ord_01HZX… acme-mail.com` for some of its domains.';
  const [first = '', ...others] = rest.split(/\s+/).filter(Boolean);
  const orderId = normalizeSlackText(first).trim();
  if (!ORDER_ID.test(orderId)) return invalid(`Start with the order ID (it begins with \`ord_\`). ${usage}`);
  const domainText = rest.slice(rest.indexOf(first) + first.length).trim();
  if (others.length > 0 && domainText.includes('<#'))
    return invalid(`\`cancel\` takes an order ID and domains only. ${usage}`);
  return { kind: 'cancel', orderId, domainText };
}

// `… to <url>`: the last ` to ` separates what to point from where.
const FORWARD_TO = /^(.*\S)\s+to\s+(\S+)\s*$/is;

function parseForward(rest: string): ParsedCommand {
  const invalid = (message: string): ParsedCommand => ({ kind: 'invalid', subcommand: 'forward', message });
  const usage =
    'Usage: `/peeker forward acme-mail.com team-acme.com to https://acme.com` or `/peeker forward ord_01HZX… to https://acme.com`.';
  const match = FORWARD_TO.exec(rest);
  if (!match?.[1] || !match[2]) {
    return invalid(
      `Say which domains (or order) and, after \`to\`, the https:// address to forward them to. ${usage}`,
    );
  }
  const url = normalizeSlackText(match[2]).trim();
  return { kind: 'forward', targetText: match[1].trim(), url };
}

function parseSwap(rest: string): ParsedCommand {
  const invalid = (message: string): ParsedCommand => ({ kind: 'invalid', subcommand: 'swap', message });
  const usage =
    'Usage: `/peeker swap acme-mail.com`, `/peeker swap acme-mail.com for acme-fresh.com` or add `premium`.';
  const words = normalizeSlackText(rest).trim().split(/\s+/).filter(Boolean);
  const premium = words.at(-1)?.toLowerCase() === 'premium';
  if (premium) words.pop();
  const [domain, ...more] = words;
  if (!domain) return invalid(`Name the domain to retire. ${usage}`);
  if (more.length === 0) return { kind: 'swap', domain, premium };
  if (more.length === 2 && more[0]?.toLowerCase() === 'for' && more[1]) {
    return { kind: 'swap', domain, replacement: more[1], premium };
  }
  return invalid(`I read \`swap <domain> [for <replacement>] [premium]\`, one domain at a time. ${usage}`);
}

function parseOneDomain(subcommand: 'rename' | 'dns', rest: string, usage: string): ParsedCommand {
  const domain = normalizeSlackText(rest).trim();
  if (domain === '' || /\s/.test(domain)) {
    return { kind: 'invalid', subcommand, message: `Name one domain. ${usage}` };
  }
  return { kind: subcommand, domain };
}

function parseNudges(rest: string): ParsedCommand {
  const word = normalizeSlackText(rest).trim().toLowerCase();
  if (word === 'off' || word === 'on') return { kind: 'nudges', enabled: word === 'on' };
  return {
    kind: 'invalid',
    subcommand: 'nudges',
    message: '`nudges` takes `off` or `on` and applies to this channel. Usage: `/peeker nudges off`.',
  };
}

type ChannelClause = { before: string; channel?: ChannelRef } | { problem: string };

/**
 * Separates a trailing `in <#C…>` from what comes before it. Text without a trailing `in …` is
 * returned whole; a trailing `in` that is not followed by a channel mention is a problem to report.
 */
function splitChannelClause(rest: string): ChannelClause {
  const mention = TRAILING_CHANNEL.exec(rest);
  if (mention?.[1] !== undefined) {
    const channel = parseChannelRef(mention[1]);
    if (channel === undefined) {
      return { problem: `${mention[1]} is not a channel I can post in — ${PICK_CHANNEL_HINT}.` };
    }
    return { before: rest.slice(0, mention.index).trim(), channel };
  }

  const plain = TRAILING_PLAIN_CHANNEL.exec(rest);
  if (plain?.[1] !== undefined) {
    // A channel name alone cannot be resolved to the ID Slack's API needs without a lookup.
    const name = unescapedOr(plain[1], 'that channel');
    return { problem: `I can't tell which channel ${name} is from plain text — ${PICK_CHANNEL_HINT}.` };
  }

  const dangling = TRAILING_IN.exec(rest);
  if (dangling) {
    const what = dangling[1] === undefined ? 'nothing' : unescapedOr(dangling[1], 'something else');
    return { problem: `\`in\` must be followed by a channel, not ${what} — ${PICK_CHANNEL_HINT}.` };
  }

  return { before: rest };
}

function unescapedOr(token: string, fallback: string): string {
  const s = normalizeSlackText(token).trim();
  return s === '' ? fallback : s;
}
