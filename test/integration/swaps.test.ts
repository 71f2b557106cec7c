import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, SWAP_ACTION, SWAP_BLOCK, SWAP_FORM_CALLBACK } from '../../src/views/ids.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { FakePeeker, swapEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import {
  confirmSwap,
  latestViewText,
  openSwapForm,
  placeLiveOrder,
  submitSwapForm,
  waitForView,
} from '../helpers/live-domains.js';
import { blockAction } from '../helpers/order-flow.js';

let harness: Harness | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The `value` of the button with `actionId` in a message's blocks. */
function buttonValue(blocks: unknown[] | undefined, actionId: string): string | undefined {
  for (const block of blocks ?? []) {
    const elements = (block as { elements?: { action_id?: string; value?: string }[] }).elements ?? [];
    const found = elements.find((element) => element.action_id === actionId);
    if (found) return found.value;
  }
  return undefined;
}

const threadText = (h: Harness, channel: string, parentTs: string) =>
  h.slack
    .replies(channel, parentTs)
    .map((reply) => allText(reply))
    .join('\n');

describe('/peeker swap, end to end', () => {
  it('standard swap: form → checked replacement with its price → one POST /swaps → thread and parent follow', async () => {
    harness = await Harness.start();
    const h = harness;
    const order = await placeLiveOrder(h, { domains: ['old-acme.com', 'keep-acme.com'] });
    h.peeker.clearRequests();

    const form = await openSwapForm(h, 'swap old-acme.com for fresh-acme.com');
    const formText = JSON.stringify(form.blocks);
    expect(formText).toContain(order.orderId);
    expect(formText).toContain('alex@acme.com');
    expect(formText).toContain('old-acme.com · Google');
    expect(formText).toContain('fresh-acme.com');
    expect(formText).toContain('Old domain retired at once');
    expect(formText).toContain('Old domain stays warm 14 days');

    const { review } = await submitSwapForm(h, form, {
      domain: 'old-acme.com',
      replacement: 'fresh-acme.com',
    });
    if (!review) throw new Error('no review');
    const reviewText = JSON.stringify(review.blocks);
    expect(reviewText).toContain('$13.00');
    expect(reviewText).toContain('Standard');
    expect(h.peeker.availabilityCallCount()).toBe(1);
    expect(h.peeker.requestsTo('POST', '/swaps')).toHaveLength(0);

    const ack = await confirmSwap(h, review);
    expect(ack.response_action).toBe('update');
    // A second click on the same review sends nothing new.
    await confirmSwap(h, review);
    await h.peeker.waitFor(() => h.peeker.swaps.size === 1, 5000, 'POST /swaps');
    await h.slack.waitFor(
      () => latestViewText(h, review.id).includes('Swap requested'),
      5000,
      'the placed view',
    );
    await h.settle();
    const posts = h.peeker.requestsTo('POST', '/swaps');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      type: 'standard',
      domain_id: h.peeker.domainId('old-acme.com'),
      replacement_domain: 'fresh-acme.com',
    });
    const [swapId] = [...h.peeker.swaps.keys()];
    if (!swapId) throw new Error('no swap');
    expect(threadText(h, 'COPS', order.parentTs)).toContain('Swap started: old-acme.com → fresh-acme.com');

    for (const status of ['in_progress', 'completed'] as const) {
      await h.webhook(swapEvent(h.peeker.advanceSwap(swapId, status)));
    }
    await h.settle();
    const thread = threadText(h, 'COPS', order.parentTs);
    expect(thread).toContain('fresh-acme.com replaced old-acme.com');
    const parent = allText(h.slack.message('COPS', order.parentTs));
    expect(parent).toContain('fresh-acme.com replaced old-acme.com');
    expect(parent).toContain('2/2 domains connected');

    // Repeated and shuffled events: no second reply, no change.
    const repliesBefore = h.slack.replies('COPS', order.parentTs).length;
    await h.webhook(swapEvent({ ...h.peeker.getSwap(swapId)!, status: 'in_progress' }));
    await h.webhook(swapEvent({ ...h.peeker.getSwap(swapId)!, status: 'created' }));
    await h.webhook(swapEvent(h.peeker.getSwap(swapId)!));
    await h.settle();
    expect(h.slack.replies('COPS', order.parentTs)).toHaveLength(repliesBefore);
    expect(h.peeker.requestsTo('POST', '/swaps')).toHaveLength(1);

    // The retired domain is no longer a swap candidate; the replacement is.
    const again = await openSwapForm(h, 'swap fresh-acme.com');
    expect(JSON.stringify(again.blocks)).toContain('fresh-acme.com · Google');
    expect(JSON.stringify(again.blocks)).not.toContain('old-acme.com ·');
  });

  it('refuses premium on a Google domain (and other known problems) before any call', async () => {
    harness = await Harness.start();
    const h = harness;
    await placeLiveOrder(h, { domains: ['g-acme.com', 'other-acme.com'] });
    h.peeker.clearRequests();
    const form = await openSwapForm(h, 'swap g-acme.com for fresh-acme.com premium');
    const premium = await submitSwapForm(h, form, {
      domain: 'g-acme.com',
      replacement: 'fresh-acme.com',
      type: 'premium',
    });
    expect(premium.ack.response_action).toBe('errors');
    expect((premium.ack.errors as Record<string, string>)[SWAP_BLOCK.type]).toContain(
      'Premium swaps are for Microsoft domains only',
    );
    const onOrder = await submitSwapForm(h, form, { domain: 'g-acme.com', replacement: 'other-acme.com' });
    expect((onOrder.ack.errors as Record<string, string>)[SWAP_BLOCK.replacement]).toContain(
      'already on an order',
    );
    const itself = await submitSwapForm(h, form, { domain: 'g-acme.com', replacement: 'g-acme.com' });
    expect((itself.ack.errors as Record<string, string>)[SWAP_BLOCK.replacement]).toContain(
      'cannot replace itself',
    );
    const notRoot = await submitSwapForm(h, form, {
      domain: 'g-acme.com',
      replacement: 'mail.fresh-acme.com',
    });
    expect((notRoot.ack.errors as Record<string, string>)[SWAP_BLOCK.replacement]).toContain(
      'fresh-acme.com',
    );

    // The command refuses a swap onto itself and non-roots before opening anything.
    const self = await h.command('swap g-acme.com for g-acme.com');
    expect(allText(self.ack)).toContain('cannot replace itself');
    const sub = await h.command('swap mail.g-acme.com');
    expect(allText(sub.ack)).toContain('g-acme.com');
    // An unknown domain: the modal says so.
    const before = h.slack.callsTo('views.update').length;
    await h.command('swap nobody-acme.com');
    await h.slack.waitFor(
      () =>
        h.slack
          .callsTo('views.update')
          .slice(before)
          .some((c) => JSON.stringify(c.args.view).includes('not a connected domain')),
      5000,
      'the unknown-domain view',
    );
    await h.settle();
    expect(h.peeker.requestsTo('POST', '/swaps')).toHaveLength(0);
    expect(h.peeker.availabilityCallCount()).toBe(0);
  });

  it("shows Peeker's own refusal (quota) on the form's field", async () => {
    harness = await Harness.start();
    const h = harness;
    await placeLiveOrder(h, {
      domains: ['ms-acme.com', 'ms2-acme.com'],
      providers: { 'ms-acme.com': 'microsoft' },
    });
    h.peeker.setPremiumSwapQuota(0);
    const form = await openSwapForm(h, 'swap ms-acme.com for fresh-acme.com premium');
    const { review } = await submitSwapForm(h, form, {
      domain: 'ms-acme.com',
      replacement: 'fresh-acme.com',
      type: 'premium',
    });
    if (!review) throw new Error('no review');
    await confirmSwap(h, review);
    await h.slack.waitFor(
      () => latestViewText(h, review.id).includes('swap_quota_exceeded'),
      5000,
      'the refusal',
    );
    const view = latestViewText(h, review.id);
    expect(view).toContain('Premium swap quota for your tier is used up');
    expect(view).toContain('swap_form');
    expect(h.peeker.requestsTo('POST', '/swaps')).toHaveLength(1);
  });

  it('replacement not imported → action_required → the button imports it into the customer channel → swap resolves', async () => {
    harness = await Harness.start();
    const h = harness;
    const order = await placeLiveOrder(h, { domains: ['burnt-acme.com', 'ok-acme.com'] });
    const form = await openSwapForm(h, 'swap burnt-acme.com for own-acme.com');
    const { review } = await submitSwapForm(h, form, {
      domain: 'burnt-acme.com',
      replacement: 'own-acme.com',
    });
    if (!review) throw new Error('no review');
    await confirmSwap(h, review);
    await h.peeker.waitFor(() => h.peeker.swaps.size === 1, 5000, 'POST /swaps');
    await h.settle();
    const [swapId] = [...h.peeker.swaps.keys()];
    await h.webhook(swapEvent(h.peeker.advanceSwap(swapId!, 'action_required')));
    await h.settle();
    const reply = h.slack
      .replies('COPS', order.parentTs)
      .find((r) => allText(r).includes('not imported yet'));
    expect(allText(reply)).toContain(SWAP_ACTION.importReplacement);
    const value = buttonValue(reply?.blocks, SWAP_ACTION.importReplacement);
    expect(value).toBe(JSON.stringify({ swap: swapId }));

    await h.interact(blockAction(SWAP_ACTION.importReplacement, value, { channel: 'COPS' }));
    await h.peeker.waitFor(
      () => h.peeker.requestsTo('POST', '/domains/import').length === 1,
      5000,
      'the import',
    );
    await h.settle();
    expect(h.peeker.requestsTo('POST', '/domains/import')[0]?.body).toEqual({ domains: ['own-acme.com'] });
    // The normal import flow: nameserver instructions in the order's channel.
    expect(
      h.slack
        .messagesIn('COPS')
        .some((m) => allText(m).includes('own-acme.com') && allText(m).includes('nameserver')),
    ).toBe(true);

    // Peeker resolves the swap by itself once the replacement is verified.
    await h.webhook(swapEvent(h.peeker.advanceSwap(swapId!, 'in_progress')));
    await h.webhook(swapEvent(h.peeker.advanceSwap(swapId!, 'completed')));
    await h.settle();
    expect(threadText(h, 'COPS', order.parentTs)).toContain('own-acme.com replaced burnt-acme.com');
    expect(h.peeker.requestsTo('POST', '/swaps')).toHaveLength(1);
  });

  it('in a customer channel the thread gets customer words only; the fix goes to the requester by DM', async () => {
    harness = await Harness.start();
    const h = harness;
    // Nameserver instructions were posted there: a customer channel.
    await h.command('import spare-acme.com in <#CCUST|acme>');
    await h.settle();
    const order = await placeLiveOrder(h, { domains: ['cu-acme.com', 'cu2-acme.com'], channel: 'CCUST' });
    const form = await openSwapForm(h, 'swap cu-acme.com for cu-fresh.com');
    const { review } = await submitSwapForm(h, form, { domain: 'cu-acme.com', replacement: 'cu-fresh.com' });
    if (!review) throw new Error('no review');
    await confirmSwap(h, review);
    await h.peeker.waitFor(() => h.peeker.swaps.size === 1, 5000, 'POST /swaps');
    await h.settle();
    const [swapId] = [...h.peeker.swaps.keys()];
    await h.webhook(swapEvent(h.peeker.advanceSwap(swapId!, 'action_required')));
    await h.settle();
    const thread = threadText(h, 'CCUST', order.parentTs);
    expect(thread).toContain('Replacing cu-acme.com with cu-fresh.com');
    expect(thread).toContain('needs one more step from our side');
    expect(thread).not.toMatch(/swp_|swap_import_replacement|replacement_not_imported|UOPS/);
    const dm = h.slack.messagesIn('UOPS').find((m) => allText(m).includes('cu-fresh.com'));
    expect(buttonValue(dm?.blocks, SWAP_ACTION.importReplacement)).toBe(JSON.stringify({ swap: swapId }));
    // Once Peeker goes on, the DM says no fix is needed any more.
    await h.webhook(swapEvent(h.peeker.advanceSwap(swapId!, 'in_progress')));
    await h.settle();
    expect(allText(h.slack.message('UOPS', dm?.ts ?? ''))).toContain('no longer needs anything from you');
  });

  it('only ORDER_APPROVERS may swap: others see who can, and nothing is sent', async () => {
    harness = await Harness.start({ env: { ORDER_APPROVERS: 'UOPS' } });
    const h = harness;
    await placeLiveOrder(h, { domains: ['ap-acme.com', 'ap2-acme.com'] });
    const form = await openSwapForm(h, 'swap ap-acme.com for ap-fresh.com', 'UOTHER');
    const { review } = await submitSwapForm(
      h,
      form,
      { domain: 'ap-acme.com', replacement: 'ap-fresh.com' },
      'UOTHER',
    );
    if (!review) throw new Error('no review');
    expect(latestViewText(h, review.id)).not.toContain('Swap domain');
    expect(latestViewText(h, review.id)).toContain('Only <@UOPS> can swap domains');
    // A forged submission is refused all the same.
    const answer = await confirmSwap(h, review, 'UOTHER');
    expect(JSON.stringify(answer)).toContain('Only <@UOPS> can swap domains');
    await h.settle();
    expect(h.peeker.requestsTo('POST', '/swaps')).toHaveLength(0);
  });

  it('"Swap a domain…" in the order\'s menu opens the swap form for that order', async () => {
    harness = await Harness.start();
    const h = harness;
    const order = await placeLiveOrder(h, { domains: ['menu-acme.com', 'menu2-acme.com'] });
    const parent = h.slack.message('COPS', order.parentTs);
    const menu = (parent?.blocks ?? [])
      .map(
        (block) =>
          (
            block as {
              accessory?: { action_id?: string; options?: { text: { text: string }; value: string }[] };
            }
          ).accessory,
      )
      .find((accessory) => accessory?.action_id === ACTION.orderOverflow);
    const option = menu?.options?.find((o) => o.text.text === 'Swap a domain…');
    expect(option).toBeDefined();
    const before = h.slack.callsTo('views.update').length;
    await h.interact({
      type: 'block_actions',
      team: { id: 'T000FAKE', domain: 'fake' },
      user: { id: 'UOPS', username: 'ops', name: 'ops', team_id: 'T000FAKE' },
      api_app_id: 'A000FAKE',
      token: 'legacy',
      trigger_id: 'trig.menu',
      container: { type: 'message', channel_id: 'COPS', message_ts: order.parentTs },
      channel: { id: 'COPS', name: 'ops' },
      response_url: h.slack.responseUrl('menu'),
      actions: [
        {
          type: 'overflow',
          action_id: ACTION.orderOverflow,
          block_id: 'b',
          selected_option: { text: { type: 'plain_text', text: 'x' }, value: option?.value },
          action_ts: '1',
        },
      ],
    });
    const form = await waitForView(h, SWAP_FORM_CALLBACK, before);
    const text = JSON.stringify(form.blocks);
    expect(text).toContain(order.orderId);
    expect(text).toContain('menu-acme.com · Google');
    expect(text).toContain('menu2-acme.com · Google');
  });

  it('"Swap this domain" on a replace_domain pending action opens the swap form pre-filled', async () => {
    harness = await Harness.start();
    const h = harness;
    const order = await placeLiveOrder(h, { domains: ['bad-acme.com', 'good-acme.com'] });
    h.peeker.addPendingAction(order.orderId, {
      type: 'domain',
      reason: 'replace_domain',
      domain: 'bad-acme.com',
      domain_id: h.peeker.domainId('bad-acme.com'),
      message: 'This domain cannot be used',
    });
    await h.webhook({
      id: `evt_${Date.now()}`,
      type: 'order.action_required',
      created_at: new Date().toISOString(),
      data: { id: order.orderId, status: 'action_required' },
    });
    await h.app.webhooks.drainNow();
    await h.app.runTasksNow();
    await h.settle();
    const reply = h.slack
      .replies('COPS', order.parentTs)
      .find((r) => allText(r).includes('must be replaced'));
    expect(allText(reply)).toContain('Swap this domain');
    expect(allText(reply)).toContain(SWAP_ACTION.swapDomain);
    const before = h.slack.callsTo('views.update').length;
    await h.interact(
      blockAction(SWAP_ACTION.swapDomain, JSON.stringify({ order: order.orderId, domain: 'bad-acme.com' }), {
        channel: 'COPS',
      }),
    );
    await h.slack.waitFor(
      () =>
        h.slack
          .callsTo('views.update')
          .slice(before)
          .some((c) => JSON.stringify(c.args.view).includes('swap_form')),
      5000,
      'the swap form',
    );
    const view = JSON.stringify(h.slack.callsTo('views.update').at(-1)?.args.view);
    expect(view).toContain('Peeker asked to replace bad-acme.com');
    expect(view).toMatch(/"initial_option":\{"text":\{"type":"plain_text","text":"bad-acme.com · Google"/);
  });

  it('a restart between "Swap domain" and Peeker\'s answer sends no second POST /swaps', {
    timeout: 30_000,
  }, async () => {
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const dir = mkdtempSync(join(tmpdir(), 'peeker-swap-restart-'));
    cleanups.push(async () => {
      await slack.stop();
      await peeker.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const databasePath = join(dir, 'db.sqlite');
    const first = await Harness.start({ slack, peeker, databasePath });
    const order = await placeLiveOrder(first, { domains: ['rs-acme.com', 'rs2-acme.com'] });
    const form = await openSwapForm(first, 'swap rs-acme.com for rs-fresh.com');
    const { review } = await submitSwapForm(first, form, {
      domain: 'rs-acme.com',
      replacement: 'rs-fresh.com',
    });
    if (!review) throw new Error('no review');
    peeker.setLatencyFor({ method: 'POST', path: '/swaps' }, 1500);
    await confirmSwap(first, review);
    await peeker.waitFor(
      () => peeker.requestsTo('POST', '/swaps').length === 1,
      5000,
      'POST /swaps to arrive',
    );
    // The process stops before Peeker answers; Peeker goes on and makes the swap.
    await first.stop({ keepFakes: true });
    await peeker.waitFor(
      () => peeker.requestsTo('POST', '/swaps')[0]?.status === 201,
      5000,
      'Peeker to answer',
    );
    expect(peeker.swaps.size).toBe(1);
    peeker.setLatencyFor({ method: 'POST', path: '/swaps' }, 0);

    const restartedAt = Date.now();
    harness = await Harness.start({ slack, peeker, databasePath });
    const h = harness;
    await peeker.waitFor(
      () => peeker.requestsTo('GET', '/swaps').some((r) => r.at >= restartedAt),
      8000,
      'the lookup after the restart',
    );
    await h.settle();
    const lookup = peeker.requestsTo('GET', '/swaps').find((r) => r.at >= restartedAt);
    expect(lookup?.query.domain_id).toBe(peeker.domainId('rs-acme.com'));
    expect(peeker.requestsTo('POST', '/swaps')).toHaveLength(1);
    const [swapId] = [...peeker.swaps.keys()];
    expect(threadText(h, 'COPS', order.parentTs)).toContain('Swap started: rs-acme.com → rs-fresh.com');
    // It is followed like any other: its events reach the thread.
    await h.webhook(swapEvent(peeker.advanceSwap(swapId!, 'completed')));
    await h.settle();
    expect(threadText(h, 'COPS', order.parentTs)).toContain('rs-fresh.com replaced rs-acme.com');
  });
});
