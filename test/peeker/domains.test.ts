import { describe, expect, it } from 'vitest';
import { AVAILABILITY_BATCH_LIMIT } from '../../src/peeker/domains.js';
import {
  PeekerInvalidRequestError,
  PeekerResponseError,
  PeekerServerError,
} from '../../src/peeker/errors.js';
import { FIRST_BACKOFF_MS, rejectionOf, starterOrderBody, useClientOnFake } from './test-client.js';

const under = useClientOnFake();

describe('domains.checkAvailability', () => {
  it('sends {domains} exactly and parses available and unavailable rows', async () => {
    under.fake.setAvailability('team-acme.com', { reason: 'taken' });
    const { client, sleeps } = under.makeClient();

    const result = await client.domains.checkAvailability(['acme-mail.com', 'team-acme.com']);

    expect(result.data).toEqual([
      {
        domain: 'acme-mail.com',
        available: true,
        price_cents: 1300,
        renewal_price_cents: 1500,
        currency: 'usd',
        usable_for: ['google', 'microsoft'],
        premium: false,
      },
      { domain: 'team-acme.com', available: false, premium: false, reason: 'taken' },
    ]);
    const [request] = under.fake.requestsTo('POST', '/domains/availability');
    expect(request?.body).toEqual({ domains: ['acme-mail.com', 'team-acme.com'] });
    expect(result.requestId).toBe(request?.requestId);
    expect(sleeps).toEqual([]);
  });

  it('is retried after a 5xx (a read in POST clothing), with the identical body', async () => {
    under.fake.failNext({ method: 'POST', path: '/domains/availability' }, { status: 500 });
    const { client, sleeps } = under.makeClient();

    const result = await client.domains.checkAvailability(['acme-mail.com']);

    expect(result.data[0]?.available).toBe(true);
    const requests = under.fake.requestsTo('POST', '/domains/availability');
    expect(requests.map((r) => r.status)).toEqual([500, 200]);
    expect(requests[1]?.body).toEqual(requests[0]?.body);
    expect(sleeps).toEqual([FIRST_BACKOFF_MS]);
  });

  it('refuses more than 25 names before any request, and answers [] for none', async () => {
    const { client } = under.makeClient();
    const names = Array.from({ length: AVAILABILITY_BATCH_LIMIT + 1 }, (_, i) => `n${i}.com`);

    expect(() => client.domains.checkAvailability(names)).toThrow(RangeError);
    expect(await client.domains.checkAvailability([])).toEqual({ data: [], requestId: undefined });
    expect(under.fake.availabilityCallCount()).toBe(0);

    const full = await client.domains.checkAvailability(names.slice(0, AVAILABILITY_BATCH_LIMIT));
    expect(full.data).toHaveLength(25);
    expect(under.fake.availabilityCallCount()).toBe(1);
  });

  it('keeps stale rows as Peeker sends them, tolerates unknown fields and rejects rows without `available`', async () => {
    under.fake.setAvailability('stale.com', { reason: 'stale', thenAvailable: true });
    const { client } = under.makeClient();

    const first = await client.domains.checkAvailability(['stale.com']);
    const second = await client.domains.checkAvailability(['stale.com']);
    expect(first.data[0]).toMatchObject({ available: false, reason: 'stale' });
    expect(second.data[0]).toMatchObject({ available: true, price_cents: 1300 });
    expect(second.data[0]?.reason).toBeUndefined();

    under.fake.failNext(
      { path: '/domains/availability' },
      {
        rawBody: JSON.stringify({ data: { domains: [{ domain: 'x.com', available: true, tier: 'gold' }] } }),
      },
    );
    expect((await client.domains.checkAvailability(['x.com'])).data).toEqual([
      { domain: 'x.com', available: true },
    ]);

    under.fake.failNext(
      { path: '/domains/availability' },
      { rawBody: JSON.stringify({ data: { domains: [{ domain: 'x.com' }] } }) },
    );
    const error = await rejectionOf(client.domains.checkAvailability(['x.com']));
    expect(error).toBeInstanceOf(PeekerResponseError);
    expect((error as Error).message).toContain('data.domains.0.available');
  });

  it('maps a batch-limit 400 to PeekerInvalidRequestError without retrying', async () => {
    under.fake.setAvailabilityBatchLimit(1);
    const { client, sleeps } = under.makeClient();

    const error = await rejectionOf(client.domains.checkAvailability(['a.com', 'b.com']));

    expect(error).toBeInstanceOf(PeekerInvalidRequestError);
    expect(error).toMatchObject({ code: 'invalid_request', field: 'domains' });
    expect(under.fake.availabilityCallCount()).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

describe('domains.list', () => {
  it('follows every page of a category and sends the filters', async () => {
    for (let i = 0; i < 130; i += 1) under.fake.addInventoryDomain(`spare${String(i).padStart(3, '0')}.com`);
    const { client } = under.makeClient();

    const result = await client.domains.list({ category: 'inventory', usableFor: 'google' });

    expect(result.data).toHaveLength(130);
    expect(result.truncated).toBe(false);
    expect(result.data[0]).toEqual({
      id: under.fake.domainId('spare000.com'),
      domain: 'spare000.com',
      category: 'inventory',
      status: 'available',
      usable_for: ['google', 'microsoft'],
      created_at: expect.any(String),
    });
    const requests = under.fake.requestsTo('GET', '/domains');
    expect(requests.map((r) => r.query)).toEqual([
      { category: 'inventory', usable_for: 'google', per_page: '100' },
      { category: 'inventory', usable_for: 'google', per_page: '100', page_token: expect.any(String) },
    ]);
    expect(result.requestId).toBe(requests[1]?.requestId);
  });

  it('lists a customer’s connected domains with their order and provider', async () => {
    const { client } = under.makeClient();
    const order = await client.orders.create(starterOrderBody());
    under.fake.setDomainProvider('team-acme.com', 'microsoft');
    under.fake.connectDomain(order.data.id, 'acme-mail.com');
    under.fake.connectDomain(order.data.id, 'team-acme.com');

    const result = await client.domains.list({ category: 'connected', userEmail: 'alex@acme.com' });

    expect(result.data.map((d) => [d.domain, d.provider, d.order_id, d.status])).toEqual([
      ['acme-mail.com', 'google', order.data.id, 'active'],
      ['team-acme.com', 'microsoft', order.data.id, 'active'],
    ]);
    expect(under.fake.requests.at(-1)?.query).toEqual({
      category: 'connected',
      user_email: 'alex@acme.com',
      per_page: '100',
    });
    expect((await client.domains.list({ category: 'connected', userEmail: 'nobody@acme.com' })).data).toEqual(
      [],
    );
  });

  it('retries a 5xx on a page and stops at the page cap', async () => {
    for (let i = 0; i < 5; i += 1) under.fake.addInventoryDomain(`d${i}.com`);
    under.fake.failNext({ method: 'GET', path: '/domains' }, { status: 503 });
    const { client, sleeps } = under.makeClient();

    const result = await client.domains.list({ category: 'inventory' });

    expect(result.data).toHaveLength(5);
    expect(sleeps).toEqual([FIRST_BACKOFF_MS]);

    // 5,000 rows is the cap (50 pages of 100); the 51st page is never asked for.
    under.fake.reset();
    for (let i = 0; i < 5_001; i += 1) under.fake.addInventoryDomain(`bulk${i}.com`);
    const capped = await client.domains.list({ category: 'inventory' });
    expect(capped.data).toHaveLength(5_000);
    expect(capped.truncated).toBe(true);
    expect(under.fake.requestsTo('GET', '/domains')).toHaveLength(50);
  });

  it('a persistent 5xx surfaces as PeekerServerError', async () => {
    under.fake.failNext({ method: 'GET', path: '/domains' }, { status: 500, times: 4 });
    const { client } = under.makeClient();

    expect(await rejectionOf(client.domains.list({ category: 'connected' }))).toBeInstanceOf(
      PeekerServerError,
    );
    expect(under.fake.requestsTo('GET', '/domains')).toHaveLength(4);
  });
});
