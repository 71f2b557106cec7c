import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyJobReport,
  type DomainOutcome,
  type JobReport,
  type JobStatus,
} from '../../src/services/forwarding-state.js';

const pending = (...domains: string[]): DomainOutcome[] =>
  domains.map((domain) => ({ domain, state: 'pending', reason: null }));

/** Applies reports in order, carrying the job forward like the tracker does. */
function run(domains: string[], reports: JobReport[]) {
  let status: JobStatus = 'in_progress';
  const outcomes = new Map(pending(...domains).map((d) => [d.domain, d]));
  let finishedTimes = 0;
  for (const report of reports) {
    const next = applyJobReport({ status, domains: [...outcomes.values()] }, report);
    for (const settled of next.settled) outcomes.set(settled.domain, settled);
    if (next.finished) finishedTimes += 1;
    status = next.status;
  }
  return { status, outcomes: [...outcomes.values()], finishedTimes };
}

describe('the forwarding job state machine', () => {
  it('a terminal job report settles its domains, listed or not', () => {
    const partial = applyJobReport(
      { status: 'in_progress', domains: pending('a.com', 'b.com', 'c.com') },
      {
        status: 'partial_success',
        completed: ['a.com'],
        failed: [{ domain: 'B.com', reason: 'dns_lookup_failed' }],
      },
    );
    expect(partial.status).toBe('partial_success');
    expect(partial.finished).toBe(true);
    expect(partial.settled).toEqual([
      { domain: 'a.com', state: 'completed', reason: null },
      { domain: 'b.com', state: 'failed', reason: 'dns_lookup_failed' },
      { domain: 'c.com', state: 'failed', reason: 'not_reported' },
    ]);
    const failed = applyJobReport(
      { status: 'in_progress', domains: pending('a.com') },
      { status: 'failed', completed: [], failed: [] },
    );
    expect(failed.settled).toEqual([{ domain: 'a.com', state: 'failed', reason: 'job_failed' }]);
    const completed = applyJobReport(
      { status: 'in_progress', domains: pending('a.com', 'b.com') },
      { status: 'completed', completed: [], failed: [] },
    );
    expect(completed.settled.map((d) => d.state)).toEqual(['completed', 'completed']);
  });

  it('per-domain reports end the job once every domain is settled, with the status they add up to', () => {
    const first = applyJobReport(
      { status: 'in_progress', domains: pending('a.com', 'b.com') },
      { status: null, completed: ['a.com'], failed: [] },
    );
    expect(first).toMatchObject({ status: 'in_progress', finished: false });
    const second = applyJobReport(
      {
        status: 'in_progress',
        domains: [{ domain: 'a.com', state: 'completed', reason: null }, ...pending('b.com')],
      },
      { status: null, completed: [], failed: [{ domain: 'b.com', reason: 'target_unreachable' }] },
    );
    expect(second).toMatchObject({ status: 'partial_success', finished: true });
  });

  it('a finished job and a settled domain never move again; unknown names are ignored', () => {
    const done = applyJobReport(
      { status: 'completed', domains: [{ domain: 'a.com', state: 'completed', reason: null }] },
      { status: 'failed', completed: [], failed: [{ domain: 'a.com', reason: 'invalid_target' }] },
    );
    expect(done).toEqual({ status: 'completed', finished: false, settled: [] });
    const settled = applyJobReport(
      {
        status: 'in_progress',
        domains: [{ domain: 'a.com', state: 'failed', reason: 'x' }, ...pending('b.com')],
      },
      { status: 'in_progress', completed: ['a.com', 'elsewhere.com'], failed: [] },
    );
    expect(settled.settled).toEqual([]);
    expect(settled.status).toBe('in_progress');
  });

  it('whatever order the reports come in (repeated, shuffled), each domain settles once and the job ends once', () => {
    const domains = ['a.com', 'b.com', 'c.com', 'd.com'];
    const report = fc.oneof(
      fc.record({
        status: fc.constant<string | null>(null),
        completed: fc.subarray(domains),
        failed: fc.constant<JobReport['failed']>([]),
      }),
      fc.record({
        status: fc.constantFrom<string | null>('in_progress', null),
        completed: fc.constant<string[]>([]),
        failed: fc
          .subarray(domains)
          .map((names) => names.map((domain) => ({ domain, reason: 'dns_lookup_failed' }))),
      }),
    );
    const terminal: JobReport = {
      status: 'partial_success',
      completed: ['a.com'],
      failed: [{ domain: 'b.com', reason: 'x' }],
    };
    fc.assert(
      fc.property(fc.array(report, { maxLength: 8 }), fc.nat(8), (reports, at) => {
        const all = [...reports.slice(0, at), terminal, ...reports.slice(at), terminal];
        const result = run(domains, all);
        expect(result.finishedTimes).toBe(1);
        expect(result.outcomes.every((outcome) => outcome.state !== 'pending')).toBe(true);
        // Whatever settled first stands; the terminal report cannot un-settle it.
        expect(['completed', 'partial_success', 'failed']).toContain(result.status);
      }),
    );
  });
});
