/**
 * Benchmark — DNS insight (target: thousands of waiting domains cost at most one NS lookup per
 * domain per poll interval, with a bounded number in flight; a slow or dead resolver never delays
 * the poll loop).
 *
 * 5,000 domains waiting on the registrar (1,000 imports of 5, recorded through the app's own
 * repository and state machine, known to the fake Peeker) and the real app, started in this
 * process with its own DNS job on its own timer, against a local DNS server
 * (test/fakes/fake-dns.ts), in real time with the default poll interval (60 s):
 * - `50 ms`: the resolver answers every NS query after 50 ms;
 * - `dead`: the resolver never answers (every lookup gives up after 1.5 s × 2 tries);
 * - baseline: the same app and load with no DNS check due (every import checked a moment ago).
 * Every 30 s the real `pollOnce` re-checks all 1,000 imports with Peeker (made due on purpose,
 * with Peeker's rate limit lifted so the tick's duration is its own work, not the limiter's
 * pacing). Measured: NS lookups per minute (the app's counter), lookups on the wire (sampled
 * every 50 ms), the poll tick's duration and the event loop's delay; and, from the DNS server's
 * query log, the most lookups of one domain within any poll interval (retries of one lookup
 * count once).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { importSchema } from '../src/peeker/imports.js';
import { initialImport } from '../src/services/import-state.js';
import { createDnsRepo } from '../src/store/dns-repo.js';
import { createImportsRepo } from '../src/store/imports-repo.js';
import { type FakeDns, startFakeDns } from '../test/fakes/fake-dns.js';
import {
  type BenchContext,
  type Benchmark,
  InProcessApp,
  ms,
  type ResultRow,
  ratio,
  sleep,
  summarize,
} from './lib.js';

const IMPORTS = 1_000;
const DOMAINS_PER_IMPORT = 5;
const DOMAINS = IMPORTS * DOMAINS_PER_IMPORT;
const INTERVAL_MS = 60_000;
const TICK_EVERY_MS = 30_000;
const GODADDY = ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'];
/** Queries of one name closer together than this are the tries of one lookup (1.5 s × 2 tries). */
const ONE_LOOKUP_MS = 3_500;

type Scenario = 'baseline' | 'slow' | 'dead';

interface ScenarioResult {
  lookupsPerMinuteMax: number;
  lookupsPerMinuteMean: number;
  lookupsTotal: number;
  inFlightMax: number;
  serverInFlightMax: number;
  domainsCovered: number;
  maxLookupsPerDomainPerInterval: number;
  tickMs: number[];
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  seconds: number;
}

