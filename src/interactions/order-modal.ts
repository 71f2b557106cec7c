import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { OrderService } from '../services/order-service.js';
import { ACTION, ORDER_FORM_CALLBACK, ORDER_REVIEW_CALLBACK } from '../views/ids.js';

/**
 * The order modal's listeners: thin adapters from Slack payloads to the order service.
 * Submissions answer inside the 3 s window (validation is local); placing the order continues
 * after the acknowledgement and edits the modal with the outcome.
 */
export function registerOrderInteractions(app: App, orders: OrderService, logger: Logger): void {
  app.view<ViewSubmitAction>(ORDER_FORM_CALLBACK, async ({ ack, body, view }) => {
    await ack(await orders.submitForm(view, body.user.id));
  });

  app.view<ViewSubmitAction>(ORDER_REVIEW_CALLBACK, async ({ ack, body, view }) => {
    const { ack: answer, afterAck } = orders.placeOrder(view, body.user.id);
    await ack(answer);
    await afterAck?.();
  });

  const personaRows =
    (delta: 1 | -1) =>
    async ({ ack, body }: { ack: () => Promise<void>; body: BlockButtonAction }) => {
      await ack();
      if (!body.view) return;
      await orders.changePersonaRows(body.view, delta);
    };
  app.action<BlockButtonAction>(ACTION.addPersona, personaRows(1));
  app.action<BlockButtonAction>(ACTION.removePersona, personaRows(-1));

  app.action<BlockButtonAction>(ACTION.fixOrder, async ({ ack, body, action }) => {
    await ack();
    try {
      const value = JSON.parse(action.value ?? '{}') as { order?: unknown; action?: unknown };
      if (typeof value.order !== 'string') return;
      await orders.openCorrection(
        body.trigger_id,
        body.user.id,
        value.order,
        typeof value.action === 'string' ? value.action : undefined,
      );
    } catch (error) {
      logger.warn({ err: error }, 'could not open the corrected-order form');
    }
  });

  app.action<BlockButtonAction>(ACTION.openOrderForm, async ({ ack, body, action }) => {
    await ack();
    if (action.value)
      await orders.openFromDraft(body.trigger_id, body.user.id, action.value).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not re-open the order form');
      });
  });
}
