import type { HomeView, KnownBlock } from '@slack/types';
import { SUBCOMMANDS } from '../parsing/command-text.js';
import type { ImportMessagePhase } from './import-message.js';
import type { OrderMessageStatus } from './order-message.js';
import {
  channelLink,
  context,
  divider,
  escapeMrkdwn,
  formatDuration,
  header,
  listNames,
  section,
} from './text.js';

/** The App Home tab: what is in flight, at a glance, plus the commands. No costs (anyone may open it). */
export interface HomeModel {
  sandbox: boolean;
  now: number;
  imports: { domains: string[]; phase: ImportMessagePhase; channelId: string; submittedAt: number }[];
  orders: {
    customerEmail: string;
    status: OrderMessageStatus;
    connected: number;
    total: number;
    channelId: string;
    createdAt: number;
  }[];
}

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

export function renderHome(model: HomeModel): HomeView {
  const blocks: KnownBlock[] = [header('Peeker for Slack')];
  if (model.sandbox) blocks.push(context('_Connected to the Peeker sandbox: nothing is billed._'));
  blocks.push(section('*Recent imports*'));
  blocks.push(
    section(
      model.imports.length === 0
        ? 'None yet — `/peeker import acme-mail.com in #customer` starts one.'
        : model.imports
            .map(
              (item) =>
                `${IMPORT_PHASE[item.phase]} · ${escapeMrkdwn(listNames(item.domains, 3))} · ${channelLink(item.channelId)} · ${formatDuration(model.now - item.submittedAt)} ago`,
            )
            .join('\n'),
    ),
  );
  blocks.push(section('*Recent orders*'));
  blocks.push(
    section(
      model.orders.length === 0
        ? 'None yet — `/peeker order in #customer` opens the order form.'
        : model.orders
            .map(
              (item) =>
                `${ORDER_STATUS[item.status]} · ${escapeMrkdwn(item.customerEmail)} · ${item.status === 'completed' ? item.total : Math.min(item.connected, item.total)}/${item.total} domains · ${channelLink(item.channelId)} · ${formatDuration(model.now - item.createdAt)} ago`,
            )
            .join('\n'),
    ),
  );
  blocks.push(divider(), section('*Commands*'));
  blocks.push(
    section(
      SUBCOMMANDS.map((sub) => `\`${escapeMrkdwn(sub.example)}\` — ${escapeMrkdwn(sub.description)}`).join(
        '\n',
      ),
    ),
  );
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
