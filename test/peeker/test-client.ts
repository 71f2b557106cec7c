/**
 * Set-up shared by the resource tests of the Peeker client: one fake per test file, and a client
 * on it whose sleeps are instant and recorded (so retries show up as `sleeps`) with jitter pinned
 * to the middle, as in client.test.ts.
 */

import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createPeekerClient, type PeekerClient } from '../../src/peeker/client.js';
import type { PeekerHttpOptions } from '../../src/peeker/http.js';
import { FakePeeker } from '../fakes/peeker/index.js';

export interface TestClient {
  client: PeekerClient;
  /** Every delay the client asked to sleep, in order. */
  sleeps: number[];
}

export interface ClientUnderTest {
  readonly fake: FakePeeker;
  makeClient(overrides?: Partial<PeekerHttpOptions>): TestClient;
}

/** Backoff of the first retry with random() = 0.5: 500 · (0.5 + 0.25). */
export const FIRST_BACKOFF_MS = 375;

/** Starts a fake for the calling test file, resets it before every test, and builds clients on it. */
export function useClientOnFake(): ClientUnderTest {
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
    get fake() {
      return current();
    },
    makeClient(overrides = {}) {
      const sleeps: number[] = [];
      const client = createPeekerClient({
        baseUrl: current().url,
        apiKey: current().apiKey,
        timeoutMs: 5_000,
        rateLimitPerMinute: 60_000,
        logger: createLogger({ level: 'silent', scrubber: new SecretScrubber([]), write: () => {} }),
        maxAttempts: 4,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        ...overrides,
      });
      return { client, sleeps };
    },
  };
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}

/** A valid starter-bundle order body for the fake. */
export function starterOrderBody(domains: [string, string] = ['acme-mail.com', 'team-acme.com']) {
  return {
    user: 'alex@acme.com',
    bundle_id: 'bun_01HZX0BU1A2B3C4D5E6F7G8H',
    sequencer: {
      provider: 'smartlead' as const,
      client_id: 366903,
      login_email: 'ops@acme.com',
      login_password: 'their-smartlead-password',
    },
    forwarding_url: 'https://acme.com',
    domains,
    personas: [
      { first_name: 'Alex', last_name: 'Rivera', profile_picture_url: 'https://cdn.acme.com/alex.jpg' },
    ],
  };
}
