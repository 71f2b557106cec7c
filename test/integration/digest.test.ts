/**
 * The digest of what needs a person, through the real app: imports and orders made with
 * signed commands and the real order form, the real slot logic (`runSlot`, the start-up catch-up
 * with `latestSlot` over `DIGEST_CRON` in `DIGEST_TIMEZONE`), the outbox and a fake Slack. The app's
 * clock runs `offset` ms ahead of real time: the tests live on Wednesday 9 January 2030.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../fakes/fake-slack.js';
import {
  FakePeeker,
  forwardingJobEvent,
  makeEvent,
  orderEventData,
  swapEvent,
} from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import { confirmSwap, openSwapForm, placeLiveOrder, submitSwapForm } from '../helpers/live-domains.js';
import { placeOrderThroughSlack } from '../helpers/order-flow.js';

const HOUR = 3600_000;
/** 09:00 in Berlin on a weekday (08:00 UTC in winter): the slot of `0 9 * * 1-5` there. */
const SLOT = Date.UTC(2030, 0, 9, 8, 0, 0);
const ENV = {
  DIGEST_CHANNEL: 'CDIGEST',
  DIGEST_CRON: '0 9 * * 1-5',
  DIGEST_TIMEZONE: 'Europe/Berlin',
  STUCK_AFTER_HOURS: '24',
};

let harness: Harness | undefined;
let offset = 0;
let tempDir: string | undefined;
const extra: { stop(): Promise<void> }[] = [];

