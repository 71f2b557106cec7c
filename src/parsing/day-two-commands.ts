/**
 * Parsers for the day-2 `/peeker` subcommands: check, find, cancel, forward, swap, rename, dns,
 * nudges and digest.
 */
import { ORDER_ID, splitChannelClause } from './command-clauses.js';
import { normalizeSlackText } from './slack-text.js';
import type { ParsedCommand } from './subcommands.js';

export function parseCheck(rest: string): ParsedCommand {
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

export function parseFind(rest: string): ParsedCommand {
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

export function parseCancel(rest: string): ParsedCommand {
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

export function parseForward(rest: string): ParsedCommand {
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

export function parseSwap(rest: string): ParsedCommand {
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

export function parseNudges(rest: string): ParsedCommand {
  const word = normalizeSlackText(rest).trim().toLowerCase();
  if (word === 'off' || word === 'on') return { kind: 'nudges', enabled: word === 'on' };
  return {
    kind: 'invalid',
    subcommand: 'nudges',
    message: '`nudges` takes `off` or `on` and applies to this channel. Usage: `/peeker nudges off`.',
  };
}

export function parseRename(rest: string): ParsedCommand {
  return parseOneDomain('rename', rest, 'Usage: `/peeker rename acme-mail.com`.');
}

export function parseDns(rest: string): ParsedCommand {
  return parseOneDomain('dns', rest, 'Usage: `/peeker dns acme-mail.com`.');
}

export function parseDigest(rest: string): ParsedCommand {
  return rest === ''
    ? { kind: 'digest' }
    : {
        kind: 'invalid',
        subcommand: 'digest',
        message: '`digest` takes nothing. Usage: `/peeker digest`.',
      };
}
