import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeOrderOverflowValue } from '../../src/parsing/interaction-payloads.js';
import { formatDate } from '../../src/views/dates.js';
import { ACTION, CANCEL_CONFIRM_CALLBACK, CANCEL_RESULT_CALLBACK } from '../../src/views/ids.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import {
  cancellationEvent,
  FakePeeker,
  importEventData,
  makeEvent,
  orderEventData,
} from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';
import { placeOrderThroughSlack, viewSubmission } from '../helpers/order-flow.js';

let harness: Harness | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const CANCEL_PATH = /^\/orders\/[^/]+\/cancel$/;

type View = { callback_id?: string; private_metadata?: string; submit?: { text: string }; blocks: unknown[] };

function cancelCalls(h: Harness) {
  return h.peeker.requestsTo('POST', CANCEL_PATH);
}

/** Places a 2-domain order in an ops channel through the real modal; returns its ID and status message. */
async function placeOrder(h: Harness, options: { channel?: string; user?: string } = {}) {
  const channel = options.channel ?? 'COPS';
  await placeOrderThroughSlack(h, {
    channel,
    input: { domainsText: 'a-acme.com b-acme.com' },
    ...(options.user ? { user: options.user } : {}),
  });
  const parent = await h.slack.waitFor(
    () => h.slack.messagesIn(channel).find((m) => allText(m).includes('Inbox order')),
    8000,
    'the order status message',
  );
  const orderId = [...h.peeker.orders.keys()].at(-1)!;
  // The review modal shows the outcome last; later modal updates are the cancellation's.
  await h.slack.waitFor(() =>
    h.slack.callsTo('views.update').some((call) => JSON.stringify(call.args.view).includes(orderId)),
  );
  await h.settle();
  return { orderId, parent };
}

/** The view the app put into a modal after `before` views.update calls, once it is not a loading view. */
async function nextModal(h: Harness, before: number, match: (view: View) => boolean = () => true) {
  const call = await h.slack.waitFor(
    () =>
      h.slack
        .callsTo('views.update')
        .slice(before)
        .find((c) => match(c.args.view as View)),
    5000,
    'a modal update',
  );
  return { id: String(call.args.view_id), view: call.args.view as View };
}

/** `/peeker <text>`; when the command opens a confirm view, returns it. */
async function cancelCommand(h: Harness, text: string, user = 'UOPS') {
  const before = h.slack.callsTo('views.update').length;
  const result = await h.command(text, { user });
  if (result.ack?.text) return { ack: result.ack, modal: undefined };
  const isCancelView = (view: View) =>
    view.callback_id === CANCEL_CONFIRM_CALLBACK || view.callback_id === CANCEL_RESULT_CALLBACK;
  return { ack: result.ack, modal: await nextModal(h, before, isCancelView) };
}

async function confirm(h: Harness, modal: { id: string; view: View }, user = 'UOPS') {
  return h.interact(
    viewSubmission(
      CANCEL_CONFIRM_CALLBACK,
      { id: modal.id, private_metadata: modal.view.private_metadata ?? '' },
      user,
    ),
  );
}

const replyTexts = (h: Harness, channel: string, ts: string) =>
  h.slack.replies(channel, ts).map((reply) => allText(reply));

