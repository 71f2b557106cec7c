import { parseForwardTargets } from '../parsing/forward-targets.js';
import { FORWARD_COMMAND, type ForwardCommandArgs } from '../services/forwarding-service.js';
import { renderForwardAcknowledged } from '../views/forwarding-message.js';
import { renderUsageError } from '../views/help.js';
import { type CommandArgs, type CommandDeps, countCommand, recordAckAndRun } from './context.js';

/**
 * `/peeker forward <domains… | ord_…> to <https-url>`. The URL (https only) and the names are
 * checked before the acknowledgement — bad input changes nothing; then the command is stored,
 * acknowledged, and run in the background (which domains are connected is Peeker's to say).
 */
export async function handleForward(
  args: CommandArgs,
  parsed: { targetText: string; url: string },
  deps: CommandDeps,
): Promise<void> {
  const { ack } = args;
  const targets = parseForwardTargets(parsed.targetText, parsed.url);
  if (!targets.ok) {
    await ack({ response_type: 'ephemeral', ...renderUsageError('forward', targets.message) });
    return countCommand(deps, 'forward', 'invalid_input');
  }
  const stored: ForwardCommandArgs = {
    domains: targets.domains,
    domainIds: targets.domainIds,
    orderIds: targets.orderIds,
    url: targets.url,
  };
  await recordAckAndRun(
    args,
    deps,
    FORWARD_COMMAND,
    stored,
    renderForwardAcknowledged(
      { domains: targets.domains.length + targets.domainIds.length, orders: targets.orderIds.length },
      targets.url,
    ),
  );
}
