import type { KnownBlock } from '@slack/types';
import { SUBCOMMANDS } from '../parsing/subcommands.js';
import type { RenderedMessage } from './blocks.js';
import { context, cutToLength, escapeMrkdwn, section } from './text.js';

/** `/peeker help`: every subcommand with one example. */
export function renderHelp(
  options: { sandbox: boolean; intro?: string } = { sandbox: false },
): RenderedMessage {
  const lines = SUBCOMMANDS.map(
    (sub) =>
      `*${escapeMrkdwn(sub.usage)}*\n${escapeMrkdwn(sub.description)}\n_e.g._ \`${escapeMrkdwn(sub.example)}\``,
  );
  const blocks: KnownBlock[] = [];
  if (options.intro) blocks.push(section(options.intro));
  blocks.push(section('*Peeker for Slack* — import customer domains, follow DNS, place inbox orders.'));
  for (const line of lines) blocks.push(section(line));
  blocks.push(
    context(
      `Name the customer channel with \`in #channel\` (pick it from Slack’s autocomplete); without it, the current channel is used.${options.sandbox ? ' · _sandbox_' : ''}`,
    ),
  );
  const text = [options.intro, 'Peeker commands:', ...SUBCOMMANDS.map((sub) => sub.example)]
    .filter(Boolean)
    .join('\n');
  return { text, blocks };
}

/** An unknown subcommand: the closest match, then the help. */
export function renderUnknownSubcommand(
  word: string,
  suggestion: string | undefined,
  sandbox: boolean,
): RenderedMessage {
  const intro = `I don’t know \`${escapeMrkdwn(cutToLength(word.replace(/`/g, "'"), 60))}\`.${
    suggestion ? ` Did you mean \`/peeker ${escapeMrkdwn(suggestion)}\`?` : ''
  }`;
  return renderHelp({ sandbox, intro });
}

/** A subcommand used the wrong way: the parser's explanation plus that subcommand's usage. */
export function renderUsageError(subcommand: string, message: string): RenderedMessage {
  const sub = SUBCOMMANDS.find((candidate) => candidate.name === subcommand);
  // The fallback `text` is mrkdwn too: the parser's message can quote what the person typed.
  const text = escapeMrkdwn(`${message}${sub ? `\nUsage: ${sub.usage} — e.g. ${sub.example}` : ''}`);
  return {
    text,
    blocks: [
      section(escapeMrkdwn(message)),
      ...(sub
        ? [context(`Usage: \`${escapeMrkdwn(sub.usage)}\` — e.g. \`${escapeMrkdwn(sub.example)}\``)]
        : []),
    ],
  };
}

/** The app's database refuses writes (disk full, read-only): nothing was recorded or sent. */
export const STORAGE_UNAVAILABLE_TEXT =
  '⚠️ I can’t record this right now (the app’s storage is unavailable), so nothing was sent to Peeker. Please try again in a few minutes; your admin can check the app’s disk space.';

export function renderStorageUnavailable(): RenderedMessage {
  return { text: STORAGE_UNAVAILABLE_TEXT, blocks: [section(STORAGE_UNAVAILABLE_TEXT)] };
}
