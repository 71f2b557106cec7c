import type { OrderService } from '../services/order-service.js';
import { classifySlackError } from '../slack/slack-errors.js';
import type { CommandArgs, CommandDeps } from './context.js';

/**
 * `/peeker order [in <#channel>]`: acknowledge, then open the modal at once — its trigger ID
 * expires 3 s after the command — and fill it once bundles and domains are loaded.
 */
export async function handleOrder(
  { ack, command, respond }: CommandArgs,
  parsed: { channel?: { id: string } },
  orders: OrderService,
  deps: CommandDeps,
): Promise<void> {
  await ack();
  const channelId = parsed.channel?.id ?? command.channel_id;
  try {
    await orders.openFromCommand(command.trigger_id, command.user_id, channelId);
    deps.metrics?.commands.inc({ subcommand: 'order', outcome: 'form_opened' });
  } catch (error) {
    const code = classifySlackError(error).error;
    deps.logger.warn({ code }, 'could not open the order form');
    deps.metrics?.commands.inc({ subcommand: 'order', outcome: 'slack_error' });
    await respond({
      response_type: 'ephemeral',
      text:
        code === 'expired_trigger_id'
          ? 'Slack took too long to let me open the order form. Please run `/peeker order` again.'
          : `I couldn’t open the order form (Slack said \`${code}\`). Please try again.`,
    }).catch(() => undefined);
  }
}
