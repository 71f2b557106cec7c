import { beforeAll, describe, expect, it } from 'vitest';
import type { FakePeeker } from './index.js';
import { useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;
let peeker: FakePeeker;

beforeAll(() => {
  peeker = fake.peeker;
});

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
