import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK, ORDER_FORM_CALLBACK } from '../../src/views/ids.js';
import { domainConnectedData, importEventData, makeEvent, orderEventData } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import {
  blockAction,
  FAKE_BUNDLE_IDS,
  formState,
  latestFormView,
  MARKER_PASSWORD,
  placeOrderThroughSlack,
  viewSubmission,
} from '../helpers/order-flow.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Imports two domains into CCUST and verifies their DNS through the webhook (the seed's first half). */
async function importAndVerify(h: Harness, domains = ['acme-mail.com', 'team-acme.com'], channel = 'CCUST') {
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

function placedOrderId(h: Harness): string {
  const id = [...h.peeker.orders.keys()].at(-1);
  if (!id) throw new Error('no order reached Peeker');
  return id;
}

async function waitForOrderMessage(h: Harness, channel = 'CCUST') {
  return h.slack.waitFor(
    () => h.slack.messagesIn(channel).find((message) => allText(message).includes('Inbox order')),
    8000,
    'the order status message',
  );
}

describe('the order flow, end to end (seed workflow)', () => {
  it('import → verified → form → review → order → in_progress, domain.connected ×2, completed', async () => {
    harness = await Harness.start();
    const h = harness;
    await importAndVerify(h);

    const { review, place, reviewViewId } = await placeOrderThroughSlack(h, {
      input: { domainsSelected: ['acme-mail.com', 'team-acme.com'] },
    });

    // The form was opened with the trigger, then filled: bundles with their domain counts, the
    // channel's verified domains pre-selected.
    expect(h.slack.callsTo('views.open')[0]?.args.trigger_id).toBeTruthy();
    const form = latestFormView(h);
    const formText = JSON.stringify(form.blocks);
    expect(formText).toContain('Starter');
    expect(formText).toContain('2 domains');
    const selected = form.blocks.find(
      (block) => (block as { block_id?: string }).block_id === BLOCK.domainsSelected,
    ) as {
      element: { initial_options: { value: string }[] };
    };
    expect(selected.element.initial_options.map((option) => option.value)).toEqual([
      'acme-mail.com',
      'team-acme.com',
    ]);

    // The review shows what will be ordered and never the password.
    expect((review as { response_action: string }).response_action).toBe('push');
    const reviewText = JSON.stringify(review);
    expect(reviewText).toContain('alex@acme.com');
    expect(reviewText).toContain('acme-mail.com');
    expect(reviewText).toContain('Place order');
    expect(reviewText).not.toContain(MARKER_PASSWORD);
    expect((place as { response_action: string }).response_action).toBe('update');

    // Exactly the importing-domains guide's body reached Peeker.
    await h.peeker.waitFor(() => h.peeker.orders.size === 1, 5000, 'POST /orders');
    const orderId = placedOrderId(h);
    expect(h.peeker.orders.get(orderId)?.body).toEqual({
      user: 'alex@acme.com',
      bundle_id: FAKE_BUNDLE_IDS.starter,
      sequencer: {
        provider: 'smartlead',
        client_id: 366903,
        login_email: 'ops@acme.com',
        login_password: MARKER_PASSWORD,
      },
      forwarding_url: 'https://acme.com',
      domains: ['acme-mail.com', 'team-acme.com'],
      personas: [
        { first_name: 'Alex', last_name: 'Rivera', profile_picture_url: 'https://cdn.acme.com/alex.jpg' },
        { first_name: 'Sam', last_name: 'Lee', profile_picture_url: 'https://cdn.acme.com/sam.jpg' },
      ],
    });

    // One status message in the customer channel; the modal says where, with the cost (ops only).
    const parent = await waitForOrderMessage(h);
    expect(allText(parent)).toContain('0/2 domains connected');
    const placed = await h.slack.waitFor(() =>
      h.slack
        .callsTo('views.update')
        .find(
          (call) => call.args.view_id === reviewViewId && JSON.stringify(call.args.view).includes(orderId),
        ),
    );
    expect(JSON.stringify(placed.args.view)).toContain('$68.00');

    for (const event of [
      makeEvent('order.in_progress', orderEventData(orderId, 'in_progress')),
      makeEvent('domain.connected', domainConnectedData({ domain: 'acme-mail.com', order_id: orderId })),
      makeEvent(
        'domain.connected',
        domainConnectedData({ domain: 'team-acme.com', order_id: orderId, provider: 'microsoft' }),
      ),
      makeEvent('order.completed', orderEventData(orderId, 'completed')),
    ]) {
      expect((await h.webhook(event)).status).toBe(200);
    }
    await h.settle();

    const final = h.slack.message('CCUST', parent.ts)!;
    expect(allText(final)).toContain('2/2 domains connected');
    expect(allText(final)).toContain('Every inbox is live in Smartlead');
    const replies = h.slack.replies('CCUST', parent.ts).map((reply) => reply.text ?? '');
    expect(replies.join('\n')).toContain('acme-mail.com is connected (google)');
    expect(replies.join('\n')).toContain('team-acme.com is connected (microsoft)');
    expect(replies.filter((text) => text.includes('Every inbox is live in Smartlead'))).toHaveLength(1);
    // The customer channel never shows a price, the order ID or Peeker request IDs.
    for (const message of [final, ...h.slack.replies('CCUST', parent.ts)]) {
      expect(allText(message)).not.toMatch(/\$\d|ord_|req_|usd/i);
    }
    expect(
      h.slack.messagesIn('CCUST').filter((message) => allText(message).includes('Inbox order')),
    ).toHaveLength(1);
  });

  it('never writes the Smartlead password anywhere but the request to Peeker', async () => {
    harness = await Harness.start();
    const h = harness;
    await importAndVerify(h);
    // One successful order and one Peeker error (error paths are where secrets usually leak).
    await placeOrderThroughSlack(h, { input: { domainsSelected: ['acme-mail.com', 'team-acme.com'] } });
    await h.peeker.waitFor(() => h.peeker.orders.size === 1);
    await waitForOrderMessage(h);
    h.peeker.failNext(
      { method: 'POST', path: '/orders' },
      { status: 422, code: 'domain_count_mismatch', field: 'domains', message: 'bad' },
    );
    await placeOrderThroughSlack(h, {
      input: { domainsSelected: ['acme-mail.com', 'team-acme.com'], customerEmail: 'other@acme.com' },
    });
    await h.slack.waitFor(() =>
      h.slack
        .callsTo('views.update')
        .some((call) => JSON.stringify(call.args.view).includes('domain_count_mismatch')),
    );
    await h.settle();

    expect(h.peeker.orders.get(placedOrderId(h))?.body.sequencer.login_password).toBe(MARKER_PASSWORD);
    h.app.db.pragma('wal_checkpoint(PASSIVE)');
    const dir = dirname(h.config.databasePath);
    for (const file of readdirSync(dir)) {
      expect(readFileSync(`${dir}/${file}`).includes(MARKER_PASSWORD), `database file ${file}`).toBe(false);
    }
    expect(h.logs.join('\n')).not.toContain(MARKER_PASSWORD);
    for (const call of h.slack.calls) {
      expect(JSON.stringify(call.args), `slack ${call.method}`).not.toContain(MARKER_PASSWORD);
    }
    expect(JSON.stringify(h.slack.responses)).not.toContain(MARKER_PASSWORD);
    expect(JSON.stringify(h.slack.ephemerals)).not.toContain(MARKER_PASSWORD);
    expect(
      JSON.stringify([...h.slack.views.values()].filter((view) => view.view.id !== undefined)),
    ).not.toContain(MARKER_PASSWORD);
  });
});

describe('order form validation and approvals', () => {
  it('shows each problem next to its field and sends nothing', async () => {
    harness = await Harness.start();
    const h = harness;
    await h.command('order in <#COPS|ops>');
    await h.slack.waitFor(() => h.slack.callsTo('views.update').length > 0);
    const form = latestFormView(h);
    const result = await h.interact(
      viewSubmission(ORDER_FORM_CALLBACK, {
        ...form,
        values: formState({
          customerEmail: 'not-an-email',
          forwardingUrl: 'http://acme.com',
          domainsText: 'acme-mail.com mail.acme.com',
          smartleadPassword: '',
          personas: [{ first: '', last: 'Lee' }],
        }),
      }),
    );
    const body = result.body as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(
      [
        BLOCK.customerEmail,
        BLOCK.domainsText,
        BLOCK.forwardingUrl,
        BLOCK.smartleadPassword,
        'persona_0_first',
      ].sort(),
    );
    expect(body.errors[BLOCK.forwardingUrl]).toContain('https');
    expect(body.errors[BLOCK.domainsText]).toContain('mail.acme.com');
    expect(h.peeker.requestsTo('POST', '/orders')).toHaveLength(0);
    expect(h.app.db.prepare('SELECT COUNT(*) AS n FROM order_drafts').get()).toEqual({ n: 0 });

    const wrongCount = await h.interact(
      viewSubmission(ORDER_FORM_CALLBACK, {
        ...form,
        values: formState({ domainsText: 'one-acme.com two-acme.com three-acme.com' }),
      }),
    );
    expect((wrongCount.body as { errors: Record<string, string> }).errors[BLOCK.domainsText]).toMatch(
      /exactly 2/,
    );
  });

  it('lets only ORDER_APPROVERS place orders and tells others why', async () => {
    harness = await Harness.start({ env: { ORDER_APPROVERS: 'UBOSS' } });
    const h = harness;
    const denied = await placeOrderThroughSlack(h, {
      channel: 'COPS',
      input: { domainsText: 'a-acme.com b-acme.com' },
      user: 'UOPS',
    });
    expect(JSON.stringify(denied.review)).not.toContain('Place order');
    expect(JSON.stringify(denied.review)).toContain('UBOSS');
    expect(JSON.stringify(denied.place)).toContain('UBOSS');
    await h.settle();
    expect(h.peeker.requestsTo('POST', '/orders')).toHaveLength(0);

    const allowed = await placeOrderThroughSlack(h, {
      channel: 'COPS',
      input: { domainsText: 'a-acme.com b-acme.com' },
      user: 'UBOSS',
    });
    expect(JSON.stringify(allowed.review)).toContain('Place order');
    await h.peeker.waitFor(() => h.peeker.orders.size === 1);
  });

  it('adds and removes persona rows keeping what was typed', async () => {
    harness = await Harness.start();
    const h = harness;
    await h.command('order in <#COPS|ops>');
    await h.slack.waitFor(() => h.slack.callsTo('views.update').length > 0);
    const form = latestFormView(h);
    await h.interact(
      blockAction('persona_add', undefined, {
        view: {
          ...form,
          values: formState({
            customerEmail: 'typed@acme.com',
            personas: [{ first: 'Typed', last: 'Name' }],
          }),
        },
      }),
    );
    await h.slack.waitFor(() => h.slack.callsTo('views.update').length > 1);
    const update = h.slack.callsTo('views.update').at(-1)!;
    expect(update.args.hash).toBe(form.hash);
    const blocks = JSON.stringify((update.args.view as { blocks: unknown[] }).blocks);
    expect(blocks).toContain('persona_1_first');
    expect(blocks).toContain('typed@acme.com');
    expect(blocks).toContain('Typed');
    expect(blocks).not.toContain(MARKER_PASSWORD);
  });
});

describe('placing exactly once', () => {
  it('a double click on "Place order" creates one order and one status message', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.setLatencyFor({ method: 'POST', path: '/orders' }, 500);
    await h.command('order in <#COPS|ops>');
    await h.slack.waitFor(() => h.slack.callsTo('views.update').length > 0);
    const form = latestFormView(h);
    const review = await h.interact(
      viewSubmission(ORDER_FORM_CALLBACK, {
        ...form,
        values: formState({ domainsText: 'a-acme.com b-acme.com' }),
      }),
    );
    const metadata = (review.body as { view: { private_metadata: string } }).view.private_metadata;
    h.slack.views.set('VREV', { view: { id: 'VREV' }, hash: 'h' });
    const clicks = await Promise.all(
      [1, 2, 3].map(() =>
        h.interact(viewSubmission('order_review', { id: 'VREV', private_metadata: metadata })),
      ),
    );
    expect(clicks.every((click) => click.status === 200)).toBe(true);
    await waitForOrderMessage(h, 'COPS');
    await h.settle();
    expect(h.peeker.requestsTo('POST', '/orders')).toHaveLength(1);
    expect(
      h.slack.messagesIn('COPS').filter((message) => allText(message).includes('Inbox order')),
    ).toHaveLength(1);
  });

  it('the same order placed again (Peeker returns the original) keeps one status message', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, { channel: 'COPS', input: { domainsText: 'a-acme.com b-acme.com' } });
    await waitForOrderMessage(h, 'COPS');
    await placeOrderThroughSlack(h, { channel: 'COPS', input: { domainsText: 'a-acme.com b-acme.com' } });
    await h.peeker.waitFor(() => h.peeker.requestsTo('POST', '/orders').length === 2);
    await h.settle();
    expect(h.peeker.orders.size).toBe(1);
    expect(
      h.slack.messagesIn('COPS').filter((message) => allText(message).includes('Inbox order')),
    ).toHaveLength(1);
  });

  it("shows Peeker's error with code, field and request ID in the modal, and posts no status message", async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.failNext(
      { method: 'POST', path: '/orders' },
      {
        status: 422,
        code: 'domain_count_mismatch',
        message: 'Submitted domain count does not match the order plan',
        field: 'domains',
      },
    );
    const { reviewViewId } = await placeOrderThroughSlack(h, {
      channel: 'COPS',
      input: { domainsText: 'a-acme.com b-acme.com' },
    });
    const failed = await h.slack.waitFor(() =>
      h.slack
        .callsTo('views.update')
        .find(
          (call) =>
            call.args.view_id === reviewViewId &&
            JSON.stringify(call.args.view).includes('domain_count_mismatch'),
        ),
    );
    const shown = JSON.stringify(failed.args.view);
    expect(shown).toContain('Submitted domain count does not match the order plan');
    expect(shown).toContain('domains');
    expect(shown).toContain(h.peeker.requestsTo('POST', '/orders')[0]!.requestId);
    await h.settle();
    expect(h.slack.messagesIn('COPS')).toHaveLength(0);
  });
});

