import pLimit from 'p-limit';
import type { Logger } from '../logger.js';
import type { PeekerClient } from '../peeker/client.js';
import { PeekerNotFoundError } from '../peeker/errors.js';
import type { Throttle } from '../peeker/http.js';
import { observe } from '../services/import-state.js';
import type { ImportTracker } from '../services/import-tracker.js';
import type { ImportsRepo } from '../store/imports-repo.js';

export interface PollImportsDeps {
  imports: ImportsRepo;
  tracker: ImportTracker;
  peeker: PeekerClient;
  /** The poll loop's share of the rate limit. */
  throttle: Throttle;
  logger: Logger;
  now: () => number;
  /** At most this many checks per tick (the tick's share of the rate limit). */
  maxChecks: number;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface PollResult {
  checked: number;
  changed: number;
  failed: number;
}

/**
 * One tick of the poll loop: re-checks the unfinished imports that are due, most
 * overdue first, and feeds each answer to the same state machine as the webhooks. A failing
 * check is recorded and retried later; it never stops the tick.
 */
export async function pollImports(deps: PollImportsDeps): Promise<PollResult> {
  const due = deps.imports.due(deps.now(), deps.maxChecks);
  const result: PollResult = { checked: 0, changed: 0, failed: 0 };
  const limit = pLimit(deps.concurrency ?? 8);
  const check = async (record: (typeof due)[number]) => {
    if (deps.signal?.aborted) return;
    try {
      const { data } = await deps.peeker.imports.get(record.id, record.kind, {
        throttle: deps.throttle,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      const transition = deps.tracker.apply(record.id, observe(data, 'poll'), 'poll', deps.now());
      result.checked += 1;
      if (transition?.changes.length) result.changed += 1;
    } catch (error) {
      if (deps.signal?.aborted) return;
      result.failed += 1;
      deps.tracker.recordCheckFailure(record.id, deps.now());
      deps.logger.warn(
        { importId: record.id, err: error, notFound: error instanceof PeekerNotFoundError },
        'import check failed; will retry later',
      );
    }
  };
  await Promise.all(due.map((record) => limit(() => check(record))));
  return result;
}
