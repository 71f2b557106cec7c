import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type BackgroundGate, nextTurnGate } from '../lib/background-gate.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PeekerClient } from '../peeker/client.js';
import {
  describePeekerError,
  PeekerConnectionError,
  PeekerRateLimitError,
  PeekerResponseError,
  PeekerServerError,
  PeekerTimeoutError,
} from '../peeker/errors.js';
import type { PeekerImport } from '../peeker/imports.js';
import type { PostOutcome, SlackPublisher } from '../slack/publisher.js';
import type { Responder } from '../slack/responder.js';
import type { CommandRecord, CommandsRepo } from '../store/commands-repo.js';
import type { ImportKind, ImportsRepo } from '../store/imports-repo.js';
import type { SlackOutboxRepo } from '../store/slack-outbox-repo.js';
import { type ImportReportView, importReport, type PostView } from '../views/import-feedback.js';
import { durableCommand, type RegisteredCommand } from './command-runner.js';
import type { ImportTracker } from './import-tracker.js';

/** What `/peeker import` stores before it acknowledges: the parsed domains and the customer channel. */
export const importCommandArgs = z.object({
  domains: z.array(z.string().min(1)).min(1),
  channelId: z.string().min(1),
});
export type ImportCommandArgs = z.output<typeof importCommandArgs>;

export const IMPORT_COMMAND = 'import';

/** Peeker's limits: the synchronous import takes ≤25 domains, a job ≤500. */
export const SYNC_IMPORT_MAX = 25;
export const JOB_IMPORT_MAX = 500;

/**
 * Recovering an import whose POST failed in a way that does not prove Peeker did nothing: look
 * the domains up, then (re)submit them as a job — jobs dedupe on the domain set — 1 s, 2 s, 4 s…
 * apart (jittered), for about a minute in all before the requester is told.
 */
const RECOVERY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 15_000 };
export const IMPORT_RECOVERY_BUDGET_MS = 60_000;
/** A lost synchronous answer is only looked up this many times first: Peeker may still be validating. */
const SYNC_LOOKUPS_BEFORE_JOB = 2;

/**
 * Whether Peeker may have acted on a POST that failed this way: a timeout, a 5xx (a gateway can
 * fail after the work was done), a 2xx we could not read, or a connection lost mid-request. Such
 * a failure is recovered by lookup, never reported as "nothing happened".
 */
function mayHaveActed(error: unknown): boolean {
  return (
    error instanceof PeekerTimeoutError ||
    error instanceof PeekerServerError ||
    (error instanceof PeekerResponseError && error.status !== undefined && error.status < 300) ||
    (error instanceof PeekerConnectionError && error.mayHaveReachedPeeker)
  );
}

/** Worth another try later: Peeker may have acted, could not be reached, or is rate-limiting us. */
function isTransient(error: unknown): boolean {
  return (
    mayHaveActed(error) || error instanceof PeekerConnectionError || error instanceof PeekerRateLimitError
  );
}

export interface ImportServiceDeps {
  commands: CommandsRepo;
  imports: ImportsRepo;
  outbox: SlackOutboxRepo;
  tracker: ImportTracker;
  peeker: PeekerClient;
  publisher: SlackPublisher;
  responder: Responder;
  logger: Logger;
  metrics?: Metrics;
  isSandbox: () => boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
  /** How long a failed import is recovered (lookup, then job) before the requester is told. */
  recoveryBudgetMs?: number;
  /** Acks first: each step (submit, record, post, answer) waits until no request awaits its answer. */
  gate?: BackgroundGate;
}

/** Splits the list the way Peeker wants it: one synchronous import, or jobs of ≤500. */
export function planBatches(domains: readonly string[]): { kind: ImportKind; domains: string[] }[] {
  if (domains.length <= SYNC_IMPORT_MAX) return [{ kind: 'sync', domains: [...domains] }];
  const batches: { kind: ImportKind; domains: string[] }[] = [];
  for (let start = 0; start < domains.length; start += JOB_IMPORT_MAX) {
    batches.push({ kind: 'job', domains: domains.slice(start, start + JOB_IMPORT_MAX) });
  }
  return batches;
}

type BatchResult =
  | { ok: true; importId: string; messageId: number; alreadyTracked: boolean }
  | { ok: false; domains: string[]; error: unknown };

