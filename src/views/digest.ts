import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './blocks.js';
import { blockTextLength } from './blocks.js';
import { LIMITS } from './limits.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  formatDuration,
  header,
  listNames,
  plural,
  section,
  truncate,
} from './text.js';

/**
 * The digest of what needs a person, posted in `DIGEST_CHANNEL` on `DIGEST_CRON` and
 * shown by `/peeker digest`. Ops-facing (order IDs are fine; never prices). One section per kind of
 * problem, each with its count, at most {@link DIGEST_ROWS} rows and "…and N more", each row
 * linking to its thread when the app knows it.
 */
export const DIGEST_ROWS = 10;

export interface StuckImportView {
  channelId: string;
  waitedMs: number;
  /** Pending domains not (known to be) at the assigned nameservers yet. */
  notSwitched: string[];
  /** Pending domains in all (some may already point at Peeker, unconfirmed). */
  pending: number;
  link: string | null;
}

export interface OpenActionsView {
  orderId: string;
  channelId: string;
  customerEmail: string;
  /** Peeker's reason codes of the open actions, oldest first. */
  reasons: string[];
  openForMs: number;
  link: string | null;
}

export interface StuckOrderView {
  orderId: string;
  channelId: string;
  customerEmail: string;
  connected: number;
  domainCount: number;
  ageMs: number;
  link: string | null;
}

export interface FailedForwardingView {
  channelId: string | null;
  url: string;
  failed: { domain: string; reason: string | null }[];
  agoMs: number;
  link: string | null;
}

export interface FailedSwapView {
  domain: string;
  replacement: string | null;
  reason: string | null;
  channelId: string | null;
  orderId: string | null;
  agoMs: number;
  link: string | null;
}

export type DigestSection =
  | { kind: 'stuck_imports'; total: number; rows: StuckImportView[] }
  | { kind: 'open_actions'; total: number; rows: OpenActionsView[] }
  | { kind: 'stuck_orders'; total: number; rows: StuckOrderView[] }
  | { kind: 'failed_forwarding'; total: number; rows: FailedForwardingView[] }
  | { kind: 'failed_swaps'; total: number; rows: FailedSwapView[] };

export interface DigestModel {
  /** `STUCK_AFTER_HOURS`, for the section titles. */
  stuckAfterMs: number;
  /** Sections with something in them, in the order they are shown. */
  sections: DigestSection[];
}

/** How much a row may say; `compact` when the full digest would be too long for one message. */
type Detail = 'full' | 'compact';

/** A thread link; only well-formed https URLs, so nothing can break out of the markup. */
function threadLink(link: string | null): string {
  return link && /^https:\/\/[^\s<>|]+$/.test(link) ? ` · <${link}|thread>` : '';
}

const email = (text: string) => escapeMrkdwn(truncate(text, 60));
const domainName = (text: string) => escapeMrkdwn(truncate(text, 60));
const reasonText = (reason: string | null) =>
  escapeMrkdwn(truncate((reason ?? 'no reason given').replace(/_/g, ' '), 60));

/** `STUCK_AFTER_HOURS` as set: `24 h`, `0.5 h` (not `1 d`: the setting is in hours). */
export function hoursText(ms: number): string {
  return `${Number((ms / 3600_000).toFixed(3))} h`;
}

function titleOf(section: DigestSection, stuck: string): string {
  switch (section.kind) {
    case 'stuck_imports':
      return `🕒 Imports waiting on the registrar for more than ${stuck}`;
    case 'open_actions':
      return '⚠️ Orders with open actions';
    case 'stuck_orders':
      return `⏳ Orders in progress for more than ${stuck}`;
    case 'failed_forwarding':
      return '↪️ Failed forwarding changes';
    case 'failed_swaps':
      return '🔁 Failed swaps';
  }
}

function stuckImportRow(row: StuckImportView, detail: Detail): string {
  const names = row.notSwitched.map(domainName);
  const shown = detail === 'full' ? 3 : 1;
  const dns =
    row.notSwitched.length === 0
      ? 'nameservers set — Peeker has not confirmed'
      : `not switched: ${listNames(names, shown)}`;
  return `• ${channelLink(row.channelId)} · waiting ${formatDuration(row.waitedMs)} · ${dns}${threadLink(row.link)}`;
}

function openActionsRow(row: OpenActionsView, detail: Detail): string {
  const reasons = [...new Set(row.reasons.map(reasonText))];
  const what = detail === 'full' ? listNames(reasons, 2) : plural(row.reasons.length, 'action');
  return `• ${email(row.customerEmail)} · ${channelLink(row.channelId)} · ${what} · open ${formatDuration(row.openForMs)} · ${code(row.orderId)}${threadLink(row.link)}`;
}

