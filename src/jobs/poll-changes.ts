import type { Logger } from '../logger.js';
import type { PeekerClient } from '../peeker/client.js';
import type { Throttle } from '../peeker/http.js';
import type { ForwardingService } from '../services/forwarding-service.js';
import type { ForwardingTracker } from '../services/forwarding-tracker.js';
import type { SwapSender } from '../services/swap-sender.js';
import type { SwapTracker } from '../services/swap-tracker.js';
import type { ForwardingRepo } from '../store/forwarding-repo.js';
import type { SwapsRepo } from '../store/swaps-repo.js';

/** A claimed swap untouched this long has lost its sender (a restart, Peeker unreachable): look it up. */
const RESUME_CLAIMS_AFTER_MS = 60_000;

export interface PollChangesDeps {
  forwarding: ForwardingRepo;
  forwardingService: ForwardingService;
  forwardingTracker: ForwardingTracker;
  swaps: SwapsRepo;
  swapTracker: SwapTracker;
  swapSender: SwapSender;
  peeker: PeekerClient;
  logger: Logger;
  now: () => number;
}

/**
 * Part of the poll tick, for changes to live domains, within `maxChecks` Peeker calls:
 * forwarding batches Peeker has not accepted yet are sent again; swaps claimed but unanswered are
 * looked up (then sent if Peeker has none); forwarding jobs not yet terminal are read with
 * `GET /domains/forwarding/{id}` and swaps gone quiet with `GET /swaps/{id}`. Answers go through
 * the same state machines as the webhooks, so whichever comes first wins.
 */
export async function pollChanges(
  deps: PollChangesDeps,
  options: { throttle: Throttle; maxChecks: number; signal?: AbortSignal },
): Promise<{ checked: number; failed: number }> {
  const result = { checked: 0, failed: 0 };
  let budget = Math.max(0, options.maxChecks);
  const spend = (calls: number) => {
    budget -= calls;
  };

  if (budget > 0) {
    const sent = await deps.forwardingService.sendDue(Math.max(1, Math.floor(budget / 4)));
    result.checked += sent.sent;
    result.failed += sent.failed;
    spend(sent.sent + sent.failed);
  }
  if (budget > 0) {
    const resumed = await deps.swapSender.resume({
      olderThanMs: RESUME_CLAIMS_AFTER_MS,
      limit: Math.max(1, Math.floor(budget / 8)),
    });
    result.checked += resumed.attempted;
    // A resumed claim costs a lookup and maybe a POST.
    spend(resumed.attempted * 2);
  }

  for (const batch of deps.forwarding.dueToCheck(deps.now(), Math.max(0, Math.ceil(budget / 2)))) {
    if (options.signal?.aborted || budget <= 0 || !batch.jobId) break;
    spend(1);
    try {
      const { data } = await deps.peeker.forwarding.get(batch.jobId, {
        throttle: options.throttle,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      deps.forwardingTracker.applyJob(
        batch.jobId,
        {
          status: data.status,
          completed: data.completed,
          failed: data.failed.map((row) => ({ domain: row.domain, reason: row.reason ?? null })),
        },
        'poll',
        deps.now(),
      );
      result.checked += 1;
    } catch (error) {
      result.failed += 1;
      deps.logger.warn({ jobId: batch.jobId, err: error }, 'forwarding job check failed; will retry');
      deps.forwardingTracker.deferCheck(batch.jobId, deps.now());
    }
  }

  for (const row of deps.swaps.dueForCheck(deps.now(), Math.max(0, budget))) {
    if (options.signal?.aborted || budget <= 0) break;
    spend(1);
    try {
      const { data } = await deps.peeker.swaps.get(row.id, {
        throttle: options.throttle,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      deps.swapTracker.apply(
        row.id,
        {
          status: data.status,
          at: null,
          reason: data.reason ?? null,
          warmUntil: data.warm_until ?? null,
          completedAt: data.completed_at ?? null,
        },
        deps.now(),
      );
      result.checked += 1;
    } catch (error) {
      result.failed += 1;
      deps.logger.warn({ swapId: row.id, err: error }, 'swap check failed; will retry');
      deps.swapTracker.deferCheck(row.id, deps.now());
    }
  }
  return result;
}