describe('cancelling a whole order', () => {
  it('confirm view → one POST with no body → cancels_at shown; parent and thread move on, never back', async () => {
    harness = await Harness.start();
    const h = harness;
    const { orderId, parent } = await placeOrder(h);

    const { modal } = await cancelCommand(h, `cancel ${orderId}`);
    const confirmText = allText({ blocks: modal?.view.blocks });
    expect(modal?.view.callback_id).toBe(CANCEL_CONFIRM_CALLBACK);
    expect(confirmText).toContain('alex@acme.com');
    expect(confirmText).toContain(orderId);
    expect(confirmText).toContain('a-acme.com');
    expect(confirmText).toContain('b-acme.com');
    expect(confirmText).toContain('*deleted*');
    expect(confirmText).toContain('This cannot be undone from Slack');
    expect(modal?.view.submit?.text).toBe('Cancel order');
    expect(cancelCalls(h)).toHaveLength(0);

    const before = h.slack.callsTo('views.update').length;
    const answer = await confirm(h, modal!);
    expect(JSON.stringify(answer.body)).toContain('Sending the cancellation');
    const result = await nextModal(h, before, (view) =>
      allText({ blocks: view.blocks }).includes('scheduled'),
    );
    const calls = cancelCalls(h);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toBeUndefined();
    const ends = formatDate(h.peeker.cancellations[0]?.cancels_at)!;
    expect(allText({ blocks: result.view.blocks })).toContain(`ends on *${ends}*`);

    await h.settle();
    expect(allText(h.slack.message('COPS', parent.ts))).toContain(`Cancellation scheduled — ends ${ends}`);
    const scheduledReplies = () =>
      replyTexts(h, 'COPS', parent.ts).filter((t) => t.includes('Cancellation scheduled'));
    expect(scheduledReplies()).toHaveLength(1);
    expect(scheduledReplies()[0]).toContain(ends);

    // Peeker's own event for it: nothing new.
    const cancellation = h.peeker.cancellations[0]!;
    await h.webhook(cancellationEvent(cancellation));
    await h.settle();
    expect(scheduledReplies()).toHaveLength(1);

    // The cancellation finishes: parent and one reply; a late in_progress changes nothing.
    h.peeker.finishCancellation(orderId);
    await h.webhook(cancellationEvent(cancellation));
    await h.webhook(makeEvent('order.in_progress', orderEventData(orderId, 'in_progress')));
    await h.settle();
    const final = allText(h.slack.message('COPS', parent.ts));
    expect(final).toContain('Cancelled — domains released');
    expect(replyTexts(h, 'COPS', parent.ts).filter((t) => t.includes('Cancelled —'))).toHaveLength(1);

    // Asking again is refused before any call.
    const again = await cancelCommand(h, `cancel ${orderId}`);
    expect(allText(again.ack)).toContain('already cancelled');
    expect(cancelCalls(h)).toHaveLength(1);
  });

  it('order.cancelled before order.cancel_scheduled: cancelled stands, one reply', async () => {
    harness = await Harness.start();
    const h = harness;
    const { orderId, parent } = await placeOrder(h);
    const scheduled = cancellationEvent(h.peeker.scheduleCancellation(orderId));
    h.peeker.finishCancellation(orderId);
    const cancelled = cancellationEvent(h.peeker.cancellations[0]!);
    await h.webhook(cancelled);
    await h.webhook(scheduled);
    await h.webhook(cancelled); // a redelivery
    await h.settle();
    expect(allText(h.slack.message('COPS', parent.ts))).toContain('Cancelled — domains released');
    const replies = replyTexts(h, 'COPS', parent.ts);
    expect(replies.filter((t) => t.includes('Cancelled —'))).toHaveLength(1);
    expect(replies.filter((t) => t.includes('scheduled'))).toHaveLength(0);
  });

  it('accepts the OLD answer (the full order) as well', async () => {
    harness = await Harness.start();
    const h = harness;
    h.peeker.setCancelResponseShape('old');
    const { orderId, parent } = await placeOrder(h);
    const { modal } = await cancelCommand(h, `cancel ${orderId}`);
    const before = h.slack.callsTo('views.update').length;
    await confirm(h, modal!);
    const result = await nextModal(h, before, (view) =>
      allText({ blocks: view.blocks }).includes('scheduled'),
    );
    expect(allText({ blocks: result.view.blocks })).toContain('Peeker did not give the date');
    await h.settle();
    expect(allText(h.slack.message('COPS', parent.ts))).toContain('Cancellation scheduled');
  });
});

