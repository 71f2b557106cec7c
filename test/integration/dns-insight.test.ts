/**
 * DNS insight end to end: the real app, its real lookup service and a local DNS server
 * (test/fakes/fake-dns.ts) answering per domain. The app's clock runs `offset` ms ahead of real
 * time so a test can move past poll intervals and weeks without waiting for them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDns, startFakeDns } from '../fakes/fake-dns.js';
import { importEventData, makeEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import { placeOrderThroughSlack } from '../helpers/order-flow.js';

const PAIR = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];
const GODADDY = ['ns1.domaincontrol.com', 'ns2.domaincontrol.com'];
const GOOGLE_MAIL = {
  mx: [{ exchange: 'smtp.google.com', priority: 1 }],
  txt: ['v=spf1 include:_spf.google.com ~all'],
};
const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;

let fake: FakeDns;
let harness: Harness | undefined;
let offset = 0;

beforeAll(async () => {
  fake = await startFakeDns();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  offset = 0;
  fake.setLatency(0);
  fake.setUnknown('nxdomain');
  fake.resetCounters();
});
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(env: Record<string, string> = {}): Promise<Harness> {
  harness = await Harness.start({
    env: { DNS_RESOLVERS: fake.address, ...env },
    app: { now: () => Date.now() + offset },
  });
  return harness;
}

/** Imports `domains` into CCUST and returns the import ID and the parent's `ts`. */
async function importInto(h: Harness, domains: string[]): Promise<{ id: string; ts: string }> {
  await h.command(`import ${domains.join(' ')} in <#CCUST|acme>`);
  await h.settle();
  const id = [...h.peeker.imports.keys()].at(-1)!;
  const parent = h.slack.messagesIn('CCUST').at(-1)!;
  return { id, ts: parent.ts };
}

/** Runs the DNS checks that are due and lets the outbox send what they changed. */
async function checkDns(h: Harness): Promise<void> {
  await h.app.dnsChecksNow();
  await h.settle();
}

const parentText = (h: Harness, ts: string) => allText(h.slack.message('CCUST', ts));
const edits = (h: Harness, ts: string) => h.slack.message('CCUST', ts)?.edits ?? 0;

