/**
 * Benchmark — `/peeker find` economy ("find for 20 brands — availability calls and
 * rate-limit share used, with the cache hit rate on a second run").
 *
 * Twenty `/peeker find <brand>` commands arrive at once through signed requests; each makes up to
 * 40 lookalike names that are checked with `POST /domains/availability`. The fake Peeker answers a
 * realistic mix per name (most taken, some available at different prices, a few `stale` that are
 * fresh on the second ask). Counted: the availability calls Peeker received, the names per call,
 * the share of Peeker's 600 requests/minute they spent, and the time until all 20 answers were
 * posted. Then the same 20 commands again within the 5-minute cache: calls and the cache hit rate.
 * Baseline: one call per name (what a naive client does), and the first run for the second.
 */
import { createHash } from 'node:crypto';
import { lookalikeNames } from '../src/services/lookalike-names.js';
import { type BenchContext, type Benchmark, InProcessApp, ms, type ResultRow, ratio, until } from './lib.js';

const BRANDS = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'piedpiper',
  'starkware',
  'wayneco',
  'wonka',
  'tyrell',
  'cyberdyne',
  'soylent',
  'aperture',
  'blackmesa',
  'vandelay',
  'dunder',
  'gringotts',
  'monarch',
  'oscorp',
  'massive dynamic',
];

const RATE_LIMIT_PER_MINUTE = 600;

/** A stable pseudo-random number in [0, 1) per name, so every run sees the same market. */
function draw(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) / 2 ** 32;
}

async function runFinds(h: InProcessApp, ctx: BenchContext, label: string) {
  const callsBefore = h.peeker.availabilityCallCount();
  const statsBefore = h.app.availabilityStats();
  const started = performance.now();
  const results = await Promise.all(BRANDS.map((brand) => h.command(`find ${brand}`, { channel: 'COPS' })));
  await until(
    () => results.every((result) => h.slack.responsesFor(result.responseKey).length > 0),
    120_000,
    `all 20 answers (${label})`,
  );
  const elapsed = performance.now() - started;
  const after = h.app.availabilityStats();
  const requests = h.peeker.requestsTo('POST', '/domains/availability').slice(callsBefore);
  const sizes = requests.map((request) => (request.body as { domains: string[] }).domains.length);
  const available = results
    .map((result) => JSON.stringify(h.slack.responsesFor(result.responseKey)[0]?.body ?? {}))
    .map((text) => /(\d+) of \d+ lookalikes/.exec(text)?.[1] ?? '?');
  ctx.log(
    `  ${label}: ${requests.length} calls in ${ms(elapsed, 0)}; available per brand: ${available.join(' ')}`,
  );
  return {
    calls: requests.length,
    maxBatch: Math.max(0, ...sizes),
    names: after.namesRequested - statsBefore.namesRequested,
    cacheHits: after.cacheHits - statsBefore.cacheHits,
    shared: after.sharedInFlight - statsBefore.sharedInFlight,
    staleRechecks: after.staleRechecks - statsBefore.staleRechecks,
    elapsed,
  };
}

export const findAvailability: Benchmark = {
  name: 'find',
  title: '/peeker find for 20 brands: availability calls, rate-limit share, cache',
  async run(ctx) {
    const h = await InProcessApp.start();
    try {
      let totalNames = 0;
      for (const brand of BRANDS) {
        const made = lookalikeNames(brand);
        if ('problem' in made) throw new Error(made.problem);
        totalNames += made.names.length;
        for (const name of made.names) {
          const roll = draw(name);
          if (roll < 0.65) h.peeker.setAvailability(name, { reason: 'taken' });
          else if (roll < 0.7) h.peeker.setAvailability(name, { available: true, premium: true });
          else if (roll < 0.74) h.peeker.setAvailability(name, { reason: 'stale', thenAvailable: true });
          else h.peeker.setAvailability(name, { price_cents: 900 + Math.floor(roll * 4000) });
        }
      }
      const first = await runFinds(h, ctx, 'first run');
      const second = await runFinds(h, ctx, 'second run (within 5 min)');
      const share = (calls: number) => `${((100 * calls) / RATE_LIMIT_PER_MINUTE).toFixed(1)}% of a minute`;
      const hitRate = second.names === 0 ? 0 : (100 * second.cacheHits) / second.names;
      const rows: ResultRow[] = [
        {
          metric: `availability calls, first run (${totalNames} names)`,
          value: String(first.calls),
          baseline: `${totalNames} (one call per name)`,
          ratio: ratio(first.calls, totalNames),
          target: '≤ 25 names per call',
          pass: first.maxBatch <= 25,
        },
        {
          metric: 'rate-limit share used, first run',
          value: `${first.calls} of ${RATE_LIMIT_PER_MINUTE}/min (${share(first.calls)})`,
          baseline: share(totalNames),
          ratio: ratio(first.calls, totalNames),
          target: '',
        },
        {
          metric: 'names per call (largest)',
          value: String(first.maxBatch),
          baseline: '25',
          ratio: ratio(first.maxBatch, 25),
          target: '≤ 25',
          pass: first.maxBatch <= 25,
        },
        {
          metric: 'stale names re-checked (first run)',
          value: String(first.staleRechecks),
          baseline: '',
          ratio: '',
          target: '',
        },
        {
          metric: 'all 20 answers posted, first run',
          value: ms(first.elapsed, 0),
          baseline: '',
          ratio: '',
          target: '',
        },
        {
          metric: 'availability calls, second run',
          value: String(second.calls),
          baseline: `${first.calls} (first run)`,
          ratio: ratio(second.calls, Math.max(1, first.calls)),
          target: 'no calls within 5 min',
          pass: second.calls === 0,
        },
        {
          metric: 'cache hit rate, second run',
          value: `${hitRate.toFixed(1)}% (${second.cacheHits} of ${second.names} names)`,
          baseline: '',
          ratio: '',
          target: '100%',
          pass: second.cacheHits === second.names,
        },
        {
          metric: 'all 20 answers posted, second run',
          value: ms(second.elapsed, 0),
          baseline: ms(first.elapsed, 0),
          ratio: ratio(second.elapsed, first.elapsed),
          target: '',
        },
      ];
      return {
        rows,
        notes: [
          `${BRANDS.length} brands → ${totalNames} distinct lookalike names; the fake answers about 65% taken, 5% premium, 4% stale (fresh on the second ask) and the rest available.`,
          `Names shared between brands' lists in flight: ${first.shared} (answered by a call already under way).`,
          'The checker caches only definite answers (available, taken, premium, invalid) for 5 minutes, like Peeker; stale rows are asked once more after 2 s.',
          'Background commands run a few at a time (the command runner), and a find whose names include stale rows holds its slot through the 2 s re-check wait: the first run’s time is mostly those waits, not Peeker calls.',
        ],
      };
    } finally {
      await h.stop();
    }
  },
};
