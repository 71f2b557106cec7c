import { beforeEach, describe, expect, it } from 'vitest';
import { type CancellationsRepo, createCancellationsRepo } from '../../src/store/cancellations-repo.js';
import { openDatabase } from '../../src/store/database.js';
import {
  createDomainPicksRepo,
  type DomainPicksRepo,
  PICK_SET_TTL_MS,
} from '../../src/store/domain-picks-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');

let repo: CancellationsRepo;
let picks: DomainPicksRepo;
beforeEach(() => {
  const db = openDatabase(':memory:');
  repo = createCancellationsRepo(db);
  picks = createDomainPicksRepo(db);
});

const ask = (id: string, orderId = 'ord_1') =>
  repo.create({
    id,
    orderId,
    scope: 'domains',
    domains: ['a.com'],
    customerEmail: 'alex@acme.com',
    requestedBy: 'UOPS',
    originChannelId: 'COPS',
    now: T0,
  });

describe('cancellation requests', () => {
  it('are claimed once: a double click or a retry finds them taken', () => {
    ask('c1');
    expect(repo.get('c1')).toMatchObject({ status: 'ready', scope: 'domains', domains: ['a.com'] });
    expect(repo.claim('c1', 'V1', T0)).toBe(true);
    expect(repo.claim('c1', 'V1', T0)).toBe(false);
    expect(repo.get('c1')).toMatchObject({ status: 'submitting', viewId: 'V1' });
  });

  it('only one that provably did not reach Peeker (failed) may be claimed again; unknown never', () => {
    ask('c1');
    repo.claim('c1', null, T0);
    repo.settle('c1', { status: 'failed', errorCode: 'invalid_request' }, T0);
    expect(repo.claim('c1', null, T0)).toBe(true);
    repo.settle('c1', { status: 'unknown', errorCode: 'timeout' }, T0);
    expect(repo.claim('c1', null, T0)).toBe(false);
  });

  it('another request in flight or unconfirmed blocks the order; settled ones do not', () => {
    ask('c1');
    ask('c2');
    ask('c3', 'ord_other');
    expect(repo.blockingFor('ord_1', 'c2')).toBeUndefined();
    repo.claim('c1', null, T0);
    expect(repo.blockingFor('ord_1', 'c2')?.id).toBe('c1');
    expect(repo.blockingFor('ord_other', 'c3')).toBeUndefined();
    repo.settle('c1', { status: 'unknown' }, T0);
    expect(repo.unsettledFor('ord_1').map((r) => r.id)).toEqual(['c1']);
    repo.settle('c1', { status: 'scheduled', cancelsAt: '2026-06-07T12:00:00Z' }, T0);
    expect(repo.blockingFor('ord_1', 'c2')).toBeUndefined();
    expect(repo.get('c1')?.cancelsAt).toBe('2026-06-07T12:00:00Z');
  });

  it('domain states upsert, keeping a known date when a report has none', () => {
    repo.setDomainState(
      'ord_1',
      { domain: 'a.com', state: 'scheduled', cancelsAt: '2026-06-07T12:00:00Z' },
      T0,
    );
    repo.setDomainState('ord_1', { domain: 'a.com', state: 'cancelled', cancelsAt: null }, T0);
    expect(repo.domainStates('ord_1')).toEqual([
      { domain: 'a.com', state: 'cancelled', cancelsAt: '2026-06-07T12:00:00Z' },
    ]);
    expect(repo.domainStates('ord_2')).toEqual([]);
  });
});

describe('pick sets', () => {
  it('round-trip while fresh, and expire after a day', () => {
    picks.save({
      id: 'pick_1',
      userId: 'UOPS',
      channelId: 'CCUST',
      source: 'find',
      domains: [
        {
          domain: 'getacme.com',
          priceCents: 1300,
          renewalCents: 1500,
          currency: 'usd',
          usableFor: ['google'],
        },
      ],
      createdAt: T0,
    });
    expect(picks.get('pick_1', T0 + 1000)?.domains[0]?.domain).toBe('getacme.com');
    expect(picks.get('pick_1', T0 + PICK_SET_TTL_MS + 1)).toBeUndefined();
    expect(picks.get('nope', T0)).toBeUndefined();
  });
});
