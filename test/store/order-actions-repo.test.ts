import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import {
  createOrderActionsRepo,
  type OrderAction,
  type OrderActionsRepo,
} from '../../src/store/order-actions-repo.js';
import { createOrdersRepo, type OrderRecord } from '../../src/store/orders-repo.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');

function order(id: string): OrderRecord {
  return {
    id,
    draftId: null,
    channelId: 'COPS',
    audience: 'ops',
    placedBy: 'UOPS',
    customerEmail: 'alex@acme.com',
    bundleId: 'bun_1',
    bundleName: null,
    domainCount: 2,
    status: 'action_required',
    statusChangedAt: null,
    totalCents: null,
    currency: null,
    sandbox: false,
    request: {
      user: 'alex@acme.com',
      bundle_id: 'bun_1',
      sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com' },
      forwarding_url: 'https://acme.com',
      domains: [],
      personas: [],
    },
    failureReason: null,
    createdAt: T0,
    updatedAt: T0,
    lastEventAt: null,
    nextReconcileAt: null,
  };
}

type NewAction = Omit<OrderAction, 'createdAt' | 'updatedAt'>;
const action = (id: string, orderId = 'ord_1', patch: Partial<NewAction> = {}): NewAction => ({
  id,
  orderId,
  type: 'google_profile_picture',
  reason: 'profile_picture_not_accessible',
  status: 'open',
  domain: 'acme-mail.com',
  persona: { firstName: 'Alex', lastName: 'Rivera', pictureUrl: null },
  message: 'The profile picture URL must be public.',
  ...patch,
});

let actions: OrderActionsRepo;
beforeEach(() => {
  const db = openDatabase(':memory:');
  const orders = createOrdersRepo(db);
  orders.insert(order('ord_1'), []);
  orders.insert(order('ord_2'), []);
  actions = createOrderActionsRepo(db);
});

describe('order actions', () => {
  it('save is true for a new action and false for one it has; get reads it back whole', () => {
    expect(actions.save(action('act_1'), T0)).toBe(true);
    expect(actions.get('act_1')).toEqual({ ...action('act_1'), createdAt: T0, updatedAt: T0 });
    expect(actions.save(action('act_1'), T0 + 1)).toBe(false);
    expect(actions.get('act_missing')).toBeUndefined();
  });

  it('saving again updates the status and message but keeps when it was first seen', () => {
    actions.save(action('act_1', 'ord_1', { persona: null }), T0);
    actions.save(
      action('act_1', 'ord_1', { status: 'resolved', message: 'fixed', domain: 'other.com' }),
      T0 + 9,
    );
    const saved = actions.get('act_1');
    expect(saved).toMatchObject({ status: 'resolved', message: 'fixed', createdAt: T0, updatedAt: T0 + 9 });
    expect(saved?.domain).toBe('acme-mail.com'); // only status and message follow Peeker
    expect(saved?.persona).toBeNull();
  });

  it('openFor lists an order’s open actions, oldest first', () => {
    actions.save(action('act_b'), T0 + 2);
    actions.save(action('act_a'), T0 + 1);
    actions.save(action('act_c', 'ord_1', { status: 'resolved' }), T0);
    actions.save(action('act_d', 'ord_2'), T0);
    expect(actions.openFor('ord_1').map((a) => a.id)).toEqual(['act_a', 'act_b']);
    expect(actions.openFor('ord_none')).toEqual([]);
  });

  it('allOpen lists the newest open actions over every order', () => {
    actions.save(action('a1', 'ord_1'), T0 + 1);
    actions.save(action('a2', 'ord_2'), T0 + 3);
    actions.save(action('a3', 'ord_1'), T0 + 2);
    actions.save(action('a4', 'ord_2', { status: 'resolved' }), T0 + 4);
    expect(actions.allOpen(10).map((a) => a.id)).toEqual(['a2', 'a3', 'a1']);
    expect(actions.allOpen(1).map((a) => a.id)).toEqual(['a2']);
  });

  it('resolveExcept resolves the open actions Peeker no longer lists, for that order only', () => {
    for (const id of ['x', 'y', 'z']) actions.save(action(id, 'ord_1'), T0);
    actions.save(action('other', 'ord_2'), T0);
    actions.resolveExcept('ord_1', ['y'], T0 + 5);
    expect(actions.openFor('ord_1').map((a) => a.id)).toEqual(['y']);
    expect(actions.get('x')).toMatchObject({ status: 'resolved', updatedAt: T0 + 5 });
    expect(actions.openFor('ord_2').map((a) => a.id)).toEqual(['other']);

    actions.resolveExcept('ord_1', [], T0 + 6);
    expect(actions.openFor('ord_1')).toEqual([]);
    expect(actions.openFor('ord_2')).toHaveLength(1);
  });
});
