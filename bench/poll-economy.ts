/**
 * Benchmark 4 — poll economy (target: thousands of pending imports never push Peeker calls past
 * the configured share of 600/min, and every pending import is re-checked at least every 30 min).
 *
 * 5,000 unfinished imports (known to the fake Peeker, recorded in the app's SQLite through its
 * own repository and state machine) are polled by the real `pollOnce`, one tick per simulated
 * minute as with the default `POLL_CRON`, on a virtual clock: for the duration of the simulation
 * `Date.now` (the app's `now` and the Peeker rate limiter's clock alike) jumps to the next whole
 * simulated minute before each tick and runs at normal speed within it, as in production. The
 * limiter (p-throttle, a sliding window over `Date.now()`) keeps its production 60 s window and
 * enforces its real budget without stretching the run to real minutes. (`peekerRateWindowMs`
 * cannot do that: `createThrottle` scales the per-window limit with the window, so a 1 s window
 * still allows ~285 calls per real minute — 4 per second after rounding — and one tick of 285
 * checks takes over a minute of real time.)
 * Two populations:
 * - burst: all 5,000 submitted at the same moment (worst case: every import young and due);
 * - spread: ages spread evenly over the last 48 h, each mid-way through its current interval.
 * Counted per simulated minute: Peeker GETs of imports; per import: the longest gap between two
 * checks (and the oldest "last checked" age seen before each tick). Baseline: checking every
 * import every minute (5,000 GETs/min).
 */
import { importSchema } from '../src/peeker/imports.js';
import { initialImport, MAX_CHECK_INTERVAL_MS, nextCheckAt } from '../src/services/import-state.js';
import { createImportsRepo } from '../src/store/imports-repo.js';
import { type BenchContext, type Benchmark, InProcessApp, type ResultRow, ratio } from './lib.js';

const IMPORTS = 5000;
const MINUTE = 60_000;
const BASE_INTERVAL_SECONDS = 60;
/** POLL_RATE_SHARE (0.5) × 600/min × 0.95 at the defaults. */
const SHARE_LIMIT = Math.floor(0.5 * 600 * 0.95);
/** POLL_RATE_SHARE × 600/min without the limiter's 5% margin (which absorbs timing skew). */
const SHARE_LIMIT_HARD = 0.5 * 600;

/** Small deterministic PRNG (mulberry32), so both runs see the same population. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PollRun {
  minutes: number;
  speed: number;
  perMinute: number[];
  maxPerMinute: number;
  /** Most GETs in any sliding 60 s window (what the limiter promises to keep under its budget). */
  maxPerSlidingMinute: number;
  meanPerMinute: number;
  /** Longest simulated time between two checks of one import (ms), over the whole run. */
  maxGapMs: number;
  /** Oldest "last checked" age seen at a tick (ms), and how it evolved. */
  maxOldestAgeMs: number;
  oldestAgeSeries: { minute: number; ageMs: number; gets: number }[];
  /** Ticks that found the previous one still running (skipped, as `scheduleRecurring` does). */
  skippedTicks: number;
  meanTickMs: number;
  maxTickMs: number;
  neverChecked: number;
  failedChecks: number;
  realSeconds: number;
}

/**
 * Runs `fn` with `Date.now` and `setTimeout` on a virtual clock that starts at `t0` and runs
 * `speed` times faster than real time (other timers — AbortSignal.timeout, HTTP servers — are
 * untouched). Restores both afterwards.
 */
async function acceleratedTime<T>(
  t0: number,
  speed: number,
  fn: (clock: { realSleepUntilVirtual: (at: number) => Promise<void> }) => Promise<T>,
): Promise<T> {
  const realDateNow = Date.now;
  const realSetTimeout = globalThis.setTimeout;
  const p0 = performance.now();
  Date.now = () => t0 + Math.floor((performance.now() - p0) * speed);
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) =>
    realSetTimeout(callback, Math.max(0, (delay ?? 0) / speed), ...args)) as typeof setTimeout;
  try {
    return await fn({
      realSleepUntilVirtual: (at) =>
        new Promise((resolve) => realSetTimeout(resolve, Math.max(0, (at - Date.now()) / speed))),
    });
  } finally {
    Date.now = realDateNow;
    globalThis.setTimeout = realSetTimeout;
  }
}

