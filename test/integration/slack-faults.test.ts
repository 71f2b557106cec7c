import { afterEach, describe, expect, it } from 'vitest';
import { importEventData, makeEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function importInto(h: Harness, channel = 'CCUST') {
  await h.command(`import acme-mail.com team-acme.com in <#${channel}|c>`);
  await h.settle();
  const id = [...h.peeker.imports.keys()].at(-1)!;
  return { id, parent: h.slack.messagesIn(channel).at(-1)! };
}

const completed = (h: Harness, id: string) =>
  makeEvent('domain_import.completed', {
    ...importEventData(h.peeker.getImport(id)!),
    completed_at: '2030-01-01T00:00:00Z',
  });

describe('Slack failing', () => {
  it('re-posts a status message someone deleted (message_not_found on the edit) and converges', async () => {
    harness = await Harness.start();
    const h = harness;
    const { id, parent } = await importInto(h);
    h.slack.deleteMessage('CCUST', parent.ts);
    await h.webhook(completed(h, id));
    await h.settle();
    expect(h.slack.callsTo('chat.update').at(-1)?.failed).toBeUndefined();
    const messages = h.slack.messagesIn('CCUST');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.ts).not.toBe(parent.ts);
    expect(allText(messages[0])).toContain('DNS verified');
    expect(h.slack.replies('CCUST', messages[0]!.ts).map((reply) => reply.text)).toEqual([
      '✅ DNS verified for acme-mail.com and team-acme.com.',
    ]);
  });

  it('retries a post Slack answered with 5xx and still delivers exactly one message', async () => {
    harness = await Harness.start();
    const h = harness;
    h.slack.failNext('chat.postMessage', { status: 503, times: 3 });
    const result = await h.command('import acme-mail.com in <#CCUST|c>');
    await h.settle(15_000);
    expect(h.slack.messagesIn('CCUST')).toHaveLength(1);
    // A 5xx may still have posted: the app looked in the channel before posting again.
    expect(h.slack.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(allText(h.responses(result.responseKey)[0])).toMatch(/shortly|Posted/);
  });

  it('keeps receiving and applying webhooks while a Slack call hangs', async () => {
    harness = await Harness.start();
    const h = harness;
    const { id, parent } = await importInto(h);
    h.slack.failNext('chat.update', { delayMs: 3000 });
    h.peeker.setImport(id, { status: 'action_required' });
    await h.webhook(makeEvent('domain_import.action_required', importEventData(h.peeker.getImport(id)!)));
    // Wait until the (slow) edit is in flight…
    await h.slack.waitFor(() => h.slack.callsTo('chat.update').length > 0, 5000);
    expect(h.slack.message('CCUST', parent.ts)?.edits).toBe(0);
    // …and meanwhile the next webhook is stored and applied, and the poll loop runs.
    const answer = await h.webhook(completed(h, id));
    expect(answer.status).toBe(200);
    await h.app.webhooks.drainNow();
    expect(allText((await h.command(`status ${id}`)).ack)).toContain('DNS verified');
    expect(await h.app.pollOnce()).toMatchObject({ failed: 0 });
    expect(h.slack.message('CCUST', parent.ts)?.edits).toBe(0);
    await h.settle(15_000);
    expect(allText(h.slack.message('CCUST', parent.ts))).toContain('DNS verified');
  });

  it('publishes the Home tab with what is in flight', async () => {
    harness = await Harness.start();
    const h = harness;
    await importInto(h);
    expect(await h.event({ type: 'app_home_opened', user: 'UOPS', channel: 'DHOME', tab: 'home' })).toBe(200);
    const publish = await h.slack.waitFor(() => h.slack.callsTo('views.publish')[0]);
    expect(publish.args.user_id).toBe('UOPS');
    const shown = JSON.stringify(publish.args.view);
    expect(shown).toContain('acme-mail.com');
    expect(shown).toContain('waiting for DNS');
    expect(shown).not.toMatch(/\$\d/);
  });
});