beforeEach(() => {
  offset = 0;
});
afterEach(async () => {
  await harness?.stop({ keepFakes: extra.length > 0 });
  harness = undefined;
  for (const fake of extra.splice(0)) await fake.stop();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

/** Sets the app's clock to `at` (epoch ms), keeping it running. */
const setClock = (at: number) => {
  offset = at - Date.now();
};

async function start(
  options: {
    env?: Record<string, string>;
    slack?: FakeSlack;
    peeker?: FakePeeker;
    databasePath?: string;
  } = {},
) {
  harness = await Harness.start({
    env: { ...ENV, ...options.env },
    app: { now: () => Date.now() + offset },
    ...(options.slack ? { slack: options.slack } : {}),
    ...(options.peeker ? { peeker: options.peeker } : {}),
    ...(options.databasePath ? { databasePath: options.databasePath } : {}),
  });
  return harness;
}

async function importInto(h: Harness, domains: string[], channel: string) {
  await h.command(`import ${domains.join(' ')} in <#${channel}|c>`);
  await h.settle();
  return { id: [...h.peeker.imports.keys()].at(-1)!, ts: h.slack.messagesIn(channel).at(-1)!.ts };
}

const webhookAt = () => ({ timestamp: Math.floor((Date.now() + offset) / 1000) });

async function placeOrder(h: Harness, channel: string, domains: string) {
  await placeOrderThroughSlack(h, { channel, input: { domainsText: domains } });
  const parent = await h.slack.waitFor(
    () => h.slack.messagesIn(channel).find((message) => allText(message).includes('Inbox order')),
    8000,
    'the order status message',
  );
  return { orderId: [...h.peeker.orders.keys()].at(-1)!, ts: parent.ts };
}

const digests = (h: Harness) => h.slack.messagesIn('CDIGEST');
const permalink = (channel: string, ts: string) =>
  `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}`;

describe('the digest', () => {
  it('lists stuck imports, orders with open actions and stuck orders, each linking to its thread; once per slot', async () => {
    setClock(SLOT - 30 * HOUR);
    const h = await start();
    const stuck = await importInto(h, ['acme-mail.com', 'team-acme.com'], 'CCUST');
    const withAction = await placeOrder(h, 'COPS', 'a-acme.com b-acme.com');
    h.peeker.addPendingAction(withAction.orderId, {});
    await h.webhook(
      makeEvent('order.action_required', orderEventData(withAction.orderId, 'action_required')),
      webhookAt(),
    );
    await h.app.webhooks.drainNow();
    await h.app.runTasksNow();
    const slow = await placeOrder(h, 'CSLOW', 'c-acme.com d-acme.com');
    await h.settle();
    // Recent: not stuck yet at the slot.
    setClock(SLOT - 2 * HOUR);
    await importInto(h, ['fresh-acme.com'], 'CFRESH');

    setClock(SLOT + 5000);
    expect(h.app.followUp.digest?.runSlot(SLOT)).toBe('queued');
    await h.settle();
    const [digest] = digests(h);
    const text = allText(digest);
    expect(text).toContain('Imports waiting on the registrar for more than 24 h — 1');
    expect(text).toContain('<#CCUST> · waiting 1 d 6 h · not switched: acme-mail.com and team-acme.com');
    expect(text).toContain(permalink('CCUST', stuck.ts));
    expect(text).not.toContain('CFRESH');
    expect(text).toContain('Orders with open actions — 1');
    expect(text).toContain('profile picture not accessible');
    expect(text).toContain(permalink('COPS', withAction.ts));
    expect(text).toContain('Orders in progress for more than 24 h — 1');
    expect(text).toContain('0/2 connected');
    expect(text).toContain(slow.orderId);
    expect(text).toContain(permalink('CSLOW', slow.ts));
    expect(text).not.toMatch(/\$\d/);

    // The same slot again (a second timer, a restart's catch-up): nothing more.
    expect(h.app.followUp.digest?.runSlot(SLOT)).toBe('already');
    expect(h.app.followUp.digest?.catchUp()).toBe('already');
    await h.settle();
    expect(digests(h)).toHaveLength(1);

    // `/peeker digest` shows the same list, ephemerally.
    const asked = await h.command('digest');
    expect(asked.ack?.response_type).toBe('ephemeral');
    const shown = allText(asked.ack);
    expect(shown).toContain('Imports waiting on the registrar for more than 24 h — 1');
    expect(shown).toContain('Orders with open actions — 1');
    expect(shown).toContain('Orders in progress for more than 24 h — 1');
  });

  it('says nothing when nothing needs a person (no message); `/peeker digest` says so', async () => {
    setClock(SLOT - 2 * HOUR);
    const h = await start();
    await importInto(h, ['fresh-acme.com'], 'CFRESH');
    setClock(SLOT + 1000);
    expect(h.app.followUp.digest?.runSlot(SLOT)).toBe('nothing');
    await h.settle();
    expect(digests(h)).toHaveLength(0);
    expect(
      h.slack.callsTo('chat.postMessage').filter((call) => call.args.channel === 'CDIGEST'),
    ).toHaveLength(0);
    expect(allText((await h.command('digest')).ack)).toContain('Nothing needs a person right now');
  });

  it('shows at most 10 rows a section, with "…and N more"', async () => {
    setClock(SLOT - 30 * HOUR);
    const h = await start();
    for (let n = 0; n < 12; n += 1) await importInto(h, [`stuck${n}-acme.com`], `CC${n}`);
    setClock(SLOT + 1000);
    h.app.followUp.digest?.runSlot(SLOT);
    await h.settle();
    const text = allText(digests(h)[0]);
    expect(text).toContain('for more than 24 h — 12');
    expect(text.match(/waiting 1 d 6 h/g)).toHaveLength(10);
    expect(text).toContain('…and 2 more');
  });

  it('a slot missed while the app was down is sent at start-up when less than 3 h late (in DIGEST_TIMEZONE), once', async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'peeker-digest-'));
    const databasePath = join(tempDir, 'db.sqlite');
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    extra.push(slack, peeker);
    setClock(SLOT - 30 * HOUR);
    let h = await start({ slack, peeker, databasePath });
    await importInto(h, ['acme-mail.com'], 'CCUST');
    await h.stop({ keepFakes: true });

    // Down at 09:00 Berlin; back at 09:30 (08:30 UTC — under a UTC reading the slot is still ahead).
    setClock(SLOT + 30 * 60_000);
    h = await start({ slack, peeker, databasePath });
    await slack.waitFor(() => digests(h).length > 0, 5000, 'the caught-up digest');
    expect(allText(digests(h)[0])).toContain('Imports waiting on the registrar');
    expect(h.logs.join('\n')).toContain(`"slot":"${new Date(SLOT).toISOString()}"`);
    await h.stop({ keepFakes: true });

    // Another restart in the same window: not again.
    setClock(SLOT + HOUR);
    h = await start({ slack, peeker, databasePath });
    await h.settle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.settle();
    expect(digests(h)).toHaveLength(1);
    expect(h.logs.join('\n')).toContain('"outcome":"already"');
  });

  it('a slot more than 3 h late is not sent at start-up', async () => {
    setClock(SLOT - 30 * HOUR);
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    extra.push(slack, peeker);
    tempDir = mkdtempSync(join(tmpdir(), 'peeker-digest-'));
    const databasePath = join(tempDir, 'db.sqlite');
    let h = await start({ slack, peeker, databasePath });
    await importInto(h, ['acme-mail.com'], 'CCUST');
    await h.stop({ keepFakes: true });

    setClock(SLOT + 3 * HOUR + 60_000);
    h = await start({ slack, peeker, databasePath });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.settle();
    expect(digests(h)).toHaveLength(0);
    // A catch-up now finds no slot in the last 3 h at all.
    expect(h.app.followUp.digest?.catchUp()).toBeUndefined();
  });

  it('a DIGEST_CHANNEL the bot is not in is logged once with the /invite fix; the rest keeps working', async () => {
    setClock(SLOT - 30 * HOUR);
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    extra.push(slack, peeker);
    slack.setChannel('CPRIVATE', { isPrivate: true, isMember: false });
    const h = await start({ slack, peeker, env: { DIGEST_CHANNEL: 'CPRIVATE' } });
    const { ts } = await importInto(h, ['acme-mail.com'], 'CCUST');
    expect(allText(h.slack.message('CCUST', ts))).toContain('helena.ns.cloudflare.com');

    setClock(SLOT + 1000);
    expect(h.app.followUp.digest?.runSlot(SLOT)).toBe('queued');
    await h.settle();
    setClock(SLOT + 24 * HOUR + 1000);
    expect(h.app.followUp.digest?.runSlot(SLOT + 24 * HOUR)).toBe('queued');
    await h.settle();
    expect(slack.messagesIn('CPRIVATE')).toHaveLength(0);
    const warnings = h.logs.filter(
      (line) => line.includes('/invite @Peeker') && line.includes('DIGEST_CHANNEL'),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('CPRIVATE');

    // Everything else keeps working.
    expect(allText((await h.command('digest')).ack)).toContain('Imports waiting on the registrar');
    const next = await importInto(h, ['team-acme.com'], 'COTHER');
    expect(allText(h.slack.message('COTHER', next.ts))).toContain('team-acme.com');
  });
});

