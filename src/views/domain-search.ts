/**
 * The ephemeral answers of `/peeker check` and `/peeker find` (ops-facing: prices are fine here,
 * the message is only seen by the person who asked): every name with its availability, the
 * available ones with first-year and renewal price and the providers they can be used with, and a
 * picker with "Open the order form" for the available ones.
 */
import type { ActionsBlock, KnownBlock, PlainTextOption } from '@slack/types';
import { encodePickSetValue } from '../parsing/interaction-payloads.js';
import { blockTextLength, button, type RenderedMessage, SANDBOX_MARKER } from './blocks.js';
import { ACTION, PICKS_BLOCK } from './ids.js';
import { LIMITS } from './limits.js';
import { formatMoney } from './money.js';
import { type PeekerErrorView, peekerErrorText } from './peeker-error.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  joinLimited,
  plainText,
  plural,
  section,
  truncate,
} from './text.js';

/** One name's availability, as plain data (see `services/availability-checker.ts`). */
export interface AvailabilityRowView {
  domain: string;
  status: 'available' | 'taken' | 'premium' | 'invalid' | 'errored' | 'unconfirmed' | 'failed';
  priceCents?: number | null;
  renewalCents?: number | null;
  currency?: string | null;
  usableFor?: string[];
}

export interface AvailabilityAnswerModel {
  kind: 'check' | 'find';
  /** The brand `find` built its names from. */
  brand?: string;
  /** The customer channel the order form opens for. */
  channelId: string;
  /** Every name checked, in the order they were asked (for `find`: best lookalike first). */
  rows: AvailabilityRowView[];
  /** The stored available names behind "Open the order form"; null when none is available. */
  pickSetId: string | null;
  /** Why the names marked `failed` were not checked (the first failed call). */
  error: PeekerErrorView | null;
  sandbox: boolean;
}

/** How much block text the answer uses at most (Slack refuses ~12,000 in all). */
const BUDGET = LIMITS.messageBlockText - 1_500;
/** Options a multi-select holds. */
const MAX_OPTIONS = LIMITS.optionsPerSelect;

const PROVIDERS: Record<string, string> = { google: 'Google', microsoft: 'Microsoft' };

export function checkAcknowledged(
  count: number,
  channelId: string | undefined,
  sandbox: boolean,
): RenderedMessage {
  const text = `🔎 Checking ${plural(count, 'domain')} with Peeker${channelId ? ` for ${channelLink(channelId)}` : ''}…${sandbox ? ' _(sandbox)_' : ''}`;
  return { text, blocks: [section(text)] };
}

export function findAcknowledged(brand: string, count: number, sandbox: boolean): RenderedMessage {
  const text = `🔎 Checking ${plural(count, 'lookalike name')} for *${escapeMrkdwn(brand)}* with Peeker…${sandbox ? ' _(sandbox)_' : ''}`;
  return { text, blocks: [section(text)] };
}

/** `check` with entries that are not root domains: every bad one, why, and nothing checked. */
export function checkInvalid(
  invalid: readonly { input: string; message: string }[],
  validCount: number,
): RenderedMessage {
  const lines = invalid
    .slice(0, 30)
    .map((entry) => `• ${code(entry.input)} — ${escapeMrkdwn(entry.message)}`);
  if (invalid.length > 30) lines.push(`…and ${invalid.length - 30} more`);
  const text = `Nothing was checked: ${plural(invalid.length, 'entry is', 'entries are')} not a root domain.`;
  return {
    text,
    blocks: [
      section(`*${text}*\n${truncate(lines.join('\n'), 2800)}`),
      context(
        `Fix ${invalid.length === 1 ? 'it' : 'them'} and run the command again${validCount > 0 ? ` (the other ${plural(validCount, 'domain')} looked fine)` : ''}. Example: \`/peeker check acme-mail.com getacme.com\``,
      ),
    ],
  };
}

function price(row: AvailabilityRowView): string {
  if (row.priceCents === null || row.priceCents === undefined) return 'price not given';
  const renewal =
    row.renewalCents === null || row.renewalCents === undefined
      ? ''
      : `, renews ${formatMoney(row.renewalCents, row.currency)}/yr`;
  return `${formatMoney(row.priceCents, row.currency)} first year${renewal}`;
}

