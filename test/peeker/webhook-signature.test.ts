import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SignatureInput, verifyWebhookSignature } from '../../src/peeker/webhook-signature.js';

const SECRET = 'whsec_live_5f2b9c0e8a7d';
const NOW = 1_767_225_600;
const BODY = '{"id":"evt_01","type":"domain_import.completed","data":{"id":"imp_1","status":"completed"}}';

/** HMAC-SHA256 hex, computed here independently of the module under test. */
function hmacHex(secret: string, data: string | Buffer): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

function timestampedSignature(body: string, timestamp: number, secret = SECRET): string {
  return `v1=${hmacHex(secret, `${timestamp}.${body}`)}`;
}

function rawSignature(body: string, secret = SECRET): string {
  return `v1=${hmacHex(secret, body)}`;
}

function verify(overrides: Partial<SignatureInput> = {}) {
  return verifyWebhookSignature({
    rawBody: Buffer.from(BODY),
    signature: timestampedSignature(BODY, NOW),
    timestamp: String(NOW),
    secrets: [SECRET],
    nowSeconds: NOW,
    ...overrides,
  });
}

describe('verifyWebhookSignature: valid signatures', () => {
  it('accepts an HMAC over "<timestamp>.<body>"', () => {
    expect(verify()).toEqual({ ok: true, signedString: 'timestamped' });
  });

  it('accepts an HMAC over the raw body alone', () => {
    expect(verify({ signature: rawSignature(BODY) })).toEqual({ ok: true, signedString: 'raw_body' });
  });

  it('matches the RFC 4231 test case 2 vector (raw-body variant)', () => {
    expect(
      verifyWebhookSignature({
        rawBody: Buffer.from('what do ya want for nothing?'),
        signature: 'v1=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
        timestamp: String(NOW),
        secrets: ['Jefe'],
        nowSeconds: NOW,
      }),
    ).toEqual({ ok: true, signedString: 'raw_body' });
  });

  it('accepts uppercase hex', () => {
    const hex = hmacHex(SECRET, `${NOW}.${BODY}`).toUpperCase();
    expect(verify({ signature: `v1=${hex}` })).toEqual({ ok: true, signedString: 'timestamped' });
  });

  it('accepts a timestamp with surrounding whitespace and signs the trimmed value', () => {
    expect(verify({ timestamp: ` ${NOW} ` })).toEqual({ ok: true, signedString: 'timestamped' });
  });

  it.each([
    ['comma', ','],
    ['comma and space', ', '],
    ['space', ' '],
  ])('accepts several v1= values separated by %s where only the second is valid', (_name, separator) => {
    const forged = timestampedSignature(BODY, NOW, 'not-the-secret');
    const valid = timestampedSignature(BODY, NOW);
    expect(verify({ signature: `${forged}${separator}${valid}` })).toEqual({
      ok: true,
      signedString: 'timestamped',
    });
  });

  it('accepts the second of several configured secrets (rotation)', () => {
    expect(verify({ secrets: ['whsec_old_rotated_out', SECRET] })).toEqual({
      ok: true,
      signedString: 'timestamped',
    });
  });

  it('accepts timestamps exactly 300 s old or ahead', () => {
    for (const timestamp of [NOW - 300, NOW + 300]) {
      expect(
        verify({ timestamp: String(timestamp), signature: timestampedSignature(BODY, timestamp) }),
      ).toEqual({ ok: true, signedString: 'timestamped' });
    }
  });

  it('honours a custom tolerance', () => {
    const timestamp = NOW - 30;
    const signature = timestampedSignature(BODY, timestamp);
    expect(verify({ timestamp: String(timestamp), signature, toleranceSeconds: 30 }).ok).toBe(true);
    expect(verify({ timestamp: String(timestamp), signature, toleranceSeconds: 29 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });
});

describe('verifyWebhookSignature: rejections', () => {
  it('rejects a signature made with the wrong secret', () => {
    expect(verify({ signature: timestampedSignature(BODY, NOW, 'whsec_attacker') })).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('rejects when no secret is configured', () => {
    expect(verify({ secrets: [] })).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('rejects a body tampered with by one byte', () => {
    const tampered = Buffer.from(BODY);
    tampered[10] = (tampered[10] ?? 0) ^ 0x01;
    expect(verify({ rawBody: tampered })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(verify({ rawBody: tampered, signature: rawSignature(BODY) })).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('rejects a timestamped signature replayed under another timestamp', () => {
    expect(verify({ timestamp: String(NOW + 1) })).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it.each([
    ['301 s old', NOW - 301],
    ['301 s ahead', NOW + 301],
    ['a day old', NOW - 86_400],
  ])('rejects a timestamp %s even when correctly signed', (_name, timestamp) => {
    expect(
      verify({ timestamp: String(timestamp), signature: timestampedSignature(BODY, timestamp) }),
    ).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('rejects a stale timestamp even with a valid raw-body signature', () => {
    expect(verify({ timestamp: String(NOW - 301), signature: rawSignature(BODY) })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it.each([undefined, '', '   '])('rejects a missing signature (%j)', (signature) => {
    expect(verify({ signature })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([undefined, '', '  '])('rejects a missing timestamp (%j)', (timestamp) => {
    expect(verify({ timestamp })).toEqual({ ok: false, reason: 'missing_timestamp' });
  });

  it.each(['abc', '1.5', '-5', '1e9', '0x10', '1767225600000000'])(
    'rejects a malformed timestamp %j',
    (timestamp) => {
      expect(verify({ timestamp })).toEqual({ ok: false, reason: 'malformed_timestamp' });
    },
  );

  it.each([
    ['v1=xyz', 'v1=xyz'],
    ['sha256=<valid hex>', `sha256=${hmacHex(SECRET, `${NOW}.${BODY}`)}`],
    ['bare hex', hmacHex(SECRET, `${NOW}.${BODY}`)],
    ['v0=<valid hex>', `v0=${hmacHex(SECRET, `${NOW}.${BODY}`)}`],
    ['63 hex digits', `v1=${hmacHex(SECRET, `${NOW}.${BODY}`).slice(1)}`],
    ['65 hex digits', `v1=${hmacHex(SECRET, `${NOW}.${BODY}`)}0`],
    ['t=…,v1 without value', `t=${NOW},v1=`],
  ])('rejects a malformed signature: %s', (_name, signature) => {
    expect(verify({ signature })).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it('rejects when every v1= value is wrong', () => {
    const wrong = [timestampedSignature(BODY, NOW, 'a'), timestampedSignature(BODY, NOW, 'b')].join(',');
    expect(verify({ signature: wrong })).toEqual({ ok: false, reason: 'signature_mismatch' });
  });
});

describe('verifyWebhookSignature: properties', () => {
  const timestampArb = fc.integer({ min: 0, max: 999_999_999_999 });
  const skewArb = fc.integer({ min: -300, max: 300 });

  it('a correctly signed body always verifies, and flipping any single byte makes it fail', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        timestampArb,
        skewArb,
        fc.constantFrom('timestamped' as const, 'raw_body' as const),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, secret, timestamp, skew, mode, index, mask) => {
          const body = Buffer.from(bytes);
          const signed = mode === 'timestamped' ? Buffer.concat([Buffer.from(`${timestamp}.`), body]) : body;
          const input: SignatureInput = {
            rawBody: body,
            signature: `v1=${hmacHex(secret, signed)}`,
            timestamp: String(timestamp),
            secrets: [secret],
            nowSeconds: timestamp + skew,
          };
          expect(verifyWebhookSignature(input)).toEqual({ ok: true, signedString: mode });

          const tampered = Buffer.from(body);
          const at = index % tampered.length;
          tampered[at] = (tampered[at] ?? 0) ^ mask;
          expect(verifyWebhookSignature({ ...input, rawBody: tampered })).toEqual({
            ok: false,
            reason: 'signature_mismatch',
          });
        },
      ),
    );
  });

  it('never throws on arbitrary headers, bodies and secrets', () => {
    const header = fc.option(
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.stringMatching(/^((v1|V1|sha256)=[0-9a-fA-F]{0,66}[ ,\t]{0,3}){0,4}$/),
      ),
      { nil: undefined },
    );
    const timestampHeader = fc.option(fc.oneof(fc.string(), fc.stringMatching(/^\s?\d{0,14}\s?$/)), {
      nil: undefined,
    });
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 256 }),
        header,
        timestampHeader,
        fc.array(fc.string(), { maxLength: 3 }),
        fc.oneof(timestampArb, fc.double()),
        (bytes, signature, timestamp, secrets, nowSeconds) => {
          const result = verifyWebhookSignature({
            rawBody: Buffer.from(bytes),
            signature,
            timestamp,
            secrets,
            nowSeconds,
          });
          expect(typeof result.ok).toBe('boolean');
        },
      ),
    );
  });
});
