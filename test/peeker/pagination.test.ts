import { describe, expect, it } from 'vitest';
import { nextPageToken } from '../../src/peeker/pagination.js';
import { starterOrderBody, useClientOnFake } from './test-client.js';

const under = useClientOnFake();

describe('readAllPages (through its callers)', () => {
  it('bundles.listActive follows tokens and keeps only active bundles', async () => {
    for (let i = 0; i < 120; i += 1) under.fake.addBundle({ name: `b${i}` });
    const { client } = under.makeClient();

    const result = await client.bundles.listActive();

    // 2 default active bundles + 120 added; the archived default is filtered by the query.
    expect(result.data).toHaveLength(122);
    const requests = under.fake.requestsTo('GET', '/bundles');
    expect(requests.map((r) => r.query)).toEqual([
      { status: 'active', per_page: '100' },
      { status: 'active', per_page: '100', page_token: expect.any(String) },
    ]);
    expect(result).toEqual({ data: expect.any(Array), requestId: requests[1]?.requestId });
  });

  it('orders.pending reads every page of open actions of one order', async () => {
    const { client } = under.makeClient();
    const order = await client.orders.create(starterOrderBody());
    for (let i = 0; i < 101; i += 1) under.fake.addPendingAction(order.data.id);
    under.fake.clearRequests();

    const result = await client.orders.pending(order.data.id);

    expect(result.data).toHaveLength(101);
    expect(under.fake.requests.map((r) => r.query)).toEqual([
      { order_id: order.data.id, status: 'open', per_page: '100' },
      { order_id: order.data.id, status: 'open', per_page: '100', page_token: expect.any(String) },
    ]);
    expect(Object.keys(result)).toEqual(['data', 'requestId']);
  });

  it('nextPageToken reads the token from absolute and relative links only', () => {
    expect(
      nextPageToken('https://api.peeker.ai/partner/v1/orders?per_page=25&page_token=eyJjdXJzb3IiOiJ4eXoifQ'),
    ).toBe('eyJjdXJzb3IiOiJ4eXoifQ');
    expect(nextPageToken('/orders?page_token=abc')).toBe('abc');
    expect(nextPageToken('/orders?per_page=25')).toBeUndefined();
    expect(nextPageToken(null)).toBeUndefined();
    expect(nextPageToken(undefined)).toBeUndefined();
  });
});
