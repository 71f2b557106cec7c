import type { App, BlockButtonAction } from '@slack/bolt';
import { decodeFixOrderValue } from '../parsing/interaction-payloads.js';
import { ACTION } from '../views/ids.js';
import type { InteractionDeps } from './context.js';

/**
 * Buttons that re-open the order form: "Place corrected order" on a pending action (pre-filled
 * from the original order) and "Open the order form" on a draft lost to a restart.
 */
export function registerOrderFixes(app: App, deps: InteractionDeps): void {
  app.action<BlockButtonAction>(ACTION.fixOrder, async ({ ack, body, action }) => {
    await ack();
    const value = decodeFixOrderValue(action.value);
    if (!value) return;
    await deps.orderForm
      .openCorrection(body.trigger_id, value.order, value.action)
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'could not open the corrected-order form');
      });
  });

  app.action<BlockButtonAction>(ACTION.openOrderForm, async ({ ack, body, action }) => {
    await ack();
    if (!action.value) return;
    await deps.orderForm.openFromDraft(body.trigger_id, action.value).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'could not re-open the order form');
    });
  });
}
