import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { classifySlackError } from './slack-errors.js';

const channelSchema = z.object({
  is_private: z.boolean().optional(),
  is_member: z.boolean().optional(),
  is_archived: z.boolean().optional(),
});

/**
 * Why the bot could not post into a channel it is configured to post in (`DIGEST_CHANNEL`), if
 * Slack says so: a private channel it was not invited to (Slack answers `channel_not_found` for
 * those), an archived one. A public channel it is not in is fine: the outbox joins it before
 * posting. Undefined when all is well or Slack could not be asked (the post will tell).
 */
export async function channelAccessProblem(
  client: WebClient,
  channelId: string,
): Promise<string | undefined> {
  try {
    const info = await client.conversations.info({ channel: channelId });
    const channel = channelSchema.safeParse(info.channel);
    if (!channel.success) return undefined;
    if (channel.data.is_archived) return 'is_archived';
    if (channel.data.is_private && channel.data.is_member === false) return 'not_in_channel';
    return undefined;
  } catch (error) {
    const failure = classifySlackError(error);
    return failure.kind === 'channel' ? failure.error : undefined;
  }
}

/**
 * Logs, once per process, that the bot cannot post in a configured channel, with the fix. Later
 * failures (every digest slot would fail the same way) only log at debug level.
 */
export function createChannelAccessWarning(logger: Logger, variable: string, channelId: string) {
  let warned = false;
  return (error: string): void => {
    if (warned) {
      logger.debug({ channel: channelId, error }, `still cannot post in ${variable}`);
      return;
    }
    warned = true;
    logger.warn(
      { channel: channelId, error, variable },
      `The bot cannot post in ${variable} ${channelId} (${error}). Fix: in that channel type /invite @Peeker (or point ${variable} at a channel the bot is in). Nothing is posted there until then; everything else keeps working.`,
    );
  };
}
