import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AvailabilityCheckerOptions,
  type AvailabilityResult,
  type AvailabilityRow,
  createAvailabilityChecker,
} from '../../src/services/availability-checker.js';

const MINUTE = 60_000;

/** Peeker's answer for one name, decided by the test (default: available at $13 / $15). */
type Script = (domain: string, callIndex: number) => AvailabilityRow | undefined;

const availableRow = (domain: string): AvailabilityRow => ({
  domain,
  available: true,
  price_cents: 1300,
  renewal_price_cents: 1500,
  currency: 'usd',
  usable_for: ['google', 'microsoft'],
  premium: false,
});

/** A scripted Peeker and a virtual clock: `sleep` advances time instead of waiting. */
function harness(script: Script = availableRow, options: Partial<AvailabilityCheckerOptions> = {}) {
  let time = 1_000_000;
  const calls: string[][] = [];
  const sleeps: number[] = [];
  const checker = createAvailabilityChecker({
    check: async (domains) => {
      const index = calls.length;
      calls.push([...domains]);
      return domains.flatMap((d) => {
        const row = script(d, index);
        return row ? [row] : [];
      });
    },
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    ...options,
  });
  return {
    checker,
    calls,
    sleeps,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

const names = (n: number, prefix = 'name') => Array.from({ length: n }, (_, i) => `${prefix}${i}.com`);

describe('createAvailabilityChecker: batching', () => {
  it('60 names → 3 calls of at most 25, results in input order', async () => {
    const { checker, calls } = harness();
    const input = names(60);
    const results = await checker.checkAll(input);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.length)).toEqual([25, 25, 10]);
    expect(calls.flat().sort()).toEqual([...input].sort());
    expect(results.map((r) => r.domain)).toEqual(input);
    expect(checker.stats()).toMatchObject({ calls: 3, namesSent: 60, namesRequested: 60, cacheHits: 0 });
  });

  it('honours a smaller batch size', async () => {
    const { checker, calls } = harness(availableRow, { batchSize: 10 });
    await checker.checkAll(names(25));
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5]);
  });

  it('no names → no calls', async () => {
    const { checker, calls } = harness();
    expect(await checker.checkAll([])).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('dedupes case-insensitively and keeps first-seen order', async () => {
    const { checker, calls } = harness();
    const results = await checker.checkAll(['b.com', 'a.com', 'B.com', ' a.com', 'c.com', 'b.com']);
    expect(results.map((r) => r.domain)).toEqual(['b.com', 'a.com', 'c.com']);
    expect(calls).toEqual([['b.com', 'a.com', 'c.com']]);
  });
});

describe('createAvailabilityChecker: row meanings', () => {
  it('maps every kind of row', async () => {
    const rows: Record<string, AvailabilityRow> = {
      'free.com': availableRow('free.com'),
      'google-only.com': { ...availableRow('google-only.com'), usable_for: ['google'] },
      'noprice.com': { domain: 'noprice.com', available: true },
      'taken.com': { domain: 'taken.com', available: false, premium: false, reason: 'taken' },
      'premium.com': { domain: 'premium.com', available: false, premium: true, reason: 'premium' },
      'premium-available.com': { ...availableRow('premium-available.com'), premium: true },
      'invalid.com': { domain: 'invalid.com', available: false, reason: 'invalid' },
      'errored.com': { domain: 'errored.com', available: false, reason: 'errored' },
      'newreason.com': { domain: 'newreason.com', available: false, reason: 'reserved' },
      'noreason.com': { domain: 'noreason.com', available: false },
    };
    const { checker } = harness((d) => rows[d]);
    const results = await checker.checkAll([...Object.keys(rows), 'missing.com']);
    const byDomain = Object.fromEntries(results.map((r) => [r.domain, r]));
    expect(byDomain['free.com']).toEqual({
      domain: 'free.com',
      status: 'available',
      priceCents: 1300,
      renewalCents: 1500,
      currency: 'usd',
      usableFor: ['google', 'microsoft'],
    });
    expect(byDomain['google-only.com']).toMatchObject({ status: 'available', usableFor: ['google'] });
    expect(byDomain['noprice.com']).toEqual({
      domain: 'noprice.com',
      status: 'available',
      priceCents: null,
      renewalCents: null,
      currency: null,
      usableFor: [],
    });
    expect(byDomain['taken.com']?.status).toBe('taken');
    expect(byDomain['premium.com']?.status).toBe('premium');
    expect(byDomain['premium-available.com']?.status).toBe('premium');
    expect(byDomain['invalid.com']?.status).toBe('invalid');
    expect(byDomain['errored.com']?.status).toBe('errored');
    expect(byDomain['newreason.com']?.status).toBe('taken');
    expect(byDomain['noreason.com']?.status).toBe('taken');
    // A name Peeker left out of its answer was not checked.
    expect(byDomain['missing.com']).toEqual({ domain: 'missing.com', status: 'errored' });
  });

  it('matches rows case-insensitively and ignores junk rows', async () => {
    const checker = createAvailabilityChecker({
      check: async () => [null, { nope: 1 }, availableRow('ACME.COM')] as unknown as AvailabilityRow[],
    });
    expect((await checker.checkAll(['acme.com']))[0]?.status).toBe('available');
  });
});

