import { FORWARDING_BATCH_LIMIT } from '../peeker/forwarding.js';
import type { Db } from '../store/database.js';
import type {
  BatchError,
  ForwardingBatch,
  ForwardingDomain,
  ForwardingRepo,
  ForwardingRequest,
} from '../store/forwarding-repo.js';
import type { LiveDomainsRepo } from '../store/live-domains-repo.js';
import type { Audience, OrdersRepo } from '../store/orders-repo.js';
import type { OutboxSubject, SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import {
  type ForwardingMessageModel,
  renderForwardingOrderReply,
  renderForwardingReply,
} from '../views/forwarding-message.js';
import { applyJobReport, isTerminalJob, type JobReport, type JobStatus } from './forwarding-state.js';

export const forwardingSubject = (requestId: number): OutboxSubject => ({
  type: 'forwarding',
  id: String(requestId),
});
const orderSubject = (orderId: string): OutboxSubject => ({ type: 'order', id: orderId });

/** A job is first polled this long after Peeker accepted it, then ever less often (webhooks usually come first). */
const FIRST_CHECK_MS = 30_000;
const MAX_CHECK_MS = 10 * 60_000;
/** After a webhook about a job, its next poll waits at least this long. */
const AFTER_EVENT_CHECK_MS = 2 * 60_000;

export function nextCheckDelay(checks: number): number {
  return Math.min(MAX_CHECK_MS, FIRST_CHECK_MS * 2 ** Math.max(0, checks));
}

/** Splits domains into Peeker's jobs of at most 25. */
export function planForwardingBatches<T>(domains: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < domains.length; start += FORWARDING_BATCH_LIMIT) {
    batches.push(domains.slice(start, start + FORWARDING_BATCH_LIMIT));
  }
  return batches;
}

/** The job message's model, rendered whenever the message is posted or edited. */
export function forwardingMessageModel(
  request: ForwardingRequest,
  batches: readonly ForwardingBatch[],
  domains: readonly ForwardingDomain[],
): ForwardingMessageModel {
  const perBatch = new Map<number, number>();
  for (const domain of domains) perBatch.set(domain.batch, (perBatch.get(domain.batch) ?? 0) + 1);
  return {
    audience: request.audience,
    url: request.url,
    total: domains.length,
    completed: domains.filter((domain) => domain.state === 'completed').length,
    failed: domains
      .filter((domain) => domain.state === 'failed')
      .map((domain) => ({ domain: domain.domain, reason: domain.reason })),
    jobs: batches.map((batch) => ({
      jobId: batch.jobId,
      status: batch.status,
      domains: perBatch.get(batch.batch) ?? 0,
      error: batch.error,
    })),
    finished: request.status === 'finished',
    requestedBy: request.requestedBy,
    sandbox: request.sandbox,
  };
}

export interface NewForwardingRequest {
  commandId: number | null;
  channelId: string;
  audience: Audience;
  requestedBy: string;
  url: string;
  sandbox: boolean;
  domains: readonly { domain: string; orderId: string | null }[];
}

/**
 * Applies everything that happens to a forwarding change — Peeker accepting a job, refusing a
 * batch, job reports from webhooks and polling, per-domain webhooks — each in one synchronous
 * SQLite transaction together with the Slack work it causes: the job message marked stale, the
 * app's record of each repointed domain's URL, and once every job is terminal one reply in each
 * affected order's thread. The job machine itself is `forwarding-state.ts`.
 */
