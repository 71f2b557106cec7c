import { setTimeout as delay } from 'node:timers/promises';
/**
 * Domain availability for `/peeker check` and `/peeker find` on top of one Peeker
 * call, `POST /domains/availability` (https://docs.peeker.ai/api-reference/domains/checking-domain-availability).
 *
 * Why a layer of its own:
 * - Batches of at most 25: one version of Peeker's docs allows 50, the other 25, and 25 works with
 *   both.
 * - A 5-minute cache, like Peeker's own, so that repeating a `check` or `find` spends no rate
 *   limit. Only definite answers are cached: failures, `errored`, `stale` and `unconfirmed` rows
 *   are asked again next time.
 * - `stale` rows (Peeker answering from an old cache entry while it refreshes in the background)
 *   are asked once more after a short wait, all together, before being reported `unconfirmed`.
 * - Few calls at a time: they spend the rate limit the rest of the app shares.
 *
 * The checker knows nothing about HTTP: the caller passes `check`, one Peeker call.
 */

/**
 * One row of Peeker's answer, as on the wire (snake_case). Structurally identical to the Peeker
 * client's type, declared here so this module does not depend on the client.
 */
export type AvailabilityRow = {
  domain: string;
  available: boolean;
  price_cents?: number | null;
  renewal_price_cents?: number | null;
  currency?: string | null;
  usable_for?: string[] | null;
  premium?: boolean | null;
  reason?: string | null;
};

/** The mailbox providers a domain can be used with (Peeker's `usable_for`). */
export type UsableFor = 'google' | 'microsoft';

/** A name that can be ordered now, with its prices in the currency's minor units. */
export type AvailableResult = {
  domain: string;
  status: 'available';
  /** First-year price; null when Peeker did not give one. */
  priceCents: number | null;
  /** Yearly renewal price; null when Peeker did not give one. */
  renewalCents: number | null;
  currency: string | null;
  usableFor: UsableFor[];
};

/**
 * A name that cannot be ordered, or whose state is unknown:
 * - `taken`: registered by someone (also any other "not available" reason Peeker may add later);
 * - `premium`: a registry-premium name, not orderable through the API even when available;
 * - `invalid`: Peeker rejected the name;
 * - `errored`: Peeker could not check it, or left it out of its answer;
 * - `unconfirmed`: Peeker answered `stale` twice.
 */
export type UnavailableResult = {
  domain: string;
  status: 'taken' | 'premium' | 'invalid' | 'errored' | 'unconfirmed';
};

/** The call for this name's batch threw; `error` is what it threw, for the caller to explain. */
export type FailedResult = { domain: string; status: 'failed'; error: unknown };

/** What the checker says about one name. */
export type AvailabilityResult = AvailableResult | UnavailableResult | FailedResult;

/** Counters for the benchmark and metrics; all cumulative since the checker was created. */
export type AvailabilityStats = {
  /** Peeker calls started (including failed ones and stale re-checks). */
  calls: number;
  /** Calls that threw. */
  failedCalls: number;
  /** Names sent to Peeker, counted once per call they were in. */
  namesSent: number;
  /** Distinct names asked for, summed over `checkAll` calls. */
  namesRequested: number;
  /** Names answered from the cache without a call. */
  cacheHits: number;
  /** Names answered by a call another `checkAll` had already started for them. */
  sharedInFlight: number;
  /** Names asked again because Peeker answered `stale`. */
  staleRechecks: number;
};

/** Dependencies and tuning of {@link createAvailabilityChecker}. */
export type AvailabilityCheckerOptions = {
  /** One `POST /domains/availability` call for at most `batchSize` names. */
  check: (domains: string[]) => Promise<AvailabilityRow[]>;
  /** Milliseconds clock for the cache (default `Date.now`). */
  now?: () => number;
  /** Waits before re-checking stale rows (default `setTimeout`). */
  sleep?: (ms: number) => Promise<void>;
  /** How long a definite answer is reused (default 5 minutes, as Peeker caches). */
  cacheTtlMs?: number;
  /** Wait before asking again about `stale` rows (default 2 s). */
  staleRetryDelayMs?: number;
  /** Names per call (default 25; values above 25 risk the older API's limit). */
  batchSize?: number;
  /** Calls in flight at once, across all `checkAll` calls (default 2). */
  concurrency?: number;
  /** Cache entries kept; the oldest are dropped beyond this (default 10 000). */
  maxCacheEntries?: number;
};