describe('createAvailabilityChecker: cache', () => {
  it('serves repeats within 5 minutes without a call, and calls again after', async () => {
    const { checker, calls, advance } = harness();
    const input = names(30);
    await checker.checkAll(input);
    expect(calls).toHaveLength(2);

    advance(4 * MINUTE + 59_000);
    const again = await checker.checkAll(input);
    expect(calls).toHaveLength(2);
    expect(again.every((r) => r.status === 'available')).toBe(true);
    expect(checker.stats()).toMatchObject({ cacheHits: 30, namesRequested: 60 });

    advance(2_000);
    await checker.checkAll(input);
    expect(calls).toHaveLength(4);
  });

  it('only asks Peeker about the names it has not seen', async () => {
    const { checker, calls } = harness();
    await checker.checkAll(['a.com', 'b.com']);
    await checker.checkAll(['b.com', 'c.com', 'a.com']);
    expect(calls).toEqual([['a.com', 'b.com'], ['c.com']]);
  });

  it('caches taken, premium and invalid, but not errored or missing rows', async () => {
    const rows: Record<string, AvailabilityRow> = {
      'taken.com': { domain: 'taken.com', available: false, reason: 'taken' },
      'premium.com': { domain: 'premium.com', available: false, reason: 'premium' },
      'invalid.com': { domain: 'invalid.com', available: false, reason: 'invalid' },
      'errored.com': { domain: 'errored.com', available: false, reason: 'errored' },
    };
    const { checker, calls } = harness((d) => rows[d]);
    const input = [...Object.keys(rows), 'missing.com'];
    await checker.checkAll(input);
    await checker.checkAll(input);
    expect(calls).toEqual([input, ['errored.com', 'missing.com']]);
  });

  it('honours cacheTtlMs and bounds the cache size', async () => {
    const short = harness(availableRow, { cacheTtlMs: 1_000 });
    await short.checker.checkAll(['a.com']);
    short.advance(1_000);
    await short.checker.checkAll(['a.com']);
    expect(short.calls).toHaveLength(2);

    const small = harness(availableRow, { maxCacheEntries: 2 });
    await small.checker.checkAll(['a.com', 'b.com', 'c.com']);
    await small.checker.checkAll(['a.com', 'c.com']);
    expect(small.calls).toEqual([['a.com', 'b.com', 'c.com'], ['a.com']]);
  });
});

