import type { Logger } from '../logger.js';
import type { DomainProblem } from '../parsing/order-form-domains.js';
import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError, type PeekerErrorInfo } from '../peeker/errors.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { AvailabilityChecker, AvailabilityResult, AvailableResult } from './availability-checker.js';

/** How long the inventory list (`GET /domains?category=inventory`) is reused. */
const INVENTORY_TTL_MS = 60_000;

/** The order's domains, sorted: imported (owned) ones and ones Peeker will register, with prices. */
export interface DomainSplit {
  imported: string[];
  toRegister: AvailableResult[];
}

export type SplitOutcome =
  | { ok: true; split: DomainSplit }
  /** Domains that cannot be ordered, each with a short reason for the form's field error. */
  | { ok: false; kind: 'problems'; problems: DomainProblem[] }
  /** Peeker could not be asked (the inventory list failed). */
  | { ok: false; kind: 'peeker_error'; error: PeekerErrorInfo }
  /** Not finished within the time the form's submission has; the answers keep coming into the caches. */
  | { ok: false; kind: 'pending'; count: number };

const WHY: Record<Exclude<AvailabilityResult['status'], 'available' | 'failed'>, string> = {
  taken: 'taken',
  premium: 'premium, not orderable through the API',
  invalid: 'Peeker says invalid',
  errored: 'Peeker could not check it, try again',
  unconfirmed: 'Peeker could not confirm it, try again',
};

function why(result: AvailabilityResult): string | undefined {
  if (result.status === 'available') return undefined;
  if (result.status === 'failed') {
    const info = describePeekerError(result.error);
    return info.kind === 'rate_limited'
      ? 'Peeker rate-limited the check, try again'
      : `check failed: ${info.code}`;
  }
  return WHY[result.status];
}

/**
 * Which of an order's domains are imported and which Peeker must register
 * (https://docs.peeker.ai/guides/buying-domains): a DNS-verified import the app knows, or a domain
 * in `GET /domains?category=inventory`, is imported; any other is checked with
 * `POST /domains/availability` (through the shared checker and its cache) and is to be registered
 * only when available. Everything is bounded by the submission's time budget: past it the answer
 * is "pending", and the caches fill so the next submission is instant.
 */
export function createOrderDomains(deps: {
  imports: ImportsRepo;
  peeker: PeekerClient;
  checker: AvailabilityChecker;
  logger: Logger;
  now: () => number;
}) {
  let inventory: { names: Promise<Set<string>>; at: number } | undefined;

  function inventoryNames(): Promise<Set<string>> {
    if (inventory && deps.now() - inventory.at < INVENTORY_TTL_MS) return inventory.names;
    const names = deps.peeker.domains
      .list({ category: 'inventory' })
      .then((result) => new Set(result.data.map((row) => row.domain.toLowerCase())));
    const entry = { names, at: deps.now() };
    inventory = entry;
    names.catch(() => {
      if (inventory === entry) inventory = undefined;
    });
    return names;
  }

  async function split(domains: readonly string[], known: ReadonlySet<string>): Promise<SplitOutcome> {
    const verified = deps.imports.verifiedAmong(domains);
    const rest = domains.filter((domain) => !verified.has(domain) && !known.has(domain));
    if (rest.length === 0) return { ok: true, split: { imported: [...domains], toRegister: [] } };
    let spare: Set<string>;
    try {
      spare = await inventoryNames();
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not list the Peeker inventory');
      return { ok: false, kind: 'peeker_error', error: describePeekerError(error) };
    }
    const toCheck = rest.filter((domain) => !spare.has(domain));
    const results = new Map((await deps.checker.checkAll(toCheck)).map((result) => [result.domain, result]));
    const problems: DomainProblem[] = [];
    const toRegister: AvailableResult[] = [];
    for (const domain of toCheck) {
      const result = results.get(domain) ?? { domain, status: 'errored' as const };
      if (result.status === 'available') toRegister.push(result);
      else problems.push({ domain, why: why(result) ?? 'not available' });
    }
    if (problems.length > 0) return { ok: false, kind: 'problems', problems };
    const registering = new Set(toRegister.map((result) => result.domain));
    return {
      ok: true,
      split: { imported: domains.filter((domain) => !registering.has(domain)), toRegister },
    };
  }

  return {
    /**
     * {@link split}, or `pending` when it takes longer than `budgetMs` (it carries on in the
     * background). `known` domains count as imported without a look-up: a corrected order's
     * domains are on the order it corrects, so Peeker would call them taken.
     */
    async splitWithin(
      domains: readonly string[],
      budgetMs: number,
      known: ReadonlySet<string> = new Set(),
    ): Promise<SplitOutcome> {
      const work = split(domains, known);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<SplitOutcome>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, kind: 'pending', count: domains.length }),
          Math.max(0, budgetMs),
        );
      });
      try {
        return await Promise.race([work, late]);
      } finally {
        clearTimeout(timer);
        work.catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'sorting the order’s domains failed'),
        );
      }
    },
  };
}

export type OrderDomains = ReturnType<typeof createOrderDomains>;