describe('cancelling some domains', () => {
  it('sends {"domains": […]}, shows "1 of 2 domains cancelled — ends …", and refuses repeats and strangers', async () => {
    harness = await Harness.start();
    const h = harness;
    const { orderId, parent } = await placeOrder(h);

    const stranger = await cancelCommand(h, `cancel ${orderId} zzz-acme.com`);
    expect(allText(stranger.ack)).toContain('`zzz-acme.com` is not on order');
    const notRoot = await cancelCommand(h, `cancel ${orderId} mail.a-acme.com`);
    expect(allText(notRoot.ack)).toContain('Nothing was cancelled');
    expect(h.slack.callsTo('views.open')).toHaveLength(1); // only the order form's
    expect(cancelCalls(h)).toHaveLength(0);

    const { modal } = await cancelCommand(h, `cancel ${orderId} <http://a-acme.com|a-acme.com>`);
    expect(modal?.view.submit?.text).toBe('Cancel 1 domain');
    const confirmText = allText({ blocks: modal?.view.blocks });
    expect(confirmText).toContain('a-acme.com');
    expect(confirmText).not.toContain('b-acme.com');
    expect(confirmText).toContain('The rest of the order carries on');
    const before = h.slack.callsTo('views.update').length;
    await confirm(h, modal!);
    await nextModal(h, before, (view) => allText({ blocks: view.blocks }).includes('scheduled'));
    expect(cancelCalls(h).map((call) => call.body)).toEqual([{ domains: ['a-acme.com'] }]);

    await h.settle();
    const ends = formatDate(h.peeker.cancellations[0]?.cancels_at)!;
    const shown = allText(h.slack.message('COPS', parent.ts));
    expect(shown).toContain(`1 of 2 domains cancelled — ends ${ends}`);
    expect(shown).toContain('Setting up the inboxes');
    const stopReplies = () => replyTexts(h, 'COPS', parent.ts).filter((t) => t.includes('will stop'));
    expect(stopReplies()).toHaveLength(1);
    expect(stopReplies()[0]).toContain('a-acme.com');

    // Peeker's event for the same domain adds nothing; a second cancel of it is refused.
    await h.webhook(cancellationEvent(h.peeker.cancellations[0]!));
    await h.settle();
    expect(stopReplies()).toHaveLength(1);
    const repeat = await cancelCommand(h, `cancel ${orderId} a-acme.com`);
    expect(allText(repeat.ack)).toContain('already cancelled or scheduled to stop');
    expect(cancelCalls(h)).toHaveLength(1);
  });
});

