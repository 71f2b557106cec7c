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
 * Runs `run` on the cron schedule (in `options.timezone`, an IANA zone, when given; the process's
 * zone otherwise), with the slot it fires for. A tick that is still running when the next one is
 * due is skipped rather than overlapped: two polls must never run against the same imports at once.
 * `stop()` waits for the running tick to finish.
 */
export function scheduleRecurring(
  name: string,
  expression: string,
  run: (slot: Date) => Promise<void>,
  logger: Logger,
  options: { timezone?: string } = {},
): RecurringJob {
  let running: Promise<void> | undefined;
  const task = cron.schedule(
    expression,
    (context) => {
      if (running) {
        logger.debug({ job: name }, 'previous tick still running; skipping this one');
        return;
      }
      // node-cron hands over the slot it fired for (in the schedule's time zone, as an instant).
      running = run(context?.date instanceof Date ? context.date : new Date())
        .catch((error: unknown) => logger.error({ job: name, err: error }, 'scheduled job failed'))
        .finally(() => {
          running = undefined;
        });
      // Not returned to node-cron: its own overlap guard would print an unstructured warning past
      // our logger on every skipped tick; ours above skips quietly.
    },
    { name, ...(options.timezone ? { timezone: options.timezone } : {}) },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}

/**
 * The latest slot of `expression` (in `timezone`) in the window `(at - windowMs, at]`, or undefined
 * when the schedule had none in it. For catching up a slot missed while the app was down, on any
 * clock (a virtual one in tests): node-cron itself only looks forward from the real time.
 * Walks back minute by minute — one `match` per minute, since the minute, hour, day and month fields
 * hold for a whole minute — and within a minute picks the latest allowed second not after `at`.
 */
export function latestSlot(
  expression: string,
  timezone: string | undefined,
  at: number,
  windowMs: number,
): number | undefined {
  const seconds = [...cron.parse(expression).second].sort((a, b) => b - a);
  const task = cron.createTask(expression, () => undefined, timezone ? { timezone } : {});
  try {
    const earliest = at - windowMs;
    for (let minute = Math.floor(at / 60_000) * 60_000; minute + 60_000 > earliest; minute -= 60_000) {
      const second = seconds.find((s) => minute + s * 1000 <= at);
      if (second === undefined) continue;
      const candidate = minute + second * 1000;
      if (candidate <= earliest) break;
      if (task.match(new Date(candidate))) return candidate;
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}
