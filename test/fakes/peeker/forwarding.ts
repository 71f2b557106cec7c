/**
 * Forwarding changes on live domains (https://docs.peeker.ai/guides/forwarding.md):
 * `POST /domains/forwarding` (≤25 domains, 202 with an `fwj_` job) and
 * `GET /domains/forwarding/{id}`. Tests finish jobs with {@link ForwardingResource.finish}.
 */

import type { DomainsResource } from './domains.js';
import {
  type FakeContext,
  type FakeResource,
  invalid,
  isoSeconds,
  isRecord,
  newId,
  normalizeDomain,
  notFound,
  ok,
  type Reply,
  stringList,
} from './shared.js';

export type ForwardingJobStatus = 'in_progress' | 'completed' | 'partial_success' | 'failed';

/** Documented reasons: `dns_lookup_failed`, `target_unreachable`, `invalid_target`. */
export interface ForwardingFailure {
  domain: string;
  reason: string;
}

/** The forwarding job (`GET /domains/forwarding/{id}`), also the `domain.forwarding_*` event data. */
export interface ForwardingJob {
  id: string;
  status: ForwardingJobStatus;
  completed_count: number;
  failed_count: number;
  forwarding_url: string;
  completed: string[];
  failed: ForwardingFailure[];
  created_at: string;
  /** Present once the job reached a terminal status. */
  completed_at?: string;
}

/** How {@link FakePeeker.finishForwardingJob} ends a job. */
export interface ForwardingOutcome {
  /** Domains (names or `dom_` ids) that could not be repointed; the rest land in `completed`. */
  failed?: ForwardingFailure[];
  /** The whole job hit an unrecoverable error: status `failed`, every domain failed. */
  failJob?: string;
}

/** "Repoint up to 25 domains at a new forwarding URL" (NEW guide; the OLD one had no limit). */
export const FORWARDING_BATCH_LIMIT = 25;

/** State and routes of forwarding jobs. */
export class ForwardingResource implements FakeResource {
  /** Jobs by id, oldest first. */
  readonly jobs = new Map<string, ForwardingJob>();
  /** The domain names of each job, in the order sent. */
  private readonly jobDomains = new Map<string, string[]>();

  constructor(
    private readonly ctx: FakeContext,
    private readonly domains: DomainsResource,
  ) {}

  reset(): void {
    this.jobs.clear();
    this.jobDomains.clear();
  }

  route(method: string, path: string, _query: URLSearchParams, body: unknown): Reply | undefined {
    if (path === '/domains/forwarding' && method === 'POST') return this.create(body);
    const jobId = /^\/domains\/forwarding\/([^/]+)$/.exec(path)?.[1];
    if (jobId !== undefined && method === 'GET') {
      const found = this.jobs.get(jobId);
      return found ? ok(found) : notFound(`No forwarding job ${jobId}`);
    }
    return undefined;
  }

  /**
   * Ends a job: domains named in `outcome.failed` fail with their reason, the others complete
   * (including those already pointed at the URL) and take the new URL. Status: `completed`,
   * `partial_success` or `failed`. Throws for an unknown id.
   */
  finish(id: string, outcome: ForwardingOutcome = {}): ForwardingJob {
    const job = this.jobs.get(id);
    const names = this.jobDomains.get(id);
    if (!job || !names) throw new Error(`FakePeeker.finishForwardingJob: no forwarding job ${id}`);
    const failures = new Map<string, string>();
    for (const row of outcome.failed ?? [])
      failures.set(this.domains.resolve(row.domain) ?? row.domain, row.reason);
    const failJob = outcome.failJob;
    const failed = names
      .filter((d) => failJob !== undefined || failures.has(d))
      .map((domain) => ({ domain, reason: failJob ?? failures.get(domain) ?? 'unknown' }));
    const completed = names.filter((d) => !failed.some((f) => f.domain === d));
    for (const domain of completed) this.domains.setForwardingUrl(domain, job.forwarding_url);
    const status: ForwardingJobStatus =
      completed.length === 0 ? 'failed' : failed.length === 0 ? 'completed' : 'partial_success';
    const next: ForwardingJob = {
      ...job,
      status,
      completed_count: completed.length,
      failed_count: failed.length,
      completed,
      failed,
      completed_at: isoSeconds(this.ctx.now()),
    };
    this.jobs.set(id, next);
    return next;
  }

  private create(body: unknown): Reply {
    const refs = stringList(isRecord(body) ? body.domains : undefined);
    if (!refs) return invalid('domains must be a non-empty array of domain names or dom_ ids', 'domains');
    if (refs.length > FORWARDING_BATCH_LIMIT) {
      return invalid(`domains accepts at most ${FORWARDING_BATCH_LIMIT} entries`, 'domains', {
        max: FORWARDING_BATCH_LIMIT,
        submitted: refs.length,
      });
    }
    const url = isRecord(body) ? body.forwarding_url : undefined;
    if (typeof url !== 'string' || !isHttpUrl(url)) {
      return invalid('forwarding_url must be an http(s) URL', 'forwarding_url');
    }
    const names: string[] = [];
    const unknown: string[] = [];
    for (const ref of refs) {
      const name = this.domains.resolve(ref);
      if (name === undefined) unknown.push(ref);
      else if (!names.includes(name)) names.push(normalizeDomain(name));
    }
    if (unknown.length > 0) {
      return invalid(`Unknown domain ids: ${unknown.join(', ')}`, 'domains', { domains: unknown });
    }
    const job: ForwardingJob = {
      id: newId('fwj'),
      status: 'in_progress',
      completed_count: 0,
      failed_count: 0,
      forwarding_url: url,
      completed: [],
      failed: [],
      created_at: isoSeconds(this.ctx.now()),
    };
    this.jobs.set(job.id, job);
    this.jobDomains.set(job.id, names);
    return ok(job, 202);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}
