import type { BundleChoice } from '../parsing/order-form-values.js';
import type { PeekerClient } from '../peeker/client.js';

/**
 * Active bundles, kept warm: the poll tick refreshes them in the background when stale, so the
 * form's submission (which must answer within 3 s) validates against the cache without waiting
 * for Peeker — a slightly stale list is better than an error, and Peeker re-checks the count.
 */
export class BundleCache {
  private cached: { bundles: BundleChoice[]; at: number } | undefined;
  private loading: Promise<BundleChoice[]> | undefined;

  constructor(
    private readonly peeker: PeekerClient,
    private readonly now: () => number,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  /** The cached list, however old (undefined before the first successful load). */
  peek(): BundleChoice[] | undefined {
    return this.cached?.bundles;
  }

  private isFresh(): boolean {
    return this.cached !== undefined && this.now() - this.cached.at < this.ttlMs;
  }

  /** A fresh list (loads it when stale). */
  async get(): Promise<BundleChoice[]> {
    if (this.isFresh() && this.cached) return this.cached.bundles;
    this.loading ??= this.peeker.bundles
      .listActive()
      .then(({ data }) => {
        const bundles = data.map((bundle) => ({
          id: bundle.id,
          name: bundle.name,
          requiredDomains: bundle.required_domains?.total ?? null,
        }));
        this.cached = { bundles, at: this.now() };
        return bundles;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** The cached list, or a fresh one if Peeker answers within `waitMs` (undefined otherwise). */
  async getWithin(waitMs: number): Promise<BundleChoice[] | undefined> {
    const cached = this.peek();
    this.refreshIfStale();
    if (cached) return cached;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    try {
      return await Promise.race([this.get().catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Refreshes in the background when stale; failures keep the old list. */
  refreshIfStale(): void {
    if (!this.isFresh()) void this.get().catch(() => undefined);
  }
}
