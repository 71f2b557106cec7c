import { describe, expect, it } from 'vitest';
import { domainConnectedData, domainIdFor } from './index.js';
import { orderBody, placeConnectedOrder, useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;

describe('POST /domains/availability', () => {
  it('answers available rows by default and invalid rows for names that are not registrable roots', async () => {
    const res = await api('POST', '/domains/availability', {
      domains: ['Acme-Mail.com', 'mail.acme.com', 'co.uk', 'acme.notarealtld', 'shop.co.uk'],
    });

    expect(res.status).toBe(200);
    expect(res.requestId).toMatch(/^req_/);
    expect(res.body).toEqual({
      data: {
        domains: [
          {
            domain: 'acme-mail.com',
            available: true,
            price_cents: 1300,
            renewal_price_cents: 1500,
            currency: 'usd',
            usable_for: ['google', 'microsoft'],
            premium: false,
          },
          { domain: 'mail.acme.com', available: false, premium: false, reason: 'invalid' },
          { domain: 'co.uk', available: false, premium: false, reason: 'invalid' },
          { domain: 'acme.notarealtld', available: false, premium: false, reason: 'invalid' },
          expect.objectContaining({ domain: 'shop.co.uk', available: true }),
        ],
      },
    });
    expect(fake.peeker.requestsTo('POST', '/domains/availability')[0]?.body).toEqual({
      domains: ['Acme-Mail.com', 'mail.acme.com', 'co.uk', 'acme.notarealtld', 'shop.co.uk'],
    });
    expect(fake.peeker.availabilityCallCount()).toBe(1);
  });

  it('answers scripted rows: taken, premium, errored, price overrides', async () => {
    fake.peeker.setAvailability('taken.com', { reason: 'taken' });
    fake.peeker.setAvailability('gold.com', { reason: 'premium' });
    fake.peeker.setAvailability('flaky.com', { reason: 'errored' });
    fake.peeker.setAvailability('pricey.io', {
      price_cents: 4900,
      renewal_price_cents: 5900,
      usable_for: ['google'],
    });

    const res = await api('POST', '/domains/availability', {
      domains: ['taken.com', 'gold.com', 'flaky.com', 'pricey.io'],
    });

    expect(res.body.data.domains).toEqual([
      { domain: 'taken.com', available: false, premium: false, reason: 'taken' },
      { domain: 'gold.com', available: false, premium: true, reason: 'premium' },
      { domain: 'flaky.com', available: false, premium: false, reason: 'errored' },
      {
        domain: 'pricey.io',
        available: true,
        price_cents: 4900,
        renewal_price_cents: 5900,
        currency: 'usd',
        usable_for: ['google'],
        premium: false,
      },
    ]);
  });

  it('turns a stale row into a fresh answer on the next call, and plays answer queues in order', async () => {
    fake.peeker.setAvailability('stale.com', { reason: 'stale', thenAvailable: true });
    fake.peeker.setAvailability('queue.com', [{ reason: 'stale' }, { reason: 'taken' }]);

    const first = await api('POST', '/domains/availability', { domains: ['stale.com', 'queue.com'] });
    const second = await api('POST', '/domains/availability', { domains: ['stale.com', 'queue.com'] });
    const third = await api('POST', '/domains/availability', { domains: ['stale.com', 'queue.com'] });

    expect(first.body.data.domains).toEqual([
      { domain: 'stale.com', available: false, premium: false, reason: 'stale' },
      { domain: 'queue.com', available: false, premium: false, reason: 'stale' },
    ]);
    expect(second.body.data.domains[0]).toMatchObject({
      domain: 'stale.com',
      available: true,
      price_cents: 1300,
    });
    expect(second.body.data.domains[1]).toMatchObject({ available: false, reason: 'taken' });
    // The last answer of a queue sticks.
    expect(third.body.data.domains[0]).toMatchObject({ available: true });
    expect(third.body.data.domains[1]).toMatchObject({ available: false, reason: 'taken' });
    expect(fake.peeker.availabilityCallCount()).toBe(3);
  });

  it('enforces the batch limit (50 by default, scriptable) and validates the body', async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `name${i}.com`);

    expect((await api('POST', '/domains/availability', { domains: names(50) })).status).toBe(200);
    const over = await api('POST', '/domains/availability', { domains: names(51) });
    expect(over.status).toBe(400);
    expect(over.body.error).toEqual({
      code: 'invalid_request',
      message: expect.any(String),
      field: 'domains',
      details: { max: 50, submitted: 51 },
    });

    fake.peeker.setAvailabilityBatchLimit(25);
    expect((await api('POST', '/domains/availability', { domains: names(26) })).status).toBe(400);
    const ok = await api('POST', '/domains/availability', { domains: names(25) });
    expect(ok.body.data.domains).toHaveLength(25);

    expect((await api('POST', '/domains/availability', { domains: [] })).body.error.field).toBe('domains');
    expect((await api('POST', '/domains/availability', {})).status).toBe(400);
    // Every call counts against the rate limit, rejected ones included.
    expect(fake.peeker.availabilityCallCount()).toBe(6);

    fake.peeker.reset();
    expect((await api('POST', '/domains/availability', { domains: names(26) })).status).toBe(200);
  });
});

