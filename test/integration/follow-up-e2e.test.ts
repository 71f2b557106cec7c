/**
 * Following up without being asked, end to end in real time: signed requests only, the real cron
 * schedules (a one-second POLL_CRON for the reminders, a seconds-field DIGEST_CRON in a time zone),
 * small decimal hours (NUDGE_AFTER_HOURS=0.002 is 7.2 s, STUCK_AFTER_HOURS=0.001 is 3.6 s).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Seconds since the epoch of a Slack `ts`. */
const seconds = (ts: string) => Number(ts);

describe('reminders, the digest and the Home board on their real schedules', () => {
  it('reminds in the thread after NUDGE_AFTER_HOURS, posts the digest once per slot once the import is stuck, and answers /peeker digest', async () => {
    harness = await Harness.start({
      env: {
        POLL_CRON: '* * * * * *',
        NUDGE_AFTER_HOURS: '0.002',
        STUCK_AFTER_HOURS: '0.001',
        DIGEST_CHANNEL: 'CDIGEST',
        DIGEST_CRON: '*/2 * * * * *',
        DIGEST_TIMEZONE: 'America/New_York',
      },
    });
    const h = harness;
    const imported = await h.command('import acme-mail.com team-acme.com in <#CCUST|acme>');
    expect(imported.status).toBe(200);
    await h.settle();
    const parent = h.slack.messagesIn('CCUST').at(-1)!;
    expect(allText(parent)).toContain('helena.ns.cloudflare.com');

    const reminder = await h.slack.waitFor(
      () => h.slack.replies('CCUST', parent.ts).find((reply) => allText(reply).includes('friendly reminder')),
      20_000,
      'the first reminder',
    );
    expect(allText(reminder)).toContain('acme-mail.com');
    expect(allText(reminder)).toContain('/peeker nudges off');
    // Not before NUDGE_AFTER_HOURS (7.2 s) after the instructions.
    expect(seconds(reminder.ts) - seconds(parent.ts)).toBeGreaterThanOrEqual(7);

    const digest = await h.slack.waitFor(() => h.slack.messagesIn('CDIGEST')[0], 10_000, 'a digest');
    expect(allText(digest)).toContain('Imports waiting on the registrar for more than 0.001 h — 1');
    expect(allText(digest)).toContain('<#CCUST>');
    expect(allText(digest)).toContain(`https://fake.slack.com/archives/CCUST/p${parent.ts.replace('.', '')}`);

    // One message per slot that had something to say, never two for a slot.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await h.settle();
    const queued = h.logs
      .filter((line) => line.includes('"msg":"digest slot"') && line.includes('"outcome":"queued"'))
      .map((line) => /"slot":"([^"]+)"/.exec(line)?.[1]);
    expect(queued.length).toBeGreaterThanOrEqual(2);
    expect(new Set(queued).size).toBe(queued.length);
    expect(h.slack.messagesIn('CDIGEST')).toHaveLength(queued.length);

    const asked = await h.command('digest');
    expect(asked.ack?.response_type).toBe('ephemeral');
    expect(allText(asked.ack)).toContain('Imports waiting on the registrar');

    expect(await h.event({ type: 'app_home_opened', user: 'UOPS', channel: 'DHOME', tab: 'home' })).toBe(200);
    const board = await h.slack.waitFor(() => h.slack.callsTo('views.publish')[0], 5000, 'the Home tab');
    expect(JSON.stringify(board.args.view)).toContain('⚠️ *stuck*');
  }, 40_000);

  it("never posts the digest into a customer's channel; says so once, and /peeker digest still works", async () => {
    harness = await Harness.start({
      env: {
        STUCK_AFTER_HOURS: '0.0003',
        // A channel the customer reads: its nameserver instructions are posted there below.
        DIGEST_CHANNEL: 'CCUST',
        DIGEST_CRON: '* * * * * *',
      },
    });
    const h = harness;
    await h.command('import acme-mail.com in <#CCUST|acme>');
    await h.settle();
    // Stuck after about a second: each slot from then on has something to say.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await h.settle();
    expect(h.slack.messagesIn('CCUST').map(allText).join('\n')).not.toContain(
      'Imports waiting on the registrar',
    );
    expect(h.slack.messagesIn('CCUST')).toHaveLength(1);
    const warnings = h.logs.filter((line) => line.includes("DIGEST_CHANNEL CCUST is a customer's channel"));
    expect(warnings).toHaveLength(1);
    expect(allText((await h.command('digest')).ack)).toContain('Imports waiting on the registrar');
  }, 20_000);
});
