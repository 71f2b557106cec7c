import { beforeEach, describe, expect, it } from 'vitest';
import { createHomeBoard, type HomeBoard } from '../../src/services/home-board.js';
import { waitingDnsFromRepo } from '../../src/services/waiting-dns.js';
import { openDatabase } from '../../src/store/database.js';
import { createDnsRepo, type DnsRepo } from '../../src/store/dns-repo.js';
import { createHomeBoardsRepo } from '../../src/store/home-boards-repo.js';
import { createImportsRepo, type ImportsRepo } from '../../src/store/imports-repo.js';
import { createOrderActionsRepo, type OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import { createOrdersRepo, type OrdersRepo } from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { blockTextLength } from '../../src/views/blocks.js';
import { HOME_MAX_BLOCKS } from '../../src/views/home.js';
import { seedAction, seedDns, seedImport, seedOrder } from '../helpers/follow-up-fixtures.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = 100 * DAY;

let imports: ImportsRepo;
let orders: OrdersRepo;
let actions: OrderActionsRepo;
let outbox: SlackOutboxRepo;
let dns: DnsRepo;
let board: HomeBoard;

beforeEach(() => {
  const db = openDatabase(':memory:');
  imports = createImportsRepo(db);
  orders = createOrdersRepo(db);
  actions = createOrderActionsRepo(db);
  outbox = createSlackOutboxRepo(db);
  dns = createDnsRepo(db);
  board = createHomeBoard({
    boards: createHomeBoardsRepo(db),
    dns: waitingDnsFromRepo(dns),
    linkOf: (ref) =>
      ref ? `https://acme.slack.com/archives/${ref.channelId}/p${ref.ts.replace('.', '')}` : null,
    stuckAfterMs: DAY,
    isSandbox: () => false,
  });
});

const blocksOf = (view: { blocks: unknown[] }) => view.blocks as { type: string }[];
const textOf = (value: unknown) => JSON.stringify(value);
/** The section texts, in order. */
const sections = (view: { blocks: unknown[] }) =>
  (view.blocks as { type: string; text?: { text?: string } }[])
    .filter((block) => block.type === 'section')
    .map((block) => block.text?.text ?? '');

describe('the Home board', () => {
  it("shows the person's imports (waiting with age and DNS, recently verified), orders (n/N, status) and open actions with their fix buttons, stuck first", async () => {
    seedImport({ imports, outbox }, 'imp_fresh', {
      submittedAt: NOW - 2 * HOUR,
      phase: 'awaiting_dns',
      domains: ['fresh-acme.com'],
    });
    seedImport({ imports, outbox }, 'imp_stuck', {
      submittedAt: NOW - 2 * DAY,
      phase: 'waiting_on_registrar',
      domains: ['godaddy-acme.com', 'switched-acme.com'],
    });
    seedDns(
      dns,
      'imp_stuck',
      [
        {
          domain: 'godaddy-acme.com',
          state: 'elsewhere',
          nameservers: ['ns1.domaincontrol.com'],
          registrar: 'godaddy',
        },
        { domain: 'switched-acme.com', state: 'pointing' },
      ],
      NOW - HOUR,
    );
    seedImport({ imports, outbox }, 'imp_done', {
      submittedAt: NOW - 2 * DAY,
      phase: 'verified',
      finishedAt: NOW - 5 * HOUR,
      domains: ['done-acme.com'],
    });
    seedImport({ imports, outbox }, 'imp_old', {
      submittedAt: NOW - 20 * DAY,
      phase: 'verified',
      finishedAt: NOW - 10 * DAY,
      domains: ['old-acme.com'],
    });
    seedImport({ imports, outbox }, 'imp_other', { submittedAt: NOW - 2 * DAY, requestedBy: 'USOMEONE' });
    seedOrder({ orders, outbox }, 'ord_new', { createdAt: NOW - HOUR, connected: 1 });
    seedOrder({ orders, outbox }, 'ord_slow', { createdAt: NOW - 3 * DAY });
    seedOrder({ orders, outbox }, 'ord_fix', { createdAt: NOW - 2 * HOUR, status: 'action_required' });
    seedAction(actions, 'ord_fix', 'act_1', NOW - HOUR);
    seedOrder({ orders, outbox }, 'ord_theirs', { createdAt: NOW - HOUR, placedBy: 'USOMEONE' });
    seedAction(actions, 'ord_theirs', 'act_theirs', NOW - HOUR);

    const { view } = board.render('UOPS', NOW);
    const all = textOf(view);
    expect(view.type).toBe('home');
    // Not someone else's.
    expect(all).not.toContain('imp_other-a.com');
    expect(all).not.toContain('ord_theirs');
    expect(all).not.toContain('act_theirs');
    // A finished import stays a few days, then leaves the board.
    expect(all).toContain('done-acme.com');
    expect(all).not.toContain('old-acme.com');
    // The open action, with the same fix button as in the thread.
    expect(all).toContain('act_1');
    expect(all).toContain('"action_id":"order_fix"');
    expect(all).toContain('Place corrected order');

    const texts = sections(view);
    const importRows = texts.filter((text) => text.includes('-acme.com*'));
    expect(importRows[0]).toContain('godaddy-acme.com');
    expect(importRows[0]).toContain('🕒 waiting on the registrar 2 d');
    expect(importRows[0]).toContain('⚠️ *stuck*');
    expect(importRows[0]).toContain(
      'DNS: 1 of 2 domains switched — not yet: godaddy-acme.com (still at GoDaddy)',
    );
    expect(importRows[0]).toContain('<https://acme.slack.com/archives/CCUST/p');
    expect(importRows[1]).toContain('fresh-acme.com');
    expect(importRows[1]).toContain('⏳ waiting for DNS 2 h');
    expect(importRows[1]).not.toContain('stuck');
    expect(importRows[2]).toContain('✅ DNS verified 5 h ago');

    const orderRows = texts.filter((text) => text.includes('connected ·'));
    // Stuck first: the one needing a fix and the one in progress for three days.
    expect(orderRows.map((text) => /`(ord_[a-z]+)`/.exec(text)?.[1])).toEqual([
      'ord_slow',
      'ord_fix',
      'ord_new',
    ]);
    expect(orderRows[0]).toContain('⏳ in progress');
    expect(orderRows[0]).toContain('0/2 connected');
    expect(orderRows[1]).toContain('⚠️ needs attention');
    expect(orderRows[1]).toContain('1 open action');
    expect(orderRows[2]).toContain('1/2 connected');
    expect(orderRows[2]).not.toContain('stuck');
    expect(all).not.toContain('$98');
    expect(texts[0]).toContain('Needs you:* 1 open action, 1 stuck import, 2 stuck orders');
  });

  it('says so when nothing of theirs is in flight', () => {
    const { view } = board.render('UNEW', NOW);
    expect(textOf(view)).toContain('Nothing of yours in flight');
    expect(blocksOf(view).length).toBeLessThan(10);
  });

  it('keeps within 100 blocks with many items, saying how many more there are', () => {
    for (let n = 0; n < 200; n += 1) {
      seedImport({ imports, outbox }, `imp_${n}`, { submittedAt: NOW - (n % 3) * DAY - HOUR });
    }
    for (let n = 0; n < 150; n += 1)
      seedOrder({ orders, outbox }, `ord_${n}`, { createdAt: NOW - (n % 4) * DAY });
    for (let n = 0; n < 40; n += 1) seedAction(actions, `ord_${n}`, `act_${n}`, NOW - n);

    const { view } = board.render('UOPS', NOW);
    const blocks = blocksOf(view);
    expect(blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expect(blocks.length).toBeGreaterThan(HOME_MAX_BLOCKS - 6);
    const all = textOf(view);
    expect(all).toMatch(/…and \d+ more open actions/);
    expect(all).toMatch(/…and \d+ more imports/);
    expect(all).toMatch(/…and \d+ more orders/);
    expect(all).toContain('Your imports — 200');
    expect(all).toContain('Your orders — 150');
    expect(all).toContain('Open actions on your orders — 40');
    // Imports and orders both get room next to the actions.
    const texts = sections(view);
    expect(texts.filter((text) => text.includes('waiting for DNS')).length).toBeGreaterThan(10);
    expect(texts.filter((text) => text.includes('connected ·')).length).toBeGreaterThan(10);
    // Stuck imports come first.
    const stuckFlags = texts
      .filter((text) => text.includes('waiting for DNS'))
      .map((text) => text.includes('stuck'));
    expect(stuckFlags).toEqual([...stuckFlags].sort((a, b) => Number(b) - Number(a)));
    expect(stuckFlags[0]).toBe(true);
    expect(blockTextLength(view.blocks)).toBeLessThan(60_000);
  });

  it('its signature changes when one of the items changes, not when time alone passes', () => {
    seedImport({ imports, outbox }, 'imp_1', { submittedAt: NOW - HOUR });
    const first = board.render('UOPS', NOW);
    expect(board.render('UOPS', NOW + 10 * 60_000).signature).toBe(first.signature);

    // DNS finds a domain switched: changed.
    seedDns(dns, 'imp_1', [{ domain: 'imp_1-a.com', state: 'pointing' }], NOW);
    const afterDns = board.render('UOPS', NOW + 11 * 60_000);
    expect(afterDns.signature).not.toBe(first.signature);

    // Verified: changed.
    const record = imports.get('imp_1');
    if (!record) throw new Error('no import');
    imports.update({ ...record, phase: 'verified', finishedAt: NOW + 12 * 60_000 });
    expect(board.render('UOPS', NOW + 12 * 60_000).signature).not.toBe(afterDns.signature);
  });

  it('an import becoming stuck as time passes changes the signature', () => {
    seedImport({ imports, outbox }, 'imp_1', { submittedAt: NOW - DAY + HOUR });
    const before = board.render('UOPS', NOW);
    expect(board.render('UOPS', NOW + 2 * HOUR).signature).not.toBe(before.signature);
  });
});
