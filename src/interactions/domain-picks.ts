import type { App, BlockAction, BlockButtonAction } from '@slack/bolt';
import { decodePickSetValue, readPickedDomains } from '../parsing/interaction-payloads.js';
import { classifySlackError } from '../slack/slack-errors.js';
import { ACTION } from '../views/ids.js';
import type { InteractionDeps } from './context.js';

/**
 * The picker under a `check` / `find` answer: changing the selection is only acknowledged (the
 * state travels with the button's payload); "Open the order form" opens the form for the answer's
 * channel with the picked names chosen.
 */
export function registerDomainPicks(app: App, deps: InteractionDeps): void {
  app.action<BlockAction>(ACTION.pickDomains, async ({ ack }) => {
    await ack();
  });

  app.action<BlockButtonAction>(ACTION.orderPicked, async ({ ack, body, action, respond }) => {
    await ack();
    const pick = decodePickSetValue(action.value)?.pick;
    const set = pick ? deps.picks?.get(pick, deps.now()) : undefined;
    if (!set) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'This list has expired. Run `/peeker check` or `/peeker find` again.',
      }).catch(() => undefined);
      return;
    }
    const selected = readPickedDomains(body.state?.values) ?? set.domains.map((picked) => picked.domain);
    try {
      await deps.orderForm.openFromPicks(body.trigger_id, set, selected);
    } catch (error) {
      const code = classifySlackError(error).error;
      deps.logger.warn({ code }, 'could not open the order form from picks');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `I couldn’t open the order form (Slack said \`${code}\`). Please press the button again.`,
      }).catch(() => undefined);
    }
  });
}
