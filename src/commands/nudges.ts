import type { NudgesRepo } from '../store/nudges-repo.js';
import { renderNudgesSetting } from '../views/nudge.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/** What `/peeker nudges` needs. */
export interface NudgesCommandDeps {
  nudges: NudgesRepo;
  /** `NUDGE_AFTER_HOURS` in ms. */
  nudgeAfterMs: number;
  /** Reminders per import at most. */
  max: number;
}

/**
 * `/peeker nudges off|on`: turns the reminders about unchanged nameservers off (or back on) for the
 * channel it is typed in. Stored before the acknowledgement, which says what is now set.
 */
export async function handleNudges(
  { ack, command }: CommandArgs,
  enabled: boolean,
  deps: CommandDeps,
): Promise<void> {
  if (!deps.nudges) {
    await ack({ response_type: 'ephemeral', text: '`/peeker nudges` is not available.' });
    return countCommand(deps, 'nudges', 'not_available');
  }
  deps.nudges.nudges.setChannelNudges(command.channel_id, enabled, command.user_id, deps.now());
  await ack({
    response_type: 'ephemeral',
    ...renderNudgesSetting({
      enabled,
      channelId: command.channel_id,
      nudgeAfterMs: deps.nudges.nudgeAfterMs,
      max: deps.nudges.max,
    }),
  });
  countCommand(deps, 'nudges', 'ok');
}
