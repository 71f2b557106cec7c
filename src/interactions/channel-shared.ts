import type { App } from '@slack/bolt';
import { isStorageFailure } from '../store/storage-health.js';
import type { InteractionDeps } from './context.js';

/**
 * A channel became a Slack Connect channel (`channel_shared`, https://api.slack.com/events/channel_shared):
 * customers read it from now on, so orders placed there while it was internal switch to customer
 * wording (their status messages lose costs, IDs and the ops menu at the next edit, right away).
 */
export function registerChannelShared(app: App, deps: InteractionDeps): void {
  app.event('channel_shared', async ({ event }) => {
    if (!deps.channelShared) return;
    try {
      deps.channelShared(event.channel);
    } catch (error) {
      // Slack does not resend an acknowledged event; the next import posted in the channel
      // applies the same rule.
      if (!isStorageFailure(error)) throw error;
      deps.logger.error({ err: error, channel: event.channel }, 'could not record a newly shared channel');
    }
  });
}