function availableLine(row: AvailabilityRowView): string {
  const providers = (row.usableFor ?? []).map((provider) => PROVIDERS[provider] ?? provider).join(' + ');
  return `• ${code(truncate(row.domain, 100))} — ${price(row)}${providers ? ` · ${providers}` : ''}`;
}

/** Cheapest first (names without a price last); ties keep their order. */
export function cheapestFirst<T extends { priceCents?: number | null }>(rows: readonly T[]): T[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const pa = a.row.priceCents ?? Number.POSITIVE_INFINITY;
      const pb = b.row.priceCents ?? Number.POSITIVE_INFINITY;
      return pa === pb ? a.index - b.index : pa - pb;
    })
    .map(({ row }) => row);
}

const GROUPS: { status: AvailabilityRowView['status']; title: string; advice?: string }[] = [
  { status: 'taken', title: '❌ Taken' },
  { status: 'premium', title: '💎 Premium — not orderable through the API' },
  { status: 'invalid', title: '🚫 Invalid (Peeker refused the name)' },
  { status: 'errored', title: '⚠️ Peeker could not check', advice: 'run the command again in a few minutes' },
  {
    status: 'unconfirmed',
    title: '⏳ Could not confirm (Peeker was still refreshing them)',
    advice: 'check them again in a minute',
  },
];

/** Block text the picker may use (its options, and the same again when all are pre-selected). */
const PICKER_BUDGET = 5_000;

/**
 * The picker and its button, for the available names (at most 100, names an option can hold).
 * Every name is pre-selected when that fits the budget (Slack counts `initial_options` again);
 * otherwise none is, and the button takes every name when none is picked.
 */
function picker(available: readonly AvailabilityRowView[], pickSetId: string): ActionsBlock | undefined {
  const usable = available.filter((row) => row.domain.length <= LIMITS.optionValue).slice(0, MAX_OPTIONS);
  const withPrice: PlainTextOption[] = usable.map((row) => {
    const cost =
      row.priceCents === null || row.priceCents === undefined
        ? ''
        : ` · ${formatMoney(row.priceCents, row.currency)}`;
    return {
      text: plainText(`${truncate(row.domain, LIMITS.optionText - cost.length)}${cost}`, LIMITS.optionText),
      value: row.domain,
    };
  });
  const size = (options: PlainTextOption[]) =>
    options.reduce((sum, option) => sum + option.text.text.length, 0);
  const options =
    size(withPrice) <= PICKER_BUDGET
      ? withPrice
      : usable.map((row) => ({ text: plainText(row.domain, LIMITS.optionText), value: row.domain }));
  if (options.length === 0) return undefined;
  const preselect = 2 * size(options) <= PICKER_BUDGET;
  return {
    type: 'actions',
    block_id: PICKS_BLOCK,
    elements: [
      {
        type: 'multi_static_select',
        action_id: ACTION.pickDomains,
        placeholder: plainText(preselect ? 'Pick names to order' : 'All of them, or pick some'),
        options,
        ...(preselect ? { initial_options: options } : {}),
      },
      button('Open the order form', ACTION.orderPicked, {
        style: 'primary',
        value: encodePickSetValue({ pick: pickSetId }),
      }),
    ],
  };
}

/** Sections of lines, each under Slack's 3,000 characters, within what is left of the budget. */
function sectionsOf(
  title: string,
  lines: readonly string[],
  budget: number,
  overflowNote: string,
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = title;
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    if (used + current.length + line.length + 1 > budget) break;
    if (current.length + line.length + 1 > LIMITS.sectionText - 100) {
      blocks.push(section(current));
      used += current.length;
      current = '';
    }
    current += current === '' ? line : `\n${line}`;
    shown += 1;
  }
  if (shown < lines.length) current += `\n…and ${lines.length - shown} more${overflowNote}`;
  blocks.push(section(current));
  return blocks;
}

