import { code, escapeMrkdwn } from './text.js';

/** Plain data describing a Peeker failure (see `describePeekerError`). */
export interface PeekerErrorView {
  /** `rejected`: Peeker said no (fix and retry); `unavailable`: Peeker failed or was unreachable. */
  kind: 'rejected' | 'unavailable' | 'rate_limited' | 'auth';
  code: string;
  message: string;
  field: string | undefined;
  requestId: string | undefined;
  retryAfterSeconds: number | undefined;
}

/** `error.code` · field · request ID, what support asks for (ops-facing only). */
export function peekerErrorFacts(error: {
  code: string;
  field?: string | null | undefined;
  requestId?: string | null | undefined;
}): string {
  return [
    code(error.code),
    error.field ? `field ${code(error.field)}` : undefined,
    error.requestId ? `request ${code(error.requestId)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * A Peeker failure for the ops person who acted (never for customer channels): Peeker's message,
 * `error.code`, the field it blames and the request ID support asks for, plus what to do.
 */
export function peekerErrorText(action: string, error: PeekerErrorView): string {
  const facts = peekerErrorFacts(error);
  const advice: Record<PeekerErrorView['kind'], string> = {
    rejected: 'Fix the input and run the command again.',
    unavailable:
      'Nothing was changed on our side. Try again in a few minutes; if it keeps failing, send the request ID to Peeker support.',
    rate_limited: `Peeker is rate-limiting us${error.retryAfterSeconds ? ` (retry in ${error.retryAfterSeconds} s)` : ''}. Try again in a minute.`,
    auth: 'The Peeker API key is missing a permission or was revoked — ask your Slack admin to check PEEKER_API_KEY.',
  };
  return `❌ Peeker could not ${action}: *${escapeMrkdwn(error.message)}*\n${facts}\n${advice[error.kind]}`;
}
