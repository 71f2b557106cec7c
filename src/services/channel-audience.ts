import type { WebClient } from '@slack/web-api';
import { isSharedChannel } from '../slack/channel-info.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { Audience } from '../store/orders-repo.js';

/**
 * Who reads a channel. Customer channels — Slack Connect, or where nameserver instructions were
 * posted — never see costs, IDs or Peeker's internal wording. When in doubt it is a customer
 * channel: hiding the cost is the safe mistake.
 */
export function createChannelAudience(deps: { imports: ImportsRepo; client: WebClient }) {
  return async function audienceOf(channelId: string): Promise<Audience> {
    if (/^D/.test(channelId)) return 'ops';
    if (deps.imports.hasImportsInChannel(channelId)) return 'customer';
    return (await isSharedChannel(deps.client, channelId)) === false ? 'ops' : 'customer';
  };
}

export type ChannelAudience = ReturnType<typeof createChannelAudience>;
