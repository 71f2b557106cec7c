import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isOrderFinished,
  nextOrderStatus,
  noteActivity,
  QUIET_RECONCILE_MS,
  type StatusReport,
  transitionOrder,
} from '../../src/services/order-state.js';
import type { OrderRecord, OrderStatus } from '../../src/store/orders-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const STATUSES: readonly OrderStatus[] = [
  'in_progress',
  'action_required',
  'completed',
  'failed',
  'cancel_scheduled',
  'cancelled',
];
/** The ranks the module's doc comment describes: working states < outcomes < cancel_scheduled < cancelled. */
const RANK: Record<OrderStatus, number> = {
  in_progress: 0,
  action_required: 0,
  completed: 2,
  failed: 2,
  cancel_scheduled: 3,
  cancelled: 4,
};

function order(patch: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: 'ord_1',
    draftId: null,
    channelId: 'COPS',
    audience: 'ops',
    placedBy: 'UOPS',
    customerEmail: 'alex@acme.com',
    bundleId: 'bun_1',
    bundleName: 'Starter',
    domainCount: 2,
    status: 'in_progress',
    statusChangedAt: iso(T0),
    totalCents: 9900,
    currency: 'usd',
    sandbox: false,
    request: {
      user: 'alex@acme.com',
      bundle_id: 'bun_1',
      sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com' },
      forwarding_url: 'https://acme.com',
      domains: ['acme-mail.com', 'team-acme.com'],
      personas: [],
    },
    failureReason: null,
    createdAt: T0,
    updatedAt: T0,
    lastEventAt: null,
    nextReconcileAt: T0 + QUIET_RECONCILE_MS,
    ...patch,
  };
}

describe('nextOrderStatus', () => {
  const at = (status: OrderStatus, changedAt: string | null = iso(T0)) => ({
    status,
    statusChangedAt: changedAt,
  });

  it('moves between the working states when the report is newer (or undated)', () => {
    expect(nextOrderStatus(at('in_progress'), { status: 'action_required', at: iso(T0 + 1000) })).toBe(
      'action_required',
    );
    expect(nextOrderStatus(at('action_required'), { status: 'in_progress', at: iso(T0 + 1000) })).toBe(
      'in_progress',
    );
    // A poll answer has no event time: it is "now" and wins.
    expect(nextOrderStatus(at('action_required'), { status: 'in_progress', at: null })).toBe('in_progress');
    // Nothing recorded yet to compare with: the report wins.
    expect(nextOrderStatus(at('in_progress', null), { status: 'action_required', at: iso(T0 - HOUR) })).toBe(
      'action_required',
    );
  });

  it('ignores an older working-state report (by its `at`)', () => {
    expect(
      nextOrderStatus(at('action_required'), { status: 'in_progress', at: iso(T0 - 1000) }),
    ).toBeUndefined();
    expect(
      nextOrderStatus(at('in_progress'), { status: 'action_required', at: iso(T0 - 1) }),
    ).toBeUndefined();
  });

  it('moves forward to a higher rank whatever the report time says', () => {
    for (const status of ['completed', 'failed', 'cancel_scheduled', 'cancelled'] as const) {
      expect(nextOrderStatus(at('in_progress'), { status, at: iso(T0 - HOUR) })).toBe(status);
    }
    expect(nextOrderStatus(at('completed'), { status: 'cancel_scheduled', at: null })).toBe(
      'cancel_scheduled',
    );
    expect(nextOrderStatus(at('failed'), { status: 'cancelled', at: null })).toBe('cancelled');
    expect(nextOrderStatus(at('cancel_scheduled'), { status: 'cancelled', at: null })).toBe('cancelled');
  });

  it('never moves back to a lower rank (a late report is stale)', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        if (RANK[to] >= RANK[from]) continue;
        expect(
          nextOrderStatus(at(from), { status: to, at: iso(T0 + HOUR) }),
          `${from} → ${to}`,
        ).toBeUndefined();
      }
    }
  });

  it('keeps the first outcome: completed and failed never replace each other', () => {
    expect(nextOrderStatus(at('completed'), { status: 'failed', at: iso(T0 + HOUR) })).toBeUndefined();
    expect(nextOrderStatus(at('failed'), { status: 'completed', at: iso(T0 + HOUR) })).toBeUndefined();
    expect(nextOrderStatus(at('failed'), { status: 'completed', at: null })).toBeUndefined();
  });

  it('ignores a repeat of the current status and statuses it does not know', () => {
    expect(nextOrderStatus(at('in_progress'), { status: 'in_progress', at: iso(T0 + 1) })).toBeUndefined();
    expect(nextOrderStatus(at('in_progress'), { status: 'on_hold', at: null })).toBeUndefined();
    expect(nextOrderStatus(at('in_progress'), { status: '', at: null })).toBeUndefined();
    expect(nextOrderStatus(at('in_progress'), { status: 'toString', at: null })).toBeUndefined();
  });

  it('reads the status case-insensitively', () => {
    expect(nextOrderStatus(at('in_progress'), { status: 'COMPLETED', at: null })).toBe('completed');
  });
});

