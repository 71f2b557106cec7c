import { afterEach, describe, expect, it } from 'vitest';
import { importEventData, makeEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('/peeker import, end to end', () => {
  it('imports, posts the nameservers to the customer channel, and follows the webhook to DNS verified', async () => {
    harness = await Harness.start();
    const { slack, peeker } = harness;

    const result = await harness.command(
      'import <http://acme-mail.com|acme-mail.com>, Team-Acme.com in <#CCUST|acme-shared>',
    );
    expect(result.status).toBe(200);
    expect(result.ack?.text).toContain('Importing 2 domains');
    await harness.settle();

    const imports = peeker.requestsTo('POST', '/domains/import');
    expect(imports).toHaveLength(1);
    expect(imports[0]?.body).toEqual({ domains: ['acme-mail.com', 'team-acme.com'] });

    const [parent] = slack.messagesIn('CCUST');
    expect(parent).toBeDefined();
    const posted = allText(parent);
    expect(posted).toContain('helena.ns.cloudflare.com');
    expect(posted).toContain('idris.ns.cloudflare.com');
    expect(posted).toContain('acme-mail.com');
    expect(posted).toContain('team-acme.com');
    expect(posted).not.toContain('imp_');

    const [answer] = harness.responses(result.responseKey);
    expect(allText(answer)).toContain('<#CCUST>');

    const importId = peeker.requestsTo('POST', '/domains/import')[0] && [...peeker.imports.keys()][0];
    expect(importId).toBeDefined();
    const completed = makeEvent('domain_import.completed', {
      ...importEventData(peeker.getImport(importId ?? '')!),
      completed_at: '2030-01-01T00:00:00Z',
    });
    expect((await harness.webhook(completed)).status).toBe(200);
    await harness.settle();

    const edited = slack.message('CCUST', parent!.ts);
    expect(edited?.edits).toBe(1);
    expect(allText(edited)).toContain('✅');
    const replies = slack.replies('CCUST', parent!.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('DNS verified');

    // The same event again is answered 2xx and changes nothing.
    const again = await harness.webhook(completed);
    expect(again.status).toBe(200);
    await harness.settle();
    expect(slack.message('CCUST', parent!.ts)?.edits).toBe(1);
    expect(slack.replies('CCUST', parent!.ts)).toHaveLength(1);
  });
});
