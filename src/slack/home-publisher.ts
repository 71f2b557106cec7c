import type { WebClient } from '@slack/web-api';
import { singleFlight } from '../lib/single-flight.js';
import type { Logger } from '../logger.js';
import type { HomeBoard } from '../services/home-board.js';
import type { HomeBoardsRepo } from '../store/home-boards-repo.js';
import { classifySlackError } from './slack-errors.js';

export interface HomePublisherDeps {
  board: HomeBoard;
  boards: HomeBoardsRepo;
  client: WebClient;
  logger: Logger;
  now: () => number;
  /** A burst of changes is published once, this long after the last one… */
  debounceMs?: number;
  /** …but never later than this after the first. */
  maxWaitMs?: number;
  /**
   * Refresh publishes per minute. `views.publish` is Tier 4 (100+ per minute per workspace,
   * https://api.slack.com/docs/rate-limits); refreshes keep to half of that so people opening
   * their tab never wait.
   */
  publishesPerMinute?: number;
  /** People who have not opened their tab for this long are no longer kept up to date. */
  activeForMs?: number;
  /** At most this many boards are kept up to date (the most recently opened). */
  maxBoards?: number;
}

export interface RefreshResult {
  published: number;
  unchanged: number;
  /** Left for later: the per-minute budget was spent, or Slack asked us to wait. */
  deferred: number;
  failed: number;
}

/**
 * Publishes each person's App Home board (`views.publish`): at once when they open the tab, and
 * again when one of their items changes — a change anywhere (the outbox's "something was queued",
 * the follow-up tick) schedules one debounced pass that re-renders the boards of people who opened
 * their tab recently and publishes only those whose content changed, within a per-minute budget.
 */
export function createHomePublisher(deps: HomePublisherDeps) {
  const { board, boards, client, logger, now } = deps;
  const debounceMs = deps.debounceMs ?? 2_000;
  const maxWaitMs = deps.maxWaitMs ?? 10_000;
  const perMinute = deps.publishesPerMinute ?? 50;
  const activeForMs = deps.activeForMs ?? 14 * 24 * 3600_000;
  const maxBoards = deps.maxBoards ?? 200;

  const recent: number[] = [];
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let firstChangeAt: number | undefined;
  let lastChangeAt: number | undefined;
  let stopped = false;

  /** Spends one publish of the per-minute budget; false when it is spent. */
  function takeBudget(at: number): boolean {
    while (recent.length > 0 && (recent[0] ?? 0) <= at - 60_000) recent.shift();
    if (recent.length >= perMinute) return false;
    recent.push(at);
    return true;
  }

  /** When the budget has room again (or Slack's pause ends). */
  function nextRoomAt(at: number): number {
    const windowFree = recent.length >= perMinute ? (recent[0] ?? at) + 60_000 : at;
    return Math.max(windowFree, pausedUntil);
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, delayMs));
    timer.unref();
  }

  /** The timer is due: refresh now, unless changes are still coming and the longest wait is not over. */
  function fire(): void {
    timer = undefined;
    const at = now();
    const quietFor = at - (lastChangeAt ?? at - debounceMs);
    if (firstChangeAt !== undefined && quietFor < debounceMs && at - firstChangeAt < maxWaitMs) {
      schedule(Math.min(debounceMs - quietFor, firstChangeAt + maxWaitMs - at));
      return;
    }
    firstChangeAt = undefined;
    lastChangeAt = undefined;
    flight.trigger();
  }

  async function publish(
    userId: string,
    view: ReturnType<HomeBoard['render']>['view'],
  ): Promise<'ok' | 'paused' | 'failed'> {
    try {
      await client.views.publish({ user_id: userId, view });
      return 'ok';
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'rate_limited') {
        pausedUntil = now() + failure.retryAfterMs;
        return 'paused';
      }
      logger.warn({ user: userId, error: failure.error }, 'could not publish the Home tab');
      return 'failed';
    }
  }

  async function refresh(): Promise<RefreshResult> {
    const result: RefreshResult = { published: 0, unchanged: 0, deferred: 0, failed: 0 };
    const subscribers = boards.subscribers(now() - activeForMs, maxBoards);
    for (const [index, subscriber] of subscribers.entries()) {
      if (stopped) break;
      const at = now();
      const rendered = board.render(subscriber.userId, at);
      if (rendered.signature === subscriber.signature) {
        result.unchanged += 1;
        continue;
      }
      if (at < pausedUntil || !takeBudget(at)) {
        result.deferred = subscribers.length - index;
        break;
      }
      const outcome = await publish(subscriber.userId, rendered.view);
      if (outcome === 'paused') {
        result.deferred = subscribers.length - index;
        break;
      }
      if (outcome === 'failed') result.failed += 1;
      else result.published += 1;
      // A refused publish is not retried on every change (it would be refused again): recorded as shown.
      boards.published(subscriber.userId, rendered.signature, now());
    }
    if (result.deferred > 0) schedule(nextRoomAt(now()) - now() + 50);
    return result;
  }

  let last: RefreshResult = { published: 0, unchanged: 0, deferred: 0, failed: 0 };
  const flight = singleFlight(
    async () => {
      last = await refresh();
    },
    (error) => logger.error({ err: error }, 'refreshing Home tabs failed'),
  );

  return {
    /** `app_home_opened`: remember the person and publish their board now (fresh ages included). */
    async opened(userId: string): Promise<void> {
      const at = now();
      try {
        boards.opened(userId, at);
      } catch (error) {
        logger.warn({ err: error }, 'could not record who opened the Home tab');
      }
      const rendered = board.render(userId, at);
      if (at < pausedUntil) {
        schedule(pausedUntil - at + 50);
        return;
      }
      takeBudget(at);
      if ((await publish(userId, rendered.view)) === 'ok') {
        try {
          boards.published(userId, rendered.signature, now());
        } catch (error) {
          logger.warn({ err: error }, 'could not record the published Home tab');
        }
      } else if (pausedUntil > now()) {
        schedule(pausedUntil - now() + 50);
      }
    },

    /**
     * Something changed somewhere (called for every outbox write, so it stays cheap): the boards
     * are refreshed once `debounceMs` after the quiet that follows, and at least every `maxWaitMs`
     * while changes keep coming.
     */
    changed(): void {
      if (stopped) return;
      const at = now();
      lastChangeAt = at;
      firstChangeAt ??= at;
      if (timer) return;
      schedule(Math.max(debounceMs, pausedUntil - at));
    },

    /** Re-renders every active board now and publishes the changed ones (tests, benchmarks). */
    async refreshNow(): Promise<RefreshResult> {
      flight.trigger();
      await flight.idle();
      return last;
    },

    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await flight.idle();
    },
  };
}

export type HomePublisher = ReturnType<typeof createHomePublisher>;