describe('createAvailabilityChecker: stale rows', () => {
  it('re-checks stale rows once, together, after the delay; then available', async () => {
    const { checker, calls, sleeps } = harness((d, call) =>
      call < 2 && d.startsWith('stale') ? { domain: d, available: false, reason: 'stale' } : availableRow(d),
    );
    const input = [...names(20, 'fresh'), ...names(10, 'stale')];
    const results = await checker.checkAll(input);
    expect(sleeps).toEqual([2_000]);
    expect(calls.map((c) => c.length)).toEqual([25, 5, 10]);
    expect(calls[2]).toEqual(names(10, 'stale'));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill('available'));
    expect(results.map((r) => r.domain)).toEqual(input);
  });

  it('gathers stale rows from every batch into one re-check', async () => {
    const { checker, calls, sleeps } = harness((d, call) =>
      call < 3 && /[05]\.com$/.test(d) ? { domain: d, available: false, reason: 'stale' } : availableRow(d),
    );
    const input = names(60);
    await checker.checkAll(input);
    expect(sleeps).toHaveLength(1);
    expect(calls).toHaveLength(4);
    expect(calls[3]).toEqual(input.filter((d) => /[05]\.com$/.test(d)));
  });

  it('stale twice → unconfirmed, not cached', async () => {
    const { checker, calls } = harness((d) => ({ domain: d, available: true, reason: 'stale' }));
    const results = await checker.checkAll(['x.com']);
    expect(results).toEqual([{ domain: 'x.com', status: 'unconfirmed' }]);
    expect(calls).toHaveLength(2);
    await checker.checkAll(['x.com']);
    expect(calls).toHaveLength(4);
    expect(checker.stats().staleRechecks).toBe(2);
  });

  it('uses staleRetryDelayMs', async () => {
    const { checker, sleeps } = harness(
      (d, call) => (call === 0 ? { domain: d, available: false, reason: 'stale' } : availableRow(d)),
      {
        staleRetryDelayMs: 500,
      },
    );
    await checker.checkAll(['x.com']);
    expect(sleeps).toEqual([500]);
  });

  it('a re-check that throws makes those names failed', async () => {
    const boom = new Error('429');
    let call = 0;
    const checker = createAvailabilityChecker({
      check: async (domains) => {
        call += 1;
        if (call === 2) throw boom;
        return domains.map((d) =>
          d === 's.com' ? { domain: d, available: false, reason: 'stale' } : availableRow(d),
        );
      },
      sleep: async () => {},
    });
    const results = await checker.checkAll(['a.com', 's.com']);
    expect(results).toEqual([
      expect.objectContaining({ domain: 'a.com', status: 'available' }),
      { domain: 's.com', status: 'failed', error: boom },
    ]);
  });
});

describe('createAvailabilityChecker: failures', () => {
  it('a batch that throws fails only its own names, keeps the error, and is not cached', async () => {
    const boom = new Error('rate limited');
    let call = 0;
    const seen: string[][] = [];
    const checker = createAvailabilityChecker({
      check: async (domains) => {
        seen.push(domains);
        call += 1;
        if (call === 2) throw boom;
        return domains.map(availableRow);
      },
      concurrency: 1,
    });
    const input = names(60);
    const results = await checker.checkAll(input);
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.domain)).toEqual(input.slice(25, 50));
    expect(failed.every((r) => r.status === 'failed' && r.error === boom)).toBe(true);
    expect(results.filter((r) => r.status === 'available')).toHaveLength(35);
    expect(checker.stats()).toMatchObject({ calls: 3, failedCalls: 1 });

    await checker.checkAll(input);
    expect(seen[3]).toEqual(input.slice(25, 50));
    expect(seen).toHaveLength(4);
  });

  it('an answer that is not a list fails the batch', async () => {
    const checker = createAvailabilityChecker({
      check: async () => ({ data: [] }) as unknown as AvailabilityRow[],
    });
    const [result] = await checker.checkAll(['a.com']);
    expect(result).toMatchObject({ domain: 'a.com', status: 'failed' });
    expect((result as Extract<AvailabilityResult, { status: 'failed' }>).error).toBeInstanceOf(TypeError);
  });

  it('a synchronous throw is a failure too, never a rejection', async () => {
    const checker = createAvailabilityChecker({
      check: (() => {
        throw new Error('sync');
      }) as unknown as AvailabilityCheckerOptions['check'],
    });
    await expect(checker.checkAll(['a.com'])).resolves.toMatchObject([{ status: 'failed' }]);
  });
});