describe('the status thread under real event traffic', () => {
  it('duplicated and shuffled events end in the same state, each recorded once', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, { channel: 'COPS', input: { domainsText: 'a-acme.com b-acme.com' } });
    const parent = await waitForOrderMessage(h, 'COPS');
    const orderId = placedOrderId(h);
    const t = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)).toISOString();
    const events = [
      makeEvent('order.in_progress', orderEventData(orderId, 'in_progress'), { createdAt: t(1) }),
      makeEvent('domain.connected', domainConnectedData({ domain: 'a-acme.com', order_id: orderId }), {
        createdAt: t(2),
      }),
      makeEvent('domain.connected', domainConnectedData({ domain: 'b-acme.com', order_id: orderId }), {
        createdAt: t(3),
      }),
      makeEvent('order.completed', orderEventData(orderId, 'completed'), { createdAt: t(4) }),
    ];
    // Completed first, the stale in_progress last, and every event twice (once under a new ID).
    const shuffled = [events[3]!, events[1]!, events[0]!, events[2]!];
    for (const event of [...shuffled, ...shuffled.map((event) => ({ ...event, id: `${event.id}_again` }))]) {
      expect((await h.webhook(event)).status).toBe(200);
    }
    await h.settle();
    const final = h.slack.message('COPS', parent.ts)!;
    expect(allText(final)).toContain('2/2 domains connected');
    expect(allText(final)).toContain('Every inbox is live');
    const replies = h.slack
      .replies('COPS', parent.ts)
      .map((reply) => reply.text ?? '')
      .join('\n');
    expect(replies.match(/a-acme\.com is connected/g)).toHaveLength(1);
    expect(replies.match(/b-acme\.com is connected/g)).toHaveLength(1);
    expect(replies.match(/Every inbox is live in Smartlead/g)).toHaveLength(1);
  });

  it('a burst of 200 domain.connected events costs a handful of edits and batched replies', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.addBundle({
      id: 'bun_big',
      name: 'Big',
      required_domains: { google: 150, microsoft: 50, total: 200 },
    });
    const domains = Array.from({ length: 200 }, (_, index) => `burst-${index}-acme.com`);
    await placeOrderThroughSlack(h, {
      channel: 'COPS',
      input: { bundleId: 'bun_big', domainsText: domains.join('\n') },
    });
    const parent = await waitForOrderMessage(h, 'COPS');
    const orderId = placedOrderId(h);
    const updatesBefore = h.slack.callsTo('chat.update').length;
    const postsBefore = h.slack.callsTo('chat.postMessage').length;
    await Promise.all(
      domains.map((domain) =>
        h.webhook(makeEvent('domain.connected', domainConnectedData({ domain, order_id: orderId }))),
      ),
    );
    await h.settle(20_000);
    const final = h.slack.message('COPS', parent.ts)!;
    expect(allText(final)).toContain('200/200 domains connected');
    const edits = h.slack.callsTo('chat.update').length - updatesBefore;
    const posts = h.slack.callsTo('chat.postMessage').length - postsBefore;
    expect(edits).toBeGreaterThan(0);
    expect(edits).toBeLessThanOrEqual(10);
    expect(posts).toBeLessThanOrEqual(10);
    const replyText = h.slack
      .replies('COPS', parent.ts)
      .map((reply) => reply.text ?? '')
      .join('\n');
    expect(replyText.match(/domains connected/g)?.length ?? 0).toBeGreaterThan(0);
    const recorded = h.app.db
      .prepare('SELECT COUNT(*) AS n FROM slack_replies WHERE state = ?')
      .get('posted') as { n: number };
    expect(recorded.n).toBe(200);
  });

  it('waits out Slack 429s on edits and still converges', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, { channel: 'COPS', input: { domainsText: 'a-acme.com b-acme.com' } });
    const parent = await waitForOrderMessage(h, 'COPS');
    const orderId = placedOrderId(h);
    h.slack.failNext('chat.update', { status: 429, retryAfterSeconds: 1, times: 2 });
    await h.webhook(makeEvent('order.completed', orderEventData(orderId, 'completed')));
    await h.settle(15_000);
    expect(allText(h.slack.message('COPS', parent.ts))).toContain('Every inbox is live');
    expect(h.slack.callsTo('chat.update').filter((call) => call.failed)).toHaveLength(2);
  });
});

