import { CHECK_COMMAND, type CheckCommandArgs, MAX_CHECK_DOMAINS } from '../services/domain-search.js';
import { checkAcknowledged, checkInvalid } from '../views/domain-search.js';
import { acceptDomainList, type CommandArgs, type CommandDeps, recordAckAndRun } from './context.js';

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
  const domains = await acceptDomainList(args, deps, {
    subcommand: 'check',
    domainText: parsed.domainText,
    max: MAX_CHECK_DOMAINS,
    invalid: checkInvalid,
  });
  if (!domains) return;
  const { command } = args;
  const channelId = parsed.channel?.id ?? command.channel_id;
  const stored: CheckCommandArgs = { domains, channelId };
  await recordAckAndRun(
    args,
    deps,
    CHECK_COMMAND,
    stored,
    checkAcknowledged(domains.length, parsed.channel?.id, deps.isSandbox()),
  );
}
