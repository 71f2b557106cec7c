/**
 * Parser for the text of the `/peeker` slash command. The command is registered with
 * `should_escape: true`, so channels arrive as `<#C…|name>` and domains as `<http://…|…>`; see
 * `slack-text.ts`. Parsing is pure and total: every string maps to one {@link ParsedCommand}, and
 * the listener decides what to show.
 */
import {
  parseCancel,
  parseCheck,
  parseDigest,
  parseDns,
  parseFind,
  parseForward,
  parseNudges,
  parseRename,
  parseSwap,
} from './day-two-commands.js';
import { parseImport, parseOrder, parsePending, parseStatus } from './setup-commands.js';
import { normalizeSlackText } from './slack-text.js';
import { type ParsedCommand, suggestSubcommand } from './subcommands.js';

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
      return parseRename(rest);
    case 'dns':
      return parseDns(rest);
    case 'nudges':
      return parseNudges(rest);
    case 'digest':
      return parseDigest(rest);
    default: {
      const suggestion = suggestSubcommand(word);
      return suggestion === undefined ? { kind: 'unknown', word } : { kind: 'unknown', word, suggestion };
    }
  }
}
