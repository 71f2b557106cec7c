import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { RenderedMessage } from '../views/blocks.js';
import { classifySlackError } from './slack-errors.js';

/** Who to tell, and how to reach them. */
export interface Requester {
  userId: string;
  /** The channel the command was typed in. */
  channelId: string;
  /** The command's `response_url` (valid ~30 min, a few uses). */
  responseUrl: string | null;
}

export interface Responder {
  /** Sends an ephemeral message to the requester; false when no route worked (it is logged). */
  tell(requester: Requester, message: RenderedMessage): Promise<boolean>;
  /** A direct message from the app to one person (their Messages tab with the app). */
  dm(userId: string, message: RenderedMessage): Promise<boolean>;
}

/**
 * Ephemeral answers to the person who acted, also after a restart (no Bolt `respond()` then):
 * the stored `response_url` first, then `chat.postEphemeral` in the channel they typed in.
 */
export function createResponder(options: {
  client: WebClient;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}): Responder {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async tell(requester, message) {
      if (requester.responseUrl) {
        try {
          const response = await fetchFn(requester.responseUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (response.ok) return true;
          options.logger.info(
            { status: response.status },
            'response_url refused; falling back to an ephemeral message',
          );
        } catch (error) {
          options.logger.info(
            { err: String(error) },
            'response_url failed; falling back to an ephemeral message',
          );
        }
      }
      try {
        await options.client.chat.postEphemeral({
          channel: requester.channelId,
          user: requester.userId,
          text: message.text,
          blocks: message.blocks,
        });
        return true;
      } catch (error) {
        options.logger.warn(
          { user: requester.userId, channel: requester.channelId, error: classifySlackError(error).error },
          'could not reach the requester',
        );
        return false;
      }
    },
    async dm(userId, message) {
      try {
        await options.client.chat.postMessage({
          channel: userId,
          text: message.text,
          blocks: message.blocks,
        });
        return true;
      } catch (error) {
        options.logger.warn(
          { user: userId, error: classifySlackError(error).error },
          'could not send a direct message',
        );
        return false;
      }
    },
  };
}
