import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK, ORDER_FORM_CALLBACK, ORDER_REVIEW_CALLBACK } from '../../src/views/ids.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { domainConnectedData, FakePeeker, importEventData, makeEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import {
  blockAction,
  type FormInput,
  formState,
  latestFormView,
  viewSubmission,
  waitForFormUpdate,
} from '../helpers/order-flow.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Imports the domains into the channel and verifies their DNS through the webhook. */
async function importAndVerify(h: Harness, domains: string[], channel = 'CCUST') {
  await h.command(`import ${domains.join(' ')} in <#${channel}|acme>`);
  await h.settle();
  const importId = [...h.peeker.imports.keys()].at(-1)!;
  await h.webhook(
    makeEvent('domain_import.completed', {
      ...importEventData(h.peeker.getImport(importId)!),
      completed_at: '2030-01-01T00:00:00Z',
    }),
  );
  await h.settle();
}

/** Opens the order form for the channel and submits it once; returns the submission's answer. */
async function submitForm(
  h: Harness,
  input: FormInput,
  options: { channel?: string; extraValues?: Record<string, Record<string, unknown>> } = {},
) {
  const channel = options.channel ?? 'CCUST';
  const before = h.slack.callsTo('views.update').length;
  await h.command(`order in <#${channel}|customer>`);
  await waitForFormUpdate(h, before);
  const form = latestFormView(h);
  const submit = () =>
    h.interact(
      viewSubmission(ORDER_FORM_CALLBACK, {
        ...form,
        values: {
          ...formState({ personas: [{ first: 'Alex', last: 'Rivera' }], ...input }),
          ...options.extraValues,
        },
      }),
    );
  return { form, submit, first: await submit() };
}

type Ack = {
  response_action?: string;
  errors?: Record<string, string>;
  view?: { private_metadata?: string };
};

