import type { Logger } from '../logger.js';
import type { SlackFailure } from './slack-errors.js';

/**
 * When the outbox may call Slack again: after a 429 the whole method waits `Retry-After`
 * (https://api.slack.com/apis/rate-limits), and each channel takes at most one post per
 * `postSpacingMs` (chat.postMessage allows about one message per second per channel), so replies
 * queued meanwhile can be batched into the next post.
 */
export function createPostPacing(options: { postSpacingMs: number; now: () => number; logger: Logger }) {
  const { now, logger } = options;
  const pausedUntil = new Map<string, number>();
  const channelFreeAt = new Map<string, number>();

  return {
    /** When `method` may be called again, if it is paused by a rate limit. */
    pausedUntil(method: string): number | undefined {
      const until = pausedUntil.get(method);
      return until !== undefined && until > now() ? until : undefined;
    },
    /** Slack rate-limited `method`: pause it for as long as Slack asked (1 s when it did not say). */
    noteRateLimit(method: string, failure: SlackFailure): number {
      const until = Math.round(now() + (failure.kind === 'rate_limited' ? failure.retryAfterMs : 1000));
      pausedUntil.set(method, Math.max(pausedUntil.get(method) ?? 0, until));
      logger.warn({ method, retryAt: new Date(until).toISOString() }, 'slack rate limit; waiting it out');
      return until;
    },
    /** When `channel` may take its next post, if that is later than now. */
    spacedUntil(channel: string): number | undefined {
      const at = channelFreeAt.get(channel);
      return at !== undefined && at > now() ? at : undefined;
    },
    /**
     * Takes the channel's next post slot if it is free (true), before the call is made: posts
     * running side by side in one pass must not all see the channel as free.
     */
    reserve(channel: string): boolean {
      if (this.spacedUntil(channel) !== undefined) return false;
      channelFreeAt.set(channel, now() + options.postSpacingMs);
      return true;
    },
    /** The reserved post did not happen (Slack refused or failed it): the slot is free again. */
    release(channel: string): void {
      channelFreeAt.delete(channel);
    },
  };
}

export type PostPacing = ReturnType<typeof createPostPacing>;
