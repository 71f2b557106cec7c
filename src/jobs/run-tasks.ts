import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError, PeekerNotFoundError } from '../peeker/errors.js';
import type { Throttle } from '../peeker/http.js';
import { FETCH_PENDING_TASK, type OrderTracker } from '../services/order-tracker.js';
import type { TasksRepo } from '../store/tasks-repo.js';

const MAX_ATTEMPTS = 8;
/** A failing task is retried 2 s, 4 s, 8 s… later, at most 15 minutes apart. */
const TASK_RETRY_BACKOFF: BackoffPolicy = { baseMs: 2000, capMs: 15 * 60_000, jitter: false };

export interface RunTasksDeps {
  tasks: TasksRepo;
  tracker: OrderTracker;
  peeker: PeekerClient;
  logger: Logger;
  now: () => number;
  throttle?: Throttle;
  limit?: number;
}

/**
 * Runs queued follow-up calls (today: fetching an order's pending actions after
 * `order.action_required`). Failures are retried with backoff; a task that keeps failing is
 * parked as failed and logged, never retried forever.
 */
export async function runTasks(deps: RunTasksDeps): Promise<{ done: number; failed: number }> {
  const result = { done: 0, failed: 0 };
  for (const task of deps.tasks.due(deps.now(), deps.limit ?? 50)) {
    try {
      if (task.kind === FETCH_PENDING_TASK) {
        const { data } = await deps.peeker.orders.pending(
          task.subjectId,
          deps.throttle ? { throttle: deps.throttle } : {},
        );
        deps.tracker.applyPendingActions(task.subjectId, data, deps.now());
      } else {
        // A kind this build does not know (written by a newer one?): keep it visible as failed.
        deps.logger.error({ kind: task.kind }, 'unknown task kind');
        deps.tasks.failed(task.id, 'unknown_kind');
        result.failed += 1;
        continue;
      }
      deps.tasks.done(task.id);
      result.done += 1;
    } catch (error) {
      const info = describePeekerError(error);
      if (error instanceof PeekerNotFoundError || task.attempts + 1 >= MAX_ATTEMPTS) {
        deps.tasks.failed(task.id, info.code);
        deps.logger.error(
          { taskId: task.id, kind: task.kind, code: info.code, requestId: info.requestId },
          'task failed for good',
        );
      } else {
        deps.tasks.retryAt(task.id, deps.now() + backoffDelay(TASK_RETRY_BACKOFF, task.attempts), info.code);
      }
      result.failed += 1;
    }
  }
  return result;
}
