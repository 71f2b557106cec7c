import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

/** The fields of `conversations.info` we read (https://api.slack.com/methods/conversations.info). */
const channelSchema = z.object({
  is_ext_shared: z.boolean().optional(),
  is_shared: z.boolean().optional(),
  is_pending_ext_shared: z.boolean().optional(),
});

/**
 * Whether a channel is shared with another organisation (Slack Connect), where customers read
 * along. Undefined when Slack could not tell us (no access, network).
 */
export async function isSharedChannel(client: WebClient, channelId: string): Promise<boolean | undefined> {
  try {
    const info = await client.conversations.info({ channel: channelId });
    const channel = channelSchema.safeParse(info.channel);
    if (!channel.success) return undefined;
    return Boolean(
      channel.data.is_ext_shared || channel.data.is_shared || channel.data.is_pending_ext_shared,
    );
  } catch {
    return undefined;
  }
}
