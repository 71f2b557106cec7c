import { describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createSwapSender } from '../../src/services/swap-sender.js';
import { createSwapTracker } from '../../src/services/swap-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { createLiveDomainsRepo } from '../../src/store/live-domains-repo.js';
import { createOrdersRepo } from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { createSwapsRepo } from '../../src/store/swaps-repo.js';
import { starterOrderBody, useClientOnFake } from '../peeker/test-client.js';

const under = useClientOnFake();

/** A fake with one connected domain, and the sender on a fresh database with a claim for it. */
async function setUp(timeoutMs = 5_000) {
  const clock = { now: Date.now() };
  const { client } = under.makeClient({ timeoutMs });
  const { data: order } = await client.orders.create(starterOrderBody());
  under.fake.connectDomain(order.id, 'acme-mail.com');
  const db = openDatabase(':memory:');
  const swaps = createSwapsRepo(db);
  const tracker = createSwapTracker({
    db,
    swaps,
    liveDomains: createLiveDomainsRepo(db),
    orders: createOrdersRepo(db),
    outbox: createSlackOutboxRepo(db),
  });
  const sender = createSwapSender({
    swaps,
    tracker,
    peeker: client,
    logger: createLogger({ level: 'silent', scrubber: new SecretScrubber([]), write: () => {} }),
    now: () => clock.now,
    wait: async () => {},
  });
  const claimed = tracker.claim(
    {
      kind: 'swap',
      type: 'standard',
      domain: 'acme-mail.com',
      domainId: under.fake.domainId('acme-mail.com'),
      orderId: order.id,
      replacement: 'acme-fresh.com',
      personas: null,
      requestedBy: 'UOPS',
      viewId: 'V1',
    },
    clock.now,
  );
  if (!claimed) throw new Error('no claim');
  return { sender, swaps, requestId: claimed.request.id, clock };
}

const calls = () =>
  under.fake.requests.filter((r) => r.path.startsWith('/swaps')).map((r) => `${r.method} ${r.path}`);

describe('sending a claimed swap', () => {
  it('a lost answer is never sent again while Peeker may still be making it; the lookup adopts it', async () => {
    const { sender, swaps, requestId, clock } = await setUp(300);
    under.fake.setLatencyFor({ method: 'POST', path: '/swaps' }, 600);
    const outcome = await sender.send(requestId, { lookupFirst: false });
    // Timed out: looked up (nothing yet: Peeker is still working on it), not sent again.
    expect(outcome.status).toBe('pending');
    expect(calls().filter((call) => call === 'POST /swaps')).toHaveLength(1);
    expect(calls().filter((call) => call === 'GET /swaps').length).toBeGreaterThanOrEqual(1);
    expect(swaps.get(requestId)).toMatchObject({ state: 'submitting', attempts: 1 });
    await under.fake.waitFor(() => under.fake.swaps.size === 1, 3000, 'Peeker to finish the swap');

    // Within the grace period a resume only looks; later it finds the swap and adopts it.
    clock.now += 61_000;
    expect(await sender.resume({ olderThanMs: 60_000, limit: 10 })).toEqual({ attempted: 1, recorded: 1 });
    expect(calls().filter((call) => call === 'POST /swaps')).toHaveLength(1);
    expect(swaps.get(requestId)?.state).toBe('submitted');
    expect(swaps.rowsOf(requestId).map((row) => row.id)).toEqual([...under.fake.swaps.keys()]);
    // Sending it again does nothing.
    under.fake.clearRequests();
    expect(await sender.send(requestId, { lookupFirst: true })).toMatchObject({ status: 'recorded' });
    expect(calls()).toEqual([]);
  });

  it('after a 5xx it is sent again only once a lookup, past the grace period, shows none', async () => {
    const { sender, swaps, requestId, clock } = await setUp();
    under.fake.failNext({ method: 'POST', path: '/swaps' }, { status: 503, times: 10 });
    expect((await sender.send(requestId, { lookupFirst: false })).status).toBe('pending');
    expect(calls().filter((call) => call === 'POST /swaps')).toHaveLength(1);
    expect(swaps.get(requestId)).toMatchObject({ state: 'submitting', attempts: 1 });

    under.fake.clearFailures();
    under.fake.clearRequests();
    // A restart right away (resume at start-up): it looks, and does not send yet.
    expect(await sender.resume({ olderThanMs: 0, limit: 10 })).toEqual({ attempted: 1, recorded: 0 });
    expect(calls().every((call) => call === 'GET /swaps')).toBe(true);
    clock.now += 61_000;
    under.fake.clearRequests();
    expect(await sender.resume({ olderThanMs: 60_000, limit: 10 })).toEqual({ attempted: 1, recorded: 1 });
    expect(calls()).toEqual(['GET /swaps', 'POST /swaps']);
    expect(under.fake.swaps.size).toBe(1);
  });

  it("a refusal is recorded with Peeker's error and never retried", async () => {
    const { sender, swaps, requestId } = await setUp();
    under.fake.failNext(
      { method: 'POST', path: '/swaps' },
      { status: 400, code: 'swap_quota_exceeded', message: 'Quota used up', field: 'type' },
    );
    const outcome = await sender.send(requestId, { lookupFirst: false });
    expect(outcome).toMatchObject({
      status: 'rejected',
      error: { code: 'swap_quota_exceeded', field: 'type' },
    });
    expect(swaps.get(requestId)?.state).toBe('rejected');
    expect(calls()).toEqual(['POST /swaps']);
    expect(await sender.resume({ olderThanMs: 0, limit: 10 })).toEqual({ attempted: 0, recorded: 0 });
  });
});
