import type { Button, KnownBlock } from '@slack/types';
import { encodeFixOrderValue, encodeSwapDomainValue } from '../parsing/interaction-payloads.js';
import type { RenderedMessage } from './blocks.js';
import { button } from './blocks.js';
import { ACTION, SWAP_ACTION } from './ids.js';
import { formatMoney } from './money.js';
import { cancellationStatusLine } from './order-cancel.js';
import { orderOverflow } from './order-overflow.js';
import {
  channelLink,
  code,
  context,
  escapeMrkdwn,
  header,
  listNames,
  plural,
  section,
  truncate,
  userLink,
} from './text.js';

/**
 * The threaded status message of an order one parent edited in place, one reply per
 * event. `audience` decides what may be shown: a customer channel never sees the cost, the order
 * ID, who placed it, Peeker's internal wording or request IDs.
 */
export type OrderAudience = 'ops' | 'customer';
export type OrderMessageStatus =
  | 'in_progress'
  | 'action_required'
  | 'completed'
  | 'failed'
  | 'cancel_scheduled'
  | 'cancelled';

export interface OrderMessageModel {
  audience: OrderAudience;
  orderId: string;
  customerEmail: string;
  bundleName: string | null;
  domainCount: number;
  connectedCount: number;
  status: OrderMessageStatus;
  totalCents: number | null;
  currency: string | null;
  sandbox: boolean;
  placedBy: string;
  openActions: number;
  /** Domains scheduled to stop or cancelled, when any are (see `services/cancellation-state.ts`). */
  cancellation?: { cancelled: number; released: number; endsAt: string | null } | null;
}

const STATUS_LINE: Record<OrderMessageStatus, string> = {
  in_progress: '⏳ Setting up the inboxes',
  action_required: '⚠️ Needs attention — see the thread',
  completed: '✅ Every inbox is live in Smartlead',
  failed: '❌ The order could not be completed',
  cancel_scheduled: '🗓️ Cancellation scheduled',
  cancelled: '⏹️ Cancelled',
};

