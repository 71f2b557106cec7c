import type { Logger } from '../logger.js';
import type { CommandRecord, CommandsRepo } from '../store/commands-repo.js';

export type CommandHandler = (command: CommandRecord<never>) => Promise<void>;

/**
 * Runs acknowledged commands in the background and, on start-up, the ones a previous process
 * acknowledged but did not finish. A command stays `pending` in SQLite until its handler has
 * told the requester the outcome.
 */
export function createCommandRunner(options: {
  commands: CommandsRepo;
  handlers: Record<string, CommandHandler>;
  logger: Logger;
  /** Tell the requester something went wrong on our side (the handler threw). */
  onCrash?: (command: CommandRecord, error: unknown) => Promise<void>;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const inFlight = new Map<number, Promise<void>>();
  let accepting = true;

  async function execute(command: CommandRecord): Promise<void> {
    const handler = options.handlers[command.kind];
    if (!handler) {
      options.logger.error({ commandId: command.id, kind: command.kind }, 'no handler for stored command');
      options.commands.finish(command.id, 'no_handler', now());
      return;
    }
    try {
      await handler(command as CommandRecord<never>);
    } catch (error) {
      options.logger.error(
        { commandId: command.id, kind: command.kind, err: error },
        'command failed unexpectedly',
      );
      // An unexpected failure is finished too (and reported), or it would be retried forever.
      options.commands.finish(command.id, 'crashed', now());
      await options.onCrash?.(command, error).catch(() => undefined);
    }
  }

  return {
    /** Starts a stored command in the background (a no-op if it is already running). */
    dispatch(command: CommandRecord): void {
      if (!accepting || inFlight.has(command.id) || command.status !== 'pending') return;
      const run = execute(command).finally(() => inFlight.delete(command.id));
      inFlight.set(command.id, run);
    },
    /** Resumes every command a previous process acknowledged but did not finish. */
    resumePending(): number {
      const pending = options.commands.pending();
      for (const command of pending) this.dispatch(command);
      if (pending.length > 0) options.logger.info({ count: pending.length }, 'resuming unfinished commands');
      return pending.length;
    },
    /** Waits for running commands (used on shutdown and in tests). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
    },
    stopAccepting(): void {
      accepting = false;
    },
  };
}

export type CommandRunner = ReturnType<typeof createCommandRunner>;
