import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { guardStorage } from '../slack/storage-guard.js';
import { CANCEL_CONFIRM_CALLBACK } from '../views/ids.js';
import type { InteractionDeps } from './context.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The cancel confirm view's button: answered at once (the request is claimed first, so a second
 * click sends nothing), then the one `POST /orders/{id}/cancel` edits the modal with the outcome.
 */
export function registerOrderCancel(app: App, deps: InteractionDeps): void {
  const cancellation = deps.cancellation;
  if (!cancellation) return;
  app.view<ViewSubmitAction>(
    CANCEL_CONFIRM_CALLBACK,
    guardStorage<ViewArgs>(deps.storage, deps.logger, async ({ ack, body, view }) => {
      const { ack: answer, afterAck } = cancellation.confirm(view, body.user.id);
      await ack(answer);
      await afterAck?.();
    }),
  );
}
