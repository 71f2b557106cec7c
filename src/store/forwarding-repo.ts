import type { Db } from './database.js';
import type { Audience } from './orders-repo.js';

export type ForwardingBatchStatus =
  | 'unsent'
  | 'in_progress'
  | 'completed'
  | 'partial_success'
  | 'failed'
  | 'rejected';
export type ForwardingDomainState = 'pending' | 'completed' | 'failed';

/** One `/peeker forward`: where its message lives, who asked, and the URL. */
export interface ForwardingRequest {
  id: number;
  commandId: number | null;
  channelId: string;
  audience: Audience;
  requestedBy: string;
  url: string;
  sandbox: boolean;
  status: 'running' | 'finished';
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** Peeker's refusal of a whole batch, as shown to the ops person. */
export interface BatchError {
  code: string;
  message: string;
  requestId: string | null;
  field: string | null;
}

/** One job of ≤25 domains: `unsent` until Peeker accepts it (then its `fwj_` ID), `rejected` if Peeker refused it. */
export interface ForwardingBatch {
  requestId: number;
  batch: number;
  jobId: string | null;
  status: ForwardingBatchStatus;
  error: BatchError | null;
  attempts: number;
  checks: number;
  /** Unsent: when to send it again; in progress: when to poll it. */
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface ForwardingDomain {
  requestId: number;
  domain: string;
  batch: number;
  position: number;
  orderId: string | null;
  state: ForwardingDomainState;
  reason: string | null;
}

interface RequestRow {
  id: number;
  command_id: number | null;
  channel_id: string;
  audience: Audience;
  requested_by: string;
  url: string;
  sandbox: number;
  status: 'running' | 'finished';
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface BatchRow {
  request_id: number;
  batch: number;
  job_id: string | null;
  status: ForwardingBatchStatus;
  error: string | null;
  attempts: number;
  checks: number;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface DomainRow {
  request_id: number;
  domain: string;
  batch: number;
  position: number;
  order_id: string | null;
  state: ForwardingDomainState;
  reason: string | null;
}

const toRequest = (row: RequestRow): ForwardingRequest => ({
  id: row.id,
  commandId: row.command_id,
  channelId: row.channel_id,
  audience: row.audience,
  requestedBy: row.requested_by,
  url: row.url,
  sandbox: row.sandbox === 1,
  status: row.status,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
});

const toBatch = (row: BatchRow): ForwardingBatch => ({
  requestId: row.request_id,
  batch: row.batch,
  jobId: row.job_id,
  status: row.status,
  error: row.error ? (JSON.parse(row.error) as BatchError) : null,
  attempts: row.attempts,
  checks: row.checks,
  nextAttemptAt: row.next_attempt_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
});

const toDomain = (row: DomainRow): ForwardingDomain => ({
  requestId: row.request_id,
  domain: row.domain,
  batch: row.batch,
  position: row.position,
  orderId: row.order_id,
  state: row.state,
  reason: row.reason,
});

/** A failed forwarding change, for the digest. */
export interface FailedForwarding {
  requestId: number;
  url: string;
  channelId: string;
  requestedBy: string;
  finishedAt: number;
  failed: { domain: string; orderId: string | null; reason: string | null }[];
  total: number;
}

/** Forwarding requests, their jobs and each domain's outcome. */
export function createForwardingRepo(db: Db) {
  const insertRequest = db.prepare<{
    commandId: number | null;
    channelId: string;
    audience: Audience;
    requestedBy: string;
    url: string;
    sandbox: number;
    now: number;
  }>(
    `INSERT INTO forwarding_requests (command_id, channel_id, audience, requested_by, url, sandbox, status, created_at, updated_at)
     VALUES (@commandId, @channelId, @audience, @requestedBy, @url, @sandbox, 'running', @now, @now)`,
  );
  const insertBatch = db.prepare<[number, number, number, number, number]>(
    `INSERT INTO forwarding_batches (request_id, batch, status, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, 'unsent', ?, ?, ?)`,
  );
  const insertDomain = db.prepare<[number, string, number, number, string | null]>(
    `INSERT INTO forwarding_domains (request_id, domain, batch, position, order_id, state)
     VALUES (?, ?, ?, ?, ?, 'pending') ON CONFLICT (request_id, domain) DO NOTHING`,
  );
  const selectRequest = db.prepare<[number], RequestRow>('SELECT * FROM forwarding_requests WHERE id = ?');
  const selectRequestByCommand = db.prepare<[number], RequestRow>(
    'SELECT * FROM forwarding_requests WHERE command_id = ?',
  );
  const selectBatches = db.prepare<[number], BatchRow>(
    'SELECT * FROM forwarding_batches WHERE request_id = ? ORDER BY batch',
  );
  const selectBatch = db.prepare<[number, number], BatchRow>(
    'SELECT * FROM forwarding_batches WHERE request_id = ? AND batch = ?',
  );
  const selectBatchByJob = db.prepare<[string], BatchRow>(
    'SELECT * FROM forwarding_batches WHERE job_id = ?',
  );
  const selectDomains = db.prepare<[number], DomainRow>(
    'SELECT * FROM forwarding_domains WHERE request_id = ? ORDER BY position',
  );
  const selectBatchDomains = db.prepare<[number, number], DomainRow>(
    'SELECT * FROM forwarding_domains WHERE request_id = ? AND batch = ? ORDER BY position',
  );
  const selectPendingByDomain = db.prepare<[string], DomainRow>(
    `SELECT d.* FROM forwarding_domains d JOIN forwarding_requests r ON r.id = d.request_id
     WHERE d.domain = ? AND d.state = 'pending' AND r.status = 'running' ORDER BY d.request_id`,
  );
  const updateBatch = db.prepare<{
    requestId: number;
    batch: number;
    jobId: string | null;
    status: ForwardingBatchStatus;
    error: string | null;
    attempts: number;
    checks: number;
    nextAttemptAt: number | null;
    updatedAt: number;
    finishedAt: number | null;
  }>(
    `UPDATE forwarding_batches SET job_id = @jobId, status = @status, error = @error, attempts = @attempts,
       checks = @checks, next_attempt_at = @nextAttemptAt, updated_at = @updatedAt, finished_at = @finishedAt
     WHERE request_id = @requestId AND batch = @batch`,
  );
  const updateDomain = db.prepare<[string, string | null, number, string]>(
    "UPDATE forwarding_domains SET state = ?, reason = ? WHERE request_id = ? AND domain = ? AND state = 'pending'",
  );
  const finishRequest = db.prepare<[number, number, number]>(
    "UPDATE forwarding_requests SET status = 'finished', finished_at = ?, updated_at = ? WHERE id = ?",
  );
  const selectDue = db.prepare<[ForwardingBatchStatus, number, number], BatchRow>(
    `SELECT * FROM forwarding_batches WHERE status = ? AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?
     ORDER BY next_attempt_at LIMIT ?`,
  );
  const selectFailedSince = db.prepare<[number, number], RequestRow>(
    `SELECT DISTINCT r.* FROM forwarding_requests r JOIN forwarding_domains d ON d.request_id = r.id
     WHERE r.status = 'finished' AND r.finished_at >= ? AND d.state = 'failed' ORDER BY r.finished_at LIMIT ?`,
  );
  const selectRecent = db.prepare<{ domain: string; since: number; url: string | null }, { found: number }>(
    `SELECT 1 AS found FROM forwarding_domains d JOIN forwarding_requests r ON r.id = d.request_id
     WHERE d.domain = @domain AND r.created_at >= @since AND (@url IS NULL OR r.url = @url) LIMIT 1`,
  );
  const countRunning = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM forwarding_requests WHERE status = 'running'",
  );

  return {
    /** Creates a request with its domains planned into batches; returns its ID. */
    create(
      request: {
        commandId: number | null;
        channelId: string;
        audience: Audience;
        requestedBy: string;
        url: string;
        sandbox: boolean;
      },
      batches: readonly { domain: string; orderId: string | null }[][],
      now: number,
    ): number {
      const id = Number(
        insertRequest.run({ ...request, sandbox: request.sandbox ? 1 : 0, now }).lastInsertRowid,
      );
      let position = 0;
      for (const [batch, domains] of batches.entries()) {
        insertBatch.run(id, batch, now, now, now);
        for (const domain of domains) insertDomain.run(id, domain.domain, batch, position++, domain.orderId);
      }
      return id;
    },
    get(id: number): ForwardingRequest | undefined {
      const row = selectRequest.get(id);
      return row ? toRequest(row) : undefined;
    },
    forCommand(commandId: number): ForwardingRequest | undefined {
      const row = selectRequestByCommand.get(commandId);
      return row ? toRequest(row) : undefined;
    },
    batchesOf(requestId: number): ForwardingBatch[] {
      return selectBatches.all(requestId).map(toBatch);
    },
    batch(requestId: number, batch: number): ForwardingBatch | undefined {
      const row = selectBatch.get(requestId, batch);
      return row ? toBatch(row) : undefined;
    },
    batchForJob(jobId: string): ForwardingBatch | undefined {
      const row = selectBatchByJob.get(jobId);
      return row ? toBatch(row) : undefined;
    },
    domainsOf(requestId: number): ForwardingDomain[] {
      return selectDomains.all(requestId).map(toDomain);
    },
    domainsOfBatch(requestId: number, batch: number): ForwardingDomain[] {
      return selectBatchDomains.all(requestId, batch).map(toDomain);
    },
    /** Still-pending domains of running requests with this name (for per-domain webhooks). */
    pendingByDomain(domain: string): ForwardingDomain[] {
      return selectPendingByDomain.all(domain.toLowerCase()).map(toDomain);
    },
    saveBatch(batch: ForwardingBatch): void {
      updateBatch.run({
        requestId: batch.requestId,
        batch: batch.batch,
        jobId: batch.jobId,
        status: batch.status,
        error: batch.error ? JSON.stringify(batch.error) : null,
        attempts: batch.attempts,
        checks: batch.checks,
        nextAttemptAt: batch.nextAttemptAt,
        updatedAt: batch.updatedAt,
        finishedAt: batch.finishedAt,
      });
    },
    /** Settles a pending domain; false when it was already settled. */
    settleDomain(
      requestId: number,
      domain: string,
      state: 'completed' | 'failed',
      reason: string | null,
    ): boolean {
      return updateDomain.run(state, reason, requestId, domain).changes === 1;
    },
    finish(requestId: number, now: number): void {
      finishRequest.run(now, now, requestId);
    },
    /** Batches Peeker has not accepted yet whose next attempt is due. */
    dueToSend(now: number, limit: number): ForwardingBatch[] {
      return selectDue.all('unsent', now, limit).map(toBatch);
    },
    /** Jobs in progress whose next poll is due. */
    dueToCheck(now: number, limit: number): ForwardingBatch[] {
      return selectDue.all('in_progress', now, limit).map(toBatch);
    },
    /** Whether a request of ours since `since` included this domain (for `url`, when given). */
    requestedSince(domain: string, url: string | null, since: number): boolean {
      return selectRecent.get({ domain: domain.toLowerCase(), since, url }) !== undefined;
    },
    runningCount(): number {
      return countRunning.get()?.n ?? 0;
    },
    /**
     * Forwarding changes finished since `since` in which at least one domain failed, with those
     * domains and Peeker's reasons — what the digest lists as "failed forwarding jobs".
     */
    failedJobsSince(since: number, limit = 50): FailedForwarding[] {
      return selectFailedSince.all(since, limit).map((row) => {
        const domains = selectDomains.all(row.id);
        return {
          requestId: row.id,
          url: row.url,
          channelId: row.channel_id,
          requestedBy: row.requested_by,
          finishedAt: row.finished_at ?? row.updated_at,
          failed: domains
            .filter((domain) => domain.state === 'failed')
            .map((domain) => ({ domain: domain.domain, orderId: domain.order_id, reason: domain.reason })),
          total: domains.length,
        };
      });
    },
  };
}

export type ForwardingRepo = ReturnType<typeof createForwardingRepo>;
