import pLimit from 'p-limit';
import type { DnsAnswer, DnsLookup } from '../dns/resolver.js';
import { type BackgroundGate, nextTurnGate } from '../lib/background-gate.js';
import { singleFlight } from '../lib/single-flight.js';
import type { Logger } from '../logger.js';
import type { DnsHealthWatch } from '../services/dns-health.js';
import { domainsToCheck, type ImportDnsRecorder } from '../services/import-dns.js';
import type { DnsRepo } from '../store/dns-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';

export interface DnsChecksDeps {
  lookup: DnsLookup;
  dns: DnsRepo;
  imports: ImportsRepo;
  recordImport: ImportDnsRecorder;
  health?: DnsHealthWatch;
  /** Wakes the job when new Slack work is queued (e.g. instructions about to be posted). */
  onQueued?: (listener: () => void) => () => void;
  logger: Logger;
  now: () => number;
  /**
   * Lookups this job keeps on the wire at once. Kept under the lookup service's own bound, so
   * `/peeker dns` always finds a free slot even while a dead resolver holds every one of ours.
   */
  concurrency?: number;
  /** Domains looked up per round (whole imports are taken, at least one). */
  domainsPerRound?: number;
  /** Rounds per run at most; what is left is taken by the next run. */
  maxRounds?: number;
  /** How often the job looks for due work without being woken. */
  sweepMs?: number;
  /** Acks first: each lookup and each recording waits until no request awaits its answer. */
  gate?: BackgroundGate;
}

/** How soon after new Slack work the job looks for new instructions to check. */
const WAKE_DELAY_MS = 250;

export interface DnsChecksRun {
  importsChecked: number;
  domainsLookedUp: number;
  healthChecked: number;
}

/**
 * The app's own DNS checks, on their own schedule and their own small budget, never inside the
 * poll tick: the imports waiting on the registrar (each domain looked up at most once per poll
 * interval; new instructions first), then the weekly health watch of connected domains. A slow or
 * dead resolver only makes this job slower: every lookup gives up on its own deadline, and nothing
 * else waits for it.
 */
export function createDnsChecks(deps: DnsChecksDeps) {
  const limit = pLimit(Math.max(1, deps.concurrency ?? 8));
  const domainsPerRound = Math.max(1, deps.domainsPerRound ?? 64);
  const maxRounds = Math.max(1, deps.maxRounds ?? 50);
  const sweepMs = deps.sweepMs ?? 2_000;
  const gate = deps.gate ?? nextTurnGate;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const totals = { runs: 0, importsChecked: 0, domainsLookedUp: 0, healthChecked: 0 };

  /** One round: the most urgent waiting imports, whole, up to `domainsPerRound` domains. */
  async function importRound(): Promise<{ imports: number; domains: number }> {
    const batch: { importId: string; domains: string[] }[] = [];
    let domainCount = 0;
    for (const importId of deps.dns.dueImports(deps.now(), domainsPerRound)) {
      const record = deps.imports.get(importId);
      if (!record) continue;
      const domains = domainsToCheck(record, deps.imports.domainsOf(importId)).map((item) => item.domain);
      if (batch.length > 0 && domainCount + domains.length > domainsPerRound) break;
      batch.push({ importId, domains });
      domainCount += domains.length;
    }
    if (batch.length === 0) return { imports: 0, domains: 0 };
    const answers = new Map<string, Promise<DnsAnswer<string>>>();
    for (const item of batch) {
      for (const domain of item.domains) {
        if (answers.has(domain)) continue;
        answers.set(
          domain,
          limit(async () => {
            // On stop the lookups end at once (the resolver is closed): no turn to wait for.
            if (!stopped) await gate.turn();
            return deps.lookup.ns(domain);
          }),
        );
      }
    }
    // Each import is recorded as soon as its own answers are in.
    await Promise.all(
      batch.map(async (item) => {
        const mine = new Map<string, DnsAnswer<string>>();
        for (const domain of item.domains) {
          const answer = answers.get(domain);
          if (answer) mine.set(domain, await answer);
        }
        if (stopped) return;
        await gate.turn();
        if (stopped) return;
        deps.recordImport(item.importId, mine, deps.now());
      }),
    );
    return { imports: batch.length, domains: answers.size };
  }

  let lastHealthAt = Number.NEGATIVE_INFINITY;

  async function run(force = false): Promise<DnsChecksRun> {
    const result: DnsChecksRun = { importsChecked: 0, domainsLookedUp: 0, healthChecked: 0 };
    // Out of whichever transaction woke us: work starts on a later turn of the event loop, once
    // no request is waiting for its answer.
    await gate.turn();
    for (let round = 0; round < maxRounds && !stopped; round += 1) {
      const { imports, domains } = await importRound();
      if (imports === 0) break;
      result.importsChecked += imports;
      result.domainsLookedUp += domains;
    }
    // The health watch needs no wake-ups: once per sweep period is its pace.
    if (deps.health && !stopped && (force || deps.now() - lastHealthAt >= sweepMs)) {
      lastHealthAt = deps.now();
      result.healthChecked = (await deps.health.runDue()).checked;
    }
    totals.runs += 1;
    totals.importsChecked += result.importsChecked;
    totals.domainsLookedUp += result.domainsLookedUp;
    totals.healthChecked += result.healthChecked;
    return result;
  }

  // Scheduled passes and `runNow` take turns: never two passes at once.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = (force = false): Promise<DnsChecksRun> => {
    const next = turn.then(() => run(force));
    turn = next.catch(() => undefined);
    return next;
  };
  const flight = singleFlight(
    () => exclusive(),
    (error) => deps.logger.error({ err: error }, 'dns checks failed'),
  );

  return {
    /** Runs on a timer and whenever Slack work is queued, never twice at once. */
    start(): void {
      stopped = false;
      timer ??= setInterval(() => flight.trigger(), sweepMs);
      timer.unref();
      unsubscribe ??= deps.onQueued?.(() => {
        // Called inside the writer's transaction: only schedule a wake-up, at most a few a second
        // however busy the outbox is (a webhook flood must not turn into a flood of sweeps).
        wake ??= setTimeout(() => {
          wake = undefined;
          flight.trigger();
        }, WAKE_DELAY_MS);
      });
      flight.trigger();
    },
    /** Stops waking up and waits for the running pass (its lookups give up on their own deadline). */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      if (wake) clearTimeout(wake);
      timer = undefined;
      wake = undefined;
      unsubscribe?.();
      unsubscribe = undefined;
      await flight.idle();
    },
    /** Runs one pass now, after any running one, and waits for it (tests, benchmarks). */
    runNow: () => exclusive(true),
    /** Waits until no pass is running or queued. */
    idle: async () => {
      await flight.idle();
      await turn;
    },
    stats: () => ({ ...totals, ...deps.lookup.stats() }),
  };
}

export type DnsChecks = ReturnType<typeof createDnsChecks>;
