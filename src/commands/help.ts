import { renderHelp } from '../views/help.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/** `/peeker` and `/peeker help`: answered in the acknowledgement itself. */
export async function handleHelp({ ack }: CommandArgs, deps: CommandDeps): Promise<void> {
  await ack({ response_type: 'ephemeral', ...renderHelp({ sandbox: deps.isSandbox() }) });
  countCommand(deps, 'help', 'ok');
}
