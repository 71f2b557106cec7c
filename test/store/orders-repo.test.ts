import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createOrderDraftsRepo, type StoredOrderRequest } from '../../src/store/order-drafts-repo.js';
import { createOrdersRepo, type OrderRecord, type OrdersRepo } from '../../src/store/orders-repo.js';

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

function order(id: string, patch: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id,
    draftId: null,
    channelId: 'CCUST',
    audience: 'customer',
    placedBy: 'UOPS',
    customerEmail: 'alex@acme.com',
    bundleId: 'bun_starter',
    bundleName: 'Starter',
    domainCount: 2,
    status: 'in_progress',
    statusChangedAt: '2026-05-08T12:00:00Z',
    totalCents: 9800,
    currency: 'usd',
    sandbox: true,
    request,
    failureReason: null,
    createdAt: T0,
    updatedAt: T0,
    lastEventAt: null,
    nextReconcileAt: T0 + 600_000,
    ...patch,
  };
}

let orders: OrdersRepo;
let db: ReturnType<typeof openDatabase>;
beforeEach(() => {
  db = openDatabase(':memory:');
  orders = createOrdersRepo(db);
});

describe('orders', () => {
  it('inserts an order with its domains once; a second insert of the same id changes nothing', () => {
    const first = order('ord_1');
    expect(orders.insert(first, request.domains)).toBe(true);
    expect(orders.get('ord_1')).toEqual(first);
    expect(orders.latestIdForDomain('team-acme.com')).toBe('ord_1');

    expect(orders.insert(order('ord_1', { customerEmail: 'other@x.com' }), ['other.com'])).toBe(false);
    expect(orders.get('ord_1')?.customerEmail).toBe('alex@acme.com');
    expect(orders.latestIdForDomain('other.com')).toBeUndefined();
    expect(orders.get('ord_missing')).toBeUndefined();
  });

  it('update writes every field back (booleans, JSON and nulls included)', () => {
    orders.insert(order('ord_1'), []);
    const changed = order('ord_1', {
      status: 'failed',
      failureReason: 'smartlead_login_invalid',
      sandbox: false,
      totalCents: null,
      lastEventAt: T0 + 5,
      nextReconcileAt: null,
      updatedAt: T0 + 5,
      request: { ...request, domains: ['x.com'] },
    });
    orders.update(changed);
    expect(orders.get('ord_1')).toEqual(changed);
  });

  it('forDraft finds the order a draft became', () => {
    createOrderDraftsRepo(db).create({
      id: 'drf_1',
      userId: 'UOPS',
      channelId: 'CCUST',
      request,
      bundleName: null,
      reorderOf: null,
      now: T0,
    });
    orders.insert(order('ord_1', { draftId: 'drf_1' }), []);
    expect(orders.forDraft('drf_1')?.id).toBe('ord_1');
    expect(orders.forDraft('drf_2')).toBeUndefined();
  });

  it('connectDomain connects a pending domain once, and counts it', () => {
    orders.insert(order('ord_1'), request.domains);
    expect(orders.connectedCount('ord_1')).toBe(0);
    expect(orders.connectDomain('ord_1', 'acme-mail.com', 'google', T0)).toBe(true);
    expect(orders.connectDomain('ord_1', 'acme-mail.com', 'google', T0 + 1)).toBe(false);
    expect(orders.connectedCount('ord_1')).toBe(1);
    expect(orders.connectDomain('ord_1', 'team-acme.com', null, T0)).toBe(true);
    expect(orders.connectedCount('ord_1')).toBe(2);
    expect(orders.connectedCount('ord_other')).toBe(0);
  });

  it('connectDomain adds a domain Peeker names that the order did not list', () => {
    orders.insert(order('ord_1'), request.domains);
    expect(orders.connectDomain('ord_1', 'swapped-in.com', null, T0)).toBe(true);
    expect(orders.connectedCount('ord_1')).toBe(1);
    expect(orders.latestIdForDomain('swapped-in.com')).toBe('ord_1');
  });

  it('dueForReconcile lists unfinished orders whose time has come, most overdue first', () => {
    orders.insert(order('late', { nextReconcileAt: T0 - 100 }), []);
    orders.insert(order('later', { nextReconcileAt: T0 - 50 }), []);
    orders.insert(order('future', { nextReconcileAt: T0 + 1 }), []);
    orders.insert(order('finished', { status: 'completed', nextReconcileAt: null }), []);
    expect(orders.dueForReconcile(T0, 10).map((o) => o.id)).toEqual(['late', 'later']);
    expect(orders.dueForReconcile(T0, 1).map((o) => o.id)).toEqual(['late']);
    expect(orders.dueForReconcile(T0 + 1, 10).map((o) => o.id)).toEqual(['late', 'later', 'future']);
  });

  it('latestIdForDomain picks the newest order with the domain, case-insensitively', () => {
    orders.insert(order('old', { createdAt: T0 }), ['acme-mail.com']);
    orders.insert(order('new', { createdAt: T0 + 1000 }), ['acme-mail.com']);
    orders.insert(order('other', { createdAt: T0 + 2000 }), ['elsewhere.com']);
    expect(orders.latestIdForDomain('ACME-Mail.com')).toBe('new');
    expect(orders.latestIdForDomain('nowhere.com')).toBeUndefined();
  });

  it('recent lists the newest orders first', () => {
    orders.insert(order('a', { createdAt: T0 + 1 }), []);
    orders.insert(order('b', { createdAt: T0 + 3 }), []);
    orders.insert(order('c', { createdAt: T0 + 2 }), []);
    expect(orders.recent(2).map((o) => o.id)).toEqual(['b', 'c']);
  });

  it('domainsOnLiveOrders leaves out the domains of failed and cancelled orders', () => {
    orders.insert(order('live'), ['live.com', 'shared.com']);
    orders.insert(order('done', { status: 'completed' }), ['completed.com']);
    orders.insert(order('failed', { status: 'failed' }), ['failed.com', 'shared.com']);
    orders.insert(order('cancelled', { status: 'cancelled' }), ['cancelled.com']);
    orders.insert(order('scheduled', { status: 'cancel_scheduled' }), ['scheduled.com']);
    expect([...orders.domainsOnLiveOrders()].sort()).toEqual([
      'completed.com',
      'live.com',
      'scheduled.com',
      'shared.com',
    ]);
  });
});
