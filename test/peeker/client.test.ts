import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createPeekerClient, type PeekerClient } from '../../src/peeker/client.js';
import {
  describePeekerError,
  PeekerAuthenticationError,
  PeekerConnectionError,
  PeekerInvalidRequestError,
  PeekerNotFoundError,
  PeekerPermissionError,
  PeekerRateLimitError,
  PeekerResponseError,
  PeekerServerError,
  PeekerTimeoutError,
} from '../../src/peeker/errors.js';
import type { PeekerHttpOptions } from '../../src/peeker/http.js';
import { FakePeeker } from '../fakes/peeker/index.js';

let fake: FakePeeker;

beforeAll(async () => {
  fake = await FakePeeker.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
});

interface TestClient {
  client: PeekerClient;
  /** Every delay the client asked to sleep, in order. */
  sleeps: number[];
  /** Every log line the client wrote. */
  lines: string[];
}

/** A client on the fake with instant, recorded sleeps and jitter pinned to the middle (random = 0.5). */
function makeClient(overrides: Partial<PeekerHttpOptions> = {}): TestClient {
  const sleeps: number[] = [];
  const lines: string[] = [];
  const client = createPeekerClient({
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    timeoutMs: 5_000,
    // High enough that the limiter never paces these tests; the limiter has its own test below.
    rateLimitPerMinute: 60_000,
    logger: createLogger({
      level: 'debug',
      scrubber: new SecretScrubber([]),
      write: (line) => lines.push(line),
    }),
    maxAttempts: 4,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  return { client, sleeps, lines };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}

/** The request id the fake answered with for its `index`-th recorded request. */
function requestIdAt(index: number): string {
  const request = fake.requests.at(index);
  if (!request) throw new Error(`no request #${index} recorded (${fake.requests.length} in all)`);
  return request.requestId;
}

/** A port nothing listens on, for connection-refused errors. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Backoff with random() = 0.5: 500 · 2^(n-1) · (0.5 + 0.25).
const BACKOFF_1 = 375;
const BACKOFF_2 = 750;
const BACKOFF_3 = 1_500;

describe('GET /me', () => {
  it('parses the key environment and partner, keeps the request id and sends the bearer key', async () => {
    const { client } = makeClient();

    const result = await client.me.get();

    expect(result.data).toEqual({
      api_key: { environment: 'test', permission_preset: 'full' },
      partner: { id: 'org_01HZX0OG1A2B3C4D5E6F7G8H', name: 'Acme Resellers' },
    });
    expect(result.requestId).toMatch(/^req_/);
    expect(result.requestId).toBe(requestIdAt(0));
    const [request] = fake.requestsTo('GET', '/me');
    expect(request?.headers.authorization).toBe('Bearer pk_test_fake');
    expect(request?.headers.accept).toBe('application/json');
  });

  it('tells a live key from a sandbox key', async () => {
    const live = await FakePeeker.start({ environment: 'live', apiKey: 'pk_live_fake' });
    try {
      const { client } = makeClient({ baseUrl: live.url, apiKey: live.apiKey });
      const result = await client.me.get();
      expect(result.data.api_key.environment).toBe('live');
    } finally {
      await live.stop();
    }
  });
});

describe('imports', () => {
  it('creates a synchronous import and returns it with the Peeker-Request-Id', async () => {
    const { client, sleeps } = makeClient();

    const result = await client.imports.create(['acme-mail.com', 'team-acme.com']);

    expect(result.data).toMatchObject({
      status: 'completed',
      submitted_count: 2,
      completed_count: 2,
      failed_count: 0,
      failed: [],
      nameserver_groups: [
        {
          nameserver_one: 'helena.ns.cloudflare.com',
          nameserver_two: 'idris.ns.cloudflare.com',
          domains: ['acme-mail.com', 'team-acme.com'],
        },
      ],
    });
    expect(result.data.id).toMatch(/^imp_/);
    const requests = fake.requestsTo('POST', '/domains/import');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.body).toEqual({ domains: ['acme-mail.com', 'team-acme.com'] });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(result.requestId).toBe(requests[0]?.requestId);
    expect(sleeps).toEqual([]);
  });

  it('maps failed rows of the import to { domain, reason }', async () => {
    fake.importBehaviour = { failDomains: { 'taken.com': 'domain_already_imported' } };
    const { client } = makeClient();

    const { data } = await client.imports.create(['acme.com', 'taken.com']);

    expect(data.failed).toEqual([{ domain: 'taken.com', reason: 'domain_already_imported' }]);
    expect(data.failed_count).toBe(1);
  });

  it('creates an import job and reads jobs and imports back by id', async () => {
    const { client } = makeClient();

    const job = await client.imports.createJob(['acme.com', 'beta.io']);
    expect(job.data.id).toMatch(/^imj_/);
    expect(job.data.status).toBe('in_progress');
    fake.completeJob(job.data.id);

    const readJob = await client.imports.get(job.data.id, 'job');
    expect(readJob.data.status).toBe('completed');
    expect(readJob.data.nameserver_groups[0]?.domains).toEqual(['acme.com', 'beta.io']);
    expect(fake.requestsTo('GET', '/domains/import/jobs').map((r) => r.path)).toEqual([
      `/domains/import/jobs/${job.data.id}`,
    ]);

    const created = fake.addImport(['gamma.dev']);
    const readImport = await client.imports.get(created.id, 'sync');
    expect(readImport.data.id).toBe(created.id);
    expect(fake.requests.at(-1)?.path).toBe(`/domains/import/${created.id}`);
  });

  it('looks imports up by domains', async () => {
    const created = fake.addImport(['acme.com', 'beta.io']);
    const { client } = makeClient();

    const result = await client.imports.lookup(['acme.com', 'beta.io']);

    expect(result.data.map((i) => i.id)).toEqual([created.id]);
    expect(fake.requests[0]?.query).toEqual({ domains: 'acme.com,beta.io' });
    expect(result.requestId).toBe(requestIdAt(0));
  });

  it('answers an empty lookup (not an error) when Peeker has no import for the domains', async () => {
    const { client, sleeps } = makeClient();

    const result = await client.imports.lookup(['nobody.com']);

    expect(result).toEqual({ data: [], requestId: requestIdAt(0) });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('tolerates unknown extra fields and drops them', async () => {
    fake.failNext(
      { method: 'GET', path: '/domains/import/imp_extra' },
      {
        rawBody: JSON.stringify({
          data: {
            id: 'imp_extra',
            status: 'completed',
            brand_new_field: { nested: true },
            nameserver_groups: [
              { nameserver_one: 'a.ns', nameserver_two: 'b.ns', domains: ['acme.com'], region: 'eu' },
            ],
          },
          meta: { api_version: '2026-05-01' },
        }),
      },
    );
    const { client } = makeClient();

    const result = await client.imports.get('imp_extra', 'sync');

    expect(result.data).toEqual({
      id: 'imp_extra',
      status: 'completed',
      submitted_count: undefined,
      completed_count: undefined,
      failed_count: undefined,
      nameserver_groups: [{ nameserver_one: 'a.ns', nameserver_two: 'b.ns', domains: ['acme.com'] }],
      failed: [],
      created_at: undefined,
      completed_at: undefined,
    });
  });
});

describe('error mapping', () => {
  it('401 → PeekerAuthenticationError with code and request id', async () => {
    const { client, sleeps } = makeClient({ apiKey: 'pk_test_revoked' });

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerAuthenticationError);
    expect(error).toMatchObject({
      code: 'unauthorized',
      status: 401,
      route: 'GET /me',
      requestId: requestIdAt(0),
    });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer pk_test_revoked');
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('400 with an envelope → PeekerInvalidRequestError carrying every envelope field, not retried', async () => {
    fake.failNext(
      { method: 'POST', path: '/domains/import' },
      {
        status: 400,
        code: 'too_many_domains',
        message: 'domains accepts at most 25 entries',
        field: 'domains',
        details: { max: 25, submitted: 30 },
      },
    );
    const { client, sleeps } = makeClient();

    const error = await rejectionOf(client.imports.create(['acme.com']));

    expect(error).toBeInstanceOf(PeekerInvalidRequestError);
    expect(error).toMatchObject({
      code: 'too_many_domains',
      message: 'domains accepts at most 25 entries',
      field: 'domains',
      details: { max: 25, submitted: 30 },
      status: 400,
      route: 'POST /domains/import',
      requestId: requestIdAt(0),
    });
    // The fake would have accepted a second attempt: exactly one request means no retry.
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a 4xx on an idempotent GET is not retried either', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 422, code: 'unprocessable' });
    const { client, sleeps } = makeClient();

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerInvalidRequestError);
    expect(error).toMatchObject({ code: 'unprocessable', status: 422 });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('403 → PeekerPermissionError', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 403, code: 'forbidden' });
    const { client } = makeClient();

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerPermissionError);
    expect(error).toMatchObject({ code: 'forbidden', status: 403, requestId: requestIdAt(0) });
  });

  it('404 → PeekerNotFoundError', async () => {
    const { client, sleeps } = makeClient();

    const error = await rejectionOf(client.imports.get('imp_missing', 'sync'));

    expect(error).toBeInstanceOf(PeekerNotFoundError);
    expect(error).toMatchObject({
      code: 'not_found',
      message: 'No import imp_missing',
      status: 404,
      route: 'GET /domains/import/{id}',
      requestId: requestIdAt(0),
    });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('an error answer that is not JSON still maps by status, with an http_<status> code', async () => {
    fake.failNext(
      { method: 'GET', path: '/me' },
      { status: 502, rawBody: '<html>Bad gateway</html>', times: 2 },
    );
    const { client } = makeClient({ maxAttempts: 2 });

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerServerError);
    expect(error).toMatchObject({ code: 'http_502', status: 502, message: 'Peeker answered HTTP 502' });
  });

  it('a 200 that is not JSON → PeekerResponseError malformed_response, not retried', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { rawBody: '{not json' });
    const { client, sleeps } = makeClient();

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerResponseError);
    expect(error).toMatchObject({
      code: 'malformed_response',
      status: 200,
      route: 'GET /me',
      requestId: requestIdAt(0),
    });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a 200 missing a required field → PeekerResponseError naming the field', async () => {
    fake.failNext(
      { method: 'GET', path: '/domains/import/imp_1' },
      { rawBody: '{"data":{"status":"completed"}}' },
    );
    const { client } = makeClient();

    const error = await rejectionOf(client.imports.get('imp_1', 'sync'));

    expect(error).toBeInstanceOf(PeekerResponseError);
    expect(error).toMatchObject({ code: 'malformed_response', status: 200, requestId: requestIdAt(0) });
    expect((error as Error).message).toContain('data.id');
    expect((error as Error).message).not.toContain('data.status');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 200 without the data envelope is rejected', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { rawBody: '{"api_key":{"environment":"test"}}' });
    const { client } = makeClient();

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerResponseError);
    expect((error as Error).message).toContain('data');
  });
});

describe('retries', () => {
  it('429 waits retry_after_seconds plus jitter, then succeeds', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 429, details: { retry_after_seconds: 3 } });
    const { client, sleeps } = makeClient();

    const result = await client.me.get();

    expect(result.data.api_key.environment).toBe('test');
    expect(sleeps).toEqual([3_500]);
    expect(fake.requestsTo('GET', '/me').map((r) => r.status)).toEqual([429, 200]);
    expect(result.requestId).toBe(requestIdAt(1));
  });

  it('a 429 on an unsafe POST is retried too (Peeker did not act)', async () => {
    fake.failNext({ method: 'POST', path: '/domains/import' }, { status: 429 });
    const { client, sleeps } = makeClient();

    const result = await client.imports.create(['acme.com']);

    expect(result.data.status).toBe('completed');
    // The fake's default 429 asks for 1 s.
    expect(sleeps).toEqual([1_500]);
    expect(fake.requestsTo('POST', '/domains/import')).toHaveLength(2);
  });

  it('a 429 asking for longer than maxRetryAfterSeconds is reported instead of waited out', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 429, details: { retry_after_seconds: 300 } });
    const { client, sleeps } = makeClient({ maxRetryAfterSeconds: 120 });

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerRateLimitError);
    expect((error as PeekerRateLimitError).retryAfterSeconds).toBe(300);
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('a Cloudflare-capacity 429 on the synchronous import is not retried', async () => {
    fake.failNext(
      { method: 'POST', path: '/domains/import' },
      {
        status: 429,
        code: 'rate_limited',
        details: { reason: 'cloudflare_account_capacity', retry_after_seconds: 2 },
      },
    );
    const { client, sleeps } = makeClient();

    const error = await rejectionOf(client.imports.create(['acme.com']));

    expect(error).toBeInstanceOf(PeekerRateLimitError);
    expect((error as PeekerRateLimitError).reason).toBe('cloudflare_account_capacity');
    expect((error as PeekerRateLimitError).retryAfterSeconds).toBe(2);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, requestId: requestIdAt(0) });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a burst of 5xx on a GET is retried with growing backoff and then succeeds', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 503, times: 3 });
    const { client, sleeps } = makeClient({ maxAttempts: 4 });

    const result = await client.me.get();

    expect(result.data.api_key.environment).toBe('test');
    expect(sleeps).toEqual([BACKOFF_1, BACKOFF_2, BACKOFF_3]);
    expect(fake.requestsTo('GET', '/me').map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(result.requestId).toBe(requestIdAt(3));
  });

  it('backoff is capped at 8 s', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 500, times: 7 });
    const { client, sleeps } = makeClient({ maxAttempts: 8, random: () => 1 });

    await client.me.get();

    expect(sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('5xx beyond maxAttempts → PeekerServerError with the last request id', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 500, code: 'internal_error', times: 5 });
    const { client, sleeps } = makeClient({ maxAttempts: 3 });

    const error = await rejectionOf(client.me.get());

    expect(error).toBeInstanceOf(PeekerServerError);
    expect(error).toMatchObject({ code: 'internal_error', status: 500, requestId: requestIdAt(2) });
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([BACKOFF_1, BACKOFF_2]);
  });

  it('a 5xx on the synchronous import (unsafe) is not retried', async () => {
    fake.failNext({ method: 'POST', path: '/domains/import' }, { status: 500, times: 3 });
    const { client, sleeps } = makeClient();

    const error = await rejectionOf(client.imports.create(['acme.com']));

    expect(error).toBeInstanceOf(PeekerServerError);
    expect(error).toMatchObject({ status: 500, requestId: requestIdAt(0) });
    expect(fake.requestsTo('POST', '/domains/import')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a 5xx on createJob (idempotent) is retried with the identical body', async () => {
    fake.failNext({ method: 'POST', path: '/domains/import/jobs' }, { status: 502 });
    const { client, sleeps } = makeClient();

    const result = await client.imports.createJob(['acme.com', 'beta.io']);

    expect(result.data.id).toMatch(/^imj_/);
    const requests = fake.requestsTo('POST', '/domains/import/jobs');
    expect(requests.map((r) => r.status)).toEqual([502, 202]);
    expect(requests[0]?.body).toEqual({ domains: ['acme.com', 'beta.io'] });
    expect(requests[1]?.body).toEqual(requests[0]?.body);
    expect(sleeps).toEqual([BACKOFF_1]);
  });

  it('a dropped connection on a GET is retried and succeeds', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { dropConnection: true });
    const { client, sleeps, lines } = makeClient();

    const result = await client.me.get();

    expect(result.data.api_key.environment).toBe('test');
    expect(fake.requestsTo('GET', '/me')).toHaveLength(2);
    expect(sleeps).toEqual([BACKOFF_1]);
    const retried = lines
      .map((line) => JSON.parse(line))
      .find((l) => l.msg === 'peeker request failed; retrying');
    expect(retried).toMatchObject({ code: 'connection_error', route: 'GET /me', attempt: 1, retryInMs: 375 });
  });

  it('a dropped connection on the synchronous import is not retried (Peeker may have acted)', async () => {
    fake.failNext({ method: 'POST', path: '/domains/import' }, { dropConnection: true });
    const { client, sleeps } = makeClient();

    const error = await rejectionOf(client.imports.create(['acme.com']));

    expect(error).toBeInstanceOf(PeekerConnectionError);
    expect(error).toMatchObject({ code: 'connection_error', mayHaveReachedPeeker: true });
    expect(fake.requestsTo('POST', '/domains/import')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a refused connection is retried even for unsafe calls, then reported', async () => {
    const port = await closedPort();
    const { client, sleeps } = makeClient({ baseUrl: `http://127.0.0.1:${port}/partner/v1`, maxAttempts: 3 });

    const error = await rejectionOf(client.imports.create(['acme.com']));

    expect(error).toBeInstanceOf(PeekerConnectionError);
    expect(error).toMatchObject({
      code: 'connection_error',
      mayHaveReachedPeeker: false,
      requestId: undefined,
    });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(sleeps).toEqual([BACKOFF_1, BACKOFF_2]);
  });

  it('a timeout on a GET → PeekerTimeoutError after retrying', async () => {
    fake.setLatency(1_000);
    const { client, sleeps } = makeClient({ timeoutMs: 200, maxAttempts: 2 });

    const started = performance.now();
    const error = await rejectionOf(client.imports.get('imp_slow', 'sync'));

    expect(error).toBeInstanceOf(PeekerTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', route: 'GET /domains/import/{id}', status: undefined });
    expect(fake.requestsTo('GET', '/domains/import/imp_slow')).toHaveLength(2);
    expect(sleeps).toEqual([BACKOFF_1]);
    // Two 200 ms deadlines, not two 1 s answers.
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('a timeout on the synchronous import (unsafe) is not retried', async () => {
    fake.setLatency(1_000);
    const { client, sleeps } = makeClient({ timeoutMs: 200 });

    const error = await rejectionOf(client.imports.create(['acme.com']));

    expect(error).toBeInstanceOf(PeekerTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', route: 'POST /domains/import' });
    expect(fake.requestsTo('POST', '/domains/import')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reads get the shorter read deadline, writes the full timeout', async () => {
    fake.setLatency(400);
    const { client } = makeClient({ timeoutMs: 5_000, readTimeoutMs: 200, maxAttempts: 1 });

    const error = await rejectionOf(client.imports.get('imp_1', 'sync'));
    expect(error).toBeInstanceOf(PeekerTimeoutError);

    const job = await client.imports.createJob(['acme.com']);
    expect(job.data.id).toMatch(/^imj_/);
  });

  it('never logs the API key while retrying', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 500, times: 2 });
    const { client, lines } = makeClient();

    await client.me.get();

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain(fake.apiKey);
  });
});

describe('rate limiter', () => {
  it('keeps every sliding window under 95% of the limit (120/min over a 1 s window → 1 call per second)', async () => {
    const { client } = makeClient({ rateLimitPerMinute: 120, rateWindowMs: 1000 });

    const results = await Promise.all([client.me.get(), client.me.get(), client.me.get()]);

    expect(results.map((r) => r.data.api_key.environment)).toEqual(['test', 'test', 'test']);
    const starts = fake
      .requestsTo('GET', '/me')
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(starts).toHaveLength(3);
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
  });
});

describe('describePeekerError', () => {
  const init = { message: 'boom', code: 'some_code', route: 'GET /me', requestId: 'req_1' };

  it.each([
    ['PeekerInvalidRequestError', 'rejected', new PeekerInvalidRequestError({ ...init, status: 400 })],
    ['PeekerNotFoundError', 'rejected', new PeekerNotFoundError({ ...init, status: 404 })],
    ['PeekerAuthenticationError', 'auth', new PeekerAuthenticationError({ ...init, status: 401 })],
    ['PeekerPermissionError', 'auth', new PeekerPermissionError({ ...init, status: 403 })],
    ['PeekerRateLimitError', 'rate_limited', new PeekerRateLimitError({ ...init, status: 429 })],
    ['PeekerServerError', 'unavailable', new PeekerServerError({ ...init, status: 500 })],
    [
      'PeekerConnectionError',
      'unavailable',
      new PeekerConnectionError({ ...init, mayHaveReachedPeeker: false }),
    ],
    ['PeekerTimeoutError', 'unavailable', new PeekerTimeoutError(init)],
    ['PeekerResponseError', 'unavailable', new PeekerResponseError({ ...init, status: 200 })],
  ] as const)('%s → %s', (_name, kind, error) => {
    expect(describePeekerError(error)).toMatchObject({
      kind,
      code: 'some_code',
      message: 'boom',
      requestId: 'req_1',
    });
  });

  it('carries field and retry-after', () => {
    const rateLimited = new PeekerRateLimitError({
      ...init,
      status: 429,
      details: { retry_after_seconds: 7 },
    });
    expect(describePeekerError(rateLimited).retryAfterSeconds).toBe(7);
    const invalid = new PeekerInvalidRequestError({ ...init, status: 400, field: 'domains' });
    expect(describePeekerError(invalid)).toMatchObject({ field: 'domains', retryAfterSeconds: undefined });
  });

  it('anything else is an internal "unavailable" without leaking its message', () => {
    expect(describePeekerError(new TypeError('secret internals'))).toEqual({
      kind: 'unavailable',
      code: 'internal_error',
      message: 'Something went wrong on our side while talking to Peeker.',
      field: undefined,
      requestId: undefined,
      retryAfterSeconds: undefined,
    });
  });

  it('describes a real error from the client', async () => {
    fake.failNext({ method: 'GET', path: '/me' }, { status: 429, details: { retry_after_seconds: 999 } });
    const { client } = makeClient();

    const info = describePeekerError(await rejectionOf(client.me.get()));

    expect(info).toEqual({
      kind: 'rate_limited',
      code: 'rate_limited',
      message: 'Scripted rate_limited',
      field: undefined,
      requestId: requestIdAt(0),
      retryAfterSeconds: 999,
    });
  });
});
