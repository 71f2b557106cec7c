import type { App } from '@slack/bolt';
import { parseCommandText } from '../parsing/command-text.js';
import { renderUnknownSubcommand, renderUsageError } from '../views/help.js';
import type { CommandArgs, CommandDeps } from './context.js';
import { handleHelp } from './help.js';
import { handleImport } from './import.js';
import { handleStatus, type StatusResolver } from './status.js';

export type { CommandDeps } from './context.js';

/** Subcommands added by later features (order, pending), keyed by name. */
export type SubcommandHandler = (
  args: CommandArgs,
  parsed: ReturnType<typeof parseCommandText>,
) => Promise<void>;

/**
 * Registers `/peeker`. One thin router: parse the (Slack-escaped) text, then hand over to the
 * subcommand's handler, which acknowledges within Slack's 3 s deadline.
 */
export function registerPeekerCommand(
  app: App,
  deps: CommandDeps,
  extensions: {
    subcommands?: Partial<Record<'order' | 'pending', SubcommandHandler>>;
    statusResolvers?: StatusResolver[];
  } = {},
): void {
  app.command('/peeker', async (args) => {
    const parsed = parseCommandText(args.command.text ?? '');
    switch (parsed.kind) {
      case 'help':
        return handleHelp(args, deps);
      case 'import':
        return handleImport(args, parsed, deps);
      case 'status':
        return handleStatus(args, parsed.target, deps, extensions.statusResolvers ?? []);
      case 'order':
      case 'pending': {
        const handler = extensions.subcommands?.[parsed.kind];
        if (handler) return handler(args, parsed);
        await args.ack({
          response_type: 'ephemeral',
          text: `\`/peeker ${parsed.kind}\` is not available yet.`,
        });
        return;
      }
      case 'invalid':
        await args.ack({
          response_type: 'ephemeral',
          ...renderUsageError(parsed.subcommand, parsed.message),
        });
        deps.metrics?.commands.inc({ subcommand: parsed.subcommand, outcome: 'invalid_input' });
        return;
      case 'unknown':
        await args.ack({
          response_type: 'ephemeral',
          ...renderUnknownSubcommand(parsed.word, parsed.suggestion, deps.isSandbox()),
        });
        deps.metrics?.commands.inc({ subcommand: 'unknown', outcome: 'invalid_input' });
        return;
    }
  });
}