describe('the instructions message shows where each domain points', () => {
  it('shows a domain still at GoDaddy and one already switched; the flip edits it to "waiting for Peeker" and Peeker is asked sooner', async () => {
    fake.setRecords('godaddy-acme.com', { ns: GODADDY });
    fake.setRecords('switched-acme.com', { ns: [...PAIR].reverse().map((ns) => `${ns.toUpperCase()}.`) });
    const h = await start();
    const { id, ts } = await importInto(h, ['godaddy-acme.com', 'switched-acme.com']);
    await checkDns(h);

    const first = parentText(h, ts);
    expect(first).toContain(
      '⏳ godaddy-acme.com — still at `ns1.domaincontrol.com`, `ns2.domaincontrol.com` (GoDaddy)',
    );
    expect(first).toContain('✅ switched-acme.com — nameservers set');
    expect(first).toContain(
      '<https://www.godaddy.com/help/change-nameservers-for-my-domains-664|how to change nameservers at GoDaddy>',
    );
    expect(first).not.toContain('waiting for Peeker to confirm');
    // Checked right after the instructions, once per domain.
    expect(fake.queryCount('NS', 'godaddy-acme.com')).toBe(1);
    expect(fake.queryCount('NS', 'switched-acme.com')).toBe(1);

    // Half an hour on, Peeker is asked again and backs the import off (next check in a few minutes).
    offset += 30 * MINUTE;
    await h.app.pollOnce();
    await h.settle();
    const getsBefore = h.peeker.requestsTo('GET', `/domains/import/${id}`).length;
    offset += MINUTE;
    await h.app.pollOnce();
    expect(h.peeker.requestsTo('GET', `/domains/import/${id}`)).toHaveLength(getsBefore);

    // The customer switches GoDaddy over: the next DNS check sees it.
    fake.setRecords('godaddy-acme.com', { ns: PAIR });
    await checkDns(h);
    const flipped = parentText(h, ts);
    expect(flipped).toContain('Nameservers set — waiting for Peeker to confirm');
    expect(flipped).toContain('✅ godaddy-acme.com — nameservers set');
    expect(flipped).not.toContain('still at');
    // …and Peeker is asked on the very next tick instead of after its backed-off interval.
    await h.app.pollOnce();
    expect(h.peeker.requestsTo('GET', `/domains/import/${id}`)).toHaveLength(getsBefore + 1);

    // Another check a poll interval later finds nothing new: a lookup, but no edit.
    const editsAfterFlip = edits(h, ts);
    const lookups = fake.queryCount('NS', 'godaddy-acme.com');
    offset += MINUTE;
    await checkDns(h);
    expect(fake.queryCount('NS', 'godaddy-acme.com')).toBe(lookups + 1);
    expect(edits(h, ts)).toBe(editsAfterFlip);

    // Peeker confirms: the DNS lines give way to the verified message.
    h.peeker.setImport(id, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    const delivered = await h.webhook(
      makeEvent('domain_import.completed', importEventData(h.peeker.getImport(id)!)),
      {
        timestamp: Math.floor((Date.now() + offset) / 1000),
      },
    );
    expect(delivered.status).toBe(200);
    await h.settle();
    expect(parentText(h, ts)).toContain('DNS verified');
    expect(parentText(h, ts)).not.toContain('waiting for Peeker to confirm');
  });

  it('says a domain missing from DNS is not found (expired or misspelt)', async () => {
    fake.nxdomain('typo-acme.com');
    const h = await start();
    const { ts } = await importInto(h, ['typo-acme.com']);
    await checkDns(h);
    expect(parentText(h, ts)).toContain('❓ typo-acme.com — not found in DNS (expired, or misspelt?)');
  });

  it('names the Cloudflare trap: on Cloudflare, but another account’s nameservers', async () => {
    fake.setRecords('trap-acme.com', { ns: ['adam.ns.cloudflare.com', 'eve.ns.cloudflare.com'] });
    const h = await start();
    const { ts } = await importInto(h, ['trap-acme.com']);
    await checkDns(h);
    const text = parentText(h, ts);
    expect(text).toContain('⚠️ trap-acme.com — *another Cloudflare account*');
    expect(text).toContain('being on Cloudflare is not enough');
  });

  it('with a dead resolver, the import flow works exactly as before and the poll tick does not wait for DNS', async () => {
    fake.blackhole('dead-one-acme.com');
    fake.blackhole('dead-two-acme.com');
    const h = await start({ IMPORT_POLL_INTERVAL_SECONDS: '1' });
    const { id, ts } = await importInto(h, ['dead-one-acme.com', 'dead-two-acme.com']);
    // The background check started right after the instructions and is stuck on the resolver.
    await h.slack.waitFor(() => fake.queryCount('NS', 'dead-one-acme.com') > 0, 5_000, 'the NS lookup');
    expect(h.app.dnsStats().inFlight).toBeGreaterThan(0);

    h.peeker.setImport(id, { status: 'action_required' });
    offset += 2_000;
    const tick = await h.app.pollOnce();
    expect(tick).toMatchObject({ checked: 1, failed: 0 });
    // The tick is over while the lookups are still waiting for their answer.
    expect(h.app.dnsStats().inFlight).toBeGreaterThan(0);
    await h.settle();
    expect(parentText(h, ts)).toContain('Waiting on the registrar');
    expect(h.slack.replies('CCUST', ts)[0]?.text).toContain('Still waiting on the registrar');

    h.peeker.setImport(id, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    offset += 2_000;
    await h.app.pollOnce();
    await h.settle();
    await h.app.dnsChecksNow();
    await h.settle();
    expect(parentText(h, ts)).toContain('DNS verified');
    // The same Slack traffic as without DNS checks: two edits, two replies.
    expect(edits(h, ts)).toBe(2);
    expect(h.slack.replies('CCUST', ts)).toHaveLength(2);
  });
});

describe('/peeker dns <domain>', () => {
  /** Runs the command and returns the ephemeral report it sent after acknowledging. */
  async function dnsReport(h: Harness, domain: string): Promise<string> {
    const result = await h.command(`dns ${domain}`);
    expect(result.ack?.text).toContain('Checking the DNS of');
    const [report] = await h.slack.waitFor(() => {
      const answers = h.responses(result.responseKey);
      return answers.length > 0 ? answers : undefined;
    }, 8_000);
    return allText(report);
  }

  const good = (domain: string, patch: Parameters<FakeDns['setRecords']>[1] = {}) => {
    fake.setRecords(domain, { ns: GODADDY, ...GOOGLE_MAIL, ...patch });
    fake.setRecords(`_dmarc.${domain}`, { txt: ['v=DMARC1; p=quarantine'] });
  };

  it('answers a healthy domain with no problems, and says it cannot compare nameservers it never assigned', async () => {
    good('healthy-acme.com');
    const h = await start();
    const text = await dnsReport(h, 'healthy-acme.com');
    expect(text).toContain('DNS check of healthy-acme.com');
    expect(text).toContain('`ns1.domaincontrol.com`');
    expect(text).toContain('Google Workspace');
    expect(text).toContain('v=spf1 include:_spf.google.com ~all');
    expect(text).toContain('v=DMARC1; p=quarantine');
    expect(text).toContain('No problems found');
    expect(text).toContain('not imported here');
  });

  it('compares the nameservers with the ones Peeker assigned, naming the registrar and its help page', async () => {
    good('imported-acme.com');
    const h = await start();
    await importInto(h, ['imported-acme.com']);
    const text = await dnsReport(h, 'imported-acme.com');
    expect(text).toContain('not the nameservers Peeker assigned');
    expect(text).toContain(
      'Replace all of its nameservers at GoDaddy with helena.ns.cloudflare.com and idris.ns.cloudflare.com',
    );
    expect(text).toContain('https://www.godaddy.com/help/change-nameservers-for-my-domains-664');

    fake.setRecords('imported-acme.com', { ns: PAIR, ...GOOGLE_MAIL });
    offset += 2 * MINUTE; // past the lookup cache
    expect(await dnsReport(h, 'imported-acme.com')).toContain('the nameservers Peeker assigned');
  });

  const cases: Array<[string, string, () => void, string[]]> = [
    ['a domain not in DNS', 'gone-acme.com', () => fake.nxdomain('gone-acme.com'), ['not in DNS', 'expired']],
    [
      'no MX',
      'nomx-acme.com',
      () => good('nomx-acme.com', { mx: [] }),
      ['no MX records', 'Add the MX records'],
    ],
    [
      'a null MX',
      'nullmx-acme.com',
      () => good('nullmx-acme.com', { mx: [{ exchange: '.', priority: 0 }] }),
      ['null MX', 'Delete the MX record that points to'],
    ],
    [
      'no SPF',
      'nospf-acme.com',
      () => good('nospf-acme.com', { txt: ['google-site-verification=abc'] }),
      ['no SPF record', 'Add one TXT record at nospf-acme.com'],
    ],
    [
      'two SPF records',
      'twospf-acme.com',
      () => good('twospf-acme.com', { txt: ['v=spf1 include:_spf.google.com ~all', 'v=spf1 mx -all'] }),
      ['2 SPF records', 'Merge them into a single TXT record'],
    ],
    [
      'an SPF record ending in +all',
      'plusall-acme.com',
      () => good('plusall-acme.com', { txt: ['v=spf1 +all'] }),
      ['ends in +all', 'Change +all to ~all'],
    ],
    [
      'no DMARC',
      'nodmarc-acme.com',
      () => {
        good('nodmarc-acme.com');
        fake.nxdomain('_dmarc.nodmarc-acme.com');
      },
      ['no DMARC record', 'Add a TXT record at _dmarc.nodmarc-acme.com'],
    ],
    [
      'two DMARC records',
      'twodmarc-acme.com',
      () => {
        good('twodmarc-acme.com');
        fake.setRecords('_dmarc.twodmarc-acme.com', { txt: ['v=DMARC1; p=none', 'v=DMARC1; p=reject'] });
      },
      ['2 DMARC records', 'Keep a single TXT record'],
    ],
    [
      'a DMARC record without a policy',
      'nopolicy-acme.com',
      () => {
        good('nopolicy-acme.com');
        fake.setRecords('_dmarc.nopolicy-acme.com', { txt: ['v=DMARC1; rua=mailto:x@acme.com'] });
      },
      ['without a valid p= policy', 'v=DMARC1; p=none'],
    ],
    [
      'a resolver failing for it',
      'servfail-acme.com',
      () => fake.servfail('servfail-acme.com'),
      ['couldn’t check just now', 'SERVFAIL'],
    ],
  ];

  it.each(cases)('reports %s with its fix', async (_name, domain, arrange, expected) => {
    arrange();
    const h = await start();
    const text = await dnsReport(h, domain);
    for (const part of expected) expect(text).toContain(part);
  });

  it('refuses what is not a root domain, before any lookup', async () => {
    const h = await start();
    const result = await h.command('dns mail.acme-mail.com');
    expect(result.ack?.text).toContain('Did you mean `acme-mail.com`?');
    expect(fake.queryCount('NS', 'mail.acme-mail.com')).toBe(0);
    expect((await h.command('dns not a domain')).ack?.text).toContain('Name one domain');
  });
});

describe('the weekly health watch of connected domains', () => {
  it('reports a missing MX once in the order’s thread, and its return once', async () => {
    for (const domain of ['watch-acme.com', 'watch2-acme.com']) {
      fake.setRecords(domain, { ns: PAIR, ...GOOGLE_MAIL });
      fake.setRecords(`_dmarc.${domain}`, { txt: ['v=DMARC1; p=none'] });
    }
    const h = await start();
    const { id } = await importInto(h, ['watch-acme.com', 'watch2-acme.com']);
    await h.webhook(
      makeEvent('domain_import.completed', {
        ...importEventData(h.peeker.getImport(id)!),
        completed_at: '2030-01-01T00:00:00Z',
      }),
    );
    await h.settle();
    await placeOrderThroughSlack(h, { input: { domainsSelected: ['watch-acme.com', 'watch2-acme.com'] } });
    await h.peeker.waitFor(() => h.peeker.orders.size === 1, 5_000, 'POST /orders');
    const orderId = [...h.peeker.orders.keys()][0]!;
    for (const domain of ['watch-acme.com', 'watch2-acme.com']) {
      await h.webhook(h.peeker.domainConnectedEvent(orderId, domain, { provider: 'google' }));
    }
    await h.settle();
    const parent = await h.slack.waitFor(() =>
      h.slack.messagesIn('CCUST').find((message) => allText(message).includes('Inbox order')),
    );
    const healthReplies = () =>
      h.slack
        .replies('CCUST', parent.ts)
        .map((reply) => reply.text ?? '')
        .filter((text) => text.includes('DNS check of'));

    // The watch finds the connected domains, each due at its own moment of the week.
    offset += 2 * MINUTE;
    await checkDns(h);
    fake.setRecords('watch-acme.com', { ns: PAIR, txt: GOOGLE_MAIL.txt });
    offset += WEEK;
    await checkDns(h);
    expect(healthReplies()).toHaveLength(1);
    expect(healthReplies()[0]).toContain('watch-acme.com has no MX records');
    expect(healthReplies()[0]).toContain('smtp.google.com');
    expect(fake.queryCount('MX', 'watch2-acme.com')).toBe(1);

    // `/peeker dns` shows what the provider expects for the connected domain.
    const result = await h.command('dns watch-acme.com');
    const [report] = await h.slack.waitFor(() => {
      const answers = h.responses(result.responseKey);
      return answers.length > 0 ? answers : undefined;
    });
    expect(allText(report)).toContain('What Google Workspace expects');
    expect(allText(report)).toContain('the nameservers Peeker assigned');

    // Still missing a week later: no repeat.
    offset += WEEK;
    await checkDns(h);
    expect(healthReplies()).toHaveLength(1);

    fake.setRecords('watch-acme.com', { ns: PAIR, ...GOOGLE_MAIL });
    offset += WEEK;
    await checkDns(h);
    expect(healthReplies()).toHaveLength(2);
    expect(healthReplies()[1]).toContain('Fixed: the MX records are back');

    offset += WEEK;
    await checkDns(h);
    expect(healthReplies()).toHaveLength(2);
  });
});

describe('/metrics', () => {
  it('counts DNS lookups by record type and outcome, with a latency histogram', async () => {
    fake.setRecords('metric-acme.com', { ns: GODADDY });
    fake.servfail('metric-fail-acme.com');
    const h = await start();
    await importInto(h, ['metric-acme.com', 'metric-fail-acme.com']);
    await checkDns(h);
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(text).toMatch(/peeker_dns_lookups_total\{type="NS",outcome="ok"\} 1\b/);
    expect(text).toMatch(/peeker_dns_lookups_total\{type="NS",outcome="servfail"\} 1\b/);
    expect(text).toMatch(/peeker_dns_lookup_seconds_count\{type="NS"\} 2\b/);
  });
});
