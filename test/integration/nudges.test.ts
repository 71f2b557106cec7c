/**
 * Reminders to customers who have not changed their nameservers, through the real app:
 * imports made with signed `/peeker import` commands, the real follow-up tick (`followUpOnce`, what
 * the poll schedule runs), the real outbox and a fake Slack. The app's clock runs `offset` ms ahead
 * of real time, so a test moves through reminder periods without waiting for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDns, startFakeDns } from '../fakes/fake-dns.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { FakePeeker, importEventData, makeEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';

const HOUR = 3600_000;
const PAIR = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];
const GODADDY = ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'];

let dns: FakeDns;
let harness: Harness | undefined;
let offset = 0;
let tempDir: string | undefined;

beforeAll(async () => {
  dns = await startFakeDns();
});
afterAll(async () => {
  await dns.stop();
});
beforeEach(() => {
  offset = 0;
  dns.setUnknown('nxdomain');
});
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

async function start(
  options: {
    env?: Record<string, string>;
    slack?: FakeSlack;
    peeker?: FakePeeker;
    databasePath?: string;
  } = {},
) {
  harness = await Harness.start({
    env: { NUDGE_AFTER_HOURS: '24', DNS_RESOLVERS: dns.address, ...options.env },
    app: { now: () => Date.now() + offset },
    ...(options.slack ? { slack: options.slack } : {}),
    ...(options.peeker ? { peeker: options.peeker } : {}),
    ...(options.databasePath ? { databasePath: options.databasePath } : {}),
  });
  return harness;
}

async function importInto(h: Harness, domains: string[], channel = 'CCUST') {
  await h.command(`import ${domains.join(' ')} in <#${channel}|acme>`);
  await h.settle();
  const id = [...h.peeker.imports.keys()].at(-1)!;
  const parent = h.slack.messagesIn(channel).at(-1)!;
  return { id, ts: parent.ts };
}

/** One follow-up tick at the app's current time, then whatever the outbox has to send. */
async function tick(h: Harness) {
  const run = await h.app.followUp.followUpOnce();
  await h.settle();
  return run;
}

const reminders = (h: Harness, ts: string, channel = 'CCUST') =>
  h.slack.replies(channel, ts).filter((reply) => allText(reply).includes('friendly reminder'));

