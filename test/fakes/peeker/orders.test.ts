import { beforeAll, describe, expect, it } from 'vitest';
import {
  cancellationEvent,
  cancellationEventData,
  domainIdFor,
  FAKE_BUNDLE_IDS,
  type FakePeeker,
  ORDER_NOT_CANCELLABLE,
} from './index.js';
import { orderBody, useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;
let peeker: FakePeeker;

beforeAll(() => {
  peeker = fake.peeker;
});

describe('FakePeeker orders', () => {
  it('places orders, dedupes identical bodies and keeps the exact body', async () => {
    const placed = await api('POST', '/orders', orderBody());
    expect(placed.status).toBe(200);
    expect(placed.body.data).toEqual({
      id: expect.stringMatching(/^ord_/),
      user_id: expect.stringMatching(/^usr_/),
      email: 'alex@acme.com',
      bundle_id: FAKE_BUNDLE_IDS.starter,
      status: 'in_progress',
      domain_count: 2,
      costs: { total_cents: 6800, currency: 'usd' },
      renews_at: expect.any(String),
      created_at: expect.any(String),
    });
    const id = placed.body.data.id as string;
    expect(peeker.orders.get(id)?.body.sequencer.login_password).toBe('their-smartlead-password');

    // Same body with keys in another order is still "the same body".
    const { personas, ...rest } = orderBody();
    const replay = await api('POST', '/orders', { personas, ...rest });
    expect(replay.body.data.id).toBe(id);
    const changed = await api('POST', '/orders', orderBody({ forwarding_url: 'https://acme.io' }));
    expect(changed.body.data.id).not.toBe(id);
    expect(changed.body.data.user_id).toBe(placed.body.data.user_id);
    expect(peeker.orders.size).toBe(2);

    // Past the 24 h window the same body is a new order.
    const realNow = peeker.now;
    peeker.now = () => realNow() + 25 * 60 * 60 * 1000;
    expect((await api('POST', '/orders', orderBody())).body.data.id).not.toBe(id);
    peeker.now = realNow;

    const full = await api('GET', `/orders/${id}`);
    expect(full.body.data).toMatchObject({
      id,
      costs: { total_cents: 6800, currency: 'usd', line_items: expect.any(Array) },
      domains: { registered: [], imported: ['acme-mail.com', 'team-acme.com'] },
      personas: orderBody().personas,
      connected_count: 0,
    });
    peeker.setOrder(id, { status: 'completed', connected_count: 2 });
    expect((await api('GET', `/orders/${id}`)).body.data).toMatchObject({
      status: 'completed',
      connected_count: 2,
    });
    expect((await api('GET', '/orders/ord_missing')).status).toBe(404);
    expect((await api('GET', '/orders?status=completed')).body.data.map((o: { id: string }) => o.id)).toEqual(
      [id],
    );
  });

  it('validates order bodies with Peeker error envelopes', async () => {
    const noPassword = orderBody({
      sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com' },
    });
    const missing = await api('POST', '/orders', noPassword);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid_request', field: 'sequencer.login_password' });
    expect((await api('POST', '/orders', orderBody({ user: undefined }))).body.error.field).toBe('user');
    expect((await api('POST', '/orders', orderBody({ personas: [] }))).body.error.field).toBe('personas');
    expect(
      (await api('POST', '/orders', orderBody({ personas: [{ first_name: 'A', last_name: 'B' }] }))).body
        .error.field,
    ).toBe('personas');

    const unknownBundle = await api('POST', '/orders', orderBody({ bundle_id: 'bun_nope' }));
    expect(unknownBundle.status).toBe(404);
    expect(unknownBundle.body.error).toMatchObject({ code: 'not_found', field: 'bundle_id' });

    const mismatch = await api('POST', '/orders', orderBody({ bundle_id: FAKE_BUNDLE_IDS.growth }));
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error).toEqual({
      code: 'domain_count_mismatch',
      message: expect.any(String),
      field: 'domains',
      details: { required_count: 4, submitted_count: 2, missing_count: 2 },
    });
    expect(peeker.orders.size).toBe(0);
  });

  it('serves pending actions for an order', async () => {
    const placed = await api('POST', '/orders', orderBody());
    const id = placed.body.data.id as string;
    const action = peeker.addPendingAction(id);
    peeker.addPendingAction('ord_other');
    const pending = await api('GET', `/orders/pending?order_id=${id}`);
    expect(pending.body.data).toEqual([
      {
        id: action.id,
        type: 'google_profile_picture',
        reason: 'profile_picture_not_accessible',
        status: 'open',
        domain_id: expect.stringMatching(/^dom_/),
        domain: 'acme-mail.com',
        user: {
          first_name: 'Alex',
          last_name: 'Rivera',
          profile_picture_url: 'https://cdn.acme.com/alex.jpg',
        },
        message: expect.any(String),
        created_at: expect.any(String),
      },
    ]);
    expect(pending.body.links).toEqual({ first: expect.stringContaining('order_id='), next: null });
    peeker.resolvePendingAction(action.id);
    expect((await api('GET', `/orders/pending?order_id=${id}`)).body.data).toEqual([]);
  });
});

