/**
 * Shared set-up of the fake Peeker's own tests: one fake per test file, reset before each test,
 * and a bare `fetch` wrapper so the fake is tested without the app's client in between.
 */

import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FAKE_BUNDLE_IDS, FakePeeker } from './index.js';

export interface Answer {
  status: number;
  requestId: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected loosely
  body: any;
}

export interface FakeUnderTest {
  /** The fake of the running test file (set in `beforeAll`). */
  readonly peeker: FakePeeker;
  /** One request with the fake's key (or `key`); `body` strings are sent as-is. */
  api(method: string, path: string, body?: unknown, key?: string): Promise<Answer>;
}

/** Starts a fake for the calling test file and resets it before every test. */
export function useFakePeeker(): FakeUnderTest {
  let fake: FakePeeker | undefined;
  beforeAll(async () => {
    fake = await FakePeeker.start();
  });
  afterAll(async () => {
    await fake?.stop();
  });
  beforeEach(() => {
    fake?.reset();
  });
  const current = (): FakePeeker => {
    if (!fake) throw new Error('the fake Peeker is not started yet');
    return fake;
  };
  return {
    get peeker() {
      return current();
    },
    async api(method, path, body, key = 'pk_test_fake') {
      const res = await fetch(`${current().url}${path}`, {
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
    },
  };
}

/** A valid `POST /orders` body for the starter bundle (two domains), as in https://docs.peeker.ai/guides/importing-domains. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
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

/**
 * Places the starter order through HTTP and connects both its domains; returns the order id and
 * the `dom_` ids. `providers` sets each domain's mail provider first.
 */
export async function placeConnectedOrder(
  fake: FakeUnderTest,
  options: { domains?: [string, string]; providers?: Array<'google' | 'microsoft'> } = {},
): Promise<{ orderId: string; domainIds: string[]; domains: string[] }> {
  const domains = options.domains ?? ['acme-mail.com', 'team-acme.com'];
  const placed = await fake.api('POST', '/orders', orderBody({ domains }));
  if (placed.status !== 200) throw new Error(`order not placed: ${JSON.stringify(placed.body)}`);
  const orderId = placed.body.data.id as string;
  const domainIds = domains.map((domain, i) => {
    const provider = options.providers?.[i];
    if (provider) fake.peeker.setDomainProvider(domain, provider);
    return fake.peeker.connectDomain(orderId, domain).id;
  });
  return { orderId, domainIds, domains };
}