describe('domain events', () => {
  it('domain.forwarding_updated and _failed reply in the thread of the order that has the domain', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, { channel: 'COPS', input: { domainsText: 'a-acme.com b-acme.com' } });
    const parent = await waitForOrderMessage(h, 'COPS');
    await h.webhook(
      makeEvent('domain.forwarding_updated', {
        id: 'fwj_1',
        status: 'partial_success',
        forwarding_url: 'https://acme.com/new',
        completed: ['a-acme.com', 'elsewhere.com'],
        failed: [{ domain: 'b-acme.com', reason: 'dns_lookup_failed' }],
      }),
    );
    const unrelated = makeEvent('domain.forwarding_failed', {
      domain: 'not-ours.com',
      reason: 'invalid_target',
    });
    await h.webhook(unrelated);
    await h.settle();
    const replies = h.slack.replies('COPS', parent.ts).map((reply) => reply.text ?? '');
    expect(replies).toContain('↪️ a-acme.com now forwards to https://acme.com/new.');
    expect(replies).toContain(
      '⚠️ The forwarding of b-acme.com could not be changed: not resolving (`dns_lookup_failed`).',
    );
    expect(
      h.app.db.prepare('SELECT status FROM webhook_events WHERE event_id = ?').get(unrelated.id),
    ).toEqual({ status: 'ignored' });
  });
});