async function simulate(population: 'burst' | 'spread', minutes: number, speed: number): Promise<PollRun> {
  const t0 = Date.UTC(2026, 10, 24, 9, 0, 0);
  const realDateNow = Date.now;
  // Until the simulation starts, the app's clock stands still at t0.
  let appNow: () => number = () => t0;
  // Not started: no HTTP server, cron, outbox loop; the simulation drives `pollOnce` itself.
  const h = await InProcessApp.start({ now: () => appNow(), start: false });
  try {
    const repo = createImportsRepo(h.app.db);
    const random = prng(population === 'burst' ? 1 : 2);
    const lastCheck = new Map<string, number>();
    const insertAll = h.app.db.transaction(() => {
      for (let i = 0; i < IMPORTS; i += 1) {
        const domain = `poll-${population}-${i}-acme.com`;
        const peekerImport = importSchema.parse(h.peeker.addImport([domain]));
        const age = population === 'burst' ? 0 : Math.floor(random() * 48 * 60 * MINUTE);
        const submittedAt = t0 - age;
        const { record, domains } = initialImport(
          peekerImport,
          [domain],
          { kind: 'sync', commandId: null, batch: null, channelId: 'CPOLL', requestedBy: 'UOPS' },
          submittedAt,
        );
        if (population === 'spread') {
          // Mid-way through its current interval, as in a long-running steady state.
          const interval = Math.round(
            Math.min(MAX_CHECK_INTERVAL_MS, Math.max(BASE_INTERVAL_SECONDS * 1000, age / 10)),
          );
          record.lastCheckedAt = t0 - Math.floor(random() * interval);
          record.nextCheckAt = record.lastCheckedAt + interval;
        } else {
          record.nextCheckAt = nextCheckAt(record, submittedAt, BASE_INTERVAL_SECONDS);
        }
        repo.insert(record, domains);
        lastCheck.set(record.id, record.lastCheckedAt ?? submittedAt);
      }
    });
    insertAll();
    const oldestStmt = h.app.db.prepare(
      'SELECT MIN(COALESCE(last_checked_at, submitted_at)) AS oldest FROM imports WHERE next_check_at IS NOT NULL',
    );
    const firstRequest = h.peeker.requests.length;
    const realStart = performance.now();

    const ticks = await acceleratedTime(t0, speed, async (clock) => {
      appNow = () => Date.now();
      const series: PollRun['oldestAgeSeries'] = [];
      const durations: number[] = [];
      let maxOldestAgeMs = 0;
      let skippedTicks = 0;
      let failedChecks = 0;
      let running: Promise<void> | undefined;
      for (let minute = 1; minute <= minutes; minute += 1) {
        // The cron's tick, on the minute; skipped while the previous tick runs (scheduleRecurring).
        await clock.realSleepUntilVirtual(t0 + minute * MINUTE);
        const oldest = (oldestStmt.get() as { oldest: number | null }).oldest;
        const oldestAge = oldest === null ? 0 : Date.now() - oldest;
        maxOldestAgeMs = Math.max(maxOldestAgeMs, oldestAge);
        if (minute % 10 === 0 || minute === 1) series.push({ minute, ageMs: oldestAge, gets: 0 });
        if (running) {
          skippedTicks += 1;
          continue;
        }
        const startedAt = Date.now();
        running = h.app
          .pollOnce()
          .then((result) => {
            failedChecks += result.failed;
            durations.push(Date.now() - startedAt);
          })
          .finally(() => {
            running = undefined;
          });
      }
      await clock.realSleepUntilVirtual(t0 + (minutes + 1) * MINUTE);
      const end = Date.now();
      await running;
      return { series, durations, maxOldestAgeMs, skippedTicks, failedChecks, end };
    });

    // Peeker GETs of imports, by virtual arrival time, inside the simulated span.
    const spanStart = t0 + MINUTE;
    const spanEnd = t0 + (minutes + 1) * MINUTE;
    const checkedIds = new Set<string>();
    const times: number[] = [];
    let maxGapMs = 0;
    for (const request of h.peeker.requests.slice(firstRequest)) {
      if (request.method !== 'GET' || !request.path.startsWith('/domains/import/')) continue;
      const id = request.path.split('/').at(-1)!;
      const previous = lastCheck.get(id);
      if (previous !== undefined) maxGapMs = Math.max(maxGapMs, request.at - previous);
      lastCheck.set(id, request.at);
      checkedIds.add(id);
      if (request.at >= spanStart && request.at < spanEnd) times.push(request.at);
    }
    // Imports still waiting for their next check at the end count with their current gap.
    for (const last of lastCheck.values()) maxGapMs = Math.max(maxGapMs, ticks.end - last);
    const perMinute = Array.from({ length: minutes }, () => 0);
    for (const at of times) {
      const index = Math.floor((at - spanStart) / MINUTE);
      perMinute[index] = (perMinute[index] ?? 0) + 1;
    }
    times.sort((a, b) => a - b);
    let maxPerSlidingMinute = 0;
    for (let head = 0, tail = 0; head < times.length; head += 1) {
      while ((times[tail] ?? 0) <= times[head]! - MINUTE) tail += 1;
      maxPerSlidingMinute = Math.max(maxPerSlidingMinute, head - tail + 1);
    }
    for (const point of ticks.series) point.gets = perMinute[point.minute - 1] ?? 0;
    return {
      minutes,
      speed,
      perMinute,
      maxPerMinute: Math.max(...perMinute),
      maxPerSlidingMinute,
      meanPerMinute: times.length / minutes,
      maxGapMs,
      maxOldestAgeMs: ticks.maxOldestAgeMs,
      oldestAgeSeries: ticks.series,
      skippedTicks: ticks.skippedTicks,
      meanTickMs: ticks.durations.reduce((sum, d) => sum + d, 0) / Math.max(1, ticks.durations.length),
      maxTickMs: Math.max(0, ...ticks.durations),
      neverChecked: IMPORTS - checkedIds.size,
      failedChecks: ticks.failedChecks,
      realSeconds: (performance.now() - realStart) / 1000,
    };
  } finally {
    appNow = realDateNow;
    await h.stop();
  }
}

