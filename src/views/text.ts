import type {
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  MrkdwnElement,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import { cutToLength } from '../parsing/graphemes.js';
import { LIMITS } from './limits.js';

export { cutToLength } from '../parsing/graphemes.js';

/**
 * Small text helpers for Block Kit. Everything a person typed, and everything Peeker or Slack
 * sent back, goes through `escapeMrkdwn` before it reaches mrkdwn: Slack needs only `&`, `<`
 * and `>` encoded, and without that a persona named `<!channel>` would ping a whole channel.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code for user text: escaped, and backticks removed so the span cannot be broken out of. */
export function code(text: string): string {
  const clean = escapeMrkdwn(text.replace(/`/g, "'")).replace(/\s+/g, ' ');
  return `\`${clean.length > 0 ? clean : ' '}\``;
}

/** Bold user text (escaped; asterisks dropped so the emphasis cannot be broken). */
export function bold(text: string): string {
  return `*${escapeMrkdwn(text.replace(/\*/g, ''))}*`;
}

/** Cuts `text` to `max` characters (by grapheme), ending in `…` when it had to cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${cutToLength(text, Math.max(0, max - 1))}…`;
}

/** Slack's channel link. IDs are checked so a malformed one can never inject markup. */
export function channelLink(channelId: string): string {
  return /^[CDG][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : code(channelId);
}

export function userLink(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : code(userId);
}

export function plainText(text: string, max: number = LIMITS.plainText): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plainText(text, LIMITS.headerText) };
}

export function context(...texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.slice(0, LIMITS.contextElements).map((text) => mrkdwn(text)) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

/** `a`, `a and b`, `a, b and c` — for short lists in sentences. */
export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** `a and b` for a few names, `a, b, …and 12 more` for many. */
export function listNames(items: readonly string[], max: number): string {
  return items.length <= max ? joinWords(items) : joinLimited(items, max);
}

/** A list that stops at `max` items, saying how many it left out. */
export function joinLimited(items: readonly string[], max: number, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)}${separator}…and ${items.length - max} more`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A duration for people: `45 s`, `12 min`, `2 h 10 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