/** See {@link createAvailabilityChecker}. */
export type AvailabilityChecker = {
  /**
   * Availability of each distinct name (compared case-insensitively, returned lowercased) in
   * first-seen order. Never rejects: a call that throws makes its names `failed`.
   */
  checkAll(domains: readonly string[]): Promise<AvailabilityResult[]>;
  /** A snapshot of the counters. */
  stats(): AvailabilityStats;
};

const DEFAULT_TTL_MS = 5 * 60_000;
const DEFAULT_STALE_RETRY_MS = 2_000;
const DEFAULT_BATCH_SIZE = 25;
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_MAX_CACHE_ENTRIES = 10_000;

/** A row's meaning before the stale retry is resolved. */
type Classified = AvailableResult | UnavailableResult | { domain: string; status: 'stale' };

type CacheEntry = { result: AvailabilityResult; storedAt: number };

/**
 * Creates a checker with its own cache and call limiter; create one per app so every command
 * shares them.
 */
export function createAvailabilityChecker(options: AvailabilityCheckerOptions): AvailabilityChecker {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const ttl = nonNegative(options.cacheTtlMs, DEFAULT_TTL_MS);
  const staleDelay = nonNegative(options.staleRetryDelayMs, DEFAULT_STALE_RETRY_MS);
  const batchSize = positiveInteger(options.batchSize, DEFAULT_BATCH_SIZE);
  const maxEntries = positiveInteger(options.maxCacheEntries, DEFAULT_MAX_CACHE_ENTRIES);
  const limit = createLimiter(positiveInteger(options.concurrency, DEFAULT_CONCURRENCY));

  const cache = new Map<string, CacheEntry>();
  // Names some `checkAll` is asking Peeker about right now: a second command asking for the same
  // names (two people running `find acme`) waits for that answer instead of spending calls.
  const inFlight = new Map<string, Promise<AvailabilityResult>>();
  const counters: AvailabilityStats = {
    calls: 0,
    failedCalls: 0,
    namesSent: 0,
    namesRequested: 0,
    cacheHits: 0,
    sharedInFlight: 0,
    staleRechecks: 0,
  };

  function cached(key: string): AvailabilityResult | undefined {
    const entry = cache.get(key);
    if (!entry) return undefined;
    if (now() - entry.storedAt < ttl) return entry.result;
    cache.delete(key);
    return undefined;
  }

  function remember(result: AvailabilityResult): void {
    // Only definite answers: anything else should be asked again next time.
    if (!['available', 'taken', 'premium', 'invalid'].includes(result.status)) return;
    cache.delete(result.domain); // re-inserting moves it to the end of the eviction order
    cache.set(result.domain, { result, storedAt: now() });
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next();
      if (oldest.done) break;
      cache.delete(oldest.value);
    }
  }

  /** One Peeker call, limited; classifies every asked name, or says the call failed. */
  async function call(batch: string[]): Promise<Map<string, Classified> | { error: unknown }> {
    return limit(async () => {
      counters.calls += 1;
      counters.namesSent += batch.length;
      let rows: unknown;
      try {
        rows = await options.check(batch);
        if (!Array.isArray(rows)) throw new TypeError('Peeker availability answer is not a list of rows');
      } catch (error) {
        counters.failedCalls += 1;
        return { error };
      }
      const byDomain = new Map<string, AvailabilityRow>();
      for (const row of rows as unknown[]) {
        if (!row || typeof row !== 'object') continue;
        const domain = (row as { domain?: unknown }).domain;
        if (typeof domain !== 'string') continue;
        const key = keyOf(domain);
        if (!byDomain.has(key)) byDomain.set(key, row as AvailabilityRow);
      }
      const answers = new Map<string, Classified>();
      for (const domain of batch) {
        const row = byDomain.get(domain);
        // A name Peeker left out of its answer was not checked.
        answers.set(domain, row ? classify(domain, row) : { domain, status: 'errored' });
      }
      return answers;
    });
  }

  /** Asks Peeker about `names` (all distinct, none cached), with the stale retry. */
  async function resolve(names: string[]): Promise<Map<string, AvailabilityResult>> {
    const results = new Map<string, AvailabilityResult>();
    const settle = (result: AvailabilityResult) => {
      results.set(result.domain, result);
      remember(result);
    };
    const stale = new Set<string>();
    await Promise.all(
      chunk(names, batchSize).map(async (batch) => {
        const answer = await call(batch);
        for (const domain of batch) {
          if (!(answer instanceof Map)) {
            settle({ domain, status: 'failed', error: answer.error });
            continue;
          }
          const result = answer.get(domain) ?? { domain, status: 'errored' };
          if (result.status === 'stale') stale.add(domain);
          else settle(result);
        }
      }),
    );
    if (stale.size === 0) return results;

    // Peeker refreshes stale entries in the background; give it a moment, then ask once more,
    // all of them together (in input order, so the calls do not depend on which batch came back first).
    counters.staleRechecks += stale.size;
    await sleep(staleDelay);
    await Promise.all(
      chunk(
        names.filter((name) => stale.has(name)),
        batchSize,
      ).map(async (batch) => {
        const answer = await call(batch);
        for (const domain of batch) {
          if (!(answer instanceof Map)) {
            settle({ domain, status: 'failed', error: answer.error });
            continue;
          }
          const result = answer.get(domain) ?? { domain, status: 'errored' };
          settle(result.status === 'stale' ? { domain, status: 'unconfirmed' } : result);
        }
      }),
    );
    return results;
  }

  async function checkAll(domains: readonly string[]): Promise<AvailabilityResult[]> {
    const keys = [...new Set((Array.isArray(domains) ? domains : []).filter(isString).map(keyOf))];
    counters.namesRequested += keys.length;

    const answers = new Map<string, AvailabilityResult | Promise<AvailabilityResult>>();
    const misses: string[] = [];
    for (const key of keys) {
      const hit = cached(key);
      const shared = hit ? undefined : inFlight.get(key);
      if (hit) {
        counters.cacheHits += 1;
        answers.set(key, hit);
      } else if (shared) {
        counters.sharedInFlight += 1;
        answers.set(key, shared);
      } else {
        misses.push(key);
      }
    }

    if (misses.length > 0) {
      const pending = resolve(misses);
      for (const key of misses) {
        // resolve() never rejects: call() turns every thrown error into `failed` results.
        const one = pending.then(
          (results): AvailabilityResult => results.get(key) ?? { domain: key, status: 'errored' },
        );
        inFlight.set(key, one);
        answers.set(key, one);
      }
      try {
        await pending;
      } finally {
        for (const key of misses) inFlight.delete(key);
      }
    }

    return Promise.all(keys.map((key) => answers.get(key) ?? { domain: key, status: 'errored' as const }));
  }

  return { checkAll, stats: () => ({ ...counters }) };
}

