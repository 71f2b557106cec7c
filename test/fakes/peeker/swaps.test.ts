import { describe, expect, it } from 'vitest';
import {
  domainIdFor,
  PREMIUM_COOLDOWN,
  PREMIUM_REQUIRES_MICROSOFT,
  SWAP_QUOTA_EXCEEDED,
  swapEvent,
} from './index.js';
import { placeConnectedOrder, useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;

const DAY = 24 * 60 * 60 * 1000;

describe('POST /swaps, GET /swaps, GET /swaps/{id}', () => {
  it('creates a standard swap (201), reads and lists it, and moves the order on completion', async () => {
    const { orderId, domainIds } = await placeConnectedOrder(fake);
    const oldId = domainIds[1] ?? '';

    const created = await api('POST', '/swaps', {
      type: 'standard',
      domain_id: oldId,
      replacement_domain: 'Acme-Fresh.com',
    });

    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: {
        id: expect.stringMatching(/^swp_[0-9A-Z]{26}$/),
        type: 'standard',
        domain_id: oldId,
        replacement_domain: 'acme-fresh.com',
        status: 'created',
        created_at: expect.any(String),
      },
    });
    const id = created.body.data.id as string;
    expect((await api('GET', `/swaps/${id}`)).body.data).toEqual(created.body.data);
    expect(
      (await api('GET', `/swaps?domain_id=${oldId}`)).body.data.map((s: { id: string }) => s.id),
    ).toEqual([id]);
    expect((await api('GET', `/swaps?order_id=${orderId}&status=created`)).body.data).toHaveLength(1);
    expect((await api('GET', '/swaps?order_id=ord_other')).body.data).toEqual([]);
    expect((await api('GET', '/swaps?status=completed')).body.data).toEqual([]);

    expect(swapEvent(fake.peeker.advanceSwap(id, 'in_progress')).type).toBe('swap.in_progress');
    const blocked = fake.peeker.advanceSwap(id, 'action_required');
    expect(blocked).toMatchObject({ status: 'action_required', reason: 'replacement_not_imported' });
    expect(swapEvent(blocked)).toMatchObject({ type: 'swap.action_required', data: blocked });
    const done = fake.peeker.advanceSwap(id, 'completed');
    expect(done.reason).toBeUndefined();
    expect(done).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
    expect(swapEvent(done).type).toBe('swap.completed');

    const connected = await api('GET', '/domains?category=connected');
    expect(connected.body.data.map((d: { domain: string }) => d.domain)).toEqual([
      'acme-mail.com',
      'acme-fresh.com',
    ]);
    expect(connected.body.data[1]).toMatchObject({
      id: domainIdFor('acme-fresh.com'),
      order_id: orderId,
      provider: 'google',
      forwarding_url: 'https://acme.com',
    });
    expect(fake.peeker.getOrder(orderId)?.domains.imported).toEqual(['acme-mail.com', 'acme-fresh.com']);
    // Retired, not back in the inventory.
    expect((await api('GET', '/domains?category=inventory')).body.data).toEqual([]);
  });

  it('rejects unknown domains and malformed bodies', async () => {
    const { domainIds } = await placeConnectedOrder(fake);
    const valid = { type: 'standard', domain_id: domainIds[0], replacement_domain: 'fresh.com' };

    const unknown = await api('POST', '/swaps', { ...valid, domain_id: 'dom_UNKNOWN' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'not_found', field: 'domain_id' });
    // Swaps name domains by id, not by name.
    expect((await api('POST', '/swaps', { ...valid, domain_id: 'acme-mail.com' })).status).toBe(404);
    expect((await api('POST', '/swaps', { ...valid, type: undefined })).body.error.field).toBe('type');
    expect((await api('POST', '/swaps', { ...valid, type: 'user_names' })).body.error.field).toBe('type');
    expect(
      (await api('POST', '/swaps', { ...valid, replacement_domain: 'mail.fresh.com' })).body.error.field,
    ).toBe('replacement_domain');
    expect((await api('POST', '/swaps', { ...valid, replacement_domain: 'acme-mail.com' })).status).toBe(400);
    expect((await api('POST', '/swaps', { ...valid, domain_id: undefined })).body.error.field).toBe(
      'domain_id',
    );
    expect((await api('GET', '/swaps/swp_missing')).status).toBe(404);
    expect(() => fake.peeker.advanceSwap('swp_missing', 'completed')).toThrow(/no swap/);
    expect(fake.peeker.swaps.size).toBe(0);
  });

  it('premium: Microsoft only, 30-day cooldown, scriptable quota, old domain kept warm', async () => {
    const { orderId, domainIds } = await placeConnectedOrder(fake, { providers: ['google', 'microsoft'] });
    const [googleId, microsoftId] = domainIds;

    const onGoogle = await api('POST', '/swaps', {
      type: 'premium',
      domain_id: googleId,
      replacement_domain: 'g.com',
    });
    expect(onGoogle.status).toBe(400);
    expect(onGoogle.body.error).toMatchObject({ code: PREMIUM_REQUIRES_MICROSOFT, field: 'type' });

    const first = await api('POST', '/swaps', {
      type: 'premium',
      domain_id: microsoftId,
      replacement_domain: 'm1.com',
    });
    expect(first.status).toBe(201);
    expect(first.body.data.type).toBe('premium');

    const tooSoon = await api('POST', '/swaps', {
      type: 'premium',
      domain_id: microsoftId,
      replacement_domain: 'm2.com',
    });
    expect(tooSoon.status).toBe(400);
    expect(tooSoon.body.error).toMatchObject({
      code: PREMIUM_COOLDOWN,
      field: 'domain_id',
      details: { available_at: expect.any(String) },
    });
    // A standard swap is not subject to the premium cooldown.
    expect(
      (
        await api('POST', '/swaps', {
          type: 'standard',
          domain_id: microsoftId,
          replacement_domain: 'm3.com',
        })
      ).status,
    ).toBe(201);

    const realNow = fake.peeker.now;
    fake.peeker.now = () => realNow() + 31 * DAY;
    fake.peeker.setPremiumSwapQuota(0);
    const quota = await api('POST', '/swaps', {
      type: 'premium',
      domain_id: microsoftId,
      replacement_domain: 'm4.com',
    });
    expect(quota.status).toBe(400);
    expect(quota.body.error.code).toBe(SWAP_QUOTA_EXCEEDED);
    fake.peeker.setPremiumSwapQuota(1);
    expect(
      (await api('POST', '/swaps', { type: 'premium', domain_id: microsoftId, replacement_domain: 'm4.com' }))
        .status,
    ).toBe(201);
    fake.peeker.now = realNow;

    fake.peeker.advanceSwap(first.body.data.id, 'completed');
    const connected = await api(
      'GET',
      `/domains?category=connected&user_id=${fake.peeker.getOrder(orderId)?.user_id}`,
    );
    const byName = new Map(connected.body.data.map((d: { domain: string }) => [d.domain, d]));
    expect([...byName.keys()]).toEqual(['acme-mail.com', 'team-acme.com', 'm1.com']);
    const warmUntil = Date.parse((byName.get('team-acme.com') as { warm_until: string }).warm_until);
    expect(warmUntil - Date.now()).toBeGreaterThan(13 * DAY);
    expect(warmUntil - Date.now()).toBeLessThan(15 * DAY);
    expect(byName.get('m1.com')).toMatchObject({ provider: 'microsoft', order_id: orderId });
  });
});

