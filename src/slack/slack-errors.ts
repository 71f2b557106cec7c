import { ErrorCode } from '@slack/web-api';

/**
 * What a failed Slack Web API call means for us. Platform errors (`ok: false`) are never worth
 * retrying as-is; 429s are waited out; transport failures are retried, remembering that the
 * call may have landed (a post that timed out may still have been posted).
 */
export type SlackFailure =
  | { kind: 'rate_limited'; error: 'ratelimited'; retryAfterMs: number }
  | { kind: 'channel'; error: string }
  | { kind: 'message_gone'; error: string }
  | { kind: 'invalid'; error: string }
  | { kind: 'auth'; error: string }
  | { kind: 'transient'; error: string; maybeDelivered: boolean };

const CHANNEL_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
  'cannot_reply_to_message',
]);
const MESSAGE_GONE_ERRORS = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'thread_not_found',
]);
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'not_allowed_token_type',
]);
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function classifySlackError(error: unknown): SlackFailure {
  const coded = error as {
    code?: string;
    data?: { error?: string };
    retryAfter?: number;
    statusCode?: number;
  };
  switch (coded?.code) {
    case ErrorCode.RateLimitedError:
      return {
        kind: 'rate_limited',
        error: 'ratelimited',
        retryAfterMs: Math.max(1, coded.retryAfter ?? 1) * 1000,
      };
    case ErrorCode.PlatformError: {
      const platform = coded.data?.error ?? 'unknown_error';
      if (platform === 'ratelimited')
        return { kind: 'rate_limited', error: 'ratelimited', retryAfterMs: 1000 };
      if (CHANNEL_ERRORS.has(platform)) return { kind: 'channel', error: platform };
      if (MESSAGE_GONE_ERRORS.has(platform)) return { kind: 'message_gone', error: platform };
      if (AUTH_ERRORS.has(platform)) return { kind: 'auth', error: platform };
      if (TRANSIENT_ERRORS.has(platform)) {
        return { kind: 'transient', error: platform, maybeDelivered: platform === 'request_timeout' };
      }
      return { kind: 'invalid', error: platform };
    }
    case ErrorCode.HTTPError:
      return { kind: 'transient', error: `http_${coded.statusCode ?? 'error'}`, maybeDelivered: true };
    default:
      return { kind: 'transient', error: 'request_failed', maybeDelivered: true };
  }
}
