import type { HomeView, KnownBlock } from '@slack/types';
import { SUBCOMMANDS } from '../parsing/subcommands.js';
import { hoursText } from './digest.js';
import type { DomainDnsView } from './import-dns-lines.js';
import type { ImportMessagePhase } from './import-message.js';
import { LIMITS } from './limits.js';
import { type ActionView, type OrderMessageStatus, renderActionNotice } from './order-message.js';
import {
  bold,
  channelLink,
  code,
  context,
  divider,
  escapeMrkdwn,
  formatDuration,
  header,
  listNames,
  plural,
  section,
  truncate,
} from './text.js';

/**
 * The App Home tab is each person's board: the imports they asked for (waiting, with
 * their age and what DNS shows; recently verified or failed), the orders they placed (n/N
 * connected, status) and the open actions on them with the same fix buttons as in the threads;
 * stuck items first; never more than Block Kit's 100 blocks, with "…and N more". No costs.
 */
export interface BoardImportView {
  /** The first few domains, to name the import. */
  domains: string[];
  domainCount: number;
  channelId: string;
  phase: ImportMessagePhase;
  /** Waiting: since the customer got the nameservers; finished: since it finished. */
  ageMs: number;
  stuck: boolean;
  /** For an import waiting on the registrar: its pending domains and what DNS shows of them. */
  dns: {
    pending: number;
    /** Pending domains already at the assigned nameservers (Peeker has not confirmed). */
    switched: number;
    /** Pending domains not (known to be) switched, with the finding when there is one. */
    notSwitched: { domain: string; dns?: DomainDnsView | undefined }[];
  } | null;
  link: string | null;
}

export interface BoardOrderView {
  orderId: string;
  customerEmail: string;
  bundleName: string | null;
  connected: number;
  domainCount: number;
  status: OrderMessageStatus;
  openActions: number;
  channelId: string;
  ageMs: number;
  stuck: boolean;
  link: string | null;
}

export interface HomeBoardModel {
  sandbox: boolean;
  /** `STUCK_AFTER_HOURS`, for the words. */
  stuckAfterMs: number;
  actions: { total: number; rows: ActionView[] };
  /** Stuck first, then the rest of the unfinished ones, then the recently finished. */
  imports: { total: number; rows: BoardImportView[] };
  orders: { total: number; rows: BoardOrderView[] };
}

/** Block Kit's limit for a Home tab. */
export const HOME_MAX_BLOCKS = 100;
/** At most this many blocks go to the open actions (each is 2–3), so imports and orders still show. */
const ACTION_BLOCKS_CAP = 36;

const IMPORT_PHASE: Record<ImportMessagePhase, string> = {
  preparing: '⏳ preparing',
  awaiting_dns: '⏳ waiting for DNS',
  waiting_on_registrar: '🕒 waiting on the registrar',
  verified: '✅ DNS verified',
  failed: '❌ failed',
};

const ORDER_STATUS: Record<OrderMessageStatus, string> = {
  in_progress: '⏳ in progress',
  action_required: '⚠️ needs attention',
  completed: '✅ live',
  failed: '❌ failed',
  cancel_scheduled: '🗓️ cancellation scheduled',
  cancelled: '⏹️ cancelled',
};

function threadLink(link: string | null): string {
  return link && /^https:\/\/[^\s<>|]+$/.test(link) ? ` · <${link}|thread>` : '';
}

const isWaiting = (phase: ImportMessagePhase) => phase === 'awaiting_dns' || phase === 'waiting_on_registrar';

function dnsLine(item: BoardImportView): string | undefined {
  if (!item.dns || !isWaiting(item.phase) || item.dns.pending === 0) return undefined;
  const { pending, switched, notSwitched } = item.dns;
  if (notSwitched.length === 0) return '✅ nameservers set — waiting for Peeker to confirm';
  const names = notSwitched.map((domain) => {
    const name = escapeMrkdwn(truncate(domain.domain, 60));
    switch (domain.dns?.state) {
      case 'elsewhere':
        return `${name} (still at ${escapeMrkdwn(domain.dns.registrar?.name ?? 'the old nameservers')})`;
      case 'other_cloudflare':
        return `${name} (another Cloudflare account)`;
      case 'not_found':
        return `${name} (not in DNS)`;
      default:
        return name;
    }
  });
  const known =
    notSwitched.some((domain) => domain.dns !== undefined && domain.dns.state !== 'unknown') || switched > 0;
  const counts = known
    ? `${switched} of ${plural(pending, 'domain')} switched`
    : `${plural(pending, 'domain')} waiting`;
  return `DNS: ${counts} — not yet: ${listNames(names, 3)}`;
}

function importBlock(item: BoardImportView): KnownBlock {
  const names = item.domains.map((domain) => escapeMrkdwn(truncate(domain, 60)));
  const more = item.domainCount - item.domains.length;
  const title = `${bold(names.join(', ') || 'domains')}${more > 0 ? ` +${more}` : ''}`;
  const when =
    isWaiting(item.phase) || item.phase === 'preparing'
      ? formatDuration(item.ageMs)
      : `${formatDuration(item.ageMs)} ago`;
  const first = [
    `${IMPORT_PHASE[item.phase]} ${when}`,
    title,
    channelLink(item.channelId),
    ...(item.stuck ? ['⚠️ *stuck*'] : []),
  ].join(' · ');
  const lines = [`${first}${threadLink(item.link)}`];
  const dns = dnsLine(item);
  if (dns) lines.push(dns);
  return section(truncate(lines.join('\n'), LIMITS.sectionText));
}