describe('the digest’s failed changes (forwarding and swaps)', () => {
  it('lists a forwarding change with failed domains and a failed swap, linking to their threads', async () => {
    const h = await start({ env: { STUCK_AFTER_HOURS: '1000' } });
    const order = await placeLiveOrder(h, { domains: ['fw-a-acme.com', 'fw-b-acme.com', 'old-acme.com'] });
    await h.command('forward fw-a-acme.com fw-b-acme.com to https://acme.com/welcome', { channel: 'COPS' });
    await h.settle();
    const [jobId] = [...h.peeker.forwardingJobs.keys()];
    if (!jobId) throw new Error('no forwarding job');
    const finished = h.peeker.finishForwardingJob(jobId, {
      failed: [{ domain: 'fw-b-acme.com', reason: 'target_unreachable' }],
    });
    await h.webhook(forwardingJobEvent(finished), webhookAt());
    await h.settle();
    const jobMessage = h.slack.messagesIn('COPS').find((message) => allText(message).includes('orwarding'));
    if (!jobMessage) throw new Error('no forwarding message');

    const form = await openSwapForm(h, 'swap old-acme.com for fresh-acme.com');
    const { review } = await submitSwapForm(h, form, {
      domain: 'old-acme.com',
      replacement: 'fresh-acme.com',
    });
    if (!review) throw new Error('no review');
    await confirmSwap(h, review);
    await h.peeker.waitFor(() => h.peeker.swaps.size === 1, 5000, 'POST /swaps');
    const [swapId] = [...h.peeker.swaps.keys()];
    if (!swapId) throw new Error('no swap');
    await h.webhook(
      swapEvent(h.peeker.advanceSwap(swapId, 'failed', { reason: 'domain_not_eligible' })),
      webhookAt(),
    );
    await h.settle();

    const text = allText((await h.command('digest')).ack);
    expect(text).toContain('Failed forwarding changes — 1');
    expect(text).toContain(
      '1 domain not pointed at https://acme.com/welcome: fw-b-acme.com (target unreachable)',
    );
    expect(text).toContain(permalink('COPS', jobMessage.ts));
    expect(text).toContain('Failed swaps — 1');
    expect(text).toContain('old-acme.com → fresh-acme.com · domain not eligible');
    expect(text).toContain(permalink('COPS', order.parentTs));
    expect(text).not.toContain('Imports waiting');
  });
});