async function place(h: Harness, review: Ack) {
  const id = `VREVIEW${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  h.slack.views.set(id, { view: { ...(review.view ?? {}), id, hash: 'hr' }, hash: 'hr' });
  await h.interact(
    viewSubmission(ORDER_REVIEW_CALLBACK, { id, private_metadata: review.view?.private_metadata ?? '' }),
  );
  await h.peeker.waitFor(() => h.peeker.orders.size === 1, 5000, 'POST /orders');
  return [...h.peeker.orders.values()][0]!;
}

describe('buying domains through the order form', () => {
  it('an imported + a taken domain: an error on the domains field naming it, and no order', async () => {
    harness = await Harness.start();
    const h = harness;
    await importAndVerify(h, ['acme-mail.com']);
    h.peeker.setAvailability('taken-acme.com', { reason: 'taken' });
    h.peeker.setAvailability('gold-acme.com', { available: true, premium: true });

    const { first } = await submitForm(h, {
      domainsSelected: ['acme-mail.com'],
      domainsText: 'taken-acme.com',
    });
    const ack = first.body as Ack;
    expect(ack.response_action).toBe('errors');
    expect(ack.errors?.[BLOCK.domainsText]).toBe('Can’t order: taken-acme.com (taken)');
    // The verified import was not checked; the other name was.
    expect(h.peeker.requestsTo('POST', '/domains/availability').map((r) => r.body)).toEqual([
      { domains: ['taken-acme.com'] },
    ]);
    expect(h.peeker.requestsTo('POST', '/orders')).toHaveLength(0);

    // A premium name is refused the same way (not orderable through the API).
    const premium = await submitForm(h, { domainsSelected: ['acme-mail.com'], domainsText: 'gold-acme.com' });
    expect((premium.first.body as Ack).errors?.[BLOCK.domainsText]).toMatch(/gold-acme.com \(premium/);
    expect(h.peeker.requestsTo('POST', '/orders')).toHaveLength(0);
  });

  it('an imported + an available domain: the review shows the price, the order carries both, both connect', async () => {
    harness = await Harness.start();
    const h = harness;
    await importAndVerify(h, ['acme-mail.com']);
    h.peeker.setAvailability('new-acme.com', {
      price_cents: 1100,
      renewal_price_cents: 1700,
      currency: 'usd',
      usable_for: ['google', 'microsoft'],
    });

    const { first } = await submitForm(h, {
      domainsSelected: ['acme-mail.com'],
      domainsText: 'new-acme.com',
    });
    const review = first.body as Ack;
    expect(review.response_action).toBe('push');
    const reviewText = JSON.stringify(review.view);
    expect(reviewText).toContain('1 imported · 1 to register by Peeker');
    expect(reviewText).toContain('Imported (1)');
    expect(reviewText).toContain('To register (1)');
    expect(reviewText).toContain('`new-acme.com` — $11.00 first year, then $17.00/yr · Google, Microsoft');
    expect(reviewText).toContain('*Registration cost:* $11.00 the first year, then $17.00 a year');
    // The inventory was looked up (paginated list) before the availability check.
    expect(h.peeker.requestsTo('GET', '/domains').map((r) => r.query.category)).toEqual(['inventory']);

    const placed = await place(h, review);
    expect(placed.body.domains).toEqual(['acme-mail.com', 'new-acme.com']);
    expect(placed.body.sequencer).toMatchObject({ provider: 'smartlead' });

    // The status thread: the registered domain connects like the imported one, no nameserver step.
    const parent = await h.slack.waitFor(
      () => h.slack.messagesIn('CCUST').find((m) => allText(m).includes('Inbox order')),
      8000,
    );
    expect(allText(parent)).toContain('0/2 domains connected');
    const orderId = placed.order.id;
    for (const domain of ['acme-mail.com', 'new-acme.com']) {
      await h.webhook(makeEvent('domain.connected', domainConnectedData({ domain, order_id: orderId })));
    }
    await h.settle();
    expect(allText(h.slack.message('CCUST', parent.ts))).toContain('2/2 domains connected');
    const replies = h.slack
      .replies('CCUST', parent.ts)
      .map((reply) => allText(reply))
      .join('\n');
    expect(replies).toContain('new-acme.com');
    expect(replies).not.toMatch(/nameserver/i);
    // The customer channel never sees a registration price.
    expect(allText(h.slack.message('CCUST', parent.ts))).not.toMatch(/\$\d/);
  });

  it('a spare domain in the Peeker inventory counts as imported (not checked, not bought)', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.addInventoryDomain('spare-acme.com');
    const { first } = await submitForm(
      h,
      { domainsText: 'spare-acme.com new-acme.com' },
      { channel: 'COPS' },
    );
    const review = first.body as Ack;
    expect(review.response_action).toBe('push');
    expect(JSON.stringify(review.view)).toContain('1 imported · 1 to register by Peeker');
    expect(h.peeker.requestsTo('POST', '/domains/availability').map((r) => r.body)).toEqual([
      { domains: ['new-acme.com'] },
    ]);
  });

  it('when Peeker is slow, asks to press Review again within the deadline; the second press uses the cache', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.setLatencyFor({ method: 'POST', path: '/domains/availability' }, 3500);
    const { first, submit } = await submitForm(
      h,
      { domainsText: 'slow-one-acme.com slow-two-acme.com' },
      { channel: 'COPS' },
    );
    expect((first.body as Ack).errors?.[BLOCK.domainsText]).toMatch(
      /Still checking 2 domains.*press Review again/,
    );
    await h.peeker.waitFor(
      () => h.peeker.requests.some((r) => r.path === '/domains/availability' && r.status === 200),
      8000,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await submit();
    expect((second.body as Ack).response_action).toBe('push');
    expect(h.peeker.availabilityCallCount()).toBe(1);
    expect(h.peeker.requestsTo('POST', '/orders')).toHaveLength(0);
  }, 20_000);

  it('a corrected order reuses the original order’s registered domains without asking whether they are free', async () => {
    // A restart in between, so no cache remembers these names as available.
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const dir = mkdtempSync(join(tmpdir(), 'peeker-reorder-'));
    const databasePath = join(dir, 'db.sqlite');
    try {
      const first = await Harness.start({ slack, peeker, databasePath });
      const submitted = await submitForm(
        first,
        { domainsText: 'new-acme.com other-acme.com' },
        { channel: 'COPS' },
      );
      const placed = await place(first, submitted.first.body as Ack);
      const action = peeker.addPendingAction(placed.order.id);
      await first.webhook(
        makeEvent('order.action_required', { id: placed.order.id, status: 'action_required' }),
      );
      await first.app.webhooks.drainNow();
      await first.app.runTasksNow();
      await first.settle();
      await first.stop();

      // Peeker now calls them taken: they are on the original order.
      peeker.setAvailability('new-acme.com', { reason: 'taken' });
      peeker.setAvailability('other-acme.com', { reason: 'taken' });
      harness = await Harness.start({ slack, peeker, databasePath });
      const h = harness;
      const checked = peeker.availabilityCallCount();
      const before = slack.callsTo('views.update').length;
      await h.interact(
        blockAction('order_fix', JSON.stringify({ order: placed.order.id, action: action.id })),
      );
      await waitForFormUpdate(h, before);
      const form = latestFormView(h);
      const review = await h.interact(
        viewSubmission(ORDER_FORM_CALLBACK, {
          ...form,
          values: formState({
            domainsText: 'new-acme.com other-acme.com',
            personas: [{ first: 'Alex', last: 'Rivera' }],
          }),
        }),
      );
      expect((review.body as Ack).response_action).toBe('push');
      expect(peeker.availabilityCallCount()).toBe(checked);
      await harness.stop();
      harness = undefined;
    } finally {
      await slack.stop();
      await peeker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a 30-domain bundle from a file (a text box holds only 3,000 characters)', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.addBundle({
      id: 'bun_file_30',
      name: 'Thirty',
      required_domains: { google: 20, microsoft: 10, total: 30 },
    });
    const domains = Array.from({ length: 30 }, (_, i) => `file-${i}-acme.com`);
    const file = h.slack.addFile(`${domains.join('\n')}\n`, { name: 'domains.txt' });
    const fileState = { [BLOCK.domainsFile]: { value: { type: 'file_input', files: [file] } } };

    // A file with a bad entry is refused under the file field.
    const badFile = h.slack.addFile('ok-acme.com\nmail.acme.com\n');
    const bad = await submitForm(
      h,
      { bundleId: 'bun_file_30' },
      {
        channel: 'COPS',
        extraValues: { [BLOCK.domainsFile]: { value: { type: 'file_input', files: [badFile] } } },
      },
    );
    expect((bad.first.body as Ack).errors?.[BLOCK.domainsFile]).toMatch(/In the file: .*mail\.acme\.com/);

    const { first } = await submitForm(
      h,
      { bundleId: 'bun_file_30' },
      { channel: 'COPS', extraValues: fileState },
    );
    const review = first.body as Ack;
    expect(review.response_action).toBe('push');
    expect(JSON.stringify(review.view)).toContain('0 imported · 30 to register by Peeker');
    // Downloaded with the bot token; checked in batches of at most 25.
    expect(h.slack.fileDownloads.find((d) => d.id === file.id)?.token).toBe(h.config.slack.botToken);
    for (const request of h.peeker.requestsTo('POST', '/domains/availability')) {
      expect((request.body as { domains: string[] }).domains.length).toBeLessThanOrEqual(25);
    }
    const placed = await place(h, review);
    expect(placed.body.domains).toEqual(domains);
  });
});