describe('who may cancel, and how often', () => {
  it('only ORDER_APPROVERS may confirm; a forged submission is refused too', async () => {
    harness = await Harness.start({ env: { ORDER_APPROVERS: 'UBOSS' } });
    const h = harness;
    const { orderId } = await placeOrder(h, { user: 'UBOSS' });

    const { modal } = await cancelCommand(h, `cancel ${orderId}`, 'UOPS');
    expect(modal?.view.submit).toBeUndefined();
    expect(allText({ blocks: modal?.view.blocks })).toContain(
      'Only approved people can cancel orders. Ask <@UBOSS>',
    );
    const forged = await confirm(h, modal!, 'UOPS');
    expect(JSON.stringify(forged.body)).toContain('Only approved people can cancel orders');
    await h.settle();
    expect(cancelCalls(h)).toHaveLength(0);

    const boss = await cancelCommand(h, `cancel ${orderId}`, 'UBOSS');
    expect(boss.modal?.view.submit?.text).toBe('Cancel order');
    await confirm(h, boss.modal!, 'UBOSS');
    await h.peeker.waitFor(() => cancelCalls(h).length === 1);
  });

  it('a double click (and a Slack retry) sends one cancel', async () => {
    harness = await Harness.start();
    const h = harness;
    const { orderId } = await placeOrder(h);
    h.peeker.setLatencyFor({ method: 'POST', path: CANCEL_PATH }, 400);
    const { modal } = await cancelCommand(h, `cancel ${orderId}`);
    const answers = await Promise.all([confirm(h, modal!), confirm(h, modal!), confirm(h, modal!)]);
    for (const answer of answers) expect(JSON.stringify(answer.body)).toContain('Sending the cancellation');
    await h.peeker.waitFor(() => h.peeker.cancelCount(orderId) === 1);
    await h.settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cancelCalls(h)).toHaveLength(1);
    // Later clicks on the same confirmation show the outcome and send nothing.
    const late = await confirm(h, modal!);
    expect(JSON.stringify(late.body)).toContain('Cancellation scheduled');
    expect(cancelCalls(h)).toHaveLength(1);
  });

  it('a lost answer (5xx) is never re-sent: the person is told, a new cancel waits, Peeker’s event settles it', async () => {
    harness = await Harness.start();
    const h = harness;
    const { orderId, parent } = await placeOrder(h);
    h.peeker.failNext({ method: 'POST', path: CANCEL_PATH }, { status: 502 });
    const { modal } = await cancelCommand(h, `cancel ${orderId}`);
    const before = h.slack.callsTo('views.update').length;
    await confirm(h, modal!);
    const shown = await nextModal(h, before, (view) =>
      allText({ blocks: view.blocks }).includes('not sent again'),
    );
    expect(allText({ blocks: shown.view.blocks })).toContain('Peeker may have received it');
    expect(cancelCalls(h)).toHaveLength(1);
    // It read the order once to see whether the cancellation landed (it had not: still in progress).
    await h.peeker.waitFor(() => h.peeker.requestsTo('GET', `/orders/${orderId}`).length === 1);

    const again = await cancelCommand(h, `cancel ${orderId}`);
    expect(allText(again.ack)).toContain('may already have reached Peeker');
    expect(cancelCalls(h)).toHaveLength(1);

    // Peeker had in fact scheduled it; its event settles the request and the person hears so.
    await h.webhook(cancellationEvent(h.peeker.scheduleCancellation(orderId)));
    await h.settle();
    expect(allText(h.slack.message('COPS', parent.ts))).toContain('Cancellation scheduled — ends');
    const dm = await h.slack.waitFor(() =>
      h.slack.messagesIn('UOPS').find((m) => allText(m).includes('Cancellation scheduled')),
    );
    expect(allText(dm)).toContain(orderId);
    expect(cancelCalls(h)).toHaveLength(1);
  });

  it('a refusal (4xx) shows Peeker’s code and request ID, cancels nothing, and may be asked again', async () => {
    harness = await Harness.start();
    const h = harness;
    const { orderId } = await placeOrder(h);
    h.peeker.failNext(
      { method: 'POST', path: CANCEL_PATH },
      { status: 400, code: 'order_not_cancellable', message: 'Order is locked' },
    );
    const { modal } = await cancelCommand(h, `cancel ${orderId}`);
    const before = h.slack.callsTo('views.update').length;
    await confirm(h, modal!);
    const shown = await nextModal(h, before, (view) =>
      allText({ blocks: view.blocks }).includes('could not cancel'),
    );
    const text = allText({ blocks: shown.view.blocks });
    expect(text).toContain('Order is locked');
    expect(text).toContain('`order_not_cancellable`');
    expect(text).toMatch(/request `req_/);
    expect(text).toContain('nothing was cancelled');

    const again = await cancelCommand(h, `cancel ${orderId}`);
    await confirm(h, again.modal!);
    await h.peeker.waitFor(() => h.peeker.cancelCount(orderId) === 1);
    expect(cancelCalls(h)).toHaveLength(2);
  });

  it('an order Peeker does not know is refused before any cancel', async () => {
    harness = await Harness.start();
    const h = harness;
    const { modal } = await cancelCommand(h, 'cancel ord_01NOPE0000000000000000000');
    expect(allText({ blocks: modal?.view.blocks })).toContain(
      'Peeker has no order `ord_01NOPE0000000000000000000`',
    );
    expect(h.peeker.requestsTo('GET', '/orders/ord_01NOPE')).toHaveLength(1);
    expect(cancelCalls(h)).toHaveLength(0);
  });

  it('restart between the confirmation and Peeker’s answer: no second call, settled by Peeker’s word', async () => {
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const dir = mkdtempSync(join(tmpdir(), 'peeker-cancel-restart-'));
    cleanups.push(async () => {
      await slack.stop();
      await peeker.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const databasePath = join(dir, 'db.sqlite');
    const first = await Harness.start({ slack, peeker, databasePath });
    const { orderId, parent } = await placeOrder(first);
    peeker.setLatencyFor({ method: 'POST', path: CANCEL_PATH }, 1500);
    const { modal } = await cancelCommand(first, `cancel ${orderId}`);
    await confirm(first, modal!);
    await peeker.waitFor(() => cancelCalls(first).length === 1, 5000, 'the cancel on the wire');
    await first.stop();

    harness = await Harness.start({ slack, peeker, databasePath });
    const h = harness;
    // Peeker acted on the first call (after its latency); its event reaches the restarted app.
    await peeker.waitFor(() => peeker.cancelCount(orderId) === 1, 5000, 'Peeker to act');
    await h.webhook(cancellationEvent(peeker.cancellations[0]!));
    await h.settle();
    await slack.waitFor(
      () => allText(slack.message('COPS', parent.ts)).includes('Cancellation scheduled'),
      5000,
      'the parent to show the cancellation',
    );
    expect(cancelCalls(h)).toHaveLength(1);
    const dms = slack.messagesIn('UOPS').map((m) => allText(m));
    expect(dms.some((text) => text.includes('was *not sent again*'))).toBe(true);
    await slack.waitFor(
      () => slack.messagesIn('UOPS').some((m) => allText(m).includes('Cancellation scheduled')),
      5000,
    );
    // A new confirmation is refused while Peeker… has confirmed: the order is already scheduled.
    const again = await cancelCommand(h, `cancel ${orderId}`);
    expect(allText(again.ack)).toContain('already scheduled to be cancelled');
    expect(cancelCalls(h)).toHaveLength(1);
  }, 30_000);
});

describe('the status message menu', () => {
  it('ops channel: "Cancel order…" in the overflow opens the confirm view; "Order details" answers the clicker', async () => {
    harness = await Harness.start();
    const h = harness;
    const { orderId, parent } = await placeOrder(h);
    const fields = (parent.blocks ?? []).find((b) => (b as { accessory?: unknown }).accessory) as {
      accessory: { type: string; action_id: string; options: { text: { text: string }; value: string }[] };
    };
    expect(fields.accessory.type).toBe('overflow');
    // Other operations may join the menu; these two are ours.
    expect(fields.accessory.options.map((o) => o.text.text)).toEqual(
      expect.arrayContaining(['Order details', 'Cancel order…']),
    );
    const cancelOption = fields.accessory.options.find((o) => o.text.text === 'Cancel order…')!;
    const before = h.slack.callsTo('views.update').length;
    const opens = h.slack.callsTo('views.open').length;
    await h.interact(overflowClick(cancelOption.value, h.slack.responseUrl('menu')));
    const modal = await nextModal(h, before);
    expect(h.slack.callsTo('views.open')).toHaveLength(opens + 1);
    expect(modal.view.callback_id).toBe(CANCEL_CONFIRM_CALLBACK);
    expect(allText({ blocks: modal.view.blocks })).toContain(orderId);

    await h.interact(
      overflowClick(
        encodeOrderOverflowValue({ op: 'details', order: orderId }),
        h.slack.responseUrl('details'),
      ),
    );
    const details = await h.slack.waitFor(() => h.responses('details')[0], 5000);
    expect(allText(details)).toContain(orderId);
    expect(allText(details)).toContain('$68.00');
    expect(cancelCalls(h)).toHaveLength(0);
  });

  it('customer channel: no menu on the status message; the orderer gets it by direct message', async () => {
    harness = await Harness.start();
    const h = harness;
    await h.command('import acme-mail.com team-acme.com in <#CCUST|acme>');
    await h.settle();
    const importId = [...h.peeker.imports.keys()].at(-1)!;
    await h.webhook(
      makeEvent('domain_import.completed', {
        ...importEventData(h.peeker.getImport(importId)!),
        completed_at: '2030-01-01T00:00:00Z',
      }),
    );
    await h.settle();
    await placeOrderThroughSlack(h, { input: { domainsSelected: ['acme-mail.com', 'team-acme.com'] } });
    const parent = await h.slack.waitFor(() =>
      h.slack.messagesIn('CCUST').find((m) => allText(m).includes('Inbox order')),
    );
    await h.settle();
    expect(JSON.stringify(parent.blocks)).not.toContain(ACTION.orderOverflow);
    const dm = await h.slack.waitFor(() =>
      h.slack.messagesIn('UOPS').find((m) => JSON.stringify(m.blocks).includes(ACTION.orderOverflow)),
    );
    expect(allText(dm)).toContain('Cancel order…');
    expect(allText(dm)).toContain('<#CCUST>');
  });
});

function overflowClick(value: string, responseUrl: string): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T000FAKE', domain: 'fake' },
    user: { id: 'UOPS', username: 'ops', name: 'ops', team_id: 'T000FAKE' },
    api_app_id: 'A000FAKE',
    token: 'legacy',
    trigger_id: `trig.${Math.random().toString(16).slice(2)}`,
    container: { type: 'message', channel_id: 'COPS', message_ts: '1.000' },
    channel: { id: 'COPS', name: 'ops' },
    response_url: responseUrl,
    actions: [
      {
        type: 'overflow',
        action_id: ACTION.orderOverflow,
        block_id: 'b',
        selected_option: { text: { type: 'plain_text', text: 'x' }, value },
        action_ts: '1',
      },
    ],
  };
}
