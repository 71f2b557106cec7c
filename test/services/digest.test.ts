import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import {
  createDigestBuilder,
  type DigestBuilder,
  digestItems,
  failedForwardingSection,
  failedSwapsSection,
  openActionsSection,
  stuckImportsSection,
  stuckOrdersSection,
} from '../../src/services/digest.js';
import { createDigestSlots } from '../../src/services/digest-slots.js';
import { waitingDnsFromRepo } from '../../src/services/waiting-dns.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { createDigestRepo, type DigestRepo } from '../../src/store/digest-repo.js';
import { createDnsRepo, type DnsRepo } from '../../src/store/dns-repo.js';
import { createImportsRepo, type ImportsRepo } from '../../src/store/imports-repo.js';
import { createOrderActionsRepo, type OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import { createOrdersRepo, type OrdersRepo } from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { seedAction, seedDns, seedImport, seedOrder } from '../helpers/follow-up-fixtures.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = 100 * DAY;

let db: Db;
let imports: ImportsRepo;
let orders: OrdersRepo;
let actions: OrderActionsRepo;
let outbox: SlackOutboxRepo;
let dns: DnsRepo;
let digests: DigestRepo;
let forwardingSince: number[];
let failedForwarding: {
  requestId: number;
  url: string;
  channelId: string;
  finishedAt: number;
  failed: { domain: string; reason: string | null }[];
}[];
let failedSwaps: {
  domain: string;
  replacement: string | null;
  reason: string | null;
  orderId: string | null;
  finishedAt: number;
}[];
let builder: DigestBuilder;

const linkOf = (ref: { channelId: string; ts: string } | null) =>
  ref ? `https://x.slack.com/${ref.channelId}/${ref.ts}` : null;

beforeEach(() => {
  db = openDatabase(':memory:');
  imports = createImportsRepo(db);
  orders = createOrdersRepo(db);
  actions = createOrderActionsRepo(db);
  outbox = createSlackOutboxRepo(db);
  dns = createDnsRepo(db);
  digests = createDigestRepo(db);
  forwardingSince = [];
  failedForwarding = [];
  failedSwaps = [];
  builder = createDigestBuilder({
    providers: [
      stuckImportsSection({ digest: digests, dns: waitingDnsFromRepo(dns), linkOf }),
      openActionsSection({ digest: digests, linkOf }),
      stuckOrdersSection({ digest: digests, linkOf }),
      failedForwardingSection({
        failedSince: (since) => {
          forwardingSince.push(since);
          return failedForwarding.filter((item) => item.finishedAt >= since);
        },
        threadOf: () => null,
        linkOf,
      }),
      failedSwapsSection({
        failedSince: (since) => failedSwaps.filter((item) => item.finishedAt >= since),
        orderThread: (orderId) => digests.orderThread(orderId),
        linkOf,
      }),
    ],
    previousSlot: (before) => digests.previousSlot(before),
    stuckAfterMs: DAY,
  });
});

describe('the digest’s sections', () => {
  it('are in order, each with its count and rows, and only when they have something', () => {
    expect(builder.build(NOW).sections).toEqual([]);

    seedImport({ imports, outbox }, 'imp_stuck', {
      submittedAt: NOW - 2 * DAY,
      domains: ['godaddy-acme.com', 'switched-acme.com'],
    });
    seedDns(dns, 'imp_stuck', [{ domain: 'switched-acme.com', state: 'pointing' }], NOW - HOUR);
    seedImport({ imports, outbox }, 'imp_fresh', { submittedAt: NOW - HOUR });
    seedImport({ imports, outbox }, 'imp_done', {
      submittedAt: NOW - 3 * DAY,
      phase: 'verified',
      finishedAt: NOW - DAY,
    });
    seedOrder({ orders, outbox }, 'ord_stuck', { createdAt: NOW - 2 * DAY, connected: 1 });
    seedOrder({ orders, outbox }, 'ord_new', { createdAt: NOW - HOUR });
    seedOrder({ orders, outbox }, 'ord_fix', {
      createdAt: NOW - HOUR,
      status: 'action_required',
      channelId: 'CFIX',
    });
    seedAction(actions, 'ord_fix', 'act_1', NOW - 2 * HOUR);
    seedAction(actions, 'ord_fix', 'act_2', NOW - HOUR);
    seedOrder({ orders, outbox }, 'ord_gone', { createdAt: NOW - 9 * DAY, status: 'cancelled' });
    seedAction(actions, 'ord_gone', 'act_gone', NOW - 9 * DAY);
    failedSwaps.push({
      domain: 'burnt.com',
      replacement: 'fresh.com',
      reason: 'not_eligible',
      orderId: 'ord_fix',
      finishedAt: NOW - HOUR,
    });

    const model = builder.build(NOW);
    expect(model.sections.map((section) => [section.kind, section.total])).toEqual([
      ['stuck_imports', 1],
      ['open_actions', 1],
      ['stuck_orders', 1],
      ['failed_swaps', 1],
    ]);
    expect(digestItems(model)).toBe(4);
    const [imported, withActions, stuckOrders, swaps] = model.sections;
    expect(imported).toMatchObject({
      rows: [{ channelId: 'CCUST', waitedMs: 2 * DAY, notSwitched: ['godaddy-acme.com'], pending: 2 }],
    });
    expect(imported?.rows[0]?.link).toMatch(/^https:\/\/x\.slack\.com\/CCUST\//);
    expect(withActions).toMatchObject({
      rows: [
        {
          orderId: 'ord_fix',
          channelId: 'CFIX',
          reasons: ['profile_picture_not_accessible', 'profile_picture_not_accessible'],
          openForMs: 2 * HOUR,
        },
      ],
    });
    expect(stuckOrders).toMatchObject({
      rows: [{ orderId: 'ord_stuck', connected: 1, domainCount: 2, ageMs: 2 * DAY }],
    });
    expect(swaps).toMatchObject({ rows: [{ domain: 'burnt.com', channelId: 'CFIX', orderId: 'ord_fix' }] });
    expect(swaps?.rows[0]?.link).toMatch(/CFIX/);
  });

  it('failures are news since the previous digest slot (a day back before the first)', () => {
    failedForwarding.push(
      {
        requestId: 1,
        url: 'https://a.example',
        channelId: 'COPS',
        finishedAt: NOW - 30 * HOUR,
        failed: [{ domain: 'a.com', reason: null }],
      },
      {
        requestId: 2,
        url: 'https://b.example',
        channelId: 'COPS',
        finishedAt: NOW - 2 * HOUR,
        failed: [{ domain: 'b.com', reason: null }],
      },
    );
    expect(builder.build(NOW).sections.find((s) => s.kind === 'failed_forwarding')?.total).toBe(1);
    expect(forwardingSince.at(-1)).toBe(NOW - DAY);

    digests.decideSlot(NOW - 3 * HOUR, 'CDIGEST', 'nothing', 0, NOW - 3 * HOUR);
    builder.build(NOW);
    expect(forwardingSince.at(-1)).toBe(NOW - 3 * HOUR);
    // The digest of a slot looks back to the slot before it, not to itself.
    digests.decideSlot(NOW, 'CDIGEST', 'nothing', 0, NOW);
    builder.build(NOW + 1000, NOW);
    expect(forwardingSince.at(-1)).toBe(NOW - 3 * HOUR);
  });
});

describe('digest slots', () => {
  const logger = createLogger({ level: 'error', scrubber: new SecretScrubber([]), write: () => undefined });
  let clock = NOW;
  const slotsWith = () =>
    createDigestSlots({
      db,
      digests,
      outbox,
      builder,
      channelId: 'CDIGEST',
      cron: '0 9 * * *',
      timezone: 'UTC',
      logger,
      now: () => clock,
    });

  it('decide each slot once: the digest queued for DIGEST_CHANNEL, or nothing; a slot 3 h late is left', () => {
    const slots = slotsWith();
    clock = NOW + 1000;
    expect(slots.runSlot(NOW)).toBe('nothing');
    expect(outbox.messageFor({ type: 'digest', id: String(NOW) })).toBeUndefined();

    seedImport({ imports, outbox }, 'imp_stuck', { submittedAt: NOW - 2 * DAY });
    // Decided already: still nothing, even with something to say now.
    expect(slots.runSlot(NOW)).toBe('already');
    expect(slotsWith().runSlot(NOW)).toBe('already');

    clock = NOW + DAY + 1000;
    expect(slots.runSlot(NOW + DAY)).toBe('queued');
    expect(outbox.messageFor({ type: 'digest', id: String(NOW + DAY) })).toMatchObject({
      channelId: 'CDIGEST',
      state: 'to_post',
    });
    expect(slots.runSlot(NOW + DAY)).toBe('already');

    clock = NOW + 2 * DAY + 3 * HOUR;
    expect(slots.runSlot(NOW + 2 * DAY)).toBe('too_late');
    expect(digests.slot(NOW + 2 * DAY)).toBeUndefined();
  });
});