export function renderOrderMessage(model: OrderMessageModel): RenderedMessage {
  const connected =
    model.status === 'completed' ? model.domainCount : Math.min(model.connectedCount, model.domainCount);
  const cancelling = model.status === 'cancel_scheduled' || model.status === 'cancelled';
  const cancelLine = cancellationStatusLine(
    model.status === 'cancel_scheduled' || model.status === 'cancelled' ? model.status : 'other',
    model.cancellation ?? null,
    model.domainCount,
  );
  const statusLine = cancelling ? (cancelLine ?? STATUS_LINE[model.status]) : STATUS_LINE[model.status];
  const fields = [
    `*Customer*\n${escapeMrkdwn(model.customerEmail)}`,
    `*Bundle*\n${escapeMrkdwn(model.bundleName ?? 'Inbox bundle')}`,
    `*Domains*\n${connected}/${model.domainCount} domains connected`,
    `*Status*\n${statusLine}`,
  ];
  if (!cancelling && cancelLine) fields.push(`*Cancellation*\n${cancelLine}`);
  if (model.audience === 'ops' && model.totalCents !== null) {
    fields.push(`*Cost*\n${formatMoney(model.totalCents, model.currency)}`);
  }
  const menu =
    model.audience === 'ops' ? orderOverflow({ orderId: model.orderId, status: model.status }) : undefined;
  const blocks: KnownBlock[] = [
    header(model.status === 'completed' ? 'Inboxes are live' : 'Inbox order'),
    {
      type: 'section',
      fields: fields.map((text) => ({ type: 'mrkdwn', text: truncate(text, 2000) })),
      ...(menu ? { accessory: menu } : {}),
    },
  ];
  if (model.audience === 'ops') {
    blocks.push(
      context(
        [
          `Order ${code(model.orderId)}`,
          `placed by ${userLink(model.placedBy)}`,
          model.openActions > 0
            ? `${plural(model.openActions, 'open action')} — \`/peeker pending ${model.orderId}\``
            : '',
          model.sandbox ? '_sandbox_' : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    );
  }
  const text = `Inbox order for ${escapeMrkdwn(model.customerEmail)}: ${connected}/${model.domainCount} domains connected — ${statusLine}`;
  return { text, blocks };
}

/** A `domain.connected` reply line; consecutive ones are batched into one reply (see `renderConnectedBatch`). */
export function renderDomainConnected(
  domain: string,
  provider: string | null,
): { text: string; group: string; line: string } {
  const line = `✅ ${escapeMrkdwn(domain)} is connected${provider ? ` (${escapeMrkdwn(provider)})` : ''}`;
  return { text: line, group: 'domain_connected', line };
}

/**
 * Several `domain.connected` events that were waiting in the same thread, posted as one reply.
 * The publisher sizes batches so every line fits: each event is named once.
 */
export function renderConnectedBatch(lines: readonly string[]): { text: string } {
  if (lines.length === 1) return { text: lines[0] ?? '' };
  return { text: `✅ ${lines.length} domains connected:\n${lines.join('\n')}` };
}

export function renderOrderOutcomeReply(
  status: 'completed' | 'failed' | 'cancel_scheduled' | 'cancelled',
  audience: OrderAudience,
  failureReason: string | null,
): { text: string; broadcast?: boolean } {
  switch (status) {
    case 'completed':
      return {
        text: '🎉 Every inbox is live in Smartlead. They can start warming up and sending now.',
        broadcast: true,
      };
    case 'failed':
      return {
        text:
          audience === 'ops' && failureReason
            ? `❌ The order failed: ${escapeMrkdwn(failureReason)}. Check \`/peeker pending\` or contact Peeker support with the order ID.`
            : '❌ The order could not be completed. Our team has been notified and will follow up here.',
        broadcast: true,
      };
    case 'cancel_scheduled':
      return { text: '🗓️ Cancellation scheduled. The inboxes stay live until the end of the current period.' };
    case 'cancelled':
      return { text: '⏹️ The order is cancelled and its domains are released.' };
  }
}

export interface ActionView {
  id: string;
  orderId: string;
  reason: string | null;
  type: string | null;
  domain: string | null;
  persona: { firstName: string; lastName: string; pictureUrl: string | null } | null;
  message: string | null;
}

const personaName = (action: ActionView) =>
  action.persona ? `${action.persona.firstName} ${action.persona.lastName}`.trim() : '';

/** What is wrong and how to fix it, for the ops person; plus a button where the fix is a corrected order. */
export function describeAction(action: ActionView): { what: string; fix: string; fixable: boolean } {
  const domain = action.domain ? ` (${escapeMrkdwn(action.domain)})` : '';
  const who = escapeMrkdwn(personaName(action)) || 'a persona';
  switch (action.reason) {
    case 'profile_picture_not_accessible':
      return {
        what: `${who}’s profile picture is not publicly accessible${domain}.`,
        fix: 'Get a public image URL from the customer and place a corrected order (the form opens pre-filled; the Smartlead password must be entered again).',
        fixable: true,
      };
    case 'update_nameservers':
      return {
        what: `The nameservers of ${escapeMrkdwn(action.domain ?? 'a domain')} are not pointing at Peeker yet.`,
        fix: `The customer must set the nameservers shown in the instructions — \`/peeker status ${escapeMrkdwn(action.domain ?? '<domain>')}\` shows them.`,
        fixable: false,
      };
    case 'replace_domain':
      return {
        what: `${escapeMrkdwn(action.domain ?? 'A domain')} cannot be used and must be replaced.`,
        fix: 'Swap it for another domain (the swap form opens pre-filled; the order and its other inboxes carry on).',
        fixable: true,
      };
    default:
      return {
        what: `${escapeMrkdwn(action.message ?? (action.reason ?? 'Peeker needs something from us').replace(/_/g, ' '))}${domain}`,
        fix: `If it is unclear what to do, contact Peeker support with the order ID and action ${code(action.id)}.`,
        fixable: false,
      };
  }
}

function fixButton(action: ActionView): Button {
  // A domain Peeker wants replaced is swapped, not re-ordered.
  if (action.reason === 'replace_domain') {
    return button('Swap this domain', SWAP_ACTION.swapDomain, {
      style: 'primary',
      value: encodeSwapDomainValue({
        order: action.orderId,
        action: action.id,
        ...(action.domain ? { domain: action.domain } : {}),
      }),
    });
  }
  return button('Place corrected order', ACTION.fixOrder, {
    style: 'primary',
    value: encodeFixOrderValue({ order: action.orderId, action: action.id }),
  });
}

/** The thread reply for one pending action. */
export function renderActionReply(
  action: ActionView,
  audience: OrderAudience,
): { text: string; blocks?: KnownBlock[] } {
  if (audience === 'customer') {
    const who = personaName(action);
    const text =
      action.reason === 'profile_picture_not_accessible'
        ? `⚠️ We need a publicly accessible profile picture${who ? ` for ${escapeMrkdwn(who)}` : ''}. We’ll be in touch.`
        : action.reason === 'update_nameservers'
          ? `⚠️ The nameservers of ${escapeMrkdwn(action.domain ?? 'a domain')} are not updated yet — please set them as shown in the instructions.`
          : '⚠️ One step needs our attention. We’ll follow up here.';
    return { text };
  }
  return renderActionNotice(action);
}

/** An action with its fix path and button, for the ops person (thread reply in ops channels, DM otherwise). */
export function renderActionNotice(
  action: ActionView,
  channelId?: string,
): { text: string; blocks: KnownBlock[] } {
  const { what, fix, fixable } = describeAction(action);
  const where = channelId ? ` in the order for ${channelLink(channelId)}` : '';
  const text = `⚠️ Action needed${where}: ${what}`;
  const blocks: KnownBlock[] = [
    section(
      `${text}\n*Fix:* ${fix}${action.message && action.reason ? `\n_Peeker:_ ${escapeMrkdwn(action.message)}` : ''}`,
    ),
    context(`Order ${code(action.orderId)} · action ${code(action.id)}`),
  ];
  if (fixable) blocks.push({ type: 'actions', elements: [fixButton(action)] });
  return { text, blocks };
}

/** `/peeker pending`: open actions with their fix buttons. */
export function renderPendingList(
  actions: readonly ActionView[],
  orderId: string | undefined,
): RenderedMessage {
  if (actions.length === 0) {
    const text = orderId
      ? `No open actions for order ${code(orderId)}. 🎉`
      : 'No open actions on any order. 🎉';
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [
    section(`*${plural(actions.length, 'open action')}*${orderId ? ` for order ${code(orderId)}` : ''}`),
  ];
  for (const action of actions.slice(0, 15)) {
    const notice = renderActionNotice(action);
    blocks.push(...notice.blocks);
  }
  if (actions.length > 15) blocks.push(context(`…and ${actions.length - 15} more`));
  const text = `${plural(actions.length, 'open action')}: ${listNames(
    actions.map((action) => describeAction(action).what),
    3,
  )}`;
  return { text: truncate(text, 3000), blocks: blocks.slice(0, 50) };
}

/** `/peeker status ord_…` (ops-facing). */
export function renderOrderStatus(model: OrderMessageModel & { channelId: string }): RenderedMessage {
  const message = renderOrderMessage({ ...model, audience: 'ops' });
  return {
    text: message.text,
    blocks: [...message.blocks, context(`Status thread in ${channelLink(model.channelId)}`)],
  };
}

/** `/peeker status ord_…` for an order Peeker knows but that was not placed from Slack. */
export function renderUntrackedOrderStatus(order: {
  id: string;
  status: string;
  domainCount: number | null;
}): RenderedMessage {
  const text = `Order ${code(order.id)} — Peeker says ${code(order.status)}${order.domainCount ? ` · ${order.domainCount} domains` : ''}. It was not placed from Slack, so no channel follows it.`;
  return { text, blocks: [section(text)] };
}
