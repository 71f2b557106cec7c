import cron from 'node-cron';
import type { Logger } from '../logger.js';

/** True when `expression` is a cron schedule node-cron accepts (a leading seconds field is allowed). */
export function isValidCronExpression(expression: string): boolean {
  try {
    return cron.validate(expression);
  } catch {
    return false;
  }
}

/** Milliseconds between two consecutive runs of `expression` (used to size a tick's call budget). */
export function cronPeriodMs(expression: string): number {
  const task = cron.createTask(expression, () => undefined);
  try {
    const [first, second] = task.getNextRuns(2);
    return first && second ? Math.max(1000, second.getTime() - first.getTime()) : 60_000;
  } finally {
    void task.destroy();
  }
}

export interface RecurringJob {
  stop(): Promise<void>;
}

/**
 * Runs `run` on the cron schedule. A tick that is still running when the next one is due is
 * skipped rather than overlapped: two polls must never run against the same imports at once. `stop()` waits for the
 * running tick to finish.
 */
export function scheduleRecurring(
  name: string,
  expression: string,
  run: () => Promise<void>,
  logger: Logger,
): RecurringJob {
  let running: Promise<void> | undefined;
  const task = cron.schedule(
    expression,
    () => {
      if (running) {
        logger.debug({ job: name }, 'previous tick still running; skipping this one');
        return;
      }
      running = run()
        .catch((error: unknown) => logger.error({ job: name, err: error }, 'scheduled job failed'))
        .finally(() => {
          running = undefined;
        });
      // Not returned to node-cron: its own overlap guard would print an unstructured warning past
      // our logger on every skipped tick; ours above skips quietly.
    },
    { name },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
