import { parseDomainList } from '../parsing/domains.js';
import { IMPORT_COMMAND, type ImportCommandArgs } from '../services/import-service.js';
import { renderUsageError } from '../views/help.js';
import { importAcknowledged, importInvalid } from '../views/import-feedback.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/** Peeker's job limit per request is 500; above this many we ask for smaller batches. */
export const MAX_DOMAINS_PER_COMMAND = 5000;

/**
 * `/peeker import <domains…> [in <#channel>]`. Everything that can be checked without Peeker is
 * checked before the acknowledgement (a bad entry imports nothing); then the command is stored,
 * acknowledged, and run in the background so the 3 s deadline holds however slow Peeker is.
 */
export async function handleImport(
  args: CommandArgs,
  parsed: { domainText: string; channel?: { id: string } },
  deps: CommandDeps,
): Promise<void> {
  const { command, ack } = args;
  const { domains, invalid } = parseDomainList(parsed.domainText);
  if (invalid.length > 0) {
    await ack({ response_type: 'ephemeral', ...importInvalid(invalid, domains.length) });
    return countCommand(deps, 'import', 'invalid_input');
  }
  if (domains.length === 0 || domains.length > MAX_DOMAINS_PER_COMMAND) {
    await ack({
      response_type: 'ephemeral',
      ...renderUsageError(
        'import',
        domains.length === 0
          ? 'Tell me which domains to import.'
          : `That is ${domains.length} domains; import at most ${MAX_DOMAINS_PER_COMMAND} per command.`,
      ),
    });
    return countCommand(deps, 'import', 'invalid_input');
  }
  const channelId = parsed.channel?.id ?? command.channel_id;
  const commandArgs: ImportCommandArgs = { domains, channelId };
  const { command: stored, isNew } = deps.commands.record({
    // Slack does not retry slash commands, but a proxy or a double submit might: one trigger, one import.
    dedupeKey: command.trigger_id || `${command.user_id}:${command.channel_id}:${command.text}:${deps.now()}`,
    kind: IMPORT_COMMAND,
    userId: command.user_id,
    teamId: command.team_id ?? null,
    originChannelId: command.channel_id,
    responseUrl: command.response_url ?? null,
    args: commandArgs,
    now: deps.now(),
  });
  await ack({
    response_type: 'ephemeral',
    ...importAcknowledged(domains.length, channelId, deps.isSandbox()),
  });
  if (isNew) deps.runner.dispatch(stored);
}
