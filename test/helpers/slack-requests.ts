/**
 * Requests as Slack sends them to the app: the signing headers, the slash-command and
 * interactivity form bodies, and a signed POST. Shared by the in-process harness
 * (test/helpers/harness.ts), the child-process helpers (test/helpers/child-app.ts) and the
 * benchmarks (bench/lib.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The signing secret every test app is configured with (`SLACK_SIGNING_SECRET`). */
export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** Content type of slash commands and interactivity payloads. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/**
 * The headers Slack signs a request with: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`, and the
 * timestamp (seconds) it signed.
 */
export function slackSignatureHeaders(
  body: string,
  secret = SIGNING_SECRET,
  timestamp = Math.floor(Date.now() / 1000),
): { 'x-slack-request-timestamp': string; 'x-slack-signature': string } {
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  };
}

/** The form body of `/peeker <text>` as Slack sends it (URL-encoded). */
export function slashCommandForm(options: {
  text: string;
  responseUrl: string;
  channel?: string | undefined;
  user?: string | undefined;
  triggerId?: string | undefined;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T000FAKE',
    team_domain: 'fake',
    channel_id: options.channel ?? 'COPS',
    channel_name: 'ops',
    user_id: options.user ?? 'UOPS',
    user_name: 'ops-person',
    command: '/peeker',
    text: options.text,
    api_app_id: 'A000FAKE',
    response_url: options.responseUrl,
    trigger_id: options.triggerId ?? `trig.${randomBytes(8).toString('hex')}`,
  }).toString();
}

/** The form body of an interactivity payload (block_actions, view_submission…) as Slack sends it. */
export function interactionForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs `body` to `url`, signed as Slack would sign it. */
export function signedSlackPost(
  url: string,
  body: string,
  contentType = FORM_CONTENT_TYPE,
  secret = SIGNING_SECRET,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...slackSignatureHeaders(body, secret) },
    body,
  });
}

/**
 * The app's acknowledgement of a Slack request: its JSON body, `{ text: <raw body> }` when it is not
 * JSON, or undefined when it is empty.
 */
export function parseAck<T = { text?: string }>(raw: string): T | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return { text: raw } as T;
  }
}