function classify(domain: string, row: AvailabilityRow): Classified {
  const reason = typeof row.reason === 'string' ? row.reason.trim().toLowerCase() : '';
  // Checked first: a stale row's `available` is Peeker's old answer and must not be trusted.
  if (reason === 'stale') return { domain, status: 'stale' };
  if (row.available === true) {
    // Premium names are not orderable through the API (https://docs.peeker.ai/guides/domain-search), available or not.
    if (row.premium === true || reason === 'premium') return { domain, status: 'premium' };
    return {
      domain,
      status: 'available',
      priceCents: finiteOrNull(row.price_cents),
      renewalCents: finiteOrNull(row.renewal_price_cents),
      currency: typeof row.currency === 'string' && row.currency.trim() !== '' ? row.currency.trim() : null,
      usableFor: usableFor(row.usable_for),
    };
  }
  if (row.available !== false) return { domain, status: 'errored' }; // malformed row
  switch (reason) {
    case 'premium':
    case 'invalid':
    case 'errored':
    case 'taken':
      return { domain, status: reason };
    default:
      // No reason, or one added after this was written: Peeker said it cannot be registered now.
      return { domain, status: row.premium === true ? 'premium' : 'taken' };
  }
}

function usableFor(value: unknown): UsableFor[] {
  if (!Array.isArray(value)) return [];
  const names = new Set(value.filter(isString).map((v) => v.trim().toLowerCase()));
  return (['google', 'microsoft'] as const).filter((provider) => names.has(provider));
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function keyOf(domain: string): string {
  return domain.trim().toLowerCase();
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function positiveInteger(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** At most `max` tasks running at once, started in the order they were queued. */
function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= max) return;
    const start = queue.shift();
    if (start) {
      active += 1;
      start();
    }
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active -= 1;
            next();
          });
      });
      next();
    });
}
