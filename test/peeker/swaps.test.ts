import { describe, expect, it } from 'vitest';
import {
  PeekerConnectionError,
  PeekerInvalidRequestError,
  PeekerNotFoundError,
  PeekerServerError,
} from '../../src/peeker/errors.js';
import { PREMIUM_REQUIRES_MICROSOFT } from '../fakes/peeker/index.js';
import { FIRST_BACKOFF_MS, rejectionOf, starterOrderBody, useClientOnFake } from './test-client.js';

const under = useClientOnFake();

async function connectedOrder(): Promise<{ orderId: string; domainIds: string[] }> {
  const { client } = under.makeClient();
  const order = await client.orders.create(starterOrderBody());
  under.fake.setDomainProvider('team-acme.com', 'microsoft');
  const domainIds = ['acme-mail.com', 'team-acme.com'].map(
    (domain) => under.fake.connectDomain(order.data.id, domain).id,
  );
  under.fake.clearRequests();
  return { orderId: order.data.id, domainIds };
}

describe('swaps.create', () => {
  it('sends {type, domain_id, replacement_domain} and parses the swap', async () => {
    const { domainIds } = await connectedOrder();
    const { client } = under.makeClient();

    const result = await client.swaps.create({
      type: 'premium',
      domainId: domainIds[1] ?? '',
      replacementDomain: 'acme-fresh.com',
    });

    expect(result.data).toEqual({
      id: expect.stringMatching(/^swp_/),
      type: 'premium',
      domain_id: domainIds[1],
      replacement_domain: 'acme-fresh.com',
      status: 'created',
      created_at: expect.any(String),
    });
    const [request] = under.fake.requestsTo('POST', '/swaps');
    expect(request?.body).toEqual({
      type: 'premium',
      domain_id: domainIds[1],
      replacement_domain: 'acme-fresh.com',
    });
    expect(request?.status).toBe(201);
    expect(result.requestId).toBe(request?.requestId);
  });

  it('is NOT retried after a 5xx or a dropped connection (a swap is not idempotent)', async () => {
    const { domainIds } = await connectedOrder();
    const { client, sleeps } = under.makeClient();
    const swap = { type: 'standard' as const, domainId: domainIds[0] ?? '', replacementDomain: 'fresh.com' };

    under.fake.failNext({ method: 'POST', path: '/swaps' }, { status: 500 });
    expect(await rejectionOf(client.swaps.create(swap))).toBeInstanceOf(PeekerServerError);
    under.fake.failNext({ method: 'POST', path: '/swaps' }, { dropConnection: true });
    expect(await rejectionOf(client.swaps.create(swap))).toBeInstanceOf(PeekerConnectionError);

    expect(under.fake.requestsTo('POST', '/swaps')).toHaveLength(2);
    expect(sleeps).toEqual([]);
    expect(under.fake.swaps.size).toBe(0);
  });

  it('a 429 is retried (Peeker did not act)', async () => {
    const { domainIds } = await connectedOrder();
    under.fake.failNext({ method: 'POST', path: '/swaps' }, { status: 429 });
    const { client, sleeps } = under.makeClient();

    const result = await client.swaps.create({
      type: 'standard',
      domainId: domainIds[0] ?? '',
      replacementDomain: 'fresh.com',
    });

    expect(result.data.status).toBe('created');
    expect(sleeps).toEqual([1_500]);
  });

  it('maps the premium rules and unknown domains to typed errors carrying the code', async () => {
    const { domainIds } = await connectedOrder();
    const { client } = under.makeClient();

    const onGoogle = await rejectionOf(
      client.swaps.create({ type: 'premium', domainId: domainIds[0] ?? '', replacementDomain: 'fresh.com' }),
    );
    expect(onGoogle).toBeInstanceOf(PeekerInvalidRequestError);
    expect(onGoogle).toMatchObject({ code: PREMIUM_REQUIRES_MICROSOFT, field: 'type', status: 400 });

    const unknown = await rejectionOf(
      client.swaps.create({ type: 'standard', domainId: 'dom_UNKNOWN', replacementDomain: 'fresh.com' }),
    );
    expect(unknown).toBeInstanceOf(PeekerNotFoundError);
    expect(unknown).toMatchObject({ field: 'domain_id' });
  });
});