describe('transitionOrder', () => {
  const NOW = T0 + 5 * 60_000;

  it('a webhook outcome changes the status, records the event time and stops reconciling', () => {
    const current = order();
    const report: StatusReport = { status: 'completed', at: iso(T0 + 60_000) };
    const { record, changes } = transitionOrder(current, report, 'webhook', NOW);
    expect(changes).toEqual([
      { kind: 'status', status: 'completed' },
      { kind: 'outcome', outcome: 'completed', failureReason: null },
    ]);
    expect(record.status).toBe('completed');
    expect(record.statusChangedAt).toBe(report.at);
    expect(record.lastEventAt).toBe(NOW);
    expect(record.updatedAt).toBe(NOW);
    expect(record.nextReconcileAt).toBeNull();
    expect(current.status).toBe('in_progress'); // the input is not mutated
  });

  it('a poll answer counts as "now" and leaves the last event time alone', () => {
    const current = order({ lastEventAt: T0 + 1000 });
    const { record, changes } = transitionOrder(
      current,
      { status: 'action_required', at: null },
      'poll',
      NOW,
    );
    expect(changes).toEqual([{ kind: 'status', status: 'action_required' }]);
    expect(record.statusChangedAt).toBe(iso(NOW));
    expect(record.lastEventAt).toBe(T0 + 1000);
    expect(record.nextReconcileAt).toBe(NOW + QUIET_RECONCILE_MS);
  });

  it('announces an outcome only for completed, failed, cancel_scheduled and cancelled', () => {
    for (const status of STATUSES) {
      const from = status === 'in_progress' ? 'action_required' : 'in_progress';
      const { changes } = transitionOrder(order({ status: from }), { status, at: null }, 'webhook', NOW);
      const outcomes = changes.filter((change) => change.kind === 'outcome');
      const expectOutcome = ['completed', 'failed', 'cancel_scheduled', 'cancelled'].includes(status);
      expect(changes[0], status).toEqual({ kind: 'status', status });
      expect(outcomes, status).toEqual(
        expectOutcome ? [{ kind: 'outcome', outcome: status, failureReason: null }] : [],
      );
    }
  });

  it('keeps the failure reason of a failed report, or the one it had', () => {
    const failed = transitionOrder(
      order(),
      { status: 'failed', at: null, failureReason: 'smartlead_login_invalid' },
      'webhook',
      NOW,
    );
    expect(failed.record.failureReason).toBe('smartlead_login_invalid');
    expect(failed.changes).toContainEqual({
      kind: 'outcome',
      outcome: 'failed',
      failureReason: 'smartlead_login_invalid',
    });

    const kept = transitionOrder(
      order({ failureReason: 'said earlier' }),
      { status: 'failed', at: null },
      'poll',
      NOW,
    );
    expect(kept.record.failureReason).toBe('said earlier');

    // A reason on a report that is not a failure is not taken.
    const completed = transitionOrder(
      order(),
      { status: 'completed', at: null, failureReason: 'noise' },
      'webhook',
      NOW,
    );
    expect(completed.record.failureReason).toBeNull();
  });

  it('reconciles a scheduled cancellation every 6 hours, unfinished orders after 10 quiet minutes, finished ones never', () => {
    const scheduled = transitionOrder(order(), { status: 'cancel_scheduled', at: null }, 'webhook', NOW);
    expect(scheduled.record.nextReconcileAt).toBe(NOW + 6 * HOUR);
    const working = transitionOrder(order(), { status: 'action_required', at: null }, 'webhook', NOW);
    expect(working.record.nextReconcileAt).toBe(NOW + 10 * 60_000);
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      expect(transitionOrder(order(), { status, at: null }, 'poll', NOW).record.nextReconcileAt).toBeNull();
    }
  });

  it('a report that changes nothing still restarts the quiet timer (and a webhook is still a sign of life)', () => {
    const current = order({ nextReconcileAt: T0 });
    const stale = transitionOrder(current, { status: 'in_progress', at: iso(T0 - HOUR) }, 'webhook', NOW);
    expect(stale.changes).toEqual([]);
    expect(stale.record.status).toBe('in_progress');
    expect(stale.record.statusChangedAt).toBe(current.statusChangedAt);
    expect(stale.record.lastEventAt).toBe(NOW);
    expect(stale.record.nextReconcileAt).toBe(NOW + QUIET_RECONCILE_MS);

    const finished = transitionOrder(
      order({ status: 'completed' }),
      { status: 'in_progress', at: null },
      'poll',
      NOW,
    );
    expect(finished.changes).toEqual([]);
    expect(finished.record.nextReconcileAt).toBeNull();

    const unknown = transitionOrder(current, { status: 'paused_by_peeker', at: null }, 'poll', NOW);
    expect(unknown.changes).toEqual([]);
    expect(unknown.record.status).toBe('in_progress');
  });
});