async function runScenario(scenario: Scenario, fake: FakeDns, durationMs: number): Promise<ScenarioResult> {
  fake.resetCounters();
  fake.setLatency(scenario === 'slow' ? 50 : 0);
  fake.setUnknown(scenario === 'dead' ? 'blackhole' : 'nxdomain');
  const h = await InProcessApp.start({
    env: {
      DNS_RESOLVERS: fake.address,
      IMPORT_POLL_INTERVAL_SECONDS: String(INTERVAL_MS / 1000),
      PEEKER_RATE_LIMIT_PER_MINUTE: '100000',
    },
    start: false,
  });
  try {
    const imports = createImportsRepo(h.app.db);
    const dns = createDnsRepo(h.app.db);
    const now = Date.now();
    const insertAll = h.app.db.transaction(() => {
      for (let i = 0; i < IMPORTS; i += 1) {
        const domains = Array.from({ length: DOMAINS_PER_IMPORT }, (_, d) => `dns-${scenario}-${i}-${d}.com`);
        for (const domain of domains) if (scenario !== 'dead') fake.setRecords(domain, { ns: GODADDY });
        const peekerImport = importSchema.parse(h.peeker.addImport(domains));
        const { record, domains: rows } = initialImport(
          peekerImport,
          domains,
          { kind: 'sync', commandId: null, batch: null, channelId: 'CDNS', requestedBy: 'UOPS' },
          now,
        );
        record.nextCheckAt = now + INTERVAL_MS;
        imports.insert(record, rows);
        if (scenario === 'baseline') {
          // Checked a moment ago: nothing due for the DNS job during the run.
          dns.saveCheck(
            {
              importId: record.id,
              nextCheckAt: now + 10 * durationMs,
              lastCheckedAt: now,
              allPointing: false,
            },
            [],
          );
        }
      }
    });
    insertAll();
    const makeAllDue = h.app.db.prepare(
      'UPDATE imports SET next_check_at = 0 WHERE next_check_at IS NOT NULL',
    );

    const loop = monitorEventLoopDelay({ resolution: 10 });
    const stamps: { name: string; at: number }[] = [];
    const lookupSamples: { at: number; total: number }[] = [];
    let seenQueries = 0;
    let inFlightMax = 0;
    const lookupsSoFar = async () =>
      (await h.app.metrics.dnsLookups.get()).values
        .filter((value) => value.labels.type === 'NS')
        .reduce((sum, value) => sum + value.value, 0);

    const started = Date.now();
    await h.app.start();
    loop.enable();
    let stop = false;
    const sampler = (async () => {
      let lastCounterAt = 0;
      while (!stop) {
        const at = Date.now();
        inFlightMax = Math.max(inFlightMax, h.app.dnsStats().inFlight);
        const queries = fake.queries;
        for (; seenQueries < queries.length; seenQueries += 1) {
          const query = queries[seenQueries];
          if (query?.type === 'NS') stamps.push({ name: query.name, at });
        }
        if (at - lastCounterAt >= 1_000) {
          lastCounterAt = at;
          lookupSamples.push({ at, total: await lookupsSoFar() });
        }
        await sleep(50);
      }
    })();

    const tickMs: number[] = [];
    for (let at = 5_000; at < durationMs; at += TICK_EVERY_MS) {
      const wait = started + at - Date.now();
      if (wait > 0) await sleep(wait);
      makeAllDue.run();
      const tickStarted = performance.now();
      const result = await h.app.pollOnce();
      tickMs.push(performance.now() - tickStarted);
      if (result.checked !== IMPORTS) throw new Error(`tick checked ${result.checked} of ${IMPORTS}`);
    }
    const rest = started + durationMs - Date.now();
    if (rest > 0) await sleep(rest);
    stop = true;
    await sampler;
    loop.disable();
    const seconds = (Date.now() - started) / 1000;

    // Lookups per rolling minute, from the counter samples.
    let perMinuteMax = 0;
    for (const sample of lookupSamples) {
      const earlier = lookupSamples.find((other) => other.at >= sample.at - 60_000);
      if (earlier && sample.at - earlier.at >= 59_000)
        perMinuteMax = Math.max(perMinuteMax, sample.total - earlier.total);
    }
    const lookupsTotal = lookupSamples.at(-1)?.total ?? 0;
    if (perMinuteMax === 0) perMinuteMax = lookupsTotal;

    // Lookups per domain: queries of one name within ONE_LOOKUP_MS are one lookup's tries.
    const lookupsByDomain = new Map<string, number[]>();
    for (const stamp of stamps) {
      const times = lookupsByDomain.get(stamp.name) ?? [];
      const last = times.at(-1);
      if (last === undefined || stamp.at - last > ONE_LOOKUP_MS) times.push(stamp.at);
      lookupsByDomain.set(stamp.name, times);
    }
    let maxPerInterval = 0;
    for (const times of lookupsByDomain.values()) {
      for (let head = 0, tail = 0; head < times.length; head += 1) {
        // A window a little short of the interval absorbs the 50 ms sampling of the query log.
        while ((times[tail] ?? 0) <= (times[head] ?? 0) - (INTERVAL_MS - 500)) tail += 1;
        maxPerInterval = Math.max(maxPerInterval, head - tail + 1);
      }
    }
    return {
      lookupsPerMinuteMax: perMinuteMax,
      lookupsPerMinuteMean: lookupsTotal / (seconds / 60),
      lookupsTotal,
      inFlightMax,
      serverInFlightMax: fake.maxInFlight,
      domainsCovered: lookupsByDomain.size,
      maxLookupsPerDomainPerInterval: maxPerInterval,
      tickMs,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      seconds,
    };
  } finally {
    await h.stop();
  }
}