/** The answer to `check` (every name) or `find` (only the available ones, cheapest first). */
export function renderAvailabilityAnswer(model: AvailabilityAnswerModel): RenderedMessage {
  const available = model.rows.filter((row) => row.status === 'available');
  const shownAvailable = model.kind === 'find' ? cheapestFirst(available) : available;
  const failed = model.rows.filter((row) => row.status === 'failed');
  const blocks: KnownBlock[] = [];

  const where = `for ${channelLink(model.channelId)}`;
  const summary =
    model.kind === 'find'
      ? `*${available.length} of ${plural(model.rows.length, 'lookalike')} of “${escapeMrkdwn(model.brand ?? 'the brand')}” available* ${where}`
      : `*${available.length} of ${plural(model.rows.length, 'domain')} available* ${where}`;
  blocks.push(section(summary));

  const picks = model.pickSetId ? picker(shownAvailable, model.pickSetId) : undefined;
  const reserved = blockTextLength(picks ? [picks] : []) + 1_000;
  if (shownAvailable.length > 0) {
    blocks.push(
      ...sectionsOf(
        `✅ *Available${model.kind === 'find' ? ', cheapest first' : ''} (${shownAvailable.length})*`,
        shownAvailable.map(availableLine),
        BUDGET - reserved,
        picks ? ' — every one is in the picker below' : '',
      ),
    );
  } else if (model.kind === 'find') {
    blocks.push(
      section(
        'None of them can be registered right now. Try another spelling of the brand, or `/peeker check` names of your own.',
      ),
    );
  }

  if (model.kind === 'check') {
    for (const group of GROUPS) {
      const names = model.rows
        .filter((row) => row.status === group.status)
        .map((row) => code(truncate(row.domain, 80)));
      if (names.length === 0) continue;
      blocks.push(
        section(
          truncate(
            `${group.title} (${names.length}): ${joinLimited(names, 40)}${group.advice ? ` — ${group.advice}` : ''}`,
            LIMITS.sectionText,
          ),
        ),
      );
    }
  } else {
    const unavailable = model.rows.length - available.length - failed.length;
    const unsure = model.rows.filter(
      (row) => row.status === 'errored' || row.status === 'unconfirmed',
    ).length;
    if (unavailable > 0) {
      blocks.push(
        context(
          `${plural(unavailable, 'other name')} ${unavailable === 1 ? 'is' : 'are'} taken, premium or refused${unsure > 0 ? ` (${unsure} could not be confirmed — run it again in a minute)` : ''}.`,
        ),
      );
    }
  }

  if (failed.length > 0 && model.error) {
    const names = failed.map((row) => code(truncate(row.domain, 80)));
    blocks.push(
      section(
        truncate(
          `❌ *Not checked (${failed.length}):* ${joinLimited(names, 30)}\n${peekerErrorText('check these names', model.error)}`,
          LIMITS.sectionText,
        ),
      ),
    );
  }

  if (picks) {
    blocks.push(
      section('Pick the names to order, then open the order form (they are pre-selected there).'),
      picks,
    );
  }
  if (model.sandbox) blocks.push(context(SANDBOX_MARKER));

  const text =
    model.kind === 'find'
      ? `${plural(available.length, 'lookalike')} available for ${model.brand ?? 'the brand'}${failed.length > 0 ? `; ${failed.length} not checked` : ''}`
      : `${available.length} of ${plural(model.rows.length, 'domain')} available${failed.length > 0 ? `; ${failed.length} not checked` : ''}`;
  return { text: escapeMrkdwn(text), blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
}

/** Every name failed: Peeker's error with what to do, nothing else to show. */
export function renderAvailabilityFailed(kind: 'check' | 'find', error: PeekerErrorView): RenderedMessage {
  const text = peekerErrorText(kind === 'check' ? 'check these domains' : 'check the lookalike names', error);
  return { text, blocks: [section(text)] };
}

/** `find` with nothing usable to build names from. */
export function renderFindProblem(problem: string): RenderedMessage {
  const text = escapeMrkdwn(problem);
  return {
    text,
    blocks: [
      section(text),
      context(
        'Usage: `/peeker find acme` or `/peeker find acme.com` — e.g. `/peeker find acme in #acme-shared`',
      ),
    ],
  };
}
