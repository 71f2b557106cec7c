import type { z } from 'zod';
import { type BackgroundGate, nextTurnGate } from '../lib/background-gate.js';
import type { Logger } from '../logger.js';
import type { CommandRecord, CommandsRepo } from '../store/commands-repo.js';
import { isStorageFailure } from '../store/storage-health.js';

/**
 * A slash command whose work outlives its acknowledgement: stored in SQLite before the ack, run in
 * the background, and resumed after a crash. `args` is the schema of what the listener stored, so
 * a resumed command is parsed again rather than trusted.
 */
export interface DurableCommand<Args> {
  kind: string;
  args: z.ZodType<Args>;
  run(command: CommandRecord<Args>): Promise<void>;
}

/** A {@link DurableCommand} with its argument type checked at the boundary, ready for the runner. */
export interface RegisteredCommand {
  kind: string;
  execute(command: CommandRecord): Promise<void>;
}

/** Registers a durable command: its stored arguments are parsed with its schema before it runs. */
export function durableCommand<Args>(spec: DurableCommand<Args>): RegisteredCommand {
  return {
    kind: spec.kind,
    async execute(command) {
      const args = spec.args.parse(command.args);
      await spec.run({ ...command, args });
    },
  };
}

/**
 * Runs acknowledged commands in the background and, on start-up, the ones a previous process
 * acknowledged but did not finish. A command stays `pending` in SQLite until its handler has
 * told the requester the outcome.
 */
export function createCommandRunner(options: {
  commands: CommandsRepo;
  handlers: readonly RegisteredCommand[];
  logger: Logger;
  /** Tell the requester something went wrong on our side (the handler threw). */
  onCrash?: (command: CommandRecord, error: unknown) => Promise<void>;
  now?: () => number;
  /** Commands worked on at once; the rest wait their turn (acknowledgements never do). */
  concurrency?: number;
  /** Acks first: a command starts only once no request is waiting for its answer. */
  gate?: BackgroundGate;
}) {
  const now = options.now ?? Date.now;
  const handlers = new Map(options.handlers.map((handler) => [handler.kind, handler]));
  // Background work of earlier commands must never sit in front of a new acknowledgement: a
  // few run at once, and each starts on a later turn of the event loop, after the ack is sent,
  // once no request is waiting for its answer (the handlers yield the same way between steps).
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const gate = options.gate ?? nextTurnGate;
  const running = new Map<number, Promise<void>>();
  // The rest wait their turn as IDs only, oldest first: the command itself is in SQLite (read
  // again when it starts), so a flood of acknowledged commands costs the process next to nothing.
  const waiting: number[] = [];
  const waitingIds = new Set<number>();
  let accepting = true;

  /** Starts waiting commands while fewer than `concurrency` run. */
  function startNext(): void {
    // Once stopping, queued commands stay pending in SQLite: the next start resumes them.
    while (accepting && running.size < concurrency && waiting.length > 0) {
      const id = waiting.shift() as number;
      waitingIds.delete(id);
      const run = (async () => {
        await gate.turn();
        // Stopping meanwhile: not begun, so left pending for the next start.
        if (!accepting) return;
        const command = options.commands.get(id);
        // Finished meanwhile (or gone): nothing to do.
        if (command?.status === 'pending') await execute(command);
      })()
        .catch((error: unknown) =>
          options.logger.error({ commandId: id, err: error }, 'command runner failed'),
        )
        .finally(() => {
          running.delete(id);
          startNext();
        });
      running.set(id, run);
    }
  }

  async function execute(command: CommandRecord): Promise<void> {
    const handler = handlers.get(command.kind);
    if (!handler) {
      options.logger.error({ commandId: command.id, kind: command.kind }, 'no handler for stored command');
      options.commands.finish(command.id, 'no_handler', now());
      return;
    }
    try {
      await handler.execute(command);
    } catch (error) {
      if (isStorageFailure(error)) {
        // Nothing can be recorded right now; the command stays pending and is resumed once the
        // database takes writes again (`resumePending` from the poll tick).
        options.logger.error({ commandId: command.id, err: error }, 'command paused: storage unavailable');
        return;
      }
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
    /** Starts a stored command in the background; false when it is already running (or finished). */
    dispatch(command: CommandRecord): boolean {
      if (!accepting || command.status !== 'pending') return false;
      if (running.has(command.id) || waitingIds.has(command.id)) return false;
      waiting.push(command.id);
      waitingIds.add(command.id);
      startNext();
      return true;
    },
    /**
     * Resumes every acknowledged command that is not finished and not running: at start-up (a
     * previous process stopped mid-way) and from the poll tick (one paused by a storage failure).
     */
    resumePending(): number {
      let resumed = 0;
      for (const command of options.commands.pending()) if (this.dispatch(command)) resumed += 1;
      if (resumed > 0) options.logger.info({ count: resumed }, 'resuming unfinished commands');
      return resumed;
    },
    /** Waits for running commands (used on shutdown and in tests). */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
    stopAccepting(): void {
      accepting = false;
    },
  };
}

export type CommandRunner = ReturnType<typeof createCommandRunner>;