export const dnsInsight: Benchmark = {
  name: 'dns',
  title: 'DNS insight: 5,000 waiting domains, a 50 ms resolver and a dead one',
  async run(ctx: BenchContext) {
    const durationMs = ctx.quick ? 70_000 : 150_000;
    const fake = await startFakeDns();
    const results = {} as Record<Scenario, ScenarioResult>;
    try {
      for (const scenario of ['baseline', 'slow', 'dead'] as const) {
        ctx.log(`  ${scenario}: ${DOMAINS} waiting domains for ${durationMs / 1000} s…`);
        results[scenario] = await runScenario(scenario, fake, durationMs);
      }
    } finally {
      await fake.stop();
    }
    const base = results.baseline;
    const baseTick = summarize(base.tickMs);
    const rows: ResultRow[] = [];
    for (const scenario of ['slow', 'dead'] as const) {
      const run = results[scenario];
      const label = scenario === 'slow' ? 'resolver at 50 ms' : 'dead resolver';
      const tick = summarize(run.tickMs);
      rows.push(
        {
          metric: `${label}: NS lookups in any 60 s, max`,
          value: String(run.lookupsPerMinuteMax),
          baseline: `${DOMAINS} (one per domain)`,
          ratio: ratio(run.lookupsPerMinuteMax, DOMAINS),
          target: `≤ ${DOMAINS}`,
          pass: run.lookupsPerMinuteMax <= DOMAINS,
        },
        {
          metric: `${label}: NS lookups per minute, mean`,
          value: run.lookupsPerMinuteMean.toFixed(0),
          baseline: String(DOMAINS),
          ratio: ratio(run.lookupsPerMinuteMean, DOMAINS),
          target: '',
        },
        {
          metric: `${label}: most lookups of one domain in one interval (60 s)`,
          value: String(run.maxLookupsPerDomainPerInterval),
          baseline: '1',
          ratio: ratio(run.maxLookupsPerDomainPerInterval, 1),
          target: '≤ 1',
          pass: run.maxLookupsPerDomainPerInterval <= 1,
        },
        {
          metric: `${label}: domains looked up at least once`,
          value: `${run.domainsCovered} / ${DOMAINS}`,
          baseline: String(DOMAINS),
          ratio: ratio(run.domainsCovered, DOMAINS),
          target: '',
        },
        {
          metric: `${label}: lookups on the wire, max (app / at the server)`,
          value: `${run.inFlightMax} / ${run.serverInFlightMax}`,
          baseline: '8 (the job’s bound)',
          ratio: ratio(run.inFlightMax, 8),
          target: '≤ 8',
          pass: run.inFlightMax <= 8,
        },
        {
          metric: `${label}: poll tick (1,000 Peeker checks), mean / max`,
          value: `${ms(tick.mean, 0)} / ${ms(tick.max, 0)}`,
          baseline: `${ms(baseTick.mean, 0)} / ${ms(baseTick.max, 0)}`,
          ratio: ratio(tick.max, baseTick.max),
          target: '≈ 1× (never waits for DNS)',
          pass: tick.max <= baseTick.max * 1.5 + 50,
        },
        {
          metric: `${label}: event-loop delay p99 / max`,
          value: `${ms(run.loopDelayP99Ms, 1)} / ${ms(run.loopDelayMaxMs, 1)}`,
          baseline: `${ms(base.loopDelayP99Ms, 1)} / ${ms(base.loopDelayMaxMs, 1)}`,
          ratio: ratio(run.loopDelayP99Ms, base.loopDelayP99Ms),
          target: '',
        },
      );
    }
    const notes = [
      `Each scenario ran ${(durationMs / 1000).toFixed(0)} s of real time with ticks every ${TICK_EVERY_MS / 1000} s (${base.tickMs.length} per scenario); baseline ticks: ${base.tickMs.map((t) => ms(t, 0)).join(', ')}.`,
      `Resolver at 50 ms: ticks ${results.slow.tickMs.map((t) => ms(t, 0)).join(', ')}; dead resolver: ticks ${results.dead.tickMs.map((t) => ms(t, 0)).join(', ')}.`,
      'A dead resolver costs 3 s per lookup (1.5 s × 2 tries), so the job’s 8 slots check about 160 domains a minute; each is tried again only after its interval.',
    ];
    return { rows, notes };
  },
};
