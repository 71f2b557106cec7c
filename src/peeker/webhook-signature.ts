import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureFailure =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'signature_mismatch';

export type SignatureCheck =
  | { ok: true; signedString: 'timestamped' | 'raw_body' }
  | { ok: false; reason: SignatureFailure };

export interface SignatureInput {
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  /** Every configured secret (rotation, sandbox + live). */
  secrets: readonly string[];
  nowSeconds: number;
  toleranceSeconds?: number;
}

const V1 = /^v1=([0-9a-f]{64})$/i;

/**
 * Verifies `Peeker-Signature: v1=<hex>` (https://docs.peeker.ai/webhooks): HMAC-SHA256 with a webhook secret over
 * `<Peeker-Timestamp>.<raw body>`, or over the raw body alone, because Peeker's published docs
 * do not pin the signed string. Several `v1=` values (separated by commas or spaces) and several
 * secrets are accepted so a secret can be rotated without dropping events. The timestamp must be
 * within `toleranceSeconds` (default 5 minutes) of now in either direction, which bounds replays
 * to a window the event-ID dedupe covers. Comparisons are constant-time.
 */
export function verifyWebhookSignature(input: SignatureInput): SignatureCheck {
  if (!input.signature || input.signature.trim() === '') return { ok: false, reason: 'missing_signature' };
  if (!input.timestamp || input.timestamp.trim() === '') return { ok: false, reason: 'missing_timestamp' };
  if (!/^\d{1,12}$/.test(input.timestamp.trim())) return { ok: false, reason: 'malformed_timestamp' };
  const timestamp = Number(input.timestamp.trim());
  if (Math.abs(input.nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const candidates = input.signature
    .split(/[\s,]+/)
    .map((part) => V1.exec(part.trim())?.[1])
    .filter((hex): hex is string => hex !== undefined)
    .map((hex) => Buffer.from(hex, 'hex'));
  if (candidates.length === 0) return { ok: false, reason: 'malformed_signature' };

  const prefix = Buffer.from(`${input.timestamp.trim()}.`);
  for (const secret of input.secrets) {
    const timestamped = createHmac('sha256', secret).update(prefix).update(input.rawBody).digest();
    const rawOnly = createHmac('sha256', secret).update(input.rawBody).digest();
    for (const candidate of candidates) {
      if (timingSafeEqual(candidate, timestamped)) return { ok: true, signedString: 'timestamped' };
      if (timingSafeEqual(candidate, rawOnly)) return { ok: true, signedString: 'raw_body' };
    }
  }
  return { ok: false, reason: 'signature_mismatch' };
}