/**
 * Runs an acknowledged `/peeker import`: submits the domains to Peeker, records each accepted
 * import with its Slack message before anything is posted, posts the instructions, and tells the
 * requester where they went. Safe to run again after a crash: batches already recorded are not
 * resubmitted, and a synchronous import whose answer was lost is found again by its domains.
 */
export function createImportService(deps: ImportServiceDeps) {
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? ((ms: number) => sleep(ms));
  const gate = deps.gate ?? nextTurnGate;

  /**
   * POST rules of an import:
   * - `POST /domains/import` (not idempotent): retried by the client only when Peeker provably
   *   did not act; a capacity 429 becomes a job; any failure that may have acted is recovered.
   * - `POST /domains/import/jobs` (dedupes on the domain set): retried as is by the client, then
   *   recovered like the above when it still fails transiently.
   * After a crash (`resumed`), the domains are looked up before anything is sent again.
   */
  async function submit(
    kind: ImportKind,
    domains: string[],
    resumed: boolean,
  ): Promise<{ kind: ImportKind; data: PeekerImport }> {
    if (kind === 'job') {
      try {
        return { kind, data: (await deps.peeker.imports.createJob(domains)).data };
      } catch (error) {
        if (!isTransient(error)) throw error;
        return recover(domains, error, 0);
      }
    }
    if (resumed) {
      // An earlier attempt may have been accepted before the crash; never import twice.
      const found = await findExisting(domains);
      if (found) return found;
    }
    try {
      return { kind, data: (await deps.peeker.imports.create(domains)).data };
    } catch (error) {
      if (error instanceof PeekerRateLimitError && error.reason === 'cloudflare_account_capacity') {
        deps.logger.info({ domains: domains.length }, 'cloudflare capacity busy; importing as a job instead');
        return submit('job', domains, false);
      }
      if (!mayHaveActed(error)) throw error;
      // The answer was lost, not necessarily the import: Peeker may still be validating it.
      return recover(domains, error, SYNC_LOOKUPS_BEFORE_JOB);
    }
  }

  /**
   * Finds the import Peeker may have made, else submits the domains as a job (which Peeker
   * dedupes on the domain set, so the customer gets one set of nameservers either way), with
   * backoff, within the recovery budget. Throws the last error when the budget is spent.
   */
  async function recover(
    domains: string[],
    firstError: unknown,
    lookupsBeforeJob: number,
  ): Promise<{ kind: ImportKind; data: PeekerImport }> {
    const deadline = now() + (deps.recoveryBudgetMs ?? IMPORT_RECOVERY_BUDGET_MS);
    let lastError = firstError;
    deps.logger.warn(
      { domains: domains.length, code: describePeekerError(firstError).code },
      'import answer lost or failed; looking it up',
    );
    for (let attempt = 0; ; attempt += 1) {
      const found = await findExisting(domains).catch(() => undefined);
      if (found) return found;
      if (attempt >= lookupsBeforeJob) {
        try {
          return { kind: 'job', data: (await deps.peeker.imports.createJob(domains)).data };
        } catch (error) {
          if (!isTransient(error)) throw error;
          lastError = error;
        }
      }
      const delay = backoffDelay(RECOVERY_BACKOFF, attempt);
      if (now() + delay > deadline) throw lastError;
      await wait(delay);
    }
  }

  async function findExisting(
    domains: string[],
  ): Promise<{ kind: ImportKind; data: PeekerImport } | undefined> {
    const { data } = await deps.peeker.imports.lookup(domains);
    const wanted = new Set(domains);
    const match = data.find((candidate) => {
      const covered = new Set([
        ...candidate.nameserver_groups.flatMap((group) =>
          group.domains.map((domain) => domain.toLowerCase()),
        ),
        ...candidate.failed.map((row) => row.domain.toLowerCase()),
      ]);
      return [...wanted].every((domain) => covered.has(domain));
    });
    if (!match) return undefined;
    return { kind: match.id.startsWith('imp_') ? 'sync' : 'job', data: match };
  }

  /** An import we already follow that covers exactly these domains (the command was run again). */
  function trackedImportFor(domains: string[]): string | undefined {
    const ids = new Set(domains.map((domain) => deps.imports.latestForDomain(domain)?.id));
    if (ids.size !== 1) return undefined;
    const [id] = [...ids];
    if (!id) return undefined;
    const record = deps.imports.get(id);
    if (!record || record.phase === 'failed') return undefined;
    const tracked = new Set(deps.imports.domainsOf(id).map((domain) => domain.domain));
    return domains.every((domain) => tracked.has(domain)) ? id : undefined;
  }

  async function runBatch(
    command: CommandRecord<ImportCommandArgs>,
    batch: number,
    plan: { kind: ImportKind; domains: string[] },
  ): Promise<BatchResult> {
    const args = command.args;
    const recorded = deps.imports.forBatch(command.id, batch);
    if (recorded) {
      const message = deps.outbox.ensureMessage(
        { type: 'import', id: recorded.id },
        recorded.channelId,
        now(),
      );
      return { ok: true, importId: recorded.id, messageId: message.id, alreadyTracked: false };
    }
    const trackedId = trackedImportFor(plan.domains);
    if (trackedId) {
      const message = deps.outbox.ensureMessage({ type: 'import', id: trackedId }, args.channelId, now());
      // It was posted nowhere (bot not invited, say): post it now where it was asked for.
      if (message.state === 'failed') deps.outbox.moveTo(message.id, args.channelId);
      return { ok: true, importId: trackedId, messageId: message.id, alreadyTracked: true };
    }
    try {
      const submitted = await submit(plan.kind, plan.domains, command.attempts > 1);
      await gate.turn();
      const { record, messageId, isNew } = deps.tracker.recordSubmission(
        submitted.data,
        plan.domains,
        {
          kind: submitted.kind,
          commandId: command.id,
          batch,
          channelId: args.channelId,
          requestedBy: command.userId,
        },
        now(),
      );
      return { ok: true, importId: record.id, messageId, alreadyTracked: !isNew };
    } catch (error) {
      const info = describePeekerError(error);
      deps.logger.warn(
        { commandId: command.id, batch, code: info.code, requestId: info.requestId, err: error },
        'import batch failed',
      );
      return { ok: false, domains: plan.domains, error };
    }
  }

  function postView(outcome: PostOutcome): PostView {
    if (outcome.status === 'failed') return { status: 'failed', error: outcome.failure.error };
    return { status: outcome.status };
  }

  return {
    async run(command: CommandRecord<ImportCommandArgs>): Promise<void> {
      deps.commands.startAttempt(command.id, now());
      const current = { ...command, attempts: command.attempts + 1 };
      const plans = planBatches(command.args.domains);
      const results: BatchResult[] = [];
      for (const [batch, plan] of plans.entries()) {
        if (batch > 0) await gate.turn();
        results.push(await runBatch(current, batch, plan));
      }

      const report: ImportReportView = {
        channelId: command.args.channelId,
        sandbox: deps.isSandbox(),
        imports: [],
        errors: [],
      };
      for (const result of results) {
        if (!result.ok) {
          report.errors.push({ domains: result.domains, error: describePeekerError(result.error) });
          continue;
        }
        await gate.turn();
        const post = await deps.publisher.postNow(result.messageId);
        const domains = deps.imports.domainsOf(result.importId);
        report.imports.push({
          importId: result.importId,
          domains: domains.map((domain) => domain.domain),
          failed: domains
            .filter((domain) => domain.state === 'failed')
            .map((domain) => ({ domain: domain.domain, reason: domain.failureReason })),
          alreadyTracked: result.alreadyTracked,
          post: postView(post),
        });
      }
      await gate.turn();
      await deps.responder.tell(
        { userId: command.userId, channelId: command.originChannelId, responseUrl: command.responseUrl },
        importReport(report),
      );
      const outcome =
        report.errors.length > 0
          ? 'peeker_error'
          : report.imports.some((item) => item.post.status === 'failed')
            ? 'post_failed'
            : 'ok';
      deps.metrics?.commands.inc({ subcommand: 'import', outcome });
      deps.commands.finish(command.id, outcome, now());
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;

/** `/peeker import` as a durable command: stored before the ack, finished (or resumed) in the background. */
export function importCommand(service: ImportService): RegisteredCommand {
  return durableCommand({
    kind: IMPORT_COMMAND,
    args: importCommandArgs,
    run: (command) => service.run(command),
  });
}
