import type {
  AllMiddlewareArgs,
  App,
  BlockButtonAction,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { guardStorage } from '../slack/storage-guard.js';
import { ACTION, ORDER_FORM_CALLBACK, ORDER_REVIEW_CALLBACK } from '../views/ids.js';
import type { InteractionDeps } from './context.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The order modal's listeners: thin adapters from Slack payloads to the form session and the
 * placement. Submissions answer inside the 3 s window (validation is local); placing the order
 * continues after the acknowledgement and edits the modal with the outcome.
 */
export function registerOrderForm(app: App, deps: InteractionDeps): void {
  app.view<ViewSubmitAction>(
    ORDER_FORM_CALLBACK,
    guardStorage<ViewArgs>(deps.storage, deps.logger, async ({ ack, body, view }) => {
      await ack(await deps.orderForm.submit(view, body.user.id));
    }),
  );

  app.view<ViewSubmitAction>(
    ORDER_REVIEW_CALLBACK,
    guardStorage<ViewArgs>(deps.storage, deps.logger, async ({ ack, body, view }) => {
      const { ack: answer, afterAck } = deps.orderPlacement.placeOrder(view, body.user.id);
      await ack(answer);
      await afterAck?.();
    }),
  );

  const personaRows =
    (delta: 1 | -1) =>
    async ({ ack, body }: { ack: () => Promise<void>; body: BlockButtonAction }) => {
      await ack();
      if (body.view) await deps.orderForm.changePersonaRows(body.view, delta);
    };
  app.action<BlockButtonAction>(ACTION.addPersona, personaRows(1));
  app.action<BlockButtonAction>(ACTION.removePersona, personaRows(-1));
}