describe('GET /domains', () => {
  it('lists scripted spares and completed imports as inventory, until an order takes them', async () => {
    fake.peeker.addInventoryDomain('spare-acme.com');
    fake.peeker.addImport(['acme-mail.com', 'team-acme.com']);
    const pending = fake.peeker.addImport(['later-acme.com'], { job: true });

    const inventory = await api('GET', '/domains?category=inventory');
    expect(inventory.status).toBe(200);
    expect(inventory.body.data).toEqual([
      {
        id: domainIdFor('spare-acme.com'),
        domain: 'spare-acme.com',
        category: 'inventory',
        status: 'available',
        usable_for: ['google', 'microsoft'],
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
      expect.objectContaining({ domain: 'acme-mail.com', id: expect.stringMatching(/^dom_[0-9A-Z]{26}$/) }),
      expect.objectContaining({ domain: 'team-acme.com', category: 'inventory' }),
    ]);
    expect(inventory.body.links.next).toBeNull();
    expect(inventory.body.meta).toMatchObject({
      path: `${fake.peeker.url}/domains`,
      per_page: 25,
      returned: 3,
    });

    fake.peeker.completeJob(pending.id);
    await api('POST', '/orders', orderBody());
    const after = await api('GET', '/domains?category=inventory');
    expect(after.body.data.map((d: { domain: string }) => d.domain)).toEqual([
      'spare-acme.com',
      'later-acme.com',
    ]);
    // Nothing is connected until Peeker says so.
    expect((await api('GET', '/domains?category=connected')).body.data).toEqual([]);
  });

  it('lists connected domains with the stable dom_ id domainConnectedData uses', async () => {
    const placed = await api('POST', '/orders', orderBody());
    const orderId = placed.body.data.id as string;
    fake.peeker.setDomainProvider('team-acme.com', 'microsoft');

    const data = fake.peeker.connectDomain(orderId, 'acme-mail.com');
    fake.peeker.connectDomain(orderId, 'team-acme.com');

    expect(data).toEqual(
      domainConnectedData({
        domain: 'acme-mail.com',
        order_id: orderId,
        user_id: placed.body.data.user_id,
        created_at: data.created_at,
      }),
    );
    expect(data.id).toBe(fake.peeker.domainId('acme-mail.com'));
    const connected = await api('GET', '/domains?category=connected');
    expect(connected.body.data).toEqual([
      {
        id: data.id,
        domain: 'acme-mail.com',
        category: 'connected',
        status: 'active',
        provider: 'google',
        user_id: placed.body.data.user_id,
        order_id: orderId,
        usable_for: ['google', 'microsoft'],
        forwarding_url: 'https://acme.com',
        created_at: expect.any(String),
      },
      expect.objectContaining({
        domain: 'team-acme.com',
        provider: 'microsoft',
        id: domainIdFor('team-acme.com'),
      }),
    ]);
    expect(fake.peeker.getOrder(orderId)?.connected_count).toBe(2);
    expect(fake.peeker.getDomain(data.id)).toMatchObject({ domain: 'acme-mail.com' });
    expect(fake.peeker.domainConnectedEvent(orderId, 'acme-mail.com')).toMatchObject({
      type: 'domain.connected',
      data: { id: data.id, order_id: orderId },
    });
    expect(() => fake.peeker.connectDomain(orderId, 'elsewhere.com')).toThrow(/not on order/);
    expect(() => fake.peeker.connectDomain('ord_missing', 'acme-mail.com')).toThrow(/no order/);
  });

  it('filters by user, usable_for and status, pages with opaque tokens, and validates the query', async () => {
    await placeConnectedOrder(fake);
    await placeConnectedOrder(fake, { domains: ['bravo-one.com', 'bravo-two.com'] });
    fake.peeker.addInventoryDomain('ms-only.com', { usable_for: ['microsoft'] });

    const byEmail = await api('GET', '/domains?user_email=alex@acme.com');
    expect(byEmail.body.data.map((d: { domain: string }) => d.domain)).toEqual([
      'acme-mail.com',
      'team-acme.com',
      'bravo-one.com',
      'bravo-two.com',
    ]);
    const userId = byEmail.body.data[0].user_id as string;
    expect((await api('GET', `/domains?user_id=${userId}&category=inventory`)).body.data).toEqual([]);
    const google = await api('GET', '/domains?category=inventory&usable_for=google');
    expect(google.body.data).toEqual([]);
    const microsoft = await api('GET', '/domains?usable_for=microsoft&status=available');
    expect(microsoft.body.data.map((d: { domain: string }) => d.domain)).toEqual(['ms-only.com']);

    const page1 = await api('GET', '/domains?category=connected&per_page=3');
    expect(page1.body.data).toHaveLength(3);
    const next = new URL(page1.body.links.next as string);
    expect(next.searchParams.get('category')).toBe('connected');
    const page2 = await api('GET', `/domains${next.search}`);
    expect(page2.body.data.map((d: { domain: string }) => d.domain)).toEqual(['bravo-two.com']);
    expect(page2.body.links.next).toBeNull();

    expect((await api('GET', '/domains?category=parked')).body.error).toMatchObject({
      code: 'invalid_request',
      field: 'category',
    });
    expect((await api('GET', '/domains?usable_for=yahoo')).body.error.field).toBe('usable_for');
    expect((await api('GET', '/domains?per_page=101')).body.error.field).toBe('per_page');
    expect((await api('GET', '/domains?page_token=garbage')).status).toBe(400);
  });

  it('releases the domains of a finished cancellation back to the inventory', async () => {
    const { orderId } = await placeConnectedOrder(fake);
    fake.peeker.scheduleCancellation(orderId, ['team-acme.com']);
    // Scheduled is not yet released: the domain is still connected.
    expect((await api('GET', '/domains?category=connected')).body.data).toHaveLength(2);

    fake.peeker.finishCancellation(orderId);

    const connected = await api('GET', '/domains?category=connected');
    expect(connected.body.data.map((d: { domain: string }) => d.domain)).toEqual(['acme-mail.com']);
    const inventory = await api('GET', '/domains?category=inventory');
    expect(inventory.body.data.map((d: { domain: string }) => d.domain)).toEqual(['team-acme.com']);
    expect(fake.peeker.getOrder(orderId)?.status).toBe('in_progress');
  });
});
