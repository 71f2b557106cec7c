import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackoffPolicy, backoffDelay } from '../../src/lib/backoff.js';

/** The step before jitter, as the policy's doc comment states it: base × 2^attempt, capped. */
const stepOf = (policy: BackoffPolicy, attempt: number) =>
  Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));

describe('backoffDelay', () => {
  it('without jitter doubles per attempt until the cap, and is deterministic', () => {
    const policy: BackoffPolicy = { baseMs: 250, capMs: 5_000, jitter: false };
    const delays = Array.from({ length: 8 }, (_, attempt) => backoffDelay(policy, attempt, () => 0.123));
    expect(delays.slice(0, 5)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(delays.slice(5)).toEqual([5000, 5000, 5000]);
    // `random` is not consulted at all when jitter is off.
    expect(backoffDelay(policy, 3, () => 0.999)).toBe(backoffDelay(policy, 3, () => 0));
  });

  it('with jitter stays within ½–1× of the capped step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.integer({ min: -3, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseMs, capMs, attempt, r) => {
          const policy = { baseMs, capMs };
          const step = stepOf(policy, Math.min(attempt, 30));
          const delay = backoffDelay(policy, attempt, () => r);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
          expect(delay).toBeLessThanOrEqual(Math.ceil(step));
        },
      ),
    );
  });

  it('uses the random source: the lowest draw gives half the step, the highest almost all of it', () => {
    const policy = { baseMs: 1000, capMs: 60_000 };
    expect(backoffDelay(policy, 2, () => 0)).toBe(2000);
    expect(backoffDelay(policy, 2, () => 0.999_999)).toBe(4000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(policy, 4)));
    expect(spread.size).toBeGreaterThan(1); // Math.random by default: retries spread out
  });

  it('treats a negative attempt as the first and a huge one as the cap (no overflow)', () => {
    const policy = { baseMs: 100, capMs: 900, jitter: false };
    expect(backoffDelay(policy, -5)).toBe(backoffDelay(policy, 0));
    expect(backoffDelay(policy, 10_000)).toBe(900);
    expect(
      Number.isFinite(backoffDelay({ baseMs: 1, capMs: Number.MAX_SAFE_INTEGER, jitter: false }, 5000)),
    ).toBe(true);
  });
});
