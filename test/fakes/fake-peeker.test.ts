import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  deliverWebhook,
  domainConnectedData,
  FAKE_BUNDLE_IDS,
  FakePeeker,
  importEventData,
  makeEvent,
  signWebhook,
} from './fake-peeker.js';

let peeker: FakePeeker;

beforeAll(async () => {
  peeker = await FakePeeker.start();
});

afterAll(async () => {
  await peeker.stop();
});

beforeEach(() => {
  peeker.reset();
});

interface Answer {
  status: number;
  requestId: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected loosely
  body: any;
}

async function api(method: string, path: string, body?: unknown, key = 'pk_test_fake'): Promise<Answer> {
  const res = await fetch(`${peeker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    requestId: res.headers.get('peeker-request-id'),
    body: text ? JSON.parse(text) : null,
  };
}

function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    user: 'alex@acme.com',
    bundle_id: FAKE_BUNDLE_IDS.starter,
    sequencer: {
      provider: 'smartlead',
      client_id: 366903,
      login_email: 'ops@acme.com',
      login_password: 'their-smartlead-password',
    },
    forwarding_url: 'https://acme.com',
    domains: ['acme-mail.com', 'team-acme.com'],
    personas: [
      { first_name: 'Alex', last_name: 'Rivera', profile_picture_url: 'https://cdn.acme.com/alex.jpg' },
      { first_name: 'Sam', last_name: 'Lee', profile_picture_url: 'https://cdn.acme.com/sam.jpg' },
    ],
    ...overrides,
  };
}

describe('FakePeeker API', () => {
  it('checks the API key and tags every answer with a request id', async () => {
    const denied = await api('GET', '/me', undefined, 'pk_test_wrong');
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({
      error: { code: 'unauthorized', message: 'Invalid API key', field: null, details: {} },
    });
    expect(denied.requestId).toMatch(/^req_[0-9A-Z]{26}$/);

    const me = await api('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      data: {
        api_key: { environment: 'test', permission_preset: 'full' },
        partner: { id: 'org_01HZX0OG1A2B3C4D5E6F7G8H', name: 'Acme Resellers' },
      },
    });
    expect(me.requestId).not.toBe(denied.requestId);
    expect(peeker.requests.map((r) => r.requestId)).toEqual([denied.requestId, me.requestId]);
    expect(peeker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/partner\/v1$/);

    expect((await api('GET', '/nope')).body.error.code).toBe('not_found');
    const badJson = await api('POST', '/domains/import', '{"domains": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_request');
  });

  it('imports synchronously with the seed shape, dedupes on the normalized set and looks up', async () => {
    const first = await api('POST', '/domains/import', { domains: ['acme-mail.com', 'team-acme.com'] });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      id: expect.stringMatching(/^imp_/),
      status: 'completed',
      submitted_count: 2,
      completed_count: 2,
      failed_count: 0,
      nameserver_groups: [
        {
          nameserver_one: 'helena.ns.cloudflare.com',
          nameserver_two: 'idris.ns.cloudflare.com',
          domains: ['acme-mail.com', 'team-acme.com'],
        },
      ],
      failed: [],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      completed_at: expect.any(String),
    });
    expect(peeker.requestsTo('POST', '/domains/import')[0]?.body).toEqual({
      domains: ['acme-mail.com', 'team-acme.com'],
    });

    const again = await api('POST', '/domains/import', { domains: ['Team-Acme.com', 'acme-mail.com.'] });
    expect(again.body.data.id).toBe(first.body.data.id);

    const byId = await api('GET', `/domains/import/${first.body.data.id}`);
    expect(byId.body.data).toEqual(first.body.data);
    const lookup = await api('GET', '/domains/import?domains=team-acme.com');
    expect(lookup.body.data.id).toBe(first.body.data.id);
    expect((await api('GET', '/domains/import?domains=other.com')).status).toBe(404);
    const missing = await api('GET', '/domains/import');
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('domains');
    expect((await api('GET', '/domains/import/imp_missing')).status).toBe(404);
  });

  it('fails non-root and scripted domains, groups by groupSize and validates the batch size', async () => {
    peeker.importBehaviour = { groupSize: 2, failDomains: { 'bad.com': 'domain_locked' } };
    const res = await api('POST', '/domains/import', {
      domains: ['a.com', 'b.com', 'c.co.uk', 'mail.acme.com', 'bad.com'],
    });
    expect(res.body.data).toMatchObject({ submitted_count: 5, completed_count: 3, failed_count: 2 });
    expect(res.body.data.failed).toEqual([
      { domain: 'bad.com', reason: 'domain_locked' },
      { domain: 'mail.acme.com', reason: 'not_root_domain' },
    ]);
    const groups = res.body.data.nameserver_groups as Array<{ nameserver_one: string; domains: string[] }>;
    expect(groups.map((g) => g.domains)).toEqual([['a.com', 'b.com'], ['c.co.uk']]);
    expect(new Set(groups.map((g) => g.nameserver_one)).size).toBe(2);

    const tooMany = await api('POST', '/domains/import', {
      domains: Array.from({ length: 26 }, (_, i) => `d${i}.com`),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'invalid_request', field: 'domains' });
    expect((await api('POST', '/domains/import', { domains: [] })).status).toBe(400);

    peeker.importBehaviour = { initialStatus: 'in_progress' };
    const pending = await api('POST', '/domains/import', { domains: ['slow.com'] });
    expect(pending.body.data).toMatchObject({ status: 'in_progress', completed_at: null });
    expect(pending.body.data.nameserver_groups).toHaveLength(1);
    peeker.completeImport(pending.body.data.id);
    expect((await api('GET', `/domains/import/${pending.body.data.id}`)).body.data.status).toBe('completed');
  });

  it('runs async import jobs: 202, dedupe, completeJob, lookup, setImport', async () => {
    const domains = Array.from({ length: 30 }, (_, i) => `bulk${i}.com`);
    const job = await api('POST', '/domains/import/jobs', { domains });
    expect(job.status).toBe(202);
    expect(job.body.data).toMatchObject({
      id: expect.stringMatching(/^imj_/),
      status: 'in_progress',
      submitted_count: 30,
      nameserver_groups: [],
      failed: [],
      completed_at: null,
    });
    const id = job.body.data.id as string;
    const retry = await api('POST', '/domains/import/jobs', { domains: [...domains].reverse() });
    expect(retry.body.data.id).toBe(id);

    peeker.completeJob(id);
    const done = await api('GET', `/domains/import/jobs/${id}`);
    expect(done.body.data).toMatchObject({ status: 'completed', completed_count: 30 });
    expect(done.body.data.nameserver_groups[0].domains).toHaveLength(30);
    expect((await api('GET', '/domains/import?domains=bulk3.com,bulk4.com')).body.data.id).toBe(id);

    peeker.setImport(id, { status: 'action_required' });
    expect(peeker.getImport(id)?.status).toBe('action_required');
    expect((await api('GET', `/domains/import/jobs/${id}`)).body.data.status).toBe('action_required');
    expect((await api('POST', '/domains/import/jobs', { domains: Array(501).fill('x.com') })).status).toBe(
      400,
    );
  });

  it('lists bundles with filtering and opaque pagination', async () => {
    const active = await api('GET', '/bundles?status=active');
    expect(active.body.data.map((b: { id: string }) => b.id)).toEqual([
      FAKE_BUNDLE_IDS.starter,
      FAKE_BUNDLE_IDS.growth,
    ]);
    expect(active.body.data[0]).toMatchObject({
      required_domains: { total: 2 },
      effective: { google_percent: 50 },
    });
    expect(active.body.links.next).toBeNull();
    expect(active.body.meta).toMatchObject({ path: `${peeker.url}/bundles`, per_page: 25, returned: 2 });

    const page1 = await api('GET', '/bundles?per_page=2');
    expect(page1.body.meta.returned).toBe(2);
    const next = page1.body.links.next as string;
    expect(next).toMatch(/page_token=/);
    const page2 = (await fetch(next, { headers: { authorization: 'Bearer pk_test_fake' } }).then((r) =>
      r.json(),
    )) as {
      data: Array<{ id: string }>;
      links: { next: string | null };
    };
    expect(page2.data.map((b) => b.id)).toEqual([FAKE_BUNDLE_IDS.legacy]);
    expect(page2.links.next).toBeNull();
    expect((await api('GET', '/bundles?page_token=garbage')).status).toBe(400);
  });

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

describe('FakePeeker scripted failures', () => {
  it('answers 429 with retry details, then recovers', async () => {
    peeker.failNext({ method: 'POST', path: '/domains/import' }, { status: 429 });
    const limited = await api('POST', '/domains/import', { domains: ['a.com'] });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toEqual({
      code: 'rate_limited',
      message: expect.any(String),
      field: null,
      details: { retry_after_seconds: 1 },
    });
    expect(limited.requestId).toMatch(/^req_/);
    expect(peeker.imports.size).toBe(0);
    expect((await api('POST', '/domains/import', { domains: ['a.com'] })).status).toBe(200);
    expect(peeker.requests.map((r) => [r.failed ?? false, r.status])).toEqual([
      [true, 429],
      [false, 200],
    ]);

    peeker.failNext(
      { path: '/domains/import' },
      { status: 429, details: { retry_after_seconds: 3, reason: 'cloudflare_account_capacity' } },
    );
    const capacity = await api('POST', '/domains/import', { domains: ['b.com'] });
    expect(capacity.body.error.details.reason).toBe('cloudflare_account_capacity');
  });

  it('sends malformed bodies, drops connections and matches FIFO among fitting failures', async () => {
    peeker.failNext({ path: /^\/orders/ }, { status: 502, rawBody: '<html>bad gateway' });
    peeker.failNext({ method: 'GET', path: '/me' }, { dropConnection: true });
    peeker.failNext({ method: 'GET', path: '/me' }, { status: 500, times: 2 });

    const raw = await fetch(`${peeker.url}/orders/ord_x`, {
      headers: { authorization: 'Bearer pk_test_fake' },
    });
    expect(raw.status).toBe(502);
    expect(await raw.text()).toBe('<html>bad gateway');
    expect(raw.headers.get('peeker-request-id')).toMatch(/^req_/);

    await expect(
      fetch(`${peeker.url}/me`, { headers: { authorization: 'Bearer pk_test_fake' } }),
    ).rejects.toThrow();
    expect((await api('GET', '/me')).status).toBe(500);
    expect((await api('GET', '/me')).body.error.code).toBe('internal_error');
    expect((await api('GET', '/me')).status).toBe(200);
  });

  it('delays answers globally and per route', async () => {
    peeker.setLatencyFor({ path: '/me' }, 80);
    let started = Date.now();
    await api('GET', '/me');
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);

    peeker.failNext({ path: '/bundles' }, { delayMs: 60 });
    started = Date.now();
    expect((await api('GET', '/bundles')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('waitFor reports recent requests on timeout', async () => {
    await api('GET', '/me');
    await expect(
      peeker.waitFor(() => peeker.requestsTo('POST', '/orders').length > 0, 40, 'an order'),
    ).rejects.toThrow(/timed out after 40 ms: an order[\s\S]*GET \/me -> 200/);
    setTimeout(() => void api('POST', '/domains/import', { domains: ['late.com'] }), 20);
    const [request] = await peeker.waitFor(() => {
      const found = peeker.requestsTo('POST', '/domains/import');
      return found.length > 0 && found;
    });
    expect(request?.body).toEqual({ domains: ['late.com'] });
  });
});

describe('webhook helpers', () => {
  it('signWebhook matches an independent HMAC in both modes', () => {
    const raw = '{"id":"evt_1","type":"order.in_progress"}';
    const stamped = signWebhook(raw, 'whsec_test', { timestamp: 1_778_241_600 });
    expect(stamped).toEqual({
      'Peeker-Timestamp': '1778241600',
      'Peeker-Signature': `v1=${createHmac('sha256', 'whsec_test').update(`1778241600.${raw}`).digest('hex')}`,
    });
    const rawMode = signWebhook(raw, 'whsec_test', { timestamp: 1, mode: 'raw' });
    expect(rawMode['Peeker-Signature']).toBe(
      `v1=${createHmac('sha256', 'whsec_test').update(raw).digest('hex')}`,
    );
    // Fixed known answer, cross-checked with `openssl dgst -sha256 -hmac whsec_test`.
    expect(
      signWebhook('{"id":"evt_1"}', 'whsec_test', { timestamp: 1_778_241_600 })['Peeker-Signature'],
    ).toBe('v1=c09f6ad57fb8adfcaaede21818ea7a006b79c2e39dbfbef622b0ce5fb5e29215');
  });

  it('makeEvent and the data builders produce seed-shaped events', async () => {
    const a = makeEvent('order.in_progress', { id: 'ord_1', status: 'in_progress' });
    const b = makeEvent('order.in_progress', { id: 'ord_1', status: 'in_progress' });
    expect(a.id).toMatch(/^evt_/);
    expect(a.id).not.toBe(b.id);
    expect(makeEvent('x', {}, { id: 'evt_fixed', createdAt: '2026-05-08T12:00:00Z' })).toEqual({
      id: 'evt_fixed',
      type: 'x',
      created_at: '2026-05-08T12:00:00Z',
      data: {},
    });
    expect(domainConnectedData({ domain: 'acme-mail.com', order_id: 'ord_1' })).toMatchObject({
      id: expect.stringMatching(/^dom_/),
      domain: 'acme-mail.com',
      category: 'connected',
      status: 'active',
      provider: 'google',
      order_id: 'ord_1',
      usable_for: ['google', 'microsoft'],
    });
    const created = peeker.addImport(['acme-mail.com']);
    const data = importEventData(created);
    expect(data).toEqual(created);
    expect(data).not.toBe(created);
  });

  it('deliverWebhook posts the raw body with verifiable headers', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const target = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(received.length === 1 ? 200 : 401).end('done');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/peeker/webhooks`;
    try {
      const event = makeEvent(
        'domain.connected',
        domainConnectedData({ domain: 'a.com', order_id: 'ord_1' }),
      );
      const answer = await deliverWebhook(url, event, { secret: 's3cret', timestamp: 1_700_000_000 });
      expect(answer).toEqual({ status: 200, body: 'done' });
      const first = received[0];
      expect(first?.body).toBe(JSON.stringify(event));
      expect(first?.headers['content-type']).toBe('application/json');
      expect(first?.headers['peeker-event-id']).toBe(event.id);
      expect(first?.headers['peeker-timestamp']).toBe('1700000000');
      const expected = createHmac('sha256', 's3cret').update(`1700000000.${first?.body}`).digest('hex');
      expect(first?.headers['peeker-signature']).toBe(`v1=${expected}`);

      const forged = await deliverWebhook(url, '{not json', {
        secret: 's3cret',
        eventId: 'evt_forged',
        headers: { 'Peeker-Signature': 'v1=00' },
      });
      expect(forged.status).toBe(401);
      expect(received[1]?.body).toBe('{not json');
      expect(received[1]?.headers['peeker-signature']).toBe('v1=00');
      expect(received[1]?.headers['peeker-event-id']).toBe('evt_forged');
    } finally {
      target.closeAllConnections();
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });
});