const minutesOf = (msValue: number) => `${(msValue / MINUTE).toFixed(1)} min`;

export const pollEconomy: Benchmark = {
  name: 'poll',
  title: 'Poll economy: 5,000 unfinished imports, simulated minute by minute',
  async run(ctx: BenchContext) {
    // Virtual minutes per real second: enough for the limiter's timers (211 ms apart) to stay
    // meaningful and for a tick's own work (~0.5 s of real CPU for 285 checks) to stay short.
    const speed = ctx.quick ? 60 : 30;
    const runs = { burst: ctx.quick ? 8 : 60, spread: ctx.quick ? 31 : 45 };
    const rows: ResultRow[] = [];
    const notes: string[] = [];
    for (const population of ['burst', 'spread'] as const) {
      ctx.log(
        `  ${population}: ${IMPORTS} imports, ${runs[population]} simulated minutes at ${speed}× speed…`,
      );
      const run = await simulate(population, runs[population], speed);
      const label = population === 'burst' ? 'all submitted at once' : 'ages spread over 48 h';
      rows.push(
        {
          metric: `${label}: Peeker GETs per simulated minute, max`,
          value: String(run.maxPerMinute),
          baseline: String(IMPORTS),
          ratio: ratio(run.maxPerMinute, IMPORTS, 3),
          target: `≤ ${SHARE_LIMIT}`,
          pass: run.maxPerMinute <= SHARE_LIMIT,
        },
        {
          metric: `${label}: Peeker GETs in any sliding 60 s, max`,
          value: String(run.maxPerSlidingMinute),
          baseline: String(IMPORTS),
          ratio: ratio(run.maxPerSlidingMinute, IMPORTS, 3),
          target: `≤ ${SHARE_LIMIT_HARD} (share of 600)`,
          pass: run.maxPerSlidingMinute <= SHARE_LIMIT_HARD,
        },
        {
          metric: `${label}: Peeker GETs per minute, mean`,
          value: run.meanPerMinute.toFixed(0),
          baseline: String(IMPORTS),
          ratio: ratio(run.meanPerMinute, IMPORTS, 3),
          target: '',
        },
        {
          metric: `${label}: longest gap between two checks`,
          value: minutesOf(run.maxGapMs),
          baseline: '1.0 min',
          ratio: ratio(run.maxGapMs, MINUTE, 1),
          target: '≤ 30 min',
          pass: run.maxGapMs <= 30 * MINUTE,
        },
        {
          metric: `${label}: oldest re-check age at a tick, max`,
          value: minutesOf(run.maxOldestAgeMs),
          baseline: '1.0 min',
          ratio: ratio(run.maxOldestAgeMs, MINUTE, 1),
          target: '≤ 30 min',
          pass: run.maxOldestAgeMs <= 30 * MINUTE,
        },
        {
          metric: `${label}: ticks skipped (previous still running)`,
          value: `${run.skippedTicks} / ${run.minutes}`,
          baseline: '0',
          ratio: '',
          target: '',
        },
      );
      notes.push(
        `${label}: ${run.minutes} simulated minutes in ${run.realSeconds.toFixed(1)} s real; tick duration mean ${(run.meanTickMs / 1000).toFixed(1)} s, max ${(run.maxTickMs / 1000).toFixed(1)} s (simulated); imports never checked: ${run.neverChecked}; failed checks: ${run.failedChecks}. Oldest re-check age at the tick (GETs in that minute): ${run.oldestAgeSeries
          .map((point) => `t+${point.minute} min ${minutesOf(point.ageMs)} (${point.gets})`)
          .join(', ')}.`,
      );
    }
    notes.push(
      `Baseline = checking every import every minute (${IMPORTS} GETs/min). Limit = POLL_RATE_SHARE 0.5 × 600/min × 0.95 = ${SHARE_LIMIT}.`,
    );
    return { rows, notes };
  },
};
