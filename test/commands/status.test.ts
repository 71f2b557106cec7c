import { afterEach, describe, expect, it } from 'vitest';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('/peeker status', () => {
  it('answers from SQLite for a followed domain and an import ID', async () => {
    harness = await Harness.start();
    await harness.command('import acme-mail.com team-acme.com in <#CCUST|x>');
    await harness.settle();
    const importId = [...harness.peeker.imports.keys()][0]!;
    const before = harness.peeker.requests.length;

    const byDomain = await harness.command('status <http://team-acme.com|team-acme.com>');
    expect(allText(byDomain.ack)).toContain('team-acme.com');
    expect(allText(byDomain.ack)).toContain('waiting for the nameserver change');
    expect(allText(byDomain.ack)).toContain('<#CCUST>');

    const byId = await harness.command(`status ${importId}`);
    expect(allText(byId.ack)).toContain(importId);
    expect(allText(byId.ack)).toContain('helena.ns.cloudflare.com');
    expect(harness.peeker.requests.length).toBe(before);
  });

  it("falls back to Peeker's lookup for a domain imported elsewhere, and says when nothing is known", async () => {
    harness = await Harness.start();
    harness.peeker.addImport(['elsewhere-acme.com']);
    const found = await harness.command('status elsewhere-acme.com');
    expect(found.ack?.text).toContain('asking Peeker');
    const answer = await harness.slack.waitFor(() => harness?.responses(found.responseKey)[0]);
    expect(allText(answer)).toContain('elsewhere-acme.com');
    expect(harness.peeker.requestsTo('GET', '/domains/import').at(-1)?.query.domains).toBe(
      'elsewhere-acme.com',
    );

    const missing = await harness.command('status nowhere-acme.com');
    const notFound = await harness.slack.waitFor(() => harness?.responses(missing.responseKey)[0]);
    expect(allText(notFound)).toContain('found no import');
  });
});