describe('swaps.list and swaps.get', () => {
  it('lists the swaps of a domain (what the app checks before re-sending) across pages', async () => {
    const { orderId, domainIds } = await connectedOrder();
    const domainId = domainIds[0] ?? '';
    const { client } = under.makeClient();
    const created = [];
    for (let i = 0; i < 3; i += 1) {
      created.push(
        (await client.swaps.create({ type: 'standard', domainId, replacementDomain: `fresh${i}.com` })).data
          .id,
      );
    }
    under.fake.advanceSwap(created[0] ?? '', 'in_progress');

    const all = await client.swaps.list({ domainId });
    expect(all.data.map((s) => s.id)).toEqual(created);
    expect(all.truncated).toBe(false);
    expect(under.fake.requests.at(-1)?.query).toEqual({ domain_id: domainId, per_page: '100' });

    const inProgress = await client.swaps.list({ orderId, status: 'in_progress' });
    expect(inProgress.data.map((s) => s.id)).toEqual([created[0]]);
    expect(under.fake.requests.at(-1)?.query).toEqual({
      order_id: orderId,
      status: 'in_progress',
      per_page: '100',
    });

    const blocked = under.fake.advanceSwap(created[1] ?? '', 'action_required');
    const read = await client.swaps.get(blocked.id);
    expect(read.data).toMatchObject({
      id: blocked.id,
      status: 'action_required',
      reason: 'replacement_not_imported',
    });
    expect(await rejectionOf(client.swaps.get('swp_missing'))).toBeInstanceOf(PeekerNotFoundError);
  });

  it('follows links.next page tokens', async () => {
    const { domainIds } = await connectedOrder();
    const { client } = under.makeClient();
    const domainId = domainIds[0] ?? '';
    for (let i = 0; i < 2; i += 1) {
      await client.swaps.create({ type: 'standard', domainId, replacementDomain: `page${i}.com` });
    }
    // The client asks for 100 per page; answer its first call with the fake's own one-row page.
    const onePerPage = await fetch(`${under.fake.url}/swaps?domain_id=${domainId}&per_page=1`, {
      headers: { authorization: `Bearer ${under.fake.apiKey}` },
    }).then((res) => res.text());
    const next = new URL(JSON.parse(onePerPage).links.next);
    const token = next.searchParams.get('page_token') ?? '';
    under.fake.clearRequests();
    under.fake.failNext({ method: 'GET', path: '/swaps' }, { rawBody: onePerPage });

    const all = await client.swaps.list({ domainId });

    expect(all.data).toHaveLength(2);
    expect(under.fake.requestsTo('GET', '/swaps').map((r) => r.query.page_token)).toEqual([undefined, token]);
    expect(token).not.toBe('');
  });
});

describe('swaps.renameUsers', () => {
  it('sends {domain_id, personas} and answers one row per inbox', async () => {
    const { domainIds } = await connectedOrder();
    const { client, sleeps } = under.makeClient();
    const personas = [{ first_name: 'Jane', last_name: 'Doe', profile_picture_url: null }];

    const result = await client.swaps.renameUsers({ domainId: domainIds[0] ?? '', personas });

    expect(result.data).toHaveLength(2);
    expect(result.data[0]).toEqual({
      id: expect.stringMatching(/^swp_/),
      type: 'user_names',
      domain_id: domainIds[0],
      replacement_domain: null,
      status: 'created',
      created_at: expect.any(String),
    });
    const [request] = under.fake.requestsTo('POST', '/swaps/user_names');
    expect(request?.body).toEqual({ domain_id: domainIds[0], personas });
    expect(result.requestId).toBe(request?.requestId);
    expect(sleeps).toEqual([]);
  });

  it('is not retried after a 5xx', async () => {
    const { domainIds } = await connectedOrder();
    under.fake.failNext({ method: 'POST', path: '/swaps/user_names' }, { status: 503 });
    const { client, sleeps } = under.makeClient();

    const error = await rejectionOf(
      client.swaps.renameUsers({
        domainId: domainIds[0] ?? '',
        personas: [{ first_name: 'Jane', last_name: 'Doe', profile_picture_url: '' }],
      }),
    );

    expect(error).toBeInstanceOf(PeekerServerError);
    expect(under.fake.requestsTo('POST', '/swaps/user_names')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('retry rule of the reads', () => {
  it('swaps.get is retried after a 5xx', async () => {
    under.fake.failNext({ method: 'GET', path: '/swaps/swp_1' }, { status: 500 });
    const { client, sleeps } = under.makeClient();

    expect(await rejectionOf(client.swaps.get('swp_1'))).toBeInstanceOf(PeekerNotFoundError);
    expect(under.fake.requestsTo('GET', '/swaps/swp_1').map((r) => r.status)).toEqual([500, 404]);
    expect(sleeps).toEqual([FIRST_BACKOFF_MS]);
  });
});