function stuckOrderRow(row: StuckOrderView): string {
  return `• ${email(row.customerEmail)} · ${channelLink(row.channelId)} · ${Math.min(row.connected, row.domainCount)}/${row.domainCount} connected · placed ${formatDuration(row.ageMs)} ago · ${code(row.orderId)}${threadLink(row.link)}`;
}

function failedForwardingRow(row: FailedForwardingView, detail: Detail): string {
  const failed = row.failed.map((item) =>
    detail === 'full' ? `${domainName(item.domain)} (${reasonText(item.reason)})` : domainName(item.domain),
  );
  const where = row.channelId ? ` · ${channelLink(row.channelId)}` : '';
  return `• ${plural(row.failed.length, 'domain')} not pointed at ${escapeMrkdwn(truncate(row.url, 60))}: ${listNames(failed, detail === 'full' ? 2 : 1)}${where} · ${formatDuration(row.agoMs)} ago${threadLink(row.link)}`;
}

function failedSwapRow(row: FailedSwapView): string {
  const replacement = row.replacement ? ` → ${domainName(row.replacement)}` : '';
  const where = row.channelId ? ` · ${channelLink(row.channelId)}` : '';
  const order = row.orderId ? ` · ${code(row.orderId)}` : '';
  return `• ${domainName(row.domain)}${replacement} · ${reasonText(row.reason)}${where}${order} · ${formatDuration(row.agoMs)} ago${threadLink(row.link)}`;
}

function rowsOf(section: DigestSection, detail: Detail): string[] {
  switch (section.kind) {
    case 'stuck_imports':
      return section.rows.map((row) => stuckImportRow(row, detail));
    case 'open_actions':
      return section.rows.map((row) => openActionsRow(row, detail));
    case 'stuck_orders':
      return section.rows.map(stuckOrderRow);
    case 'failed_forwarding':
      return section.rows.map((row) => failedForwardingRow(row, detail));
    case 'failed_swaps':
      return section.rows.map(failedSwapRow);
  }
}

function sectionText(item: DigestSection, stuck: string, detail: Detail, maxRows: number): string {
  const rows = rowsOf(item, detail).slice(0, maxRows);
  const more = item.total - rows.length;
  const lines = [`*${titleOf(item, stuck)} — ${item.total}*`, ...rows];
  if (more > 0) lines.push(`…and ${more} more`);
  // Rows are whole lines: drop the last ones rather than cut a link in half.
  while (lines.join('\n').length > LIMITS.sectionText && lines.length > 2) {
    lines.splice(lines.length - (more > 0 ? 2 : 1), 1);
  }
  return lines.join('\n');
}

const SUMMARY: Record<DigestSection['kind'], [string, string]> = {
  stuck_imports: ['stuck import', ''],
  open_actions: ['order', ' with open actions'],
  stuck_orders: ['stuck order', ''],
  failed_forwarding: ['failed forwarding change', ''],
  failed_swaps: ['failed swap', ''],
};

function summary(model: DigestModel): string {
  return model.sections
    .map((item) => {
      const [noun, rest] = SUMMARY[item.kind];
      return `${plural(item.total, noun)}${rest}`;
    })
    .join(', ');
}

function build(model: DigestModel, detail: Detail, maxRows = DIGEST_ROWS): RenderedMessage {
  const stuck = hoursText(model.stuckAfterMs);
  const blocks: KnownBlock[] = [header('What needs a person')];
  for (const item of model.sections) blocks.push(section(sectionText(item, stuck, detail, maxRows)));
  blocks.push(
    context(
      '`/peeker digest` shows this list at any time · `/peeker pending` lists the open actions with their fixes',
    ),
  );
  return { text: truncate(`What needs a person: ${summary(model)}.`, LIMITS.messageText), blocks };
}

/**
 * The digest message. Rows name a few domains and reasons each; when that would be too long for
 * one Slack message, they name fewer, and then sections show fewer rows (the count and "…and N
 * more" stay exact).
 */
export function renderDigest(model: DigestModel): RenderedMessage {
  const full = build(model, 'full');
  if (blockTextLength(full.blocks) <= LIMITS.messageBlockText) return full;
  let compact = build(model, 'compact');
  for (
    let rows = DIGEST_ROWS - 1;
    rows >= 3 && blockTextLength(compact.blocks) > LIMITS.messageBlockText;
    rows -= 1
  ) {
    compact = build(model, 'compact', rows);
  }
  return compact;
}

/** `/peeker digest` when nothing needs a person. */
export function renderDigestNothing(stuckAfterMs: number): RenderedMessage {
  const text = `✅ Nothing needs a person right now: no import has waited on the registrar for more than ${hoursText(stuckAfterMs)}, no order has open actions or has been in progress that long, and no forwarding change or swap failed since the last digest.`;
  return { text, blocks: [section(text)] };
}