function orderBlock(item: BoardOrderView): KnownBlock {
  const connected =
    item.status === 'completed' ? item.domainCount : Math.min(item.connected, item.domainCount);
  const parts = [
    ORDER_STATUS[item.status],
    bold(truncate(item.customerEmail, 80)),
    ...(item.bundleName ? [escapeMrkdwn(truncate(item.bundleName, 60))] : []),
    `${connected}/${item.domainCount} connected`,
    ...(item.openActions > 0 ? [plural(item.openActions, 'open action')] : []),
    channelLink(item.channelId),
    `placed ${formatDuration(item.ageMs)} ago`,
    ...(item.stuck ? ['⚠️ *stuck*'] : []),
  ];
  return section(
    truncate(`${parts.join(' · ')} · ${code(item.orderId)}${threadLink(item.link)}`, LIMITS.sectionText),
  );
}

const moreLine = (shown: number, total: number, what: string, where: string): KnownBlock[] =>
  total > shown ? [context(`…and ${total - shown} more ${what} — ${where}`)] : [];

export function renderHomeBoard(model: HomeBoardModel): HomeView {
  const top: KnownBlock[] = [header('Your board')];
  if (model.sandbox) top.push(context('_Connected to the Peeker sandbox: nothing is billed._'));
  const stuckImports = model.imports.rows.filter((item) => item.stuck).length;
  const stuckOrders = model.orders.rows.filter((item) => item.stuck).length;
  const attention = [
    model.actions.total > 0 ? plural(model.actions.total, 'open action') : '',
    stuckImports > 0 ? plural(stuckImports, 'stuck import') : '',
    stuckOrders > 0 ? plural(stuckOrders, 'stuck order') : '',
  ].filter(Boolean);
  const nothing = model.actions.total + model.imports.total + model.orders.total === 0;
  top.push(
    section(
      nothing
        ? 'Nothing of yours in flight. `/peeker import acme-mail.com in #customer` imports domains; `/peeker order in #customer` opens the order form.'
        : attention.length > 0
          ? `⚠️ *Needs you:* ${attention.join(', ')} (stuck: waiting more than ${hoursText(model.stuckAfterMs)}).`
          : '✅ Nothing of yours is stuck.',
    ),
  );
  const footer: KnownBlock[] = [
    divider(),
    context(
      truncate(`Commands: ${SUBCOMMANDS.map((sub) => code(sub.usage)).join(' · ')}`, LIMITS.sectionText),
    ),
  ];

  // Each non-empty list costs a title, a divider and perhaps an "…and N more" line.
  const lists = [model.actions.rows.length, model.imports.rows.length, model.orders.rows.length].filter(
    (n) => n > 0,
  ).length;
  let budget = HOME_MAX_BLOCKS - top.length - footer.length - lists * 3;

  const actionBlocks: KnownBlock[] = [];
  let actionsShown = 0;
  for (const action of model.actions.rows) {
    const blocks = renderActionNotice(action).blocks;
    if (actionBlocks.length + blocks.length > Math.min(ACTION_BLOCKS_CAP, budget)) break;
    actionBlocks.push(...blocks);
    actionsShown += 1;
  }
  budget -= actionBlocks.length;

  // Imports and orders share what is left, one each in turn, so neither crowds the other out.
  let importsShown = 0;
  let ordersShown = 0;
  while (budget > 0 && (importsShown < model.imports.rows.length || ordersShown < model.orders.rows.length)) {
    if (importsShown < model.imports.rows.length) {
      importsShown += 1;
      budget -= 1;
    }
    if (budget > 0 && ordersShown < model.orders.rows.length) {
      ordersShown += 1;
      budget -= 1;
    }
  }

  const blocks: KnownBlock[] = [...top];
  if (model.actions.rows.length > 0) {
    blocks.push(
      divider(),
      section(`*Open actions on your orders — ${model.actions.total}*`),
      ...actionBlocks,
    );
    blocks.push(
      ...moreLine(actionsShown, model.actions.total, 'open actions', '`/peeker pending` lists them all'),
    );
  }
  if (model.imports.rows.length > 0) {
    blocks.push(divider(), section(`*Your imports — ${model.imports.total}*`));
    blocks.push(...model.imports.rows.slice(0, importsShown).map(importBlock));
    blocks.push(
      ...moreLine(importsShown, model.imports.total, 'imports', '`/peeker status <domain>` looks one up'),
    );
  }
  if (model.orders.rows.length > 0) {
    blocks.push(divider(), section(`*Your orders — ${model.orders.total}*`));
    blocks.push(...model.orders.rows.slice(0, ordersShown).map(orderBlock));
    blocks.push(
      ...moreLine(ordersShown, model.orders.total, 'orders', '`/peeker status ord_…` looks one up'),
    );
  }
  blocks.push(...footer);
  return { type: 'home', blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}
