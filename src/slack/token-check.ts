import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { classifySlackError } from './slack-errors.js';

const REFUSED_TOKEN = new Set(['invalid_auth', 'token_revoked', 'not_authed', 'account_inactive']);

/**
 * `auth.test` at start-up: a refused bot token is logged loudly (the admin must fix it); Slack
 * being unreachable is not fatal — work is stored and the outbox keeps trying. Never throws.
 */
export async function checkSlackToken(client: WebClient, logger: Logger): Promise<void> {
  try {
    const identity = await client.auth.test();
    logger.info({ team: identity.team, botUserId: identity.user_id }, 'connected to Slack');
  } catch (error) {
    const code = classifySlackError(error).error;
    if (REFUSED_TOKEN.has(code)) logger.error({ code }, 'Slack refused SLACK_BOT_TOKEN: check the token');
    else logger.warn({ code }, 'could not reach Slack at start-up; will keep trying as work arrives');
  }
}
