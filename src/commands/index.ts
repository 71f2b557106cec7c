import type { App } from '@slack/bolt';
import { parseCommandText } from '../parsing/command-text.js';
import { guardStorage } from '../slack/storage-guard.js';
import { renderUnknownSubcommand, renderUsageError } from '../views/help.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';
import { handleHelp } from './help.js';
import { handleImport } from './import.js';
import { handleOrder } from './order.js';
import { handlePending } from './pending.js';
import { handleStatus } from './status.js';

export type { CommandDeps } from './context.js';

/**
 * Registers `/peeker`: one thin router that parses the (Slack-escaped) text and hands over to the
 * subcommand's handler, which acknowledges within Slack's 3 s deadline.
 */
export function register(app: App, deps: CommandDeps): void {
  app.command(
    '/peeker',
    guardStorage<CommandArgs>(deps.storage, deps.logger, async (args) => {
      const parsed = parseCommandText(args.command.text ?? '');
      switch (parsed.kind) {
        case 'help':
          return handleHelp(args, deps);
        case 'import':
          return handleImport(args, parsed, deps);
        case 'status':
          return handleStatus(args, parsed.target, deps);
        case 'order':
          return handleOrder(args, parsed, deps);
        case 'pending':
          return handlePending(args, parsed.orderId, deps);
        case 'check':
        case 'find':
        case 'cancel':
        case 'forward':
        case 'swap':
        case 'rename':
        case 'dns':
        case 'nudges':
        case 'digest':
          // Being built: each gets its own handler module.
          await args.ack({
            response_type: 'ephemeral',
            text: `\`/peeker ${parsed.kind}\` is not available yet.`,
          });
          return countCommand(deps, parsed.kind, 'not_available');
        case 'invalid':
          await args.ack({
            response_type: 'ephemeral',
            ...renderUsageError(parsed.subcommand, parsed.message),
          });
          return countCommand(deps, parsed.subcommand, 'invalid_input');
        case 'unknown':
          await args.ack({
            response_type: 'ephemeral',
            ...renderUnknownSubcommand(parsed.word, parsed.suggestion, deps.isSandbox()),
          });
          return countCommand(deps, 'unknown', 'invalid_input');
      }
    }),
  );
}