describe('POST /swaps/user_names', () => {
  const personas = [
    { first_name: 'Jane', last_name: 'Doe', profile_picture_url: 'https://cdn.acme.com/jane.jpg' },
  ];

  it('answers one row per inbox on the domain (2 on Google, 1 on Microsoft, scriptable)', async () => {
    const { domainIds } = await placeConnectedOrder(fake, { providers: ['google', 'microsoft'] });

    const google = await api('POST', '/swaps/user_names', { domain_id: domainIds[0], personas });

    expect(google.status).toBe(201);
    expect(google.body.data.swaps).toEqual([
      {
        id: expect.stringMatching(/^swp_/),
        type: 'user_names',
        domain_id: domainIds[0],
        replacement_domain: null,
        status: 'created',
        created_at: expect.any(String),
      },
      expect.objectContaining({ type: 'user_names', domain_id: domainIds[0] }),
    ]);
    const microsoft = await api('POST', '/swaps/user_names', { domain_id: domainIds[1], personas });
    expect(microsoft.body.data.swaps).toHaveLength(1);
    fake.peeker.setInboxesPerDomain('acme-mail.com', 3);
    const three = await api('POST', '/swaps/user_names', { domain_id: domainIds[0], personas });
    expect(three.body.data.swaps).toHaveLength(3);

    const rowId = google.body.data.swaps[0].id as string;
    const stalled = fake.peeker.advanceSwap(rowId, 'action_required');
    expect(stalled.reason).toBe('profile_picture_not_accessible');
    expect(swapEvent(stalled).type).toBe('swap.action_required');
    expect(fake.peeker.advanceSwap(rowId, 'completed').replacement_domain).toBeNull();
    // Renames leave the domains where they are.
    expect((await api('GET', '/domains?category=connected')).body.data).toHaveLength(2);
    expect((await api('GET', `/swaps?domain_id=${domainIds[0]}&type=user_names`)).body.data).toHaveLength(5);
  });

  it('validates personas and the domain', async () => {
    const { domainIds } = await placeConnectedOrder(fake);

    const noPicture = await api('POST', '/swaps/user_names', {
      domain_id: domainIds[0],
      personas: [{ first_name: 'Jane', last_name: 'Doe' }],
    });
    expect(noPicture.status).toBe(400);
    expect(noPicture.body.error).toMatchObject({ code: 'invalid_request', field: 'personas' });
    expect((await api('POST', '/swaps/user_names', { domain_id: domainIds[0], personas: [] })).status).toBe(
      400,
    );
    const unknown = await api('POST', '/swaps/user_names', { domain_id: 'dom_UNKNOWN', personas });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('domain_id');
    expect((await api('POST', '/swaps/user_names', { personas })).body.error.field).toBe('domain_id');
  });
});
