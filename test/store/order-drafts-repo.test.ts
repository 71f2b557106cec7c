import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import {
  createOrderDraftsRepo,
  type OrderDraftsRepo,
  type StoredOrderRequest,
} from '../../src/store/order-drafts-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const request: StoredOrderRequest = {
  user: 'alex@acme.com',
  bundle_id: 'bun_starter',
  sequencer: { provider: 'smartlead', client_id: 366903, login_email: 'ops@acme.com' },
  forwarding_url: 'https://acme.com',
  domains: ['acme-mail.com', 'team-acme.com'],
  personas: [
    { first_name: 'Alex', last_name: 'Rivera', profile_picture_url: 'https://cdn.acme.com/alex.jpg' },
  ],
};

let drafts: OrderDraftsRepo;
beforeEach(() => {
  drafts = createOrderDraftsRepo(openDatabase(':memory:'));
});

const create = (id: string, now = T0, patch: Partial<Parameters<OrderDraftsRepo['create']>[0]> = {}) =>
  drafts.create({
    id,
    userId: 'UOPS',
    channelId: 'CCUST',
    request,
    bundleName: 'Starter',
    reorderOf: null,
    now,
    ...patch,
  });

describe('order drafts', () => {
  it('stores a draft ready to place and reads it back whole', () => {
    create('drf_1', T0, { reorderOf: 'ord_old' });
    expect(drafts.get('drf_1')).toEqual({
      id: 'drf_1',
      userId: 'UOPS',
      channelId: 'CCUST',
      request,
      bundleName: 'Starter',
      reorderOf: 'ord_old',
      status: 'ready',
      viewId: null,
      orderId: null,
      error: null,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(drafts.get('drf_missing')).toBeUndefined();
  });

  it('claim is exclusive: a double click or a retry finds the draft taken', () => {
    create('drf_1');
    expect(drafts.claim('drf_1', 'V1', T0 + 1)).toBe(true);
    expect(drafts.claim('drf_1', 'V2', T0 + 2)).toBe(false);
    expect(drafts.get('drf_1')).toMatchObject({ status: 'submitting', viewId: 'V1', updatedAt: T0 + 1 });
    expect(drafts.claim('drf_missing', null, T0)).toBe(false);
  });

  it('a placed draft can never be claimed again; a failed one can (place it again)', () => {
    create('drf_placed');
    drafts.claim('drf_placed', 'V1', T0);
    drafts.settle('drf_placed', 'placed', 'ord_1', null, T0 + 5);
    expect(drafts.get('drf_placed')).toMatchObject({
      status: 'placed',
      orderId: 'ord_1',
      error: null,
      updatedAt: T0 + 5,
    });
    expect(drafts.claim('drf_placed', 'V2', T0 + 6)).toBe(false);

    create('drf_failed');
    drafts.claim('drf_failed', 'V1', T0);
    drafts.settle('drf_failed', 'failed', null, 'domain_count_mismatch', T0 + 5);
    expect(drafts.get('drf_failed')).toMatchObject({ status: 'failed', error: 'domain_count_mismatch' });
    // Claiming again without a view keeps the one it had.
    expect(drafts.claim('drf_failed', null, T0 + 7)).toBe(true);
    expect(drafts.get('drf_failed')).toMatchObject({ status: 'submitting', viewId: 'V1' });
  });

  it('submitting() lists the drafts a stopped process was placing, oldest claim first', () => {
    create('a');
    create('b');
    create('c');
    drafts.claim('b', null, T0 + 10);
    drafts.claim('a', null, T0 + 20);
    drafts.claim('c', null, T0 + 30);
    drafts.settle('c', 'placed', 'ord_c', null, T0 + 31);
    expect(drafts.submitting().map((d) => d.id)).toEqual(['b', 'a']);
  });
});
