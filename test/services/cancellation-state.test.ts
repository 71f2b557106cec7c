import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CancellationReport,
  planCancellation,
  requestCovered,
  summarizeCancellation,
} from '../../src/services/cancellation-state.js';
import type { DomainCancellation } from '../../src/store/cancellations-repo.js';

const ORDER = ['a.com', 'b.com', 'c.com', 'd.com'];
const JUNE = '2026-06-07T12:00:00Z';
const JULY = '2026-07-07T12:00:00Z';

/** Applies reports one after another, as the tracker does, and returns the rows and each plan. */
function run(reports: readonly CancellationReport[], order = ORDER) {
  let rows: DomainCancellation[] = [];
  const plans = reports.map((report) => {
    const plan = planCancellation(order, rows, report);
    const byDomain = new Map(rows.map((row) => [row.domain, row]));
    for (const update of plan.updates) byDomain.set(update.domain, update);
    rows = [...byDomain.values()].sort((x, y) => x.domain.localeCompare(y.domain));
    return plan;
  });
  return { rows, plans };
}

describe('planCancellation', () => {
  it('no domains named: the whole order, every domain scheduled', () => {
    const { rows, plans } = run([{ kind: 'scheduled', domains: null, cancelsAt: JUNE }]);
    expect(plans[0]?.orderStatus).toBe('cancel_scheduled');
    expect(plans[0]?.moved).toEqual(ORDER);
    expect(rows.every((row) => row.state === 'scheduled' && row.cancelsAt === JUNE)).toBe(true);
  });

  it('some domains: only those, the order carries on (no order status)', () => {
    const { rows, plans } = run([{ kind: 'scheduled', domains: ['B.com', 'a.com'], cancelsAt: JUNE }]);
    expect(plans[0]?.orderStatus).toBeUndefined();
    expect(plans[0]?.moved).toEqual(['b.com', 'a.com']);
    expect(rows.map((row) => row.domain)).toEqual(['a.com', 'b.com']);
  });

  it('partial reports that together cover the order make it the whole order', () => {
    const { plans } = run([
      { kind: 'scheduled', domains: ['a.com', 'b.com'], cancelsAt: JUNE },
      { kind: 'scheduled', domains: ['c.com', 'd.com'], cancelsAt: JULY },
    ]);
    expect(plans.map((plan) => plan.orderStatus)).toEqual([undefined, 'cancel_scheduled']);
  });

  it('never moves backwards: cancel_scheduled after cancelled changes nothing', () => {
    const { rows, plans } = run([
      { kind: 'cancelled', domains: null, cancelsAt: null },
      { kind: 'scheduled', domains: null, cancelsAt: JUNE },
    ]);
    expect(plans[0]?.orderStatus).toBe('cancelled');
    expect(plans[1]?.moved).toEqual([]);
    expect(plans[1]?.updates).toEqual([]);
    expect(rows.every((row) => row.state === 'cancelled')).toBe(true);
  });

  it('a repeat moves nothing; a later report may add the date it lacked', () => {
    const { plans, rows } = run([
      { kind: 'scheduled', domains: ['a.com'], cancelsAt: null },
      { kind: 'scheduled', domains: ['a.com'], cancelsAt: JUNE },
      { kind: 'scheduled', domains: ['a.com'], cancelsAt: JULY },
    ]);
    expect(plans.map((plan) => plan.moved)).toEqual([['a.com'], [], []]);
    expect(plans[2]?.updates).toEqual([]);
    expect(rows).toEqual([{ domain: 'a.com', state: 'scheduled', cancelsAt: JUNE }]);
  });

  it('cancelled for some domains: released, the order still carries on', () => {
    const { plans } = run([
      { kind: 'scheduled', domains: ['a.com'], cancelsAt: JUNE },
      { kind: 'cancelled', domains: ['a.com'], cancelsAt: null },
    ]);
    expect(plans[1]?.moved).toEqual(['a.com']);
    expect(plans[1]?.orderStatus).toBeUndefined();
  });

  it('whatever order the reports arrive in, the end state is the same and only moves forward', () => {
    const report = fc.record({
      kind: fc.constantFrom('scheduled' as const, 'cancelled' as const),
      domains: fc.option(fc.subarray(ORDER, { minLength: 1 }), { nil: null }),
      cancelsAt: fc.constantFrom(null, JUNE),
    });
    fc.assert(
      fc.property(fc.array(report, { maxLength: 8 }), fc.integer({ min: 0, max: 1_000 }), (reports, seed) => {
        const shuffled = [...reports].sort(
          (x, y) => ((JSON.stringify(x).length * seed) % 7) - ((JSON.stringify(y).length * seed) % 7),
        );
        const state = (rows: DomainCancellation[]) => rows.map((row) => `${row.domain}:${row.state}`);
        expect(state(run(shuffled).rows)).toEqual(state(run(reports).rows));
        // Forward only: no report ever turns a cancelled domain back into a scheduled one.
        const { plans } = run(shuffled);
        const seen = new Map<string, string>();
        for (const plan of plans) {
          for (const update of plan.updates) {
            if (seen.get(update.domain) === 'cancelled') expect(update.state).toBe('cancelled');
            seen.set(update.domain, update.state);
          }
        }
      }),
    );
  });
});

describe('summarizeCancellation and requestCovered', () => {
  it('counts stopping and released domains, and the latest end date', () => {
    expect(summarizeCancellation([])).toBeNull();
    expect(
      summarizeCancellation([
        { domain: 'a.com', state: 'scheduled', cancelsAt: JUNE },
        { domain: 'b.com', state: 'cancelled', cancelsAt: JULY },
        { domain: 'c.com', state: 'scheduled', cancelsAt: null },
      ]),
    ).toEqual({ cancelled: 3, released: 1, endsAt: JULY });
  });

  it('a whole-order request is covered only by a whole-order report; a partial one by its domains', () => {
    const partial = planCancellation(ORDER, [], { kind: 'scheduled', domains: ['a.com'], cancelsAt: null });
    const whole = planCancellation(ORDER, [], { kind: 'scheduled', domains: null, cancelsAt: null });
    expect(requestCovered({ scope: 'order', domains: [] }, partial, [])).toBe(false);
    expect(requestCovered({ scope: 'order', domains: [] }, whole, [])).toBe(true);
    expect(requestCovered({ scope: 'domains', domains: ['A.com'] }, partial, [])).toBe(true);
    expect(requestCovered({ scope: 'domains', domains: ['a.com', 'b.com'] }, partial, [])).toBe(false);
  });
});
