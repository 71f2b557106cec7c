import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkMailDns } from '../../src/dns/mail-check.js';
import { createDnsLookup, type DnsLookup } from '../../src/dns/resolver.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import {
  createDnsHealthWatch,
  diffHealth,
  WEEK_MS,
  weeklySlotOffset,
} from '../../src/services/dns-health.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { createDnsRepo, type DnsRepo } from '../../src/store/dns-repo.js';
import { createImportsRepo } from '../../src/store/imports-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { type FakeDns, startFakeDns } from '../fakes/fake-dns.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const GOOD = {
  ns: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'],
  mx: [{ exchange: 'smtp.google.com', priority: 1 }],
  txt: ['v=spf1 include:_spf.google.com ~all'],
};

describe('diffHealth', () => {
  const ok = (records: string[]) => ({ status: 'ok' as const, records });
  const report = (mx: boolean, mxFailed = false) =>
    checkMailDns(
      {
        domain: 'a.com',
        ns: ok(['x.ns.cloudflare.com']),
        mx: mxFailed
          ? { status: 'error', code: 'timeout' }
          : mx
            ? { status: 'ok', records: [{ exchange: 'smtp.google.com', priority: 1 }] }
            : { status: 'nodata' },
        txt: ok(['v=spf1 include:_spf.google.com ~all']),
        dmarc: { status: 'nxdomain' },
      },
      { provider: 'google' },
    );

  it('reports errors that appear, clears those that went, and ignores warnings', () => {
    const missing = diffHealth(report(false), []);
    expect(missing.appeared.map((problem) => problem.kind)).toEqual(['no_mx']);
    expect(missing.reported).toEqual(['no_mx']);
    // no_dmarc is only a warning: never reported.
    expect(missing.reported).not.toContain('no_dmarc');

    expect(diffHealth(report(false), ['no_mx'])).toEqual({ appeared: [], cleared: [], reported: ['no_mx'] });
    expect(diffHealth(report(true), ['no_mx'])).toEqual({ appeared: [], cleared: ['no_mx'], reported: [] });
  });

  it('neither clears nor raises a problem whose lookup failed', () => {
    expect(diffHealth(report(true, true), ['no_mx'])).toEqual({
      appeared: [],
      cleared: [],
      reported: ['no_mx'],
    });
    expect(diffHealth(report(true, true), [])).toEqual({ appeared: [], cleared: [], reported: [] });
  });
});

describe('weeklySlotOffset', () => {
  it('spreads domains evenly over the week, the same way every time', () => {
    const perDay = Array.from({ length: 7 }, () => 0);
    for (let i = 0; i < 7_000; i += 1) {
      const offset = weeklySlotOffset('ord_1', `domain-${i}.com`);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(WEEK_MS);
      perDay[Math.floor(offset / (24 * 3600_000))]! += 1;
    }
    for (const count of perDay) expect(Math.abs(count - 1_000)).toBeLessThan(150);
    expect(weeklySlotOffset('ord_1', 'a.com')).toBe(weeklySlotOffset('ord_1', 'a.com'));
  });
});

describe('the weekly health watch', () => {
  let fake: FakeDns;
  let lookup: DnsLookup;
  let db: Db;
  let dns: DnsRepo;
  let outbox: SlackOutboxRepo;
  let clock: number;

  beforeAll(async () => {
    fake = await startFakeDns();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    lookup?.close();
    clock = T0;
    lookup = createDnsLookup({ servers: [fake.address], timeoutMs: 300, tries: 1, cacheTtlMs: 0 });
    db = openDatabase(':memory:');
    dns = createDnsRepo(db);
    outbox = createSlackOutboxRepo(db);
    fake.resetCounters();
  });

  function addOrder(id: string, domains: string[]): void {
    db.prepare(
      `INSERT INTO orders (id, channel_id, audience, placed_by, customer_email, bundle_id, domain_count, status, request, created_at, updated_at)
       VALUES (?, 'CCUST', 'customer', 'UOPS', 'c@acme.com', 'bnd_1', ?, 'completed', '{}', ?, ?)`,
    ).run(id, domains.length, T0, T0);
    for (const [position, domain] of domains.entries()) {
      db.prepare(
        `INSERT INTO order_domains (order_id, domain, position, state, provider) VALUES (?, ?, ?, 'connected', 'google')`,
      ).run(id, domain, position);
    }
    outbox.ensureMessage({ type: 'order', id }, 'CCUST', T0);
  }

  const watch = (maxPerRun = 8) =>
    createDnsHealthWatch({
      db,
      dns,
      imports: createImportsRepo(db),
      outbox,
      lookup,
      logger: createLogger({ level: 'silent', scrubber: new SecretScrubber([]), write: () => undefined }),
      now: () => clock,
      maxPerRun,
    });
  const replies = (orderId: string) => {
    const message = outbox.messageFor({ type: 'order', id: orderId });
    return message ? outbox.repliesOf(message.id).map((reply) => reply.payload.text) : [];
  };

  it('reports a missing MX once, stays quiet while it is missing, and reports its return once', async () => {
    fake.setRecords('health-a.com', { ns: GOOD.ns, txt: GOOD.txt });
    fake.setRecords('_dmarc.health-a.com', { txt: ['v=DMARC1; p=none'] });
    addOrder('ord_1', ['health-a.com']);
    const health = watch();
    await health.runDue(); // enrols the domain at its moment of the week
    expect(fake.queries).toHaveLength(0);

    clock += WEEK_MS;
    expect(await health.runDue()).toEqual({ checked: 1, replies: 1 });
    expect(replies('ord_1')).toHaveLength(1);
    expect(replies('ord_1')[0]).toContain('health-a.com has no MX records');
    expect(replies('ord_1')[0]).toContain('smtp.google.com');

    clock += WEEK_MS;
    expect(await health.runDue()).toEqual({ checked: 1, replies: 0 });
    expect(replies('ord_1')).toHaveLength(1);

    fake.setRecords('health-a.com', GOOD);
    clock += WEEK_MS;
    expect(await health.runDue()).toEqual({ checked: 1, replies: 1 });
    expect(replies('ord_1')[1]).toContain('✅ Fixed: the MX records are back');

    clock += WEEK_MS;
    await health.runDue();
    expect(replies('ord_1')).toHaveLength(2);
  });

  it('checks each domain once a week at most, and a bounded number per run', async () => {
    const domains = Array.from({ length: 30 }, (_, i) => `bulk-${i}.com`);
    for (const domain of domains) fake.setRecords(domain, GOOD);
    addOrder('ord_bulk', domains);
    const health = watch(4);
    await health.runDue();
    clock += WEEK_MS;
    // A backlog (here a week of downtime) drains at a bounded pace: the cap, then the even rate.
    const first = await health.runDue();
    expect(first.checked).toBe(4);
    clock += 60_000;
    expect((await health.runDue()).checked).toBe(1);
    let total = first.checked + 1;
    for (let run = 0; run < 200 && total < 30; run += 1) {
      clock += 60_000;
      total += (await health.runDue()).checked;
    }
    expect(total).toBe(30);
    clock += 60_000;
    expect((await health.runDue()).checked).toBe(0);
    for (const domain of domains) expect(fake.queryCount('MX', domain)).toBe(1);
  });
});