describe('reminders about unchanged nameservers', () => {
  it('reminds after NUDGE_AFTER_HOURS, then every NUDGE_AFTER_HOURS, three times at most', async () => {
    const h = await start();
    const { ts } = await importInto(h, ['acme-mail.com', 'team-acme.com']);

    offset = 24 * HOUR - 60_000;
    expect((await tick(h)).sent).toBe(0);
    expect(reminders(h, ts)).toHaveLength(0);

    offset = 24 * HOUR + 1000;
    expect((await tick(h)).sent).toBe(1);
    const [first] = reminders(h, ts);
    expect(first).toBeDefined();
    const text = allText(first);
    expect(text).toContain('acme-mail.com');
    expect(text).toContain('team-acme.com');
    expect(text).toContain('helena.ns.cloudflare.com');
    expect(text).toContain('idris.ns.cloudflare.com');
    expect(text).toContain('/peeker nudges off');
    expect(text).toContain('Reminder 1 of 3');
    expect(text).not.toContain('imp_');
    // In the import's thread, and shown in the channel too.
    expect(first?.thread_ts).toBe(ts);
    const post = h.slack
      .callsTo('chat.postMessage')
      .find((call) => String(call.args.text).startsWith('Reminder:'));
    expect(String(post?.args.reply_broadcast)).toBe('true');

    // The same period again (another tick, an hour later): nothing new.
    offset += HOUR;
    expect((await tick(h)).sent).toBe(0);
    expect(reminders(h, ts)).toHaveLength(1);

    // Counted from the previous reminder.
    offset = 48 * HOUR + 1000;
    await tick(h);
    expect(reminders(h, ts)).toHaveLength(2);
    offset = 72 * HOUR + 2000;
    await tick(h);
    expect(reminders(h, ts)).toHaveLength(3);
    expect(allText(reminders(h, ts)[2])).toContain('Last reminder');

    // Never a fourth.
    for (const hours of [96, 120, 500]) {
      offset = hours * HOUR + 5000;
      expect((await tick(h)).sent).toBe(0);
    }
    expect(reminders(h, ts)).toHaveLength(3);
  });

  it('sends none once the import is verified or failed', async () => {
    const h = await start();
    const verified = await importInto(h, ['acme-mail.com']);
    const failed = await importInto(h, ['team-acme.com'], 'COTHER');
    h.peeker.setImport(verified.id, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    await h.webhook(makeEvent('domain_import.completed', importEventData(h.peeker.getImport(verified.id)!)));
    h.peeker.setImport(failed.id, { status: 'failed' });
    await h.webhook(makeEvent('domain_import.failed', importEventData(h.peeker.getImport(failed.id)!)));
    await h.settle();
    expect(allText(h.slack.message('CCUST', verified.ts))).toContain('DNS verified');

    offset = 30 * HOUR;
    expect((await tick(h)).sent).toBe(0);
    expect(reminders(h, verified.ts)).toHaveLength(0);
    expect(reminders(h, failed.ts, 'COTHER')).toHaveLength(0);
  });

  it('`/peeker nudges off` stops them in that channel only (stored); `on` brings them back', async () => {
    const h = await start();
    const quiet = await importInto(h, ['acme-mail.com'], 'CQUIET');
    const loud = await importInto(h, ['team-acme.com'], 'CLOUD');

    const off = await h.command('nudges off', { channel: 'CQUIET' });
    expect(allText(off.ack)).toContain('Reminders are off in <#CQUIET>');
    expect(allText(off.ack)).toContain('/peeker nudges on');

    offset = 25 * HOUR;
    expect((await tick(h)).sent).toBe(1);
    expect(reminders(h, quiet.ts, 'CQUIET')).toHaveLength(0);
    expect(reminders(h, loud.ts, 'CLOUD')).toHaveLength(1);

    const on = await h.command('nudges on', { channel: 'CQUIET' });
    expect(allText(on.ack)).toContain('Reminders are on in <#CQUIET>');
    expect(allText(on.ack)).toContain('at most 3');
    await tick(h);
    expect(reminders(h, quiet.ts, 'CQUIET')).toHaveLength(1);

    // Bad input says how, and changes nothing.
    const bad = await h.command('nudges maybe', { channel: 'CQUIET' });
    expect(allText(bad.ack)).toContain('`nudges` takes `off` or `on`');
    // `help` says how too.
    expect(allText((await h.command('help')).ack)).toContain('/peeker nudges off');
  });

  it('a restart in between never sends a reminder twice (the count is in SQLite)', async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'peeker-nudges-'));
    const databasePath = join(tempDir, 'db.sqlite');
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    try {
      let h = await start({ slack, peeker, databasePath });
      const { ts } = await importInto(h, ['acme-mail.com']);
      offset = 24 * HOUR + 1000;
      await tick(h);
      expect(reminders(h, ts)).toHaveLength(1);
      await h.stop({ keepFakes: true });

      // Started again in the same period: nothing new.
      h = await start({ slack, peeker, databasePath });
      await tick(h);
      await tick(h);
      expect(reminders(h, ts)).toHaveLength(1);
      await h.stop({ keepFakes: true });

      // The next period, after another restart: the second reminder, once.
      offset = 48 * HOUR + 2000;
      h = await start({ slack, peeker, databasePath });
      await tick(h);
      await tick(h);
      expect(reminders(h, ts)).toHaveLength(2);
      expect(allText(reminders(h, ts)[1])).toContain('Reminder 2 of 3');
    } finally {
      await harness?.stop({ keepFakes: true });
      harness = undefined;
      await slack.stop();
      await peeker.stop();
    }
  });

  it('lists only the domains not switched yet, with what DNS shows; none while every domain already points at Peeker', async () => {
    dns.setRecords('godaddy-acme.com', { ns: GODADDY });
    dns.setRecords('switched-acme.com', { ns: PAIR });
    const h = await start();
    const { ts } = await importInto(h, ['godaddy-acme.com', 'switched-acme.com']);
    await h.app.dnsChecksNow();
    await h.settle();

    offset = 24 * HOUR + 1000;
    await tick(h);
    const [reminder] = reminders(h, ts);
    const text = allText(reminder);
    expect(text).toContain('godaddy-acme.com');
    expect(text).toContain('still at `ns1.domaincontrol.com`, `ns2.domaincontrol.com`');
    expect(text).toContain('how to change them at GoDaddy');
    expect(text).not.toContain('switched-acme.com');
    expect(text).toContain('helena.ns.cloudflare.com');

    // Once every domain points at Peeker (not confirmed yet), there is nothing to remind of.
    dns.setRecords('godaddy-acme.com', { ns: PAIR });
    offset = 24 * HOUR + 2 * 60_000;
    await h.app.dnsChecksNow();
    await h.settle();
    offset = 48 * HOUR + 5000;
    const run = await tick(h);
    expect(run.sent).toBe(0);
    expect(run.snoozed).toBe(1);
    expect(reminders(h, ts)).toHaveLength(1);
  });

  it('NUDGE_AFTER_HOURS=0 sends none', async () => {
    const h = await start({ env: { NUDGE_AFTER_HOURS: '0' } });
    const { ts } = await importInto(h, ['acme-mail.com']);
    offset = 1000 * HOUR;
    expect((await tick(h)).sent).toBe(0);
    expect(reminders(h, ts)).toHaveLength(0);
  });
});