export function createForwardingTracker(deps: {
  db: Db;
  forwarding: ForwardingRepo;
  liveDomains: LiveDomainsRepo;
  orders: OrdersRepo;
  outbox: SlackOutboxRepo;
}) {
  const { db, forwarding, liveDomains, orders, outbox } = deps;

  /** Every job of the request is terminal: it is finished, and each affected order hears once. */
  function finishIfDone(requestId: number, now: number): void {
    const request = forwarding.get(requestId);
    if (!request || request.status === 'finished') return;
    if (!forwarding.batchesOf(requestId).every((batch) => isTerminalJob(batch.status))) return;
    forwarding.finish(requestId, now);
    const byOrder = new Map<string, ForwardingDomain[]>();
    for (const domain of forwarding.domainsOf(requestId)) {
      if (!domain.orderId) continue;
      byOrder.set(domain.orderId, [...(byOrder.get(domain.orderId) ?? []), domain]);
    }
    for (const [orderId, domains] of byOrder) {
      const order = orders.get(orderId);
      if (!order) continue;
      outbox.queueReply(
        orderSubject(orderId),
        `forwarding:${requestId}:${orderId}`,
        renderForwardingOrderReply({
          audience: order.audience,
          url: request.url,
          completed: domains.filter((d) => d.state === 'completed').map((d) => d.domain),
          failed: domains
            .filter((d) => d.state === 'failed')
            .map((d) => ({ domain: d.domain, reason: d.reason })),
        }),
        now,
      );
    }
  }

  /** Applies a report to one batch; true when anything changed. */
  function applyToBatch(
    batch: ForwardingBatch,
    report: JobReport,
    now: number,
    source: 'answer' | 'webhook' | 'poll',
  ): boolean {
    const request = forwarding.get(batch.requestId);
    if (!request) return false;
    const domains = forwarding.domainsOfBatch(batch.requestId, batch.batch);
    const transition = applyJobReport(
      {
        status: batch.status,
        domains: domains.map((d) => ({ domain: d.domain, state: d.state, reason: d.reason })),
      },
      report,
    );
    let changed = transition.status !== batch.status;
    for (const outcome of transition.settled) {
      if (outcome.state === 'pending') continue;
      if (!forwarding.settleDomain(batch.requestId, outcome.domain, outcome.state, outcome.reason)) continue;
      changed = true;
      if (outcome.state === 'completed') liveDomains.setForwardingUrl(outcome.domain, request.url, now);
    }
    const finished = isTerminalJob(transition.status);
    const checkAfter =
      source === 'poll'
        ? nextCheckDelay(batch.checks + 1)
        : source === 'webhook'
          ? Math.max(AFTER_EVENT_CHECK_MS, nextCheckDelay(batch.checks))
          : nextCheckDelay(0);
    forwarding.saveBatch({
      ...batch,
      status: transition.status,
      checks: source === 'poll' ? batch.checks + 1 : batch.checks,
      nextAttemptAt: finished ? null : now + checkAfter,
      updatedAt: now,
      finishedAt: finished ? (batch.finishedAt ?? now) : null,
    });
    if (changed) {
      outbox.markStale(forwardingSubject(batch.requestId));
      finishIfDone(batch.requestId, now);
    }
    return changed;
  }

  const createRequest = db.transaction(
    (input: NewForwardingRequest, now: number): { requestId: number; messageId: number } => {
      const requestId = forwarding.create(
        {
          commandId: input.commandId,
          channelId: input.channelId,
          audience: input.audience,
          requestedBy: input.requestedBy,
          url: input.url,
          sandbox: input.sandbox,
        },
        planForwardingBatches(input.domains),
        now,
      );
      const message = outbox.ensureMessage(forwardingSubject(requestId), input.channelId, now);
      return { requestId, messageId: message.id };
    },
  );

  /** Peeker accepted a batch (202, `fwj_…`): recorded at once, with whatever the answer already says. */
  const recordJob = db.transaction(
    (requestId: number, batchNumber: number, job: { id: string } & JobReport, now: number): boolean => {
      const batch = forwarding.batch(requestId, batchNumber);
      if (!batch) return false;
      if (batch.jobId !== null && batch.jobId !== job.id) return false; // already accepted once
      const accepted: ForwardingBatch = {
        ...batch,
        jobId: job.id,
        status: batch.status === 'unsent' ? 'in_progress' : batch.status,
        attempts: batch.attempts + 1,
        error: null,
        nextAttemptAt: now + nextCheckDelay(0),
        updatedAt: now,
      };
      forwarding.saveBatch(accepted);
      outbox.markStale(forwardingSubject(requestId));
      applyToBatch(accepted, job, now, 'answer');
      return true;
    },
  );

  /** A job report from a webhook or a poll; undefined when the job is not one of ours. */
  const applyJob = db.transaction(
    (
      jobId: string,
      report: JobReport,
      source: 'webhook' | 'poll',
      now: number,
    ): { changed: boolean } | undefined => {
      const batch = forwarding.batchForJob(jobId);
      if (!batch) return undefined;
      return { changed: applyToBatch(batch, report, now, source) };
    },
  );

  /**
   * Per-domain webhooks without a job ID: each change settles the pending domain of a running
   * request (the URL, when given, must match). Returns the domains it settled.
   */
  const applyDomainChanges = db.transaction(
    (
      changes: readonly { domain: string; ok: boolean; reason: string | null }[],
      url: string | null,
      now: number,
    ): string[] => {
      const settled: string[] = [];
      for (const change of changes) {
        for (const pending of forwarding.pendingByDomain(change.domain)) {
          const request = forwarding.get(pending.requestId);
          if (!request || (url !== null && url !== request.url)) continue;
          // Read afresh: an earlier change of this event may have moved the same batch.
          const batch = forwarding.batch(pending.requestId, pending.batch);
          if (!batch || batch.status === 'unsent' || isTerminalJob(batch.status)) continue;
          const report: JobReport = change.ok
            ? { status: null, completed: [change.domain], failed: [] }
            : { status: null, completed: [], failed: [{ domain: change.domain, reason: change.reason }] };
          if (applyToBatch(batch, report, now, 'webhook')) settled.push(change.domain);
          break;
        }
      }
      return settled;
    },
  );

  /**
   * Whether a webhook about these domains may belong to a batch still waiting for Peeker's answer
   * (Peeker can report a job before its own `POST` answer reached us).
   */
  function awaitingAnswer(domains: readonly string[]): boolean {
    return domains.some((domain) =>
      forwarding
        .pendingByDomain(domain)
        .some((pending) => forwarding.batch(pending.requestId, pending.batch)?.status === 'unsent'),
    );
  }

  /** A forwarding change we did not ask for: one reply per domain in the thread of the order with it. */
  const announceExternal = db.transaction(
    (
      eventId: string,
      changes: readonly { domain: string; ok: boolean; reason: string | null }[],
      url: string | null,
      now: number,
    ): number => {
      let applied = 0;
      for (const change of changes) {
        const domain = change.domain.toLowerCase();
        const orderId = liveDomains.get(domain)?.orderId ?? orders.latestIdForDomain(domain);
        const order = orderId ? orders.get(orderId) : undefined;
        if (!orderId || !order) continue;
        if (change.ok && url) liveDomains.setForwardingUrl(domain, url, now);
        outbox.queueReply(
          orderSubject(orderId),
          `order:${orderId}:forwarding:${eventId}:${domain}`,
          renderForwardingReply(order.audience, domain, url, change.ok, change.reason),
          now,
        );
        applied += 1;
      }
      return applied;
    },
  );

  /** Peeker refused a batch (4xx): its domains fail with Peeker's code; the message shows the error. */
  const rejectBatch = db.transaction(
    (requestId: number, batchNumber: number, error: BatchError, now: number): void => {
      const batch = forwarding.batch(requestId, batchNumber);
      if (batch?.status !== 'unsent') return;
      for (const domain of forwarding.domainsOfBatch(requestId, batchNumber)) {
        forwarding.settleDomain(requestId, domain.domain, 'failed', error.code);
      }
      forwarding.saveBatch({
        ...batch,
        status: 'rejected' satisfies JobStatus,
        error,
        attempts: batch.attempts + 1,
        nextAttemptAt: null,
        updatedAt: now,
        finishedAt: now,
      });
      outbox.markStale(forwardingSubject(requestId));
      finishIfDone(requestId, now);
    },
  );

  /** A send failed transiently: try again at `retryAt` (the poll loop sends due batches). */
  const deferBatch = db.transaction(
    (requestId: number, batchNumber: number, retryAt: number, now: number): void => {
      const batch = forwarding.batch(requestId, batchNumber);
      if (batch?.status !== 'unsent') return;
      forwarding.saveBatch({
        ...batch,
        attempts: batch.attempts + 1,
        nextAttemptAt: retryAt,
        updatedAt: now,
      });
    },
  );

  /** A poll failed: look again later. */
  const deferCheck = db.transaction((jobId: string, now: number): void => {
    const batch = forwarding.batchForJob(jobId);
    if (!batch || isTerminalJob(batch.status)) return;
    forwarding.saveBatch({
      ...batch,
      checks: batch.checks + 1,
      nextAttemptAt: now + nextCheckDelay(batch.checks + 1),
      updatedAt: now,
    });
  });

  return {
    createRequest,
    recordJob,
    applyJob,
    applyDomainChanges,
    awaitingAnswer,
    announceExternal,
    rejectBatch,
    deferBatch,
    deferCheck,
  };
}

export type ForwardingTracker = ReturnType<typeof createForwardingTracker>;
