import { describe, expect, it } from 'vitest';
import {
  PeekerConnectionError,
  PeekerInvalidRequestError,
  PeekerNotFoundError,
  PeekerServerError,
  PeekerTimeoutError,
} from '../../src/peeker/errors.js';
import { domainIdFor, ORDER_NOT_CANCELLABLE } from '../fakes/peeker/index.js';
import { rejectionOf, starterOrderBody, useClientOnFake } from './test-client.js';

const under = useClientOnFake();
const DAY = 24 * 60 * 60 * 1000;

async function placeOrder(): Promise<string> {
  const { client } = under.makeClient();
  const order = await client.orders.create(starterOrderBody());
  under.fake.clearRequests();
  return order.data.id;
}

describe('orders.cancel', () => {
  it('sends no body for the whole order and normalises the NEW answer', async () => {
    const orderId = await placeOrder();
    const { client, sleeps } = under.makeClient();

    const result = await client.orders.cancel(orderId);

    expect(result.data).toEqual({
      id: orderId,
      status: 'cancel_scheduled',
      scheduledAt: expect.stringMatching(/Z$/),
      cancelsAt: expect.stringMatching(/Z$/),
      domains: [
        { id: domainIdFor('acme-mail.com'), domain: 'acme-mail.com' },
        { id: domainIdFor('team-acme.com'), domain: 'team-acme.com' },
      ],
    });
    expect(Date.parse(result.data.cancelsAt ?? '') - Date.parse(result.data.scheduledAt ?? '')).toBe(
      30 * DAY,
    );
    const [request] = under.fake.requestsTo('POST', `/orders/${orderId}/cancel`);
    expect(request?.body).toBeUndefined();
    expect(request?.headers['content-length'] ?? '0').toBe('0');
    expect(result.requestId).toBe(request?.requestId);
    expect(under.fake.cancelCount(orderId)).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('sends {domains} for some domains, names or dom_ ids as given', async () => {
    const orderId = await placeOrder();
    const { client } = under.makeClient();

    const result = await client.orders.cancel(orderId, [domainIdFor('team-acme.com')]);

    expect(under.fake.requests[0]?.body).toEqual({ domains: [domainIdFor('team-acme.com')] });
    expect(result.data.domains).toEqual([{ id: domainIdFor('team-acme.com'), domain: 'team-acme.com' }]);

    await client.orders.cancel(orderId, ['acme-mail.com']);
    expect(under.fake.requests[1]?.body).toEqual({ domains: ['acme-mail.com'] });
    expect(under.fake.getOrder(orderId)?.status).toBe('cancel_scheduled');
  });

  it('normalises the OLD answer (the full order) to the same shape', async () => {
    const orderId = await placeOrder();
    under.fake.setCancelResponseShape('old');
    const { client } = under.makeClient();

    const result = await client.orders.cancel(orderId);

    expect(result.data).toEqual({
      id: orderId,
      status: 'cancel_scheduled',
      scheduledAt: null,
      cancelsAt: null,
      domains: [
        { id: null, domain: 'acme-mail.com' },
        { id: null, domain: 'team-acme.com' },
      ],
    });
  });

  it('tolerates answers without domains, or with bare names, and rejects one without a status', async () => {
    const { client } = under.makeClient();
    under.fake.failNext(
      { path: '/orders/ord_1/cancel' },
      { rawBody: JSON.stringify({ data: { id: 'ord_1', status: 'cancel_scheduled', note: 'x' } }) },
    );
    expect((await client.orders.cancel('ord_1')).data).toEqual({
      id: 'ord_1',
      status: 'cancel_scheduled',
      scheduledAt: null,
      cancelsAt: null,
      domains: null,
    });

    under.fake.failNext(
      { path: '/orders/ord_1/cancel' },
      { rawBody: JSON.stringify({ data: { id: 'ord_1', status: 'cancel_scheduled', domains: ['a.com'] } }) },
    );
    expect((await client.orders.cancel('ord_1')).data.domains).toEqual([{ id: null, domain: 'a.com' }]);

    under.fake.failNext(
      { path: '/orders/ord_1/cancel' },
      { rawBody: JSON.stringify({ data: { id: 'ord_1' } }) },
    );
    expect(await rejectionOf(client.orders.cancel('ord_1'))).toMatchObject({ code: 'malformed_response' });
  });

  it('is NOT retried after a 5xx, a timeout or a dropped connection (cancelling twice is refused)', async () => {
    const orderId = await placeOrder();
    const { client, sleeps } = under.makeClient({ timeoutMs: 300 });

    under.fake.failNext({ method: 'POST', path: `/orders/${orderId}/cancel` }, { status: 500 });
    expect(await rejectionOf(client.orders.cancel(orderId))).toBeInstanceOf(PeekerServerError);
    under.fake.failNext({ method: 'POST', path: `/orders/${orderId}/cancel` }, { dropConnection: true });
    expect(await rejectionOf(client.orders.cancel(orderId))).toBeInstanceOf(PeekerConnectionError);
    under.fake.setLatencyFor({ path: `/orders/${orderId}/cancel` }, 1_000);
    expect(await rejectionOf(client.orders.cancel(orderId))).toBeInstanceOf(PeekerTimeoutError);

    expect(under.fake.requestsTo('POST', `/orders/${orderId}/cancel`)).toHaveLength(3);
    expect(sleeps).toEqual([]);
    // The fake still acts on the request the client gave up on, as Peeker might: exactly why
    // the call must not be re-sent.
    await under.fake.waitFor(() => under.fake.cancelCount(orderId) === 1, 3_000);
  });

  it('maps refusals: a second cancel, a domain not on the order, an unknown order', async () => {
    const orderId = await placeOrder();
    const { client } = under.makeClient();
    await client.orders.cancel(orderId, ['team-acme.com']);

    const again = await rejectionOf(client.orders.cancel(orderId, ['team-acme.com']));
    expect(again).toBeInstanceOf(PeekerInvalidRequestError);
    expect(again).toMatchObject({ code: ORDER_NOT_CANCELLABLE, field: 'domains', status: 400 });

    const stranger = await rejectionOf(client.orders.cancel(orderId, ['other.com']));
    expect(stranger).toMatchObject({
      code: 'invalid_request',
      field: 'domains',
      details: { domains: ['other.com'] },
    });

    expect(await rejectionOf(client.orders.cancel('ord_missing'))).toBeInstanceOf(PeekerNotFoundError);
    expect(under.fake.cancelCount()).toBe(1);
  });

  it('refuses an empty domain list before any request', async () => {
    const { client } = under.makeClient();

    expect(() => client.orders.cancel('ord_1', [])).toThrow(RangeError);
    expect(under.fake.requests).toHaveLength(0);
  });
});
