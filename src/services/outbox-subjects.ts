import type { SubjectTable } from '../slack/outbox-subjects.js';
import type { Responder } from '../slack/responder.js';
import type { CommandsRepo } from '../store/commands-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { OrderActionsRepo } from '../store/order-actions-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import { postFailureNotice } from '../views/import-feedback.js';
import { renderImportMessage } from '../views/import-message.js';
import { renderActionNotice, renderConnectedBatch, renderOrderMessage } from '../views/order-message.js';
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
  responder: Responder;
}): SubjectTable {
  const { imports, orders, actions } = deps;
  return {
    /** The customer-facing nameserver instructions of one import. */
    import: {
      render(importId, now) {
        const record = imports.get(importId);
        return record && renderImportMessage(importMessageModel(record, imports.domainsOf(importId), now));
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
        return order && renderOrderMessage(orderMessageModel(order, { orders, actions }));
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
  };
}
