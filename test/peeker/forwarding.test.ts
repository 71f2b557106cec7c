import { describe, expect, it } from 'vitest';
import { PeekerInvalidRequestError, PeekerNotFoundError } from '../../src/peeker/errors.js';
import { FORWARDING_BATCH_LIMIT } from '../../src/peeker/forwarding.js';
import { FIRST_BACKOFF_MS, rejectionOf, starterOrderBody, useClientOnFake } from './test-client.js';

const under = useClientOnFake();

async function connectedOrder(): Promise<{ orderId: string; domainIds: string[] }> {
  const { client } = under.makeClient();
  const order = await client.orders.create(starterOrderBody());
  const domainIds = ['acme-mail.com', 'team-acme.com'].map(
    (domain) => under.fake.connectDomain(order.data.id, domain).id,
  );
  under.fake.clearRequests();
  return { orderId: order.data.id, domainIds };
}

describe('forwarding.create and forwarding.get', () => {
  it('sends {domains, forwarding_url} and follows the job to partial_success with failed rows', async () => {
    const { domainIds } = await connectedOrder();
    const { client, sleeps } = under.makeClient();

    const created = await client.forwarding.create(domainIds, 'https://acme.com/inbox-redirect');

    expect(created.data).toEqual({
      id: expect.stringMatching(/^fwj_/),
      status: 'in_progress',
      completed_count: 0,
      failed_count: 0,
      forwarding_url: 'https://acme.com/inbox-redirect',
      completed: [],
      failed: [],
      created_at: expect.any(String),
    });
    const [request] = under.fake.requestsTo('POST', '/domains/forwarding');
    expect(request?.body).toEqual({ domains: domainIds, forwarding_url: 'https://acme.com/inbox-redirect' });
    expect(request?.status).toBe(202);
    expect(created.requestId).toBe(request?.requestId);

    under.fake.finishForwardingJob(created.data.id, {
      failed: [{ domain: 'team-acme.com', reason: 'dns_lookup_failed' }],
    });
    const read = await client.forwarding.get(created.data.id);
    expect(read.data).toMatchObject({
      status: 'partial_success',
      completed_count: 1,
      failed_count: 1,
      completed: ['acme-mail.com'],
      failed: [{ domain: 'team-acme.com', reason: 'dns_lookup_failed' }],
      completed_at: expect.any(String),
    });
    expect(under.fake.requests.at(-1)?.path).toBe(`/domains/forwarding/${created.data.id}`);
    expect(sleeps).toEqual([]);
  });

  it('is retried after a 5xx (re-sending is harmless) with the identical body', async () => {
    await connectedOrder();
    under.fake.failNext({ method: 'POST', path: '/domains/forwarding' }, { status: 502 });
    const { client, sleeps } = under.makeClient();

    const created = await client.forwarding.create(['acme-mail.com'], 'https://acme.com');

    expect(created.data.status).toBe('in_progress');
    const requests = under.fake.requestsTo('POST', '/domains/forwarding');
    expect(requests.map((r) => r.status)).toEqual([502, 202]);
    expect(requests[1]?.body).toEqual(requests[0]?.body);
    expect(sleeps).toEqual([FIRST_BACKOFF_MS]);
  });

  it('refuses 0 or more than 25 domains before any request', async () => {
    const { client } = under.makeClient();
    const names = Array.from({ length: FORWARDING_BATCH_LIMIT + 1 }, (_, i) => `f${i}.com`);

    expect(() => client.forwarding.create(names, 'https://acme.com')).toThrow(RangeError);
    expect(() => client.forwarding.create([], 'https://acme.com')).toThrow(RangeError);
    expect(under.fake.requests).toHaveLength(0);
  });

  it('maps a bad URL to PeekerInvalidRequestError on forwarding_url, and an unknown job to PeekerNotFoundError', async () => {
    const { client, sleeps } = under.makeClient();

    const badUrl = await rejectionOf(client.forwarding.create(['acme-mail.com'], 'ftp://acme.com'));
    expect(badUrl).toBeInstanceOf(PeekerInvalidRequestError);
    expect(badUrl).toMatchObject({ code: 'invalid_request', field: 'forwarding_url', status: 400 });

    expect(await rejectionOf(client.forwarding.get('fwj_missing'))).toBeInstanceOf(PeekerNotFoundError);
    expect(under.fake.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('tolerates a job without the list fields (older answers) as empty lists', async () => {
    under.fake.failNext(
      { method: 'GET', path: '/domains/forwarding/fwj_old' },
      { rawBody: JSON.stringify({ data: { id: 'fwj_old', status: 'completed', extra: 1 } }) },
    );
    const { client } = under.makeClient();

    const read = await client.forwarding.get('fwj_old');

    expect(read.data).toEqual({ id: 'fwj_old', status: 'completed', completed: [], failed: [] });
  });
});
