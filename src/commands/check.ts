import { parseDomainList } from '../parsing/domains.js';
import { CHECK_COMMAND, type CheckCommandArgs, MAX_CHECK_DOMAINS } from '../services/domain-search.js';
import { checkAcknowledged, checkInvalid } from '../views/domain-search.js';
import { renderUsageError } from '../views/help.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/**
 * `/peeker check <domains…> [in #channel]`: parsed exactly like `import` (Slack-escaped text,
 * Public Suffix List roots, every bad entry named and nothing checked), stored, acknowledged, then
 * checked with Peeker in the background and answered ephemerally.
 */
export async function handleCheck(
  args: CommandArgs,
  parsed: { domainText: string; channel?: { id: string } },
  deps: CommandDeps,
): Promise<void> {
  const { command, ack } = args;
  const { domains, invalid } = parseDomainList(parsed.domainText);
  if (invalid.length > 0) {
    await ack({ response_type: 'ephemeral', ...checkInvalid(invalid, domains.length) });
    return countCommand(deps, 'check', 'invalid_input');
  }
  if (domains.length === 0 || domains.length > MAX_CHECK_DOMAINS) {
    await ack({
      response_type: 'ephemeral',
      ...renderUsageError(
        'check',
        domains.length === 0
          ? 'Tell me which domains to check.'
          : `That is ${domains.length} domains; check at most ${MAX_CHECK_DOMAINS} at a time.`,
      ),
    });
    return countCommand(deps, 'check', 'invalid_input');
  }
  const channelId = parsed.channel?.id ?? command.channel_id;
  const stored: CheckCommandArgs = { domains, channelId };
  const { command: record, isNew } = deps.commands.record({
    dedupeKey: command.trigger_id || `${command.user_id}:${command.channel_id}:${command.text}:${deps.now()}`,
    kind: CHECK_COMMAND,
    userId: command.user_id,
    teamId: command.team_id ?? null,
    originChannelId: command.channel_id,
    responseUrl: command.response_url ?? null,
    args: stored,
    now: deps.now(),
  });
  await ack({
    response_type: 'ephemeral',
    ...checkAcknowledged(domains.length, parsed.channel?.id, deps.isSandbox()),
  });
  if (isNew) deps.runner.dispatch(record);
}