/**
 * "Between the two working states, the newer report wins": a repeat of the current working status
 * moves its time on, so an older report of the other working state arriving later is ignored.
 */
it('a working-state report older than the newest one seen is ignored, even if that one repeated the status', () => {
  let current = order({ status: 'in_progress', statusChangedAt: iso(T0) });
  current = transitionOrder(
    current,
    { status: 'in_progress', at: iso(T0 + 20 * 60_000) },
    'webhook',
    T0 + 1,
  ).record;
  current = transitionOrder(
    current,
    { status: 'action_required', at: iso(T0 + 10 * 60_000) },
    'webhook',
    T0 + 2,
  ).record;
  expect(current.status).toBe('in_progress');
});

describe('noteActivity', () => {
  it('records the event and restarts the quiet timer without touching the status', () => {
    const NOW = T0 + 7 * 60_000;
    const record = noteActivity(order({ status: 'action_required', nextReconcileAt: T0 }), NOW);
    expect(record.status).toBe('action_required');
    expect(record.lastEventAt).toBe(NOW);
    expect(record.updatedAt).toBe(NOW);
    expect(record.nextReconcileAt).toBe(NOW + QUIET_RECONCILE_MS);
    expect(noteActivity(order({ status: 'cancel_scheduled' }), NOW).nextReconcileAt).toBe(NOW + 6 * HOUR);
    expect(noteActivity(order({ status: 'completed' }), NOW).nextReconcileAt).toBeNull();
  });
});

describe('isOrderFinished', () => {
  it('is true exactly for completed, failed and cancelled', () => {
    expect(STATUSES.filter(isOrderFinished)).toEqual(['completed', 'failed', 'cancelled']);
  });
});

/**
 * The property, stated after reading the rules: applying any sequence of reports, in any order,
 * (1) never lowers the rank of the status; (2) ends at the highest rank reported (or the start,
 * if higher); (3) when that rank is the outcome rank, ends at whichever of completed/failed was
 * applied first; and (4) ends where the same reports, stably sorted by rank, end — so reports of
 * different ranks commute, and only the arrival order among equal ranks matters. Also (5): a
 * report applied twice in a row changes nothing the second time.
 */
describe('property: the status only moves forward', () => {
  const reportArb = fc.record({
    status: fc.constantFrom<string>(...STATUSES, 'on_hold'),
    at: fc.option(
      fc.integer({ min: T0 - HOUR, max: T0 + HOUR }).map((ms) => iso(ms)),
      { nil: null },
    ),
    failureReason: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  });
  const startArb = fc.constantFrom<OrderStatus>('in_progress', 'action_required');

  const applyAll = (start: OrderRecord, reports: readonly StatusReport[]) => {
    let current = start;
    const ranks: number[] = [RANK[start.status]];
    reports.forEach((report, i) => {
      current = transitionOrder(current, report, i % 2 === 0 ? 'webhook' : 'poll', T0 + i).record;
      ranks.push(RANK[current.status]);
    });
    return { final: current, ranks };
  };

  it('holds for any sequence of reports', () => {
    fc.assert(
      fc.property(startArb, fc.array(reportArb, { maxLength: 12 }), (startStatus, reports) => {
        const start = order({ status: startStatus });
        const { final, ranks } = applyAll(start, reports);

        // (1) monotonic
        for (let i = 1; i < ranks.length; i += 1) expect(ranks[i]).toBeGreaterThanOrEqual(ranks[i - 1] ?? 0);

        // (2) the highest rank reported wins
        const known = reports
          .map((r) => r.status)
          .filter((s): s is OrderStatus => (STATUSES as readonly string[]).includes(s));
        const top = Math.max(RANK[startStatus], ...known.map((s) => RANK[s]));
        expect(RANK[final.status]).toBe(top);

        // (3) first outcome stands
        if (top === RANK.completed) {
          expect(final.status).toBe(known.find((s) => s === 'completed' || s === 'failed'));
        }
        if (top > RANK.completed)
          expect(final.status).toBe(top === RANK.cancelled ? 'cancelled' : 'cancel_scheduled');

        // (4) reports of different ranks commute
        const rankOf = (r: StatusReport) => {
          const s = r.status as OrderStatus;
          return RANK[s] ?? -1;
        };
        const sorted = [...reports].sort((a, b) => rankOf(a) - rankOf(b));
        expect(applyAll(start, sorted).final.status).toBe(final.status);
      }),
    );
  });

  it('a report applied twice changes nothing the second time', () => {
    fc.assert(
      fc.property(
        startArb,
        fc.array(reportArb, { maxLength: 6 }),
        reportArb,
        (startStatus, before, report) => {
          const { final } = applyAll(order({ status: startStatus }), before);
          const once = transitionOrder(final, report, 'webhook', T0 + 100).record;
          const twice = transitionOrder(once, report, 'webhook', T0 + 200);
          expect(twice.changes).toEqual([]);
          expect(twice.record.status).toBe(once.status);
        },
      ),
    );
  });
});
