import type { MessageRef } from '../slack/permalinks.js';
import type { DigestRepo } from '../store/digest-repo.js';
import {
  DIGEST_ROWS,
  type DigestModel,
  type DigestSection,
  type FailedForwardingView,
  type FailedSwapView,
} from '../views/digest.js';
import { isNotSwitched, pendingWithDns, type WaitingDnsSource } from './waiting-dns.js';

/** What every section provider is asked with. */
export interface DigestContext {
  now: number;
  /** `STUCK_AFTER_HOURS` in ms. */
  stuckAfterMs: number;
  /** Failures since this moment are news (the previous digest, else a day back). */
  since: number;
  /** Rows to return at most (the count covers all). */
  limit: number;
}

/**
 * One section of the digest: its count and first rows, or undefined when it has nothing (or its
 * source is not there). The digest is the list of these; a new kind of problem is a new provider.
 */
export type DigestSectionProvider = (context: DigestContext) => DigestSection | undefined;

/** Turns a message into its link (permalinks); null leaves the link out. */
export type LinkOf = (ref: MessageRef | null) => string | null;

const nonEmpty = (section: DigestSection): DigestSection | undefined =>
  section.total > 0 ? section : undefined;

/** Imports waiting on the registrar longer than `STUCK_AFTER_HOURS`: channel, age, domains not switched. */
export function stuckImportsSection(deps: {
  digest: DigestRepo;
  dns?: WaitingDnsSource | undefined;
  linkOf: LinkOf;
}): DigestSectionProvider {
  return ({ now, stuckAfterMs, limit }) => {
    const page = deps.digest.stuckImports(now - stuckAfterMs, limit);
    return nonEmpty({
      kind: 'stuck_imports',
      total: page.total,
      rows: page.rows.map((row) => ({
        channelId: row.channelId,
        waitedMs: now - row.waitingSince,
        notSwitched: pendingWithDns(row.pendingDomains, deps.dns?.statesOf(row.importId))
          .filter(isNotSwitched)
          .map((domain) => domain.domain),
        pending: row.pendingDomains.length,
        link: deps.linkOf(row.thread),
      })),
    });
  };
}

/** Orders with open pending actions (what Peeker waits on), the longest-open first. */
export function openActionsSection(deps: { digest: DigestRepo; linkOf: LinkOf }): DigestSectionProvider {
  return ({ now, limit }) => {
    const page = deps.digest.ordersWithOpenActions(limit);
    return nonEmpty({
      kind: 'open_actions',
      total: page.total,
      rows: page.rows.map((row) => ({
        orderId: row.orderId,
        channelId: row.channelId,
        customerEmail: row.customerEmail,
        reasons: row.reasons,
        openForMs: now - row.oldestAt,
        link: deps.linkOf(row.thread),
      })),
    });
  };
}

/** Orders in progress for longer than `STUCK_AFTER_HOURS` since they were placed. */
export function stuckOrdersSection(deps: { digest: DigestRepo; linkOf: LinkOf }): DigestSectionProvider {
  return ({ now, stuckAfterMs, limit }) => {
    const page = deps.digest.stuckOrders(now - stuckAfterMs, limit);
    return nonEmpty({
      kind: 'stuck_orders',
      total: page.total,
      rows: page.rows.map((row) => ({
        orderId: row.orderId,
        channelId: row.channelId,
        customerEmail: row.customerEmail,
        connected: row.connected,
        domainCount: row.domainCount,
        ageMs: now - row.placedAt,
        link: deps.linkOf(row.thread),
      })),
    });
  };
}

/** A forwarding change with failed domains, as the forwarding store reports it. */
export interface FailedForwardingItem {
  requestId: number;
  url: string;
  channelId: string;
  finishedAt: number;
  failed: { domain: string; reason: string | null }[];
}

/** Forwarding changes finished since the previous digest with failed domains. */
export function failedForwardingSection(deps: {
  failedSince: (since: number, limit: number) => FailedForwardingItem[];
  threadOf: (requestId: number) => MessageRef | null;
  linkOf: LinkOf;
}): DigestSectionProvider {
  return ({ now, since, limit }) => {
    // The store answers rows, not a count: read a generous page and count it.
    const items = deps.failedSince(since, 500);
    const rows: FailedForwardingView[] = items.slice(0, limit).map((item) => ({
      channelId: item.channelId,
      url: item.url,
      failed: item.failed,
      agoMs: now - item.finishedAt,
      link: deps.linkOf(deps.threadOf(item.requestId)),
    }));
    return nonEmpty({ kind: 'failed_forwarding', total: items.length, rows });
  };
}

/** A swap that failed, as the swaps store reports it. */
export interface FailedSwapItem {
  domain: string;
  replacement: string | null;
  reason: string | null;
  orderId: string | null;
  finishedAt: number;
}

/** Swaps that failed since the previous digest, linked to their order's thread. */
export function failedSwapsSection(deps: {
  failedSince: (since: number, limit: number) => FailedSwapItem[];
  orderThread: (orderId: string) => { channelId: string; thread: MessageRef | null } | undefined;
  linkOf: LinkOf;
}): DigestSectionProvider {
  return ({ now, since, limit }) => {
    // The store answers rows, not a count: read a generous page and count it.
    const items = deps.failedSince(since, 500);
    const rows: FailedSwapView[] = items.slice(0, limit).map((item) => {
      const order = item.orderId ? deps.orderThread(item.orderId) : undefined;
      return {
        domain: item.domain,
        replacement: item.replacement,
        reason: item.reason,
        orderId: item.orderId,
        channelId: order?.channelId ?? null,
        agoMs: now - item.finishedAt,
        link: deps.linkOf(order?.thread ?? null),
      };
    });
    return nonEmpty({ kind: 'failed_swaps', total: items.length, rows });
  };
}

/** When nothing was reported before, failures of the last day are news. */
const DEFAULT_LOOKBACK_MS = 24 * 3600_000;
/** Never look further back than a week, whatever the schedule. */
const MAX_LOOKBACK_MS = 7 * 24 * 3600_000;

export interface DigestBuilder {
  /**
   * What needs a person at `now`: every provider's section that has something, in order. For a
   * scheduled digest `slotAt` is its slot (failures since the slot before it are news); without it,
   * failures since the last digest slot are.
   */
  build(now: number, slotAt?: number): DigestModel;
  stuckAfterMs: number;
}

export function createDigestBuilder(deps: {
  providers: readonly DigestSectionProvider[];
  /** The last digest slot before a moment (for "since the previous digest"). */
  previousSlot: (before: number) => number | undefined;
  stuckAfterMs: number;
}): DigestBuilder {
  return {
    stuckAfterMs: deps.stuckAfterMs,
    build(now, slotAt) {
      const reference = slotAt ?? now;
      const previous = deps.previousSlot(slotAt ?? now + 1);
      const since = Math.max(previous ?? reference - DEFAULT_LOOKBACK_MS, reference - MAX_LOOKBACK_MS);
      const context: DigestContext = { now, stuckAfterMs: deps.stuckAfterMs, since, limit: DIGEST_ROWS };
      const sections = deps.providers
        .map((provider) => provider(context))
        .filter((section): section is DigestSection => section !== undefined);
      return { stuckAfterMs: deps.stuckAfterMs, sections };
    },
  };
}

/** How many things a digest lists in all. */
export const digestItems = (model: DigestModel): number =>
  model.sections.reduce((sum, section) => sum + section.total, 0);
