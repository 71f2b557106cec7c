import { afterEach, describe, expect, it } from 'vitest';
import { forwardingJobEvent, makeEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import { placeLiveOrder } from '../helpers/live-domains.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const URL = 'https://acme.com/welcome';

function jobMessage(h: Harness, channel = 'COPS') {
  return h.slack.messagesIn(channel).find((message) => allText(message).includes('orwarding'));
}

describe('/peeker forward, end to end', () => {
  it('30 domains → jobs of 25 + 5; one partial_success by webhook, the other found by polling', async () => {
    let offset = 0;
    harness = await Harness.start({ app: { now: () => Date.now() + offset } });
    const h = harness;
    const domains = Array.from({ length: 30 }, (_, i) => `fw-${i}-acme.com`);
    const order = await placeLiveOrder(h, { domains });
    h.peeker.clearRequests();

    const result = await h.command(`forward ${order.orderId} to <${URL}>`);
    expect(result.ack?.text).toContain('Checking');
    await h.settle();

    // Every domain was known to be connected from its domain.connected event: no listing needed.
    expect(h.peeker.requestsTo('GET', '/domains')).toHaveLength(0);
    const posts = h.peeker.requestsTo('POST', '/domains/forwarding');
    expect(posts.map((post) => (post.body as { domains: string[] }).domains.length)).toEqual([25, 5]);
    expect(posts.every((post) => (post.body as { forwarding_url: string }).forwarding_url === URL)).toBe(
      true,
    );
    expect(new Set(posts.flatMap((post) => (post.body as { domains: string[] }).domains))).toEqual(
      new Set(domains),
    );
    const message = jobMessage(h);
    expect(allText(message)).toContain('0 done, 0 failed, 30 to go');

    const [first, second] = [...h.peeker.forwardingJobs.keys()];
    if (!first || !second) throw new Error('two jobs expected');
    const partial = h.peeker.finishForwardingJob(first, {
      failed: [{ domain: 'fw-3-acme.com', reason: 'dns_lookup_failed' }],
    });
    expect(partial.status).toBe('partial_success');
    expect((await h.webhook(forwardingJobEvent(partial))).status).toBe(200);
    await h.settle();
    const midway = allText(h.slack.message('COPS', message?.ts ?? ''));
    expect(midway).toContain('24 done, 1 failed, 5 to go');
    expect(midway).toContain('fw-3-acme.com');
    // Not finished yet: no reply in the order's thread.
    expect(h.slack.replies('COPS', order.parentTs).filter((r) => allText(r).includes(URL))).toHaveLength(0);

    // The second job ends at Peeker without a webhook: the poll loop finds it.
    h.peeker.finishForwardingJob(second);
    offset = 90_000;
    await h.app.pollOnce();
    await h.settle();
    expect(h.peeker.requestsTo('GET', `/domains/forwarding/${second}`).length).toBeGreaterThanOrEqual(1);
    // The job the webhook finished is not polled.
    expect(h.peeker.requestsTo('GET', `/domains/forwarding/${first}`)).toHaveLength(0);

    const final = allText(h.slack.message('COPS', message?.ts ?? ''));
    expect(final).toContain('29 of 30 domains repointed, 1 failed');
    expect(final).toContain('not resolving');
    expect(final).toContain('re-import it or wait until it resolves, then run the command again');
    expect(final).toContain(first);
    // Edited in place: one message.
    expect(h.slack.messagesIn('COPS').filter((m) => allText(m).includes('orwarding'))).toHaveLength(1);

    // One reply in the order's thread.
    const replies = h.slack.replies('COPS', order.parentTs).filter((r) => allText(r).includes(URL));
    expect(replies).toHaveLength(1);
    expect(allText(replies[0])).toContain('29 domains now forward to https://acme.com/welcome');
    expect(allText(replies[0])).toContain('fw-3-acme.com (not resolving');

    // The app's record of each domain's URL follows.
    const rows = h.app.db
      .prepare('SELECT domain, forwarding_url FROM live_domains WHERE forwarding_url = ?')
      .all(URL) as { domain: string }[];
    expect(rows).toHaveLength(29);

    // Repeated and late reports change nothing and post nothing.
    const postsBefore = h.slack.callsTo('chat.postMessage').length;
    const editsBefore = h.slack.callsTo('chat.update').length;
    await h.webhook(forwardingJobEvent(partial));
    await h.webhook(forwardingJobEvent({ ...partial, status: 'in_progress', completed: [], failed: [] }));
    await h.webhook(makeEvent('domain.forwarding_updated', { domain: 'fw-1-acme.com', forwarding_url: URL }));
    offset = 10 * 60_000;
    await h.app.pollOnce();
    await h.settle();
    expect(h.slack.callsTo('chat.postMessage').length).toBe(postsBefore);
    expect(h.slack.callsTo('chat.update').length).toBe(editsBefore);
    expect(h.peeker.requestsTo('POST', '/domains/forwarding')).toHaveLength(2);
  });

  it('per-domain webhooks (no job ID) settle the same jobs', async () => {
    harness = await Harness.start();
    const h = harness;
    const order = await placeLiveOrder(h, { domains: ['pd-a-acme.com', 'pd-b-acme.com'] });
    await h.command(`forward pd-a-acme.com pd-b-acme.com to ${URL}`);
    await h.settle();
    expect(h.peeker.requestsTo('POST', '/domains/forwarding')).toHaveLength(1);
    await h.webhook(
      makeEvent('domain.forwarding_failed', { domain: 'pd-b-acme.com', reason: 'target_unreachable' }),
    );
    await h.webhook(makeEvent('domain.forwarding_updated', { domain: 'pd-a-acme.com', forwarding_url: URL }));
    await h.settle();
    const final = allText(jobMessage(h));
    expect(final).toContain('1 of 2 domains repointed, 1 failed');
    expect(final).toContain('check the URL is live');
    const replies = h.slack.replies('COPS', order.parentTs).filter((r) => allText(r).includes(URL));
    expect(replies).toHaveLength(1);
    expect(allText(replies[0])).toContain('pd-a-acme.com now forwards to https://acme.com/welcome');
  });

  it("a report that comes before Peeker's own answer is applied once the job is recorded", async () => {
    harness = await Harness.start();
    const h = harness;
    await placeLiveOrder(h, { domains: ['early-a-acme.com', 'early-b-acme.com'] });
    h.peeker.setLatencyFor({ method: 'POST', path: '/domains/forwarding' }, 800);
    await h.command(`forward early-a-acme.com early-b-acme.com to ${URL}`);
    await h.peeker.waitFor(
      () => h.peeker.requestsTo('POST', '/domains/forwarding').length === 1,
      5000,
      'the POST',
    );
    const early = makeEvent('domain.forwarding_updated', { domain: 'early-a-acme.com', forwarding_url: URL });
    expect((await h.webhook(early)).status).toBe(200);
    await h.app.webhooks.drainNow();
    expect(h.app.db.prepare('SELECT status FROM webhook_events WHERE event_id = ?').get(early.id)).toEqual({
      status: 'pending',
    });
    await h.slack.waitFor(
      () => allText(jobMessage(h)).includes('1 done, 0 failed, 1 to go'),
      10_000,
      'the early report applied',
    );
    expect(h.app.db.prepare('SELECT status FROM webhook_events WHERE event_id = ?').get(early.id)).toEqual({
      status: 'applied',
    });
  });

  it('refuses bad input before any call: http://, malformed URLs, more than 500 domains', async () => {
    harness = await Harness.start();
    const h = harness;
    const plainHttp = await h.command('forward acme-mail.com to <http://acme.com>');
    expect(allText(plainHttp.ack)).toContain('Use an https:// URL');
    const malformed = await h.command('forward acme-mail.com to <http://acme.com/welcome|acme.com/welcome>');
    expect(allText(malformed.ack)).toContain('not a full URL');
    const tooMany = await h.command(
      `forward ${Array.from({ length: 501 }, (_, i) => `d${i}-acme.com`).join(' ')} to ${URL}`,
    );
    expect(allText(tooMany.ack)).toContain('at most 500');
    const notRoot = await h.command(`forward mail.acme-mail.com to ${URL}`);
    expect(allText(notRoot.ack)).toContain('not a root domain');
    await h.settle();
    expect(h.peeker.requests.filter((r) => r.path.startsWith('/domains'))).toHaveLength(0);
    expect(h.app.db.prepare('SELECT COUNT(*) AS n FROM commands WHERE kind = ?').get('forward')).toEqual({
      n: 0,
    });
  });

  it('refuses unknown and not-connected names, all at once, before any forwarding call', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeLiveOrder(h, {
      domains: ['live-acme.com', 'pending-acme.com'],
      connect: ['live-acme.com'],
    });
    h.peeker.clearRequests();
    const result = await h.command(
      `forward live-acme.com pending-acme.com nobody-knows.com dom_NOPE ord_NOPE to ${URL}`,
    );
    await h.settle();
    const answer = h
      .responses(result.responseKey)
      .map((r) => allText(r))
      .join('\n');
    expect(answer).toContain('Nothing was changed');
    expect(answer).toContain('nobody-knows.com');
    expect(answer).toContain('pending-acme.com');
    expect(answer).toContain('ord_NOPE');
    expect(answer).toContain('dom_NOPE');
    // Peeker was asked which domains are connected, and nothing else.
    expect(h.peeker.requestsTo('GET', '/domains').length).toBeGreaterThanOrEqual(1);
    expect(h.peeker.requestsTo('POST', '/domains/forwarding')).toHaveLength(0);
    expect(jobMessage(h)).toBeUndefined();
  });

  it("typed in a customer's channel, refuses another channel's domains before any call; its own are fine", async () => {
    harness = await Harness.start();
    const h = harness;
    const other = await placeLiveOrder(h, { domains: ['other-acme.com'] });
    // CCUST becomes a customer channel: nameserver instructions are posted there, then it orders.
    await h.command('import cust-acme.com in <#CCUST|customer>');
    await h.settle();
    const own = await placeLiveOrder(h, { domains: ['own-acme.com'], channel: 'CCUST' });
    h.peeker.clearRequests();

    const refused = await h.command(`forward ${other.orderId} own-acme.com to ${URL}`, { channel: 'CCUST' });
    await h.settle();
    const answer = h
      .responses(refused.responseKey)
      .map((r) => allText(r))
      .join('\n');
    expect(answer).toContain('Nothing was changed');
    expect(answer).toContain("This is a customer's channel");
    expect(answer).toContain('other-acme.com');
    expect(answer).not.toContain('own-acme.com');
    expect(h.peeker.requestsTo('POST', '/domains/forwarding')).toHaveLength(0);
    expect(jobMessage(h, 'CCUST')).toBeUndefined();

    // The customer's own order, from its own channel: repointed, with customer wording there.
    await h.command(`forward ${own.orderId} to ${URL}`, { channel: 'CCUST' });
    await h.settle();
    expect(h.peeker.requestsTo('POST', '/domains/forwarding')).toHaveLength(1);
    const message = allText(jobMessage(h, 'CCUST'));
    expect(message).toContain(`Forwarding to ${URL}`);
    expect(message).not.toContain('other-acme.com');
    expect(message).not.toContain('fwj_');

    // Refused by Peeker: the channel hears only that it failed; the requester gets why, by DM.
    h.peeker.failNext(
      { method: 'POST', path: '/domains/forwarding' },
      { status: 400, code: 'invalid_target', message: 'Target is not allowed', field: 'forwarding_url' },
    );
    await h.command(`forward own-acme.com to https://acme.com/other`, { channel: 'CCUST' });
    await h.settle();
    const inChannel = h.slack
      .messagesIn('CCUST')
      .map(allText)
      .filter((text) => text.includes('acme.com/other'))
      .join('\n');
    expect(inChannel).toContain('acme.com/other');
    expect(inChannel).not.toContain('invalid_target');
    const dm = h.slack.messagesIn('UOPS').find((m) => allText(m).includes('acme.com/other'));
    expect(allText(dm)).toContain('invalid_target');
    expect(allText(dm)).toContain('Target is not allowed');
  });

  it('a job Peeker refuses is shown with its code and request ID; a 5xx is sent again later', async () => {
    let offset = 0;
    harness = await Harness.start({ app: { now: () => Date.now() + offset } });
    const h = harness;
    const domains = Array.from({ length: 27 }, (_, i) => `rj-${i}-acme.com`);
    const order = await placeLiveOrder(h, { domains });
    h.peeker.failNext(
      { method: 'POST', path: '/domains/forwarding' },
      { status: 400, code: 'invalid_target', message: 'Target is not allowed', field: 'forwarding_url' },
    );
    h.peeker.failNext({ method: 'POST', path: '/domains/forwarding' }, { status: 503, times: 10 });
    await h.command(`forward ${order.orderId} to ${URL}`);
    await h.settle();
    const refused = allText(jobMessage(h));
    expect(refused).toContain('Peeker refused a batch of 25 domains');
    expect(refused).toContain('invalid_target');
    expect(refused).toMatch(/req_/);
    expect(h.peeker.forwardingJobs.size).toBe(0);

    h.peeker.clearFailures();
    offset = 5 * 60_000;
    await h.app.pollOnce();
    await h.settle();
    expect(h.peeker.forwardingJobs.size).toBe(1);
    const [job] = [...h.peeker.forwardingJobs.keys()];
    await h.webhook(forwardingJobEvent(h.peeker.finishForwardingJob(job ?? '')));
    await h.settle();
    expect(allText(jobMessage(h))).toContain('2 of 27 domains repointed, 25 failed');
  });
});
