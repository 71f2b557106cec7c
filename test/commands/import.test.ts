import { afterEach, describe, expect, it } from 'vitest';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const domainList = (count: number, prefix = 'bulk') =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}-acme.com`);

describe('/peeker import input validation', () => {
  it('lists every bad entry with its reason and imports nothing', async () => {
    harness = await Harness.start();
    const result = await harness.command(
      'import acme-mail.com <http://mail.acme.com|mail.acme.com> localhost 10.0.0.1 acme.notarealtld',
    );
    expect(result.status).toBe(200);
    const shown = allText(result.ack);
    expect(shown).toContain('Nothing was imported');
    expect(shown).toContain('mail.acme.com');
    expect(shown).toContain('acme.com'); // the suggested root
    expect(shown).toContain('localhost');
    expect(shown).toContain('10.0.0.1');
    expect(shown).toContain('acme.notarealtld');
    await harness.settle();
    expect(harness.peeker.requests).toHaveLength(harness.peeker.requestsTo('GET', '/me').length);
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(harness.app.db.prepare('SELECT COUNT(*) AS n FROM commands').get()).toEqual({ n: 0 });
  });

  it('explains a channel typed as plain text instead of picked from autocomplete', async () => {
    harness = await Harness.start();
    const result = await harness.command('import acme-mail.com in #acme-shared');
    expect(allText(result.ack)).toMatch(/autocomplete|pick/i);
    await harness.settle();
    expect(harness.peeker.requestsTo('POST', '/domains/import')).toHaveLength(0);
  });

  it('normalises punycode, www., ports, paths and duplicates before importing', async () => {
    harness = await Harness.start();
    await harness.command('import https://www.Bücher.de:443/shop bücher.de; acme-mail.com. in <#CCUST|x>');
    await harness.settle();
    expect(harness.peeker.requestsTo('POST', '/domains/import')[0]?.body).toEqual({
      domains: ['xn--bcher-kva.de', 'acme-mail.com'],
    });
  });
});

describe('/peeker import against Peeker', () => {
  it('acknowledges before Peeker answers a slow import, then reports where the instructions went', async () => {
    harness = await Harness.start();
    harness.peeker.setLatencyFor({ method: 'POST', path: '/domains/import' }, 2500);
    const result = await harness.command('import acme-mail.com in <#CCUST|acme-shared>');
    expect(result.status).toBe(200);
    expect(result.ack?.text).toContain('Importing 1 domain');
    // When the ack arrived, Peeker had not answered yet: nothing was posted, nobody was told.
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(0);
    expect(harness.responses(result.responseKey)).toHaveLength(0);
    await harness.settle();
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(1);
    const [answer] = harness.responses(result.responseKey);
    expect(allText(answer)).toContain('Posted the nameserver instructions for 1 domain');
    expect(allText(answer)).toContain('<#CCUST>');
  });

  it('uses the current channel when none is named', async () => {
    harness = await Harness.start();
    await harness.command('import acme-mail.com', { channel: 'CHERE' });
    await harness.settle();
    expect(harness.slack.messagesIn('CHERE')).toHaveLength(1);
  });

  it('imports more than 25 domains as jobs of at most 500', async () => {
    harness = await Harness.start();
    const domains = domainList(1100);
    const result = await harness.command(`import ${domains.join(' ')} in <#CCUST|x>`);
    expect(result.ack?.text).toContain('Importing 1100 domains');
    await harness.settle();
    expect(
      harness.peeker
        .requestsTo('POST', '/domains/import/jobs')
        .map((r) => (r.body as { domains: string[] }).domains.length),
    ).toEqual([500, 500, 100]);
    expect(
      harness.peeker.requests.filter((r) => r.method === 'POST' && r.path === '/domains/import'),
    ).toHaveLength(0);
    // One message per job, each saying the nameservers are on their way.
    const posted = harness.slack.messagesIn('CCUST');
    expect(posted).toHaveLength(3);
    expect(allText(posted[0])).toContain('Preparing');
  });

  it('falls back to a job when the synchronous import hits Cloudflare capacity', async () => {
    harness = await Harness.start();
    harness.peeker.failNext(
      { method: 'POST', path: '/domains/import' },
      { status: 429, details: { retry_after_seconds: 30, reason: 'cloudflare_account_capacity' } },
    );
    await harness.command('import acme-mail.com team-acme.com in <#CCUST|x>');
    await harness.settle();
    expect(harness.peeker.requestsTo('POST', '/domains/import/jobs')).toHaveLength(1);
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(1);
  });

  it('lists rows Peeker rejected, with their reason, and goes on with the rest', async () => {
    harness = await Harness.start();
    harness.peeker.importBehaviour.failDomains = { 'taken-acme.com': 'already_imported' };
    const result = await harness.command('import acme-mail.com taken-acme.com in <#CCUST|x>');
    await harness.settle();
    const [parent] = harness.slack.messagesIn('CCUST');
    expect(allText(parent)).toContain('taken-acme.com');
    expect(allText(parent)).toContain('already imported');
    expect(allText(parent)).toContain('acme-mail.com');
    expect(allText(harness.responses(result.responseKey)[0])).toContain('rejected 1 domain');
  });

  it("tells the requester Peeker's error code, message, field and request ID, and posts nothing", async () => {
    harness = await Harness.start();
    harness.peeker.failNext(
      { method: 'POST', path: '/domains/import' },
      { status: 400, code: 'invalid_request', message: 'Domains must be root domains', field: 'domains' },
    );
    const result = await harness.command('import acme-mail.com in <#CCUST|x>');
    await harness.settle();
    const answer = allText(harness.responses(result.responseKey)[0]);
    expect(answer).toContain('invalid_request');
    expect(answer).toContain('Domains must be root domains');
    expect(answer).toContain('domains');
    const requestId = harness.peeker.requestsTo('POST', '/domains/import')[0]?.requestId;
    expect(requestId).toBeDefined();
    expect(answer).toContain(requestId!);
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(0);
    expect(harness.peeker.requestsTo('POST', '/domains/import')).toHaveLength(1);
  });

  it('recovers a 5xx on the synchronous import by looking it up, then importing it as a job: one import, one message', async () => {
    harness = await Harness.start();
    // A 5xx does not prove Peeker did nothing, so the synchronous import is never blindly resent.
    harness.peeker.failNext({ method: 'POST', path: '/domains/import' }, { status: 503, times: 5 });
    const result = await harness.command('import acme-mail.com in <#CCUST|x>');
    await harness.settle(20_000);
    expect(harness.peeker.requestsTo('POST', /^\/domains\/import$/)).toHaveLength(1);
    expect(
      harness.peeker.requestsTo('GET', '/domains/import').some((r) => r.query.domains === 'acme-mail.com'),
    ).toBe(true);
    expect(harness.peeker.requestsTo('POST', '/domains/import/jobs').length).toBeGreaterThanOrEqual(1);
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(1);
    expect(allText(harness.responses(result.responseKey)[0])).toContain('Posted the nameserver instructions');
  });

  it('reports Peeker being down, with its error code and request ID, once lookup and job also fail within the bound', async () => {
    harness = await Harness.start({ app: { importRecoveryBudgetMs: 2_500 } });
    harness.peeker.failNext({ method: 'POST', path: '/domains/import' }, { status: 503, times: 100 });
    harness.peeker.failNext({ method: 'POST', path: '/domains/import/jobs' }, { status: 503, times: 100 });
    const result = await harness.command('import acme-mail.com in <#CCUST|x>');
    await harness.settle(20_000);
    const answer = allText(harness.responses(result.responseKey)[0]);
    expect(answer).toContain('Try again in a few minutes');
    expect(answer).toMatch(/req_[A-Za-z0-9]+/);
    expect(harness.peeker.requestsTo('POST', /^\/domains\/import$/)).toHaveLength(1);
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(0);
  });

  it('recovers an import whose answer was lost to a timeout by looking it up by its domains', async () => {
    harness = await Harness.start({ env: { PEEKER_TIMEOUT_SECONDS: '1' } });
    harness.peeker.setLatencyFor({ method: 'POST', path: '/domains/import' }, 1500);
    const result = await harness.command('import acme-mail.com team-acme.com in <#CCUST|x>');
    await harness.settle();
    expect(
      harness.peeker
        .requestsTo('GET', '/domains/import')
        .some((r) => r.query.domains === 'acme-mail.com,team-acme.com'),
    ).toBe(true);
    expect(harness.peeker.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(1);
    expect(allText(harness.responses(result.responseKey)[0])).toContain('Posted the nameserver instructions');
  });
});

