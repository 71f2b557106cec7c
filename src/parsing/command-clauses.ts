/**
 * Tokenising shared by the `/peeker` subcommand parsers: the trailing `in <#channel>` clause and
 * order IDs.
 */
import type { ChannelRef } from './slack-text.js';
import { normalizeSlackText, parseChannelRef } from './slack-text.js';

// The channel clause must end the text: `… in <#C0123ABC|acme-shared>`.
const TRAILING_CHANNEL = /(?:^|\s)in\s+(<#[^<>]*>)\s*$/i;
// `… in #acme-shared` typed as plain text (Slack did not turn it into a mention).
const TRAILING_PLAIN_CHANNEL = /(?:^|\s)in\s+(#\S*)\s*$/i;
// `… in something-else` or a dangling `… in`.
const TRAILING_IN = /(?:^|\s)in(?:\s+(\S+))?\s*$/i;
export const ORDER_ID = /^ord_[A-Za-z0-9]+$/;

const PICK_CHANNEL_HINT =
  "type `in #` and pick the channel from Slack's autocomplete so it becomes a channel link";

export type ChannelClause = { before: string; channel?: ChannelRef } | { problem: string };

/**
 * Separates a trailing `in <#C…>` from what comes before it. Text without a trailing `in …` is
 * returned whole; a trailing `in` that is not followed by a channel mention is a problem to report.
 */
export function splitChannelClause(rest: string): ChannelClause {
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
