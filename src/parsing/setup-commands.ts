/**
 * Parsers for the `/peeker` subcommands that set a customer up and follow it: import, status,
 * order and pending.
 */
import { ORDER_ID, splitChannelClause } from './command-clauses.js';
import { normalizeSlackText, parseChannelRef } from './slack-text.js';
import type { ParsedCommand } from './subcommands.js';

export function parseImport(rest: string): ParsedCommand {
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

export function parseStatus(rest: string): ParsedCommand {
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

export function parseOrder(rest: string): ParsedCommand {
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

export function parsePending(rest: string): ParsedCommand {
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
