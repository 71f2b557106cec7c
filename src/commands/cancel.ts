import { classifySlackError } from '../slack/slack-errors.js';
import { section } from '../views/text.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/**
 * `/peeker cancel <ord_…> [domains…]`: what SQLite can tell (names that are not root domains,
 * not on a followed order, already stopping; an order already cancelled) is answered in the
 * acknowledgement and nothing is sent. Otherwise the confirm view opens at once (its trigger
 * expires 3 s after the command); an order we do not follow is looked up with Peeker first.
 */
export async function handleCancel(
  { ack, command, respond }: CommandArgs,
  parsed: { orderId: string; domainText: string },
  deps: CommandDeps,
): Promise<void> {
  const cancellation = deps.cancellation;
  if (!cancellation) {
    await ack({ response_type: 'ephemeral', text: '`/peeker cancel` is not available.' });
    return countCommand(deps, 'cancel', 'not_available');
  }
  const checked = cancellation.checkLocally(parsed.orderId, parsed.domainText);
  if (!checked.ok) {
    await ack({ response_type: 'ephemeral', text: checked.problem, blocks: [section(checked.problem)] });
    return countCommand(deps, 'cancel', 'invalid_input');
  }
  await ack();
  try {
    await cancellation.openConfirm(command.trigger_id, {
      orderId: parsed.orderId,
      domains: checked.domains,
      userId: command.user_id,
      originChannelId: command.channel_id,
    });
    countCommand(deps, 'cancel', 'confirm_opened');
  } catch (error) {
    const code = classifySlackError(error).error;
    deps.logger.warn({ code }, 'could not open the cancel confirmation');
    countCommand(deps, 'cancel', 'slack_error');
    const text =
      code === 'expired_trigger_id'
        ? 'Slack took too long to let me open the confirmation. Please run `/peeker cancel` again.'
        : `I couldn’t open the confirmation (Slack said \`${code}\`). Nothing was cancelled; please try again.`;
    await respond({ response_type: 'ephemeral', text }).catch(() => undefined);
  }
}