describe('POST /orders/{id}/cancel', () => {
  const DAY = 24 * 60 * 60 * 1000;

  async function placeOrder(): Promise<string> {
    return (await api('POST', '/orders', orderBody())).body.data.id as string;
  }

  it('cancels the whole order without a body, answering the NEW shape', async () => {
    const id = await placeOrder();

    const res = await api('POST', `/orders/${id}/cancel`);

    expect(res.status).toBe(200);
    expect(res.requestId).toMatch(/^req_/);
    expect(res.body).toEqual({
      data: {
        id,
        status: 'cancel_scheduled',
        cancellation_scheduled_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        cancels_at: expect.any(String),
        domains: [
          { id: domainIdFor('acme-mail.com'), domain: 'acme-mail.com' },
          { id: domainIdFor('team-acme.com'), domain: 'team-acme.com' },
        ],
      },
    });
    const { cancellation_scheduled_at: scheduled, cancels_at: cancels } = res.body.data;
    expect(Date.parse(cancels) - Date.parse(scheduled)).toBe(30 * DAY);
    expect(peeker.getOrder(id)?.status).toBe('cancel_scheduled');
    expect(peeker.requestsTo('POST', `/orders/${id}/cancel`)[0]?.body).toBeUndefined();
    expect(peeker.cancelCount(id)).toBe(1);
    expect(peeker.cancellations[0]).toMatchObject({
      orderId: id,
      requested: undefined,
      status: 'cancel_scheduled',
    });

    const again = await api('POST', `/orders/${id}/cancel`);
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({
      code: ORDER_NOT_CANCELLABLE,
      details: { status: 'cancel_scheduled' },
    });
    expect(peeker.cancelCount()).toBe(1);

    const missing = await api('POST', '/orders/ord_missing/cancel');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('cancels some domains by name or dom_ id, and refuses unknown or already-cancelled ones', async () => {
    const id = await placeOrder();

    const notOnOrder = await api('POST', `/orders/${id}/cancel`, { domains: ['acme-mail.com', 'other.com'] });
    expect(notOnOrder.status).toBe(400);
    expect(notOnOrder.body.error).toMatchObject({
      code: 'invalid_request',
      field: 'domains',
      details: { domains: ['other.com'] },
    });
    expect((await api('POST', `/orders/${id}/cancel`, { domains: [] })).body.error.field).toBe('domains');
    expect((await api('POST', `/orders/${id}/cancel`, { domains: 'acme-mail.com' })).body.error.field).toBe(
      'domains',
    );
    expect(peeker.cancelCount()).toBe(0);

    const byId = await api('POST', `/orders/${id}/cancel`, { domains: [domainIdFor('team-acme.com')] });
    expect(byId.status).toBe(200);
    expect(byId.body.data).toMatchObject({
      id,
      status: 'cancel_scheduled',
      domains: [{ id: domainIdFor('team-acme.com'), domain: 'team-acme.com' }],
    });
    // Only part of the order is going away.
    expect(peeker.getOrder(id)?.status).toBe('in_progress');

    const twice = await api('POST', `/orders/${id}/cancel`, { domains: ['Team-Acme.com'] });
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatchObject({
      code: ORDER_NOT_CANCELLABLE,
      field: 'domains',
      details: { domains: ['team-acme.com'] },
    });

    const rest = await api('POST', `/orders/${id}/cancel`, { domains: ['acme-mail.com'] });
    expect(rest.body.data.domains).toEqual([{ id: domainIdFor('acme-mail.com'), domain: 'acme-mail.com' }]);
    expect(peeker.getOrder(id)?.status).toBe('cancel_scheduled');
    expect(peeker.cancelCount(id)).toBe(2);
    expect(peeker.cancellations.map((c) => c.requested)).toEqual([
      [domainIdFor('team-acme.com')],
      ['acme-mail.com'],
    ]);
  });

  it('answers the OLD full-order shape when told to, and treats {scope: "order"} as the whole order', async () => {
    const id = await placeOrder();
    peeker.setCancelResponseShape('old');

    const res = await api('POST', `/orders/${id}/cancel`, { scope: 'order' });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id,
      status: 'cancel_scheduled',
      costs: { total_cents: 6800, currency: 'usd', line_items: expect.any(Array) },
      domains: { registered: [], imported: ['acme-mail.com', 'team-acme.com'] },
    });
    expect(res.body.data.cancels_at).toBeUndefined();
  });

  it('finishes cancellations and builds order.cancel_scheduled / order.cancelled events', async () => {
    const id = await placeOrder();
    const scheduled = peeker.scheduleCancellation(id);
    const scheduledEvent = cancellationEvent(scheduled);
    expect(scheduledEvent).toMatchObject({
      type: 'order.cancel_scheduled',
      data: {
        id,
        status: 'cancel_scheduled',
        cancellation_scheduled_at: scheduled.cancellation_scheduled_at,
        cancels_at: scheduled.cancels_at,
        domains: scheduled.domains,
      },
    });
    expect(scheduledEvent.data.cancelled_at).toBeUndefined();

    const [finished] = peeker.finishCancellation(id);
    expect(peeker.getOrder(id)?.status).toBe('cancelled');
    expect(finished).toBeDefined();
    const cancelled = cancellationEventData(finished!);
    expect(cancelled).toMatchObject({ id, status: 'cancelled', cancelled_at: expect.any(String) });
    expect(cancellationEvent(finished!).type).toBe('order.cancelled');
    expect((await api('POST', `/orders/${id}/cancel`)).body.error.code).toBe(ORDER_NOT_CANCELLABLE);
    expect(() => peeker.finishCancellation(id)).toThrow(/no scheduled cancellation/);
    expect(() => peeker.scheduleCancellation(id)).toThrow(ORDER_NOT_CANCELLABLE);
  });
});
