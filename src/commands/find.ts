import { FIND_COMMAND, type FindCommandArgs } from '../services/domain-search.js';
import { lookalikeNames } from '../services/lookalike-names.js';
import { findAcknowledged, renderFindProblem } from '../views/domain-search.js';
import { type CommandArgs, type CommandDeps, countCommand, recordAckAndRun } from './context.js';

/**
 * `/peeker find <brand or domain> [in #channel]`: up to 40 lookalike names (a pure generator),
 * stored, acknowledged, then checked like `check`; the answer shows the available ones, cheapest
 * first, with a way to order them.
 */
export async function handleFind(
  args: CommandArgs,
  parsed: { query: string; channel?: { id: string } },
  deps: CommandDeps,
): Promise<void> {
  const { command, ack } = args;
  const made = lookalikeNames(parsed.query);
  if ('problem' in made) {
    await ack({ response_type: 'ephemeral', ...renderFindProblem(made.problem) });
    return countCommand(deps, 'find', 'invalid_input');
  }
  const channelId = parsed.channel?.id ?? command.channel_id;
  const stored: FindCommandArgs = { brand: made.brand, names: made.names, channelId };
  await recordAckAndRun(
    args,
    deps,
    FIND_COMMAND,
    stored,
    findAcknowledged(made.brand, made.names.length, deps.isSandbox()),
  );
}
