/**
 * Helpers for the text Slack sends when a slash command is registered with `should_escape: true`.
 *
 * In that mode Slack entity-encodes the three characters mrkdwn reserves (`&`, `<`, `>`) in what
 * the user typed, and wraps anything it recognises in angle-bracket markup: channels as
 * `<#C0123ABC|acme-shared>`, users as `<@U0123>`, and anything that looks like a URL, domain or
 * email address as a link `<http://acme-mail.com|acme-mail.com>`.
 * See https://api.slack.com/interactivity/slash-commands#creating_commands and
 * https://api.slack.com/reference/surfaces/formatting#escaping.
 *
 * Because user-typed `<` and `>` always arrive encoded, a literal `<` in the payload can only be the
 * start of Slack's own markup. That is why links must be stripped *before* entities are decoded:
 * decoding first would turn a user-typed `&lt;x&gt;` into something that looks like markup.
 */

/** A channel mention resolved from Slack markup: the ID always, the name when Slack included it. */
export type ChannelRef = { id: string; name?: string };

const ENTITY_MAP: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>' };

/**
 * Decodes the only three entities Slack produces (`&amp;`, `&lt;`, `&gt;`).
 *
 * A single left-to-right pass decodes each entity exactly once, so `&amp;lt;` becomes the literal
 * text `&lt;` (what the user typed) rather than `<`.
 */
export function unescapeSlackEntities(s: string): string {
  return s.replace(/&(amp|lt|gt);/g, (_match, name: string) => ENTITY_MAP[name] ?? _match);
}

// `<target>` or `<target|label>`. Neither part can contain `<` or `>`: Slack encodes those.
const MARKUP = /<([^<>|]*)(?:\|([^<>]*))?>/g;

/**
 * Replaces Slack link markup with what the user actually typed: the label when present, else the
 * URL (`<https://x.com/path>` → `https://x.com/path`; a bare `<mailto:a@b.com>` → `a@b.com`).
 *
 * Channel (`<#…>`), user (`<@…>`) and special (`<!here>`, `<!subteam^…>`) mentions are left as
 * they are, because callers such as {@link parseChannelRef} need the IDs inside them.
 * Entities are not decoded here; see {@link unescapeSlackEntities}.
 */
export function stripSlackLinks(s: string): string {
  return s.replace(MARKUP, (match, target: string, label: string | undefined) => {
    const first = target.charAt(0);
    if (first === '#' || first === '@' || first === '!') return match;
    if (label !== undefined && label !== '') return label;
    return target.replace(/^mailto:/i, '');
  });
}

/**
 * Turns Slack-escaped text into what the user typed: links replaced by their labels, then the
 * three entities decoded. Mentions stay as markup.
 */
export function normalizeSlackText(s: string): string {
  return unescapeSlackEntities(stripSlackLinks(s));
}

// Conversation IDs for `<#…>` mentions start with C (channels, incl. Slack Connect and new private
// channels) or G (legacy private channels / group DMs).
const CHANNEL_REF = /^<#([CG][A-Z0-9]+)(?:\|([^<>|]*))?>$/;

/**
 * Parses a channel mention token (`<#C0123ABC|acme-shared>`, `<#C0123ABC>` or `<#C0123ABC|>`).
 *
 * Returns undefined for anything else, including a plain `#acme-shared`: a name cannot be turned
 * into the ID that `chat.postMessage` needs without an API call, so the caller should ask the
 * user to pick the channel from Slack's autocomplete, which produces the markup form.
 */
export function parseChannelRef(token: string): ChannelRef | undefined {
  const match = CHANNEL_REF.exec(token.trim());
  if (!match?.[1]) return undefined;
  const name = match[2];
  return name ? { id: match[1], name } : { id: match[1] };
}
