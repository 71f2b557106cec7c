import { createHash } from 'node:crypto';
import { checkDomainDns } from '../dns/check-domain.js';
import type { MailCheckName, MailCheckReport, MailProblemKind } from '../dns/mail-check.js';
import type { MailProvider } from '../dns/mail-providers.js';
import type { DnsLookup } from '../dns/resolver.js';
import type { Logger } from '../logger.js';
import type { Db } from '../store/database.js';
import type { DnsRepo, HealthWatchItem } from '../store/dns-repo.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import { renderDnsHealthReply } from '../views/dns-report.js';
import { assignedNameserversOf } from './import-dns.js';

export const WEEK_MS = 7 * 24 * 3600_000;

/** Which check each problem belongs to, so a failed lookup never "clears" a problem it could not see. */
const CHECK_OF: Record<MailProblemKind, MailCheckName> = {
  domain_not_found: 'ns',
  nameservers_not_assigned: 'ns',
  no_mx: 'mx',
  null_mx: 'mx',
  mx_not_provider: 'mx',
  no_spf: 'spf',
  multiple_spf: 'spf',
  spf_missing_provider: 'spf',
  spf_allows_anyone: 'spf',
  no_dmarc: 'dmarc',
  multiple_dmarc: 'dmarc',
  dmarc_no_policy: 'dmarc',
};
const isProblemKind = (kind: string): kind is MailProblemKind => kind in CHECK_OF;

/**
 * A domain's place in the week, from a hash of its order and name: spread evenly over the week
 * whatever order domains connect in, and stable across restarts.
 */
export function weeklySlotOffset(orderId: string, domain: string, periodMs = WEEK_MS): number {
  const digest = createHash('sha256').update(`${orderId}\n${domain}`).digest();
  return Math.floor((digest.readUInt32BE(0) / 2 ** 32) * periodMs);
}

/** What one check changed: problems that appeared and (kinds of) problems that cleared. */
export interface HealthChange {
  appeared: MailCheckReport['problems'];
  cleared: MailProblemKind[];
  /** What stays reported after this check. */
  reported: MailProblemKind[];
}

/**
 * Compares a check with what the thread was already told. Only problems that stop mail working
 * (severity `error`) are reported; a problem whose lookup failed this time stays as it was (a
 * resolver hiccup is neither a new problem nor a fix).
 */
export function diffHealth(report: MailCheckReport, reported: readonly string[]): HealthChange {
  const before = new Set(reported.filter(isProblemKind));
  const unchecked = new Set(report.unchecked.map((item) => item.check));
  const current = report.problems.filter((problem) => problem.severity === 'error');
  const currentKinds = new Set(current.map((problem) => problem.kind));
  const appeared = current.filter((problem) => !before.has(problem.kind));
  const cleared = [...before].filter((kind) => !currentKinds.has(kind) && !unchecked.has(CHECK_OF[kind]));
  const kept = [...before].filter((kind) => !cleared.includes(kind));
  const reportedNow = [...new Set([...kept, ...currentKinds])].sort();
  return { appeared, cleared, reported: reportedNow };
}

export interface DnsHealthWatchDeps {
  db: Db;
  dns: DnsRepo;
  imports: ImportsRepo;
  outbox: SlackOutboxRepo;
  lookup: DnsLookup;
  logger: Logger;
  now: () => number;
  /** Each watched domain is checked once per period (a week). */
  periodMs?: number;
  /** At most this many domains per run, whatever the backlog (a bounded rate). */
  maxPerRun?: number;
  /** Lookups of this watch on the wire at once (four per domain). */
  concurrency?: number;
}

/** How often new connected domains are looked for (and ended orders' domains dropped). */
const ENROLL_EVERY_MS = 60_000;

/**
 * The weekly health watch of connected domains: each is checked once a week at its own moment
 * (spread evenly over the week), a few per run at most, and its order's thread hears about it only
 * when a problem appears or clears — once, never again for the same state.
 */
export function createDnsHealthWatch(deps: DnsHealthWatchDeps) {
  const periodMs = deps.periodMs ?? WEEK_MS;
  const maxPerRun = deps.maxPerRun ?? 8;
  let lastEnrolledAt = Number.NEGATIVE_INFINITY;
  let lastRunAt: number | undefined;

  const record = deps.db.transaction(
    (item: HealthWatchItem, report: MailCheckReport, checkedAt: number): HealthChange => {
      const change = diffHealth(report, item.reported);
      if (change.appeared.length > 0 || change.cleared.length > 0) {
        deps.outbox.queueReply(
          { type: 'order', id: item.orderId },
          `dns-health:${item.orderId}:${item.domain}:${checkedAt}`,
          renderDnsHealthReply({ domain: item.domain, appeared: change.appeared, cleared: change.cleared }),
          checkedAt,
        );
      }
      deps.dns.saveHealthCheck(item.orderId, item.domain, checkedAt, checkedAt + periodMs, change.reported);
      return change;
    },
  );

  async function check(item: HealthWatchItem): Promise<HealthChange> {
    const provider: MailProvider | undefined =
      item.provider === 'google' || item.provider === 'microsoft' ? item.provider : undefined;
    const assigned = assignedNameserversOf(deps.imports, item.domain);
    const report = await checkDomainDns(deps.lookup, item.domain, {
      ...(assigned ? { assignedNameservers: assigned } : {}),
      ...(provider ? { provider } : {}),
    });
    return record(item, report, deps.now());
  }

  return {
    /**
     * Checks the watched domains that are due, at most a fair share of the week per run (twice
     * the even rate, so a backlog drains) and never more than `maxPerRun`.
     */
    async runDue(): Promise<{ checked: number; replies: number }> {
      const now = deps.now();
      if (now - lastEnrolledAt >= ENROLL_EVERY_MS) {
        lastEnrolledAt = now;
        const added = deps.dns.enrollConnectedDomains(
          now,
          (orderId, domain) => now + weeklySlotOffset(orderId, domain, periodMs),
          1_000,
        );
        if (added > 0) deps.logger.debug({ added }, 'dns health watch: following newly connected domains');
      }
      const elapsed = lastRunAt === undefined ? 60_000 : Math.max(0, now - lastRunAt);
      lastRunAt = now;
      const share = Math.ceil((2 * deps.dns.watchedCount() * elapsed) / periodMs);
      const due = deps.dns.dueHealthChecks(now, Math.min(maxPerRun, Math.max(1, share)));
      let replies = 0;
      const concurrency = Math.max(1, Math.floor((deps.concurrency ?? 8) / 4));
      for (let start = 0; start < due.length; start += concurrency) {
        const changes = await Promise.all(due.slice(start, start + concurrency).map(check));
        replies += changes.filter((change) => change.appeared.length + change.cleared.length > 0).length;
      }
      return { checked: due.length, replies };
    },
  };
}

export type DnsHealthWatch = ReturnType<typeof createDnsHealthWatch>;