describe('pending actions', () => {
  it('order.action_required fetches the open actions and offers a pre-filled corrected order', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, {
      channel: 'COPS',
      input: {
        domainsText: 'a-acme.com b-acme.com',
        personas: [{ first: 'Sam', last: 'Lee', picture: 'https://private.acme.com/sam.jpg' }],
      },
    });
    const parent = await waitForOrderMessage(h, 'COPS');
    const orderId = placedOrderId(h);
    const action = h.peeker.addPendingAction(orderId, {
      user: { first_name: 'Sam', last_name: 'Lee', profile_picture_url: 'https://private.acme.com/sam.jpg' },
    });
    await h.webhook(makeEvent('order.action_required', orderEventData(orderId, 'action_required')));
    await h.app.webhooks.drainNow();
    await h.app.runTasksNow();
    await h.settle();

    expect(h.peeker.requestsTo('GET', '/orders/pending').at(-1)?.query.order_id).toBe(orderId);
    expect(allText(h.slack.message('COPS', parent.ts))).toContain('Needs attention');
    const reply = h.slack
      .replies('COPS', parent.ts)
      .find((message) => allText(message).includes('profile picture'));
    expect(allText(reply)).toContain('Sam Lee');
    expect(allText(reply)).toContain('order_fix');

    // /peeker pending lists it with the same fix button.
    const pending = await h.command(`pending ${orderId}`);
    expect(allText(pending.ack)).toContain(action.id);
    expect(allText(pending.ack)).toContain('order_fix');

    // The button opens the form pre-filled from the original order, minus the password.
    await h.interact(blockAction('order_fix', JSON.stringify({ order: orderId, action: action.id })));
    await h.slack.waitFor(
      () =>
        h.slack
          .callsTo('views.update')
          .filter((call) => JSON.stringify(call.args.view).includes('private.acme.com')).length > 0,
    );
    const prefilled = JSON.stringify(h.slack.callsTo('views.update').at(-1)!.args.view);
    expect(prefilled).toContain('alex@acme.com');
    expect(prefilled).toContain('a-acme.com');
    expect(prefilled).toContain('not publicly accessible');
    expect(prefilled).not.toContain(MARKER_PASSWORD);

    // A repeat of the event changes nothing; once Peeker no longer lists it, it is resolved.
    h.peeker.resolvePendingAction(action.id);
    await h.webhook(makeEvent('order.action_required', orderEventData(orderId, 'action_required')));
    await h.app.webhooks.drainNow();
    await h.app.runTasksNow();
    await h.settle();
    expect(
      h.slack.replies('COPS', parent.ts).filter((message) => allText(message).includes('profile picture')),
    ).toHaveLength(1);
    expect(allText((await h.command(`pending ${orderId}`)).ack)).toContain('No open actions');
  });

  it('an order placed in a channel that later gets nameserver instructions is shown customer wording from then on', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, { channel: 'CNEW', input: { domainsText: 'a-acme.com b-acme.com' } });
    const parent = await waitForOrderMessage(h, 'CNEW');
    const orderId = placedOrderId(h);
    expect(allText(h.slack.message('CNEW', parent.ts))).toContain('Cost');
    expect(allText(h.slack.message('CNEW', parent.ts))).toContain(orderId);

    await h.command('import late-acme.com in <#CNEW|customer>');
    await h.settle();
    const now = allText(h.slack.message('CNEW', parent.ts));
    expect(now).not.toContain('Cost');
    expect(now).not.toContain(orderId);
    expect(now).toContain('0/2 domains connected');
  });

  it('an order placed in a channel that is later shared through Slack Connect is shown customer wording from then on', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, { channel: 'CLATER', input: { domainsText: 'a-acme.com b-acme.com' } });
    const parent = await waitForOrderMessage(h, 'CLATER');
    const orderId = placedOrderId(h);
    expect(allText(h.slack.message('CLATER', parent.ts))).toContain(orderId);

    const status = await h.event({
      type: 'channel_shared',
      channel: 'CLATER',
      connected_team_id: 'E0CUSTOMER',
      event_ts: `${Date.now() / 1000}`,
    });
    expect(status).toBe(200);
    await h.settle();
    const now = allText(h.slack.message('CLATER', parent.ts));
    expect(now).not.toContain('Cost');
    expect(now).not.toContain(orderId);
    expect(now).toContain('0/2 domains connected');
  });

  it('keeps the fix out of a customer channel and sends it to the person who ordered', async () => {
    harness = await Harness.start();
    const h = harness;
    await importAndVerify(h);
    await placeOrderThroughSlack(h, { input: { domainsSelected: ['acme-mail.com', 'team-acme.com'] } });
    const parent = await waitForOrderMessage(h);
    const orderId = placedOrderId(h);
    h.peeker.addPendingAction(orderId);
    await h.webhook(makeEvent('order.action_required', orderEventData(orderId, 'action_required')));
    await h.app.webhooks.drainNow();
    await h.app.runTasksNow();
    await h.settle();
    const reply = h.slack
      .replies('CCUST', parent.ts)
      .find((message) => allText(message).includes('profile picture'));
    expect(allText(reply)).not.toContain('order_fix');
    expect(allText(reply)).not.toMatch(/act_|ord_/);
    const dm = h.slack.messagesIn('UOPS').find((message) => allText(message).includes('order_fix'));
    expect(dm).toBeDefined();
  });
});

describe('order status, reconcile', () => {
  it('/peeker status ord_… answers from SQLite with the cost; a quiet order is reconciled with GET /orders/{id}', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeOrderThroughSlack(h, { channel: 'COPS', input: { domainsText: 'a-acme.com b-acme.com' } });
    const parent = await waitForOrderMessage(h, 'COPS');
    const orderId = placedOrderId(h);
    const status = await h.command(`status ${orderId}`);
    expect(allText(status.ack)).toContain('$68.00');
    expect(allText(status.ack)).toContain('0/2 domains connected');

    h.peeker.setOrder(orderId, { status: 'completed' });
    h.app.db.prepare('UPDATE orders SET next_reconcile_at = 0 WHERE id = ?').run(orderId);
    const result = await h.app.pollOnce();
    expect(result.ordersChecked).toBe(1);
    await h.settle();
    expect(h.peeker.requestsTo('GET', `/orders/${orderId}`)).toHaveLength(1);
    expect(allText(h.slack.message('COPS', parent.ts))).toContain('Every inbox is live');
  });
});