describe('/peeker import when Peeker answers badly', () => {
  it('a 2xx it cannot read is looked up by its domains, so the import is neither lost nor doubled', async () => {
    harness = await Harness.start();
    // The fake creates the import, then answers garbage instead of the import object.
    harness.peeker.failNext(
      { method: 'POST', path: '/domains/import' },
      { status: 200, rawBody: '{"data": {"oops": tru' },
    );
    harness.peeker.addImport(['acme-mail.com']);
    const result = await harness.command('import acme-mail.com in <#CCUST|x>');
    await harness.settle();
    expect(
      harness.peeker.requestsTo('GET', '/domains/import').some((r) => r.query.domains === 'acme-mail.com'),
    ).toBe(true);
    expect(harness.peeker.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(1);
    expect(allText(harness.responses(result.responseKey)[0])).toContain('Posted the nameserver instructions');
  });

  it('a response missing required fields on a read is reported clearly to the requester', async () => {
    harness = await Harness.start();
    harness.peeker.failNext(
      { method: 'GET', path: '/domains/import' },
      { status: 200, rawBody: '{"data": {"status": "completed"}}' },
    );
    const result = await harness.command('status unknown-acme.com');
    const answer = await harness.slack.waitFor(() => harness?.responses(result.responseKey)[0]);
    expect(allText(answer)).toContain('malformed_response');
    expect(allText(answer)).toContain('missing or has unexpected fields');
  });
});

describe('/peeker import when Slack refuses the post', () => {
  it('explains not_in_channel, and a rerun after /invite posts without importing again', async () => {
    harness = await Harness.start();
    harness.slack.setChannel('CPRIV', { isPrivate: true, isMember: false });
    const first = await harness.command('import acme-mail.com in <#CPRIV|acme-private>');
    await harness.settle();
    const answer = allText(harness.responses(first.responseKey)[0]);
    expect(answer).toContain('/invite @Peeker');
    expect(answer).toContain('<#CPRIV>');
    expect(harness.slack.messagesIn('CPRIV')).toHaveLength(0);

    harness.slack.setChannel('CPRIV', { isPrivate: true, isMember: true });
    const second = await harness.command('import acme-mail.com in <#CPRIV|acme-private>');
    await harness.settle();
    expect(harness.slack.messagesIn('CPRIV')).toHaveLength(1);
    expect(harness.peeker.requestsTo('POST', '/domains/import')).toHaveLength(1);
    expect(allText(harness.responses(second.responseKey)[0])).toContain('<#CPRIV>');
  });

  it.each([
    ['channel_not_found', { exists: false }, 'private'],
    ['is_archived', { isArchived: true }, 'archived'],
  ])('explains %s', async (_error, channel, phrase) => {
    harness = await Harness.start();
    harness.slack.setChannel('CGONE', channel);
    const result = await harness.command('import acme-mail.com in <#CGONE|gone>');
    await harness.settle();
    expect(allText(harness.responses(result.responseKey)[0])).toContain(phrase);
  });

  it('falls back to an ephemeral message when the response_url has expired', async () => {
    harness = await Harness.start();
    const key = 'expired-url';
    harness.slack.failResponseUrl(key, 404);
    await harness.command('import acme-mail.com in <#CCUST|x>', {
      responseKey: key,
      channel: 'COPS',
      user: 'UOPS',
    });
    await harness.settle();
    const ephemeral = harness.slack.ephemerals.find((message) => message.user === 'UOPS');
    expect(ephemeral?.channel).toBe('COPS');
    expect(ephemeral?.text).toContain('Posted the nameserver instructions');
  });

  it('waits out a Slack 429 on the post and still delivers exactly one message', async () => {
    harness = await Harness.start();
    harness.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const result = await harness.command('import acme-mail.com in <#CCUST|x>');
    await harness.settle();
    expect(harness.slack.messagesIn('CCUST')).toHaveLength(1);
    expect(allText(harness.responses(result.responseKey)[0])).toContain('shortly');
  });
});
