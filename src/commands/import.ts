import { IMPORT_COMMAND, type ImportCommandArgs } from '../services/import-service.js';
import { importAcknowledged, importInvalid } from '../views/import-feedback.js';
import { acceptDomainList, type CommandArgs, type CommandDeps, recordAckAndRun } from './context.js';

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
  const domains = await acceptDomainList(args, deps, {
    subcommand: 'import',
    domainText: parsed.domainText,
    max: MAX_DOMAINS_PER_COMMAND,
    invalid: importInvalid,
  });
  if (!domains) return;
  const { command } = args;
  const channelId = parsed.channel?.id ?? command.channel_id;
  const commandArgs: ImportCommandArgs = { domains, channelId };
  // Slack does not retry slash commands, but a proxy or a double submit might: one trigger, one import.
  await recordAckAndRun(
    args,
    deps,
    IMPORT_COMMAND,
    commandArgs,
    importAcknowledged(domains.length, channelId, deps.isSandbox()),
  );
}