describe('createAvailabilityChecker: concurrency', () => {
  /** A Peeker whose calls stay open until the test releases them. */
  function gated() {
    let active = 0;
    let peak = 0;
    const waiting: (() => void)[] = [];
    const check = async (domains: string[]) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise<void>((resolve) => waiting.push(resolve));
      active -= 1;
      return domains.map(availableRow);
    };
    const releaseAll = async () => {
      while (waiting.length > 0 || active > 0) {
        for (const release of waiting.splice(0)) release();
        await new Promise((r) => setImmediate(r));
      }
    };
    return { check, releaseAll, peak: () => peak, waiting: () => waiting.length };
  }

  it('never has more than `concurrency` calls in flight, even across checkAll calls', async () => {
    const peeker = gated();
    const checker = createAvailabilityChecker({ check: peeker.check, concurrency: 2 });
    const first = checker.checkAll(names(100, 'a'));
    const second = checker.checkAll(names(60, 'b'));
    await new Promise((r) => setImmediate(r));
    expect(peeker.waiting()).toBe(2);
    await peeker.releaseAll();
    const [a, b] = await Promise.all([first, second]);
    expect(peeker.peak()).toBe(2);
    expect(a).toHaveLength(100);
    expect(b).toHaveLength(60);
    expect(checker.stats().calls).toBe(4 + 3);
  });

  it('defaults to 2 at a time', async () => {
    const peeker = gated();
    const checker = createAvailabilityChecker({ check: peeker.check });
    const pending = checker.checkAll(names(200));
    await new Promise((r) => setImmediate(r));
    await peeker.releaseAll();
    await pending;
    expect(peeker.peak()).toBe(2);
  });

  it('a second checkAll for names already being checked waits for that call', async () => {
    const peeker = gated();
    const checker = createAvailabilityChecker({ check: peeker.check });
    const first = checker.checkAll(['a.com', 'b.com']);
    const second = checker.checkAll(['b.com', 'c.com']);
    await peeker.releaseAll();
    const [, b] = await Promise.all([first, second]);
    expect(b.map((r) => r.domain)).toEqual(['b.com', 'c.com']);
    expect(checker.stats()).toMatchObject({ calls: 2, namesSent: 3, sharedInFlight: 1 });
  });
});

describe('createAvailabilityChecker: properties', () => {
  const domain = fc.stringMatching(/^[a-e]{1,2}\.(com|io)$/);
  const row = fc.constantFrom<'available' | 'taken' | 'premium' | 'stale' | 'missing' | 'throw'>(
    'available',
    'taken',
    'premium',
    'stale',
    'missing',
    'throw',
  );

  it('one result per distinct name, in first-seen order, every call ≤ batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(domain, { maxLength: 80 }),
        fc.func(row),
        fc.integer({ min: 1, max: 30 }),
        async (input, behaviour, batchSize) => {
          const sizes: number[] = [];
          const checker = createAvailabilityChecker({
            batchSize,
            sleep: async () => {},
            check: async (domains) => {
              sizes.push(domains.length);
              if (domains.some((d) => behaviour(d) === 'throw')) throw new Error('boom');
              return domains.flatMap((d): AvailabilityRow[] => {
                const kind = behaviour(d);
                if (kind === 'missing') return [];
                if (kind === 'available') return [availableRow(d)];
                return [{ domain: d, available: false, reason: kind }];
              });
            },
          });
          const results = await checker.checkAll(input);
          expect(results.map((r) => r.domain)).toEqual([...new Set(input)]);
          expect(sizes.every((s) => s >= 1 && s <= batchSize)).toBe(true);
          for (const r of results) expect(r.status).not.toBe('stale');
        },
      ),
      { numRuns: 200 },
    );
  });
});
