import { singleFlight } from '../lib/single-flight.js';
import type { Logger } from '../logger.js';
import type { PeekerClient } from '../peeker/client.js';
import type { OrderTracker } from '../services/order-tracker.js';
import type { TasksRepo } from '../store/tasks-repo.js';
import { runTasks } from './run-tasks.js';

/**
 * Runs queued follow-up calls as soon as they are queued (`tasks.onQueued`), never two passes at
 * once; the poll tick runs whatever is left (retries) on its own throttle.
 */
export function createTaskWorker(deps: {
  tasks: TasksRepo;
  tracker: OrderTracker;
  peeker: PeekerClient;
  logger: Logger;
  now: () => number;
}) {
  const run = () => runTasks(deps);
  const worker = singleFlight(run, (error) => deps.logger.error({ err: error }, 'running tasks failed'));
  let unsubscribe: (() => void) | undefined;
  return {
    start(): void {
      unsubscribe ??= deps.tasks.onQueued(() => worker.trigger());
      worker.trigger();
    },
    async stop(): Promise<void> {
      unsubscribe?.();
      unsubscribe = undefined;
      await worker.idle();
    },
    /** Runs due tasks now and waits for them (tests). */
    runNow: run,
  };
}

export type TaskWorker = ReturnType<typeof createTaskWorker>;
