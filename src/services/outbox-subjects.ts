import type { SubjectTable } from '../slack/outbox-subjects.js';
import type { Responder } from '../slack/responder.js';
import type { CancellationsRepo } from '../store/cancellations-repo.js';
import type { CommandsRepo } from '../store/commands-repo.js';
import type { DnsRepo } from '../store/dns-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrderActionsRepo } from '../store/order-actions-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SwapsRepo } from '../store/swaps-repo.js';
import { postFailureNotice } from '../views/import-feedback.js';
import { renderImportMessage } from '../views/import-message.js';
import { renderCancellationNotice } from '../views/order-cancel.js';
import { renderActionNotice, renderConnectedBatch, renderOrderMessage } from '../views/order-message.js';
import { renderOrderControls } from '../views/order-overflow.js';
import { withSwappedDomains } from '../views/swap-messages.js';
import { summarizeCancellation } from './cancellation-state.js';
import { withDnsStates } from './import-dns.js';
import { importMessageModel } from './import-tracker.js';
import { orderMessageModel, toActionView } from './order-tracker.js';

/**
 * Every kind of parent message the Slack outbox keeps, with how it looks (rendered from the
 * current state each time it is posted or edited), which of its thread replies are batched, and
 * who hears about a post that can never land. When a tracker marks a subject stale, this table is
 * what the publisher renders.
 */
export function createOutboxSubjects(deps: {
  imports: ImportsRepo;
  orders: OrdersRepo;
  actions: OrderActionsRepo;
  commands: CommandsRepo;
  /** Cancellations: the status message's cancelled domains and the cancellation DMs. */
  cancellations?: CancellationsRepo | undefined;
  responder: Responder;
  /** The app's own DNS findings, shown per domain while an import waits on the registrar. */
  dns?: Pick<DnsRepo, 'domainStatesOf'>;
  /** Forwarding job messages and swap DMs, and the swaps an order's message lists. */
  changes?: Pick<SubjectTable, 'forwarding' | 'swap_notice'> | undefined;
  swaps?: Pick<SwapsRepo, 'completedForOrder'> | undefined;
  /** The digest message of a `DIGEST_CRON` slot (see `services/digest-slots.ts`). */
  digest?: SubjectTable['digest'] | undefined;
}): SubjectTable {
  const { imports, orders, actions, cancellations } = deps;
  return {
    /** The customer-facing nameserver instructions of one import. */
    import: {
      render(importId, now) {
        const record = imports.get(importId);
        if (!record) return undefined;
        const model = importMessageModel(record, imports.domainsOf(importId), now);
        const dnsStates = deps.dns?.domainStatesOf(importId) ?? [];
        return renderImportMessage(withDnsStates(model, record.phase, dnsStates));
      },
      // Posted after the command had answered (e.g. after a rate-limit wait): tell who asked.
      async onPostFailed(message, failure) {
        const record = imports.get(message.subject.id);
        if (!record) return;
        const command = record.commandId !== null ? deps.commands.get(record.commandId) : undefined;
        await deps.responder.tell(
          {
            userId: record.requestedBy,
            channelId: command?.originChannelId ?? message.channelId,
            responseUrl: command?.responseUrl ?? null,
          },
          postFailureNotice(message.channelId, failure.error),
        );
      },
    },
    /** The status message of one order, edited in place; connected domains batched per reply. */
    order: {
      render(orderId) {
        const order = orders.get(orderId);
        return (
          order &&
          withSwappedDomains(
            renderOrderMessage({
              ...orderMessageModel(order, { orders, actions }),
              cancellation: cancellations ? summarizeCancellation(cancellations.domainStates(orderId)) : null,
            }),
            deps.swaps?.completedForOrder(orderId) ?? [],
          )
        );
      },
      combineReplies: { domain_connected: renderConnectedBatch },
    },
    /** A DM to whoever placed an order about an action a customer channel must not show. */
    action_notice: {
      render(actionId) {
        const action = actions.get(actionId);
        const order = action ? orders.get(action.orderId) : undefined;
        if (!action || !order || action.status !== 'open') return undefined;
        return renderActionNotice(toActionView(action), order.channelId);
      },
    },
    /** A DM to whoever asked for a cancellation whose outcome came later (`<request id>:<phase>`). */
    cancellation_notice: {
      render(subjectId) {
        const split = subjectId.lastIndexOf(':');
        const phase = subjectId.slice(split + 1);
        const request = cancellations?.get(subjectId.slice(0, split));
        if (!request || (phase !== 'uncertain' && phase !== 'scheduled')) return undefined;
        if (phase === 'scheduled' && request.status !== 'scheduled') return undefined;
        return renderCancellationNotice(phase, {
          orderId: request.orderId,
          scope: request.scope,
          domains: request.domains,
          cancelsAt: request.cancelsAt,
          channelId: orders.get(request.orderId)?.channelId ?? null,
          reason: 'restart',
        });
      },
    },
    /** A DM to whoever placed an order in a customer channel: its menu (cancel…), out of the customer's sight. */
    order_controls: {
      render(orderId) {
        const order = orders.get(orderId);
        return (
          order &&
          renderOrderControls({
            orderId,
            customerEmail: order.customerEmail,
            channelId: order.channelId,
            status: order.status,
          })
        );
      },
    },
    forwarding: deps.changes?.forwarding ?? { render: () => undefined },
    swap_notice: deps.changes?.swap_notice ?? { render: () => undefined },
    digest: deps.digest ?? { render: () => undefined },
  };
}
