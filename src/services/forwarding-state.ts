/**
 * The state machine of one forwarding job (`fwj_…`, https://docs.peeker.ai/guides/forwarding),
 * shared by Peeker's answer to `POST /domains/forwarding`, the `domain.forwarding_updated` /
 * `domain.forwarding_failed` webhooks and polling `GET /domains/forwarding/{id}`, so whichever
 * reports first wins and the rest are no-ops. Pure, like `order-state.ts`.
 *
 * - A domain moves once: `pending` → `completed` | `failed`; a later or repeated report never
 *   changes it back.
 * - A job moves once: `in_progress` → `completed` | `partial_success` | `failed`. A terminal report
 *   settles every domain still pending (a `failed` job fails them; a finished job that does not
 *   list a domain reports it as failed with `not_reported`, so nothing waits forever).
 * - The webhooks may come per domain rather than per job (the docs do not say): once every domain
 *   of a job is settled that way, the job ends with the status its domains add up to.
 */

export type JobStatus = 'unsent' | 'in_progress' | 'completed' | 'partial_success' | 'failed' | 'rejected';
export type DomainState = 'pending' | 'completed' | 'failed';

const PEEKER_TERMINAL: ReadonlySet<string> = new Set(['completed', 'partial_success', 'failed']);

export function isTerminalJob(status: JobStatus): boolean {
  return PEEKER_TERMINAL.has(status) || status === 'rejected';
}

export interface DomainOutcome {
  domain: string;
  state: DomainState;
  reason: string | null;
}

/** What one report says about a job: its status (when it is job-shaped) and domains it settled. */
export interface JobReport {
  status: string | null;
  completed: readonly string[];
  failed: readonly { domain: string; reason: string | null }[];
}

export interface JobTransition {
  status: JobStatus;
  /** The job reached a terminal status with this report. */
  finished: boolean;
  /** Domains this report settled, in the job's order. */
  settled: DomainOutcome[];
}

/** A job whose domains all failed this way failed as a whole; Peeker names no reason then. */
export const JOB_FAILED_REASON = 'job_failed';
/** A finished job that did not list a domain (Peeker's answer was incomplete). */
export const NOT_REPORTED_REASON = 'not_reported';

/**
 * Applies one report to a job whose domains are `domains` (its current outcomes). Names are
 * compared lowercased; names the job does not hold are ignored.
 */
export function applyJobReport(
  current: { status: JobStatus; domains: readonly DomainOutcome[] },
  report: JobReport,
): JobTransition {
  if (isTerminalJob(current.status)) return { status: current.status, finished: false, settled: [] };
  const byName = new Map(current.domains.map((outcome) => [outcome.domain, { ...outcome }]));
  const settled = new Map<string, DomainOutcome>();
  const settle = (domain: string, state: 'completed' | 'failed', reason: string | null) => {
    const outcome = byName.get(domain.toLowerCase());
    if (outcome?.state !== 'pending' || settled.has(outcome.domain)) return;
    outcome.state = state;
    outcome.reason = state === 'failed' ? reason : null;
    settled.set(outcome.domain, outcome);
  };
  for (const row of report.failed) settle(row.domain, 'failed', row.reason);
  for (const domain of report.completed) settle(domain, 'completed', null);

  const reported = (report.status ?? '').toLowerCase();
  let status: JobStatus = current.status === 'unsent' ? 'in_progress' : current.status;
  if (PEEKER_TERMINAL.has(reported)) {
    status = reported as JobStatus;
    for (const outcome of byName.values()) {
      if (outcome.state !== 'pending') continue;
      if (reported === 'completed') settle(outcome.domain, 'completed', null);
      else settle(outcome.domain, 'failed', reported === 'failed' ? JOB_FAILED_REASON : NOT_REPORTED_REASON);
    }
  } else {
    const outcomes = [...byName.values()];
    if (outcomes.length > 0 && outcomes.every((outcome) => outcome.state !== 'pending')) {
      status = summarize(outcomes);
    }
  }
  const order = current.domains.map((outcome) => outcome.domain);
  return {
    status,
    finished: isTerminalJob(status),
    settled: order.flatMap((domain) => settled.get(domain) ?? []),
  };
}

/** The status a set of settled domains adds up to. */
export function summarize(outcomes: readonly DomainOutcome[]): 'completed' | 'partial_success' | 'failed' {
  const failed = outcomes.filter((outcome) => outcome.state === 'failed').length;
  if (failed === 0) return 'completed';
  return failed === outcomes.length ? 'failed' : 'partial_success';
}
