import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { classifySlackError } from './slack-errors.js';

/** The `metadata.event_type` of every message the outbox posts. */
export const OUTBOX_METADATA_EVENT = 'peeker_message';
/** Pages of history read at most when looking for a post (200 messages each). */
const MAX_LOOKUP_PAGES = 10;

/**
 * Every message the outbox posts carries its outbox key in message metadata
 * (https://api.slack.com/metadata/using), so a post that may have landed before a crash or a
 * timeout can be found again instead of being posted twice. A batched reply names every reply it
 * carries, joined by `-`.
 */
export function outboxMetadata(key: string) {
  return { event_type: OUTBOX_METADATA_EVENT, event_payload: { key } };
}

/**
 * Outbox keys of the messages posted since `sinceMs` in a channel (or one thread), mapped to the
 * message `ts`. Follows the cursor: a long thread (a 500-domain order) has more replies than one
 * page. Without history access the answer is empty: posting again risks a duplicate but never
 * loses the message.
 */
export async function findPostedKeys(
  client: WebClient,
  logger: Logger,
  where: { channel: string; sinceMs: number; threadTs?: string | undefined },
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const oldest = ((where.sinceMs - 60_000) / 1000).toFixed(6);
  try {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page += 1) {
      const common = { channel: where.channel, oldest, include_all_metadata: true, limit: 200 };
      const result = where.threadTs
        ? await client.conversations.replies({ ...common, ts: where.threadTs, ...(cursor ? { cursor } : {}) })
        : await client.conversations.history({ ...common, ...(cursor ? { cursor } : {}) });
      for (const message of result.messages ?? []) {
        const payload = message.metadata?.event_payload as { key?: unknown } | undefined;
        if (message.metadata?.event_type !== OUTBOX_METADATA_EVENT || !message.ts) continue;
        if (typeof payload?.key !== 'string') continue;
        for (const part of payload.key.split('-')) found.set(part, message.ts);
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
  } catch (error) {
    logger.warn(
      { channel: where.channel, err: classifySlackError(error).error },
      'could not check whether a post already landed',
    );
  }
  return found;
}
