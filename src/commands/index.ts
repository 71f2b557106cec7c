import type { App } from '@slack/bolt';
import { parseCommandText } from '../parsing/command-text.js';
import { guardStorage } from '../slack/storage-guard.js';
import { renderUnknownSubcommand, renderUsageError } from '../views/help.js';
import { handleCancel } from './cancel.js';
import { handleCheck } from './check.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';
import { handleDigest } from './digest.js';
import { handleDns } from './dns.js';
import { handleFind } from './find.js';
import { handleForward } from './forward.js';
import { handleHelp } from './help.js';
import { handleImport } from './import.js';
import { handleNudges } from './nudges.js';
import { handleOrder } from './order.js';
import { handlePending } from './pending.js';
import { handleStatus } from './status.js';
import { handleRename, handleSwap } from './swap.js';

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
        case 'dns':
          return handleDns(args, parsed.domain, deps);
        case 'check':
          return handleCheck(args, parsed, deps);
        case 'find':
          return handleFind(args, parsed, deps);
        case 'cancel':
          return handleCancel(args, parsed, deps);
        case 'forward':
          return handleForward(args, parsed, deps);
        case 'swap':
          return handleSwap(args, parsed, deps);
        case 'rename':
          return handleRename(args, parsed, deps);
        case 'nudges':
          return handleNudges(args, parsed.enabled, deps);
        case 'digest':
          return handleDigest(args, deps);
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
