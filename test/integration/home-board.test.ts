/**
 * The App Home board end to end: `app_home_opened` as a signed Events API request, the real
 * publisher of boards (debounced refreshes on the outbox's "something changed"), a fake Slack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { importEventData, makeEvent } from '../fakes/peeker/index.js';
import { Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const publishesFor = (h: Harness, user: string) =>
  h.slack.callsTo('views.publish').filter((call) => call.args.user_id === user && !call.failed);
const lastBoard = (h: Harness, user: string) => JSON.stringify(publishesFor(h, user).at(-1)?.args.view ?? {});

async function openHome(h: Harness, user: string): Promise<void> {
  const before = publishesFor(h, user).length;
  expect(await h.event({ type: 'app_home_opened', user, channel: 'DHOME', tab: 'home' })).toBe(200);
  await h.slack.waitFor(() => publishesFor(h, user).length > before, 5000, 'the Home tab');
}

describe('the App Home board', () => {
  it('is published when opened, and again (once, after the burst) when one of the person’s items changes', async () => {
    harness = await Harness.start();
    const h = harness;
    await h.command('import acme-mail.com team-acme.com in <#CCUST|acme>', { user: 'UOPS' });
    await h.settle();
    const importId = [...h.peeker.imports.keys()].at(-1)!;

    await openHome(h, 'UOPS');
    expect(lastBoard(h, 'UOPS')).toContain('acme-mail.com');
    expect(lastBoard(h, 'UOPS')).toContain('waiting for DNS');
    await openHome(h, 'UOTHER');
    expect(lastBoard(h, 'UOTHER')).not.toContain('team-acme.com');
    expect(lastBoard(h, 'UOTHER')).toContain('Nothing of yours in flight');

    // Nothing changed: a refresh publishes nothing.
    const quiet = await h.app.followUp.home.refreshNow();
    expect(quiet).toMatchObject({ published: 0, unchanged: 2 });

    // DNS verified (a webhook): UOPS's board is republished by itself, UOTHER's is not.
    const before = publishesFor(h, 'UOPS').length;
    h.peeker.setImport(importId, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    await h.webhook(makeEvent('domain_import.completed', importEventData(h.peeker.getImport(importId)!)));
    await h.settle();
    await h.slack.waitFor(() => publishesFor(h, 'UOPS').length > before, 8000, 'the refreshed board');
    expect(lastBoard(h, 'UOPS')).toContain('DNS verified');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(publishesFor(h, 'UOPS')).toHaveLength(before + 1);
    expect(publishesFor(h, 'UOTHER')).toHaveLength(1);
  });

  it('waits out a views.publish 429 and publishes afterwards', async () => {
    harness = await Harness.start();
    const h = harness;
    await openHome(h, 'UOPS');
    h.slack.failNext('views.publish', { status: 429, retryAfterSeconds: 1 });
    await h.command('import acme-mail.com in <#CCUST|acme>', { user: 'UOPS' });
    await h.settle();
    const result = await h.app.followUp.home.refreshNow();
    expect(result.deferred).toBe(1);
    await h.slack.waitFor(
      () => lastBoard(h, 'UOPS').includes('acme-mail.com'),
      6000,
      'the board published after the pause',
    );
    const rateLimited = h.slack.callsTo('views.publish').filter((call) => call.failed);
    expect(rateLimited).toHaveLength(1);
  });
});
