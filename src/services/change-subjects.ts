import type { SubjectHandlers } from '../slack/outbox-subjects.js';
import type { Responder } from '../slack/responder.js';
import type { CommandsRepo } from '../store/commands-repo.js';
import type { ForwardingRepo } from '../store/forwarding-repo.js';
import type { OrdersRepo } from '../store/orders-repo.js';
import type { SwapsRepo } from '../store/swaps-repo.js';
import { renderForwardingMessage } from '../views/forwarding-message.js';
import { postFailureNotice } from '../views/import-feedback.js';
import { renderRenameNotice, renderSwapNotice, renderSwapResolvedNotice } from '../views/swap-messages.js';
import { forwardingMessageModel } from './forwarding-tracker.js';
import { swapView } from './swap-tracker.js';

/**
 * The parent messages of forwarding changes and swaps, for the outbox's subject table (`services/outbox-subjects.ts`):
 * - `forwarding`: the job message of one `/peeker forward`, where the command was typed;
 * - `swap_notice`: a DM to whoever asked for a swap (`<swp_…>`) or a rename (`rename:<id>`) on an
 *   order in a customer channel, with the fix the channel must not show.
 */
export function createChangeSubjects(deps: {
  forwarding: ForwardingRepo;
  swaps: SwapsRepo;
  orders: OrdersRepo;
  commands: CommandsRepo;
  responder: Responder;
}): { forwarding: SubjectHandlers; swap_notice: SubjectHandlers } {
  const { forwarding, swaps, orders } = deps;
  return {
    forwarding: {
      render(subjectId) {
        const request = forwarding.get(Number(subjectId));
        if (!request) return undefined;
        return renderForwardingMessage(
          forwardingMessageModel(request, forwarding.batchesOf(request.id), forwarding.domainsOf(request.id)),
        );
      },
      // Posted after the command had answered (or never: bot not in that channel): tell who asked.
      async onPostFailed(message, failure) {
        const request = forwarding.get(Number(message.subject.id));
        if (!request) return;
        const command = request.commandId !== null ? deps.commands.get(request.commandId) : undefined;
        await deps.responder.tell(
          {
            userId: request.requestedBy,
            channelId: command?.originChannelId ?? message.channelId,
            responseUrl: command?.responseUrl ?? null,
          },
          postFailureNotice(message.channelId, failure.error),
        );
      },
    },
    swap_notice: {
      render(subjectId) {
        if (subjectId.startsWith('rename:')) {
          const request = swaps.get(Number(subjectId.slice('rename:'.length)));
          if (!request) return undefined;
          const rows = swaps.rowsOf(request.id);
          const stalled = rows.find((row) => row.status === 'action_required');
          const channelId = request.orderId ? orders.get(request.orderId)?.channelId : undefined;
          if (!stalled) return renderSwapResolvedNotice(`Renaming the inboxes on ${request.domain}`);
          return renderRenameNotice(
            { domain: request.domain, reason: stalled.reason, renameId: request.id },
            channelId,
          );
        }
        const row = swaps.row(subjectId);
        if (!row) return undefined;
        const request = row.requestId !== null ? swaps.get(row.requestId) : undefined;
        const channelId = row.orderId ? orders.get(row.orderId)?.channelId : undefined;
        if (row.status !== 'action_required') {
          return renderSwapResolvedNotice(`The swap of ${row.domain} for ${row.replacement ?? '?'}`);
        }
        return renderSwapNotice(swapView(row, request), channelId);
      },
    },
  };
}
