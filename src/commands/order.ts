import { classifySlackError } from '../slack/slack-errors.js';
import { renderFormOpenFailed } from '../views/order-result.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/**
 * `/peeker order [in <#channel>]`: acknowledge, then open the modal at once — its trigger ID
 * expires 3 s after the command — and fill it once bundles and domains are loaded.
 */
export async function handleOrder(
  { ack, command, respond }: CommandArgs,
  parsed: { channel?: { id: string } },
  deps: CommandDeps,
): Promise<void> {
  await ack();
  const channelId = parsed.channel?.id ?? command.channel_id;
  try {
    await deps.orderForm.openBlank(command.trigger_id, channelId);
    countCommand(deps, 'order', 'form_opened');
  } catch (error) {
    const code = classifySlackError(error).error;
    deps.logger.warn({ code }, 'could not open the order form');
    countCommand(deps, 'order', 'slack_error');
    await respond({ response_type: 'ephemeral', ...renderFormOpenFailed(code) }).catch(() => undefined);
  }
}
