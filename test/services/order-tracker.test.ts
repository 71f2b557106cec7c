import { beforeEach, describe, expect, it } from 'vitest';
import type { PeekerOrderReceipt, PeekerPendingAction } from '../../src/peeker/orders.js';
import { QUIET_RECONCILE_MS } from '../../src/services/order-state.js';
import {
  createOrderTracker,
  FETCH_PENDING_TASK,
  type OrderTracker,
} from '../../src/services/order-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { createOrderActionsRepo, type OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import {
  createOrderDraftsRepo,
  type OrderDraft,
  type OrderDraftsRepo,
  type StoredOrderRequest,
} from '../../src/store/order-drafts-repo.js';
import { type Audience, createOrdersRepo, type OrdersRepo } from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { createTasksRepo, type TasksRepo } from '../../src/store/tasks-repo.js';
import { renderOrderOutcomeReply } from '../../src/views/order-message.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const SPACING = 1000;
const request: StoredOrderRequest = {
  user: 'alex@acme.com',
  bundle_id: 'bun_starter',
  sequencer: { provider: 'smartlead', client_id: 366903, login_email: 'ops@acme.com' },
  forwarding_url: 'https://acme.com',
  domains: ['acme-mail.com', 'team-acme.com'],
  personas: [
    { first_name: 'Alex', last_name: 'Rivera', profile_picture_url: 'https://cdn.acme.com/alex.jpg' },
  ],
};

let drafts: OrderDraftsRepo;
let orders: OrdersRepo;
let actions: OrderActionsRepo;
let outbox: SlackOutboxRepo;
let tasks: TasksRepo;
let tracker: OrderTracker;
let draftSeq = 0;

beforeEach(() => {
  const db = openDatabase(':memory:');
  drafts = createOrderDraftsRepo(db);
  orders = createOrdersRepo(db);
  actions = createOrderActionsRepo(db);
  outbox = createSlackOutboxRepo(db);
  tasks = createTasksRepo(db);
  tracker = createOrderTracker({ db, drafts, orders, actions, outbox, tasks });
});

function draft(channelId = 'CCUST'): OrderDraft {
  draftSeq += 1;
  const id = `drf_${draftSeq}`;
  drafts.create({
    id,
    userId: 'UPLACER',
    channelId,
    request,
    bundleName: 'Starter',
    reorderOf: null,
    now: T0,
  });
  drafts.claim(id, 'V1', T0);
  return drafts.get(id)!;
}

function receipt(patch: Partial<PeekerOrderReceipt> = {}): PeekerOrderReceipt {
  return {
    id: 'ord_1',
    status: 'in_progress',
    user_id: 'usr_1',
    email: 'alex@acme.com',
    bundle_id: 'bun_starter',
    domain_count: 2,
    costs: { total_cents: 9800, currency: 'usd' },
    created_at: '2026-05-08T12:00:00Z',
    ...patch,
  };
}

/** Places an order and marks its status message as posted (so edits and replies become due). */
function placed(audience: Audience = 'ops', orderId = 'ord_1') {
  const result = tracker.recordPlacement(draft(), receipt({ id: orderId }), { audience, sandbox: false }, T0);
  outbox.claimPost(result.messageId, T0);
  outbox.markPosted(result.messageId, '1.000001', outbox.message(result.messageId)!.contentVersion, 'h', T0);
  return result;
}

const pending = (id: string, patch: Partial<PeekerPendingAction> = {}): PeekerPendingAction => ({
  id,
  type: 'google_profile_picture',
  reason: 'profile_picture_not_accessible',
  status: 'open',
  domain_id: 'dom_1',
  domain: 'acme-mail.com',
  user: { first_name: 'Alex', last_name: 'Rivera', profile_picture_url: 'https://cdn.acme.com/alex.jpg' },
  message: 'The profile picture URL must be public.',
  created_at: '2026-05-08T12:10:00Z',
  ...patch,
});

describe('recordPlacement', () => {
  it('records the order with its domains, queues its status message for the channel and settles the draft', () => {
    let wakeups = 0;
    outbox.onQueued(() => {
      wakeups += 1;
    });
    const d = draft('CSHARED');
    const result = tracker.recordPlacement(d, receipt(), { audience: 'customer', sandbox: true }, T0);

    expect(result.isNew).toBe(true);
    expect(result.order).toMatchObject({
      id: 'ord_1',
      draftId: d.id,
      channelId: 'CSHARED',
      audience: 'customer',
      placedBy: 'UPLACER',
      customerEmail: 'alex@acme.com',
      bundleName: 'Starter',
      domainCount: 2,
      status: 'in_progress',
      totalCents: 9800,
      sandbox: true,
      request,
    });
    expect(orders.get('ord_1')).toEqual(result.order);
    expect(result.order.nextReconcileAt).toBe(T0 + QUIET_RECONCILE_MS);
    for (const domain of request.domains) expect(orders.latestIdForDomain(domain)).toBe('ord_1');

    const message = outbox.message(result.messageId);
    expect(message).toMatchObject({
      subject: { type: 'order', id: 'ord_1' },
      channelId: 'CSHARED',
      state: 'to_post',
    });
    expect(outbox.dueMessages(T0, SPACING, 10).map((m) => m.id)).toEqual([result.messageId]);
    expect(wakeups).toBe(1);

    expect(drafts.get(d.id)).toMatchObject({ status: 'placed', orderId: 'ord_1' });
  });

  it('a second call with the same receipt (Peeker’s 24 h dedupe) is not new and queues nothing more', () => {
    const d = draft();
    const first = tracker.recordPlacement(d, receipt(), { audience: 'ops', sandbox: false }, T0);
    const second = tracker.recordPlacement(
      d,
      receipt({ status: 'completed' }),
      { audience: 'customer', sandbox: true },
      T0 + 5,
    );
    expect(second.isNew).toBe(false);
    expect(second.messageId).toBe(first.messageId);
    expect(second.order).toEqual(first.order); // the stored order, not the repeat's view of it
    expect(outbox.dueMessages(T0 + 5, SPACING, 10)).toHaveLength(1);
  });

  it('falls back to the draft for what the receipt leaves out, and to in_progress for an unknown status', () => {
    const result = tracker.recordPlacement(
      draft(),
      { id: 'ord_2', status: 'queued_for_review' },
      { audience: 'ops', sandbox: false },
      T0,
    );
    expect(result.order).toMatchObject({
      status: 'in_progress',
      customerEmail: request.user,
      bundleId: request.bundle_id,
      domainCount: request.domains.length,
      totalCents: null,
      statusChangedAt: null,
    });
  });
});

describe('applyStatus', () => {
  it('marks the status message stale and queues one outcome reply', () => {
    const { messageId } = placed('ops');
    const version = outbox.message(messageId)!.contentVersion;
    const result = tracker.applyStatus(
      'ord_1',
      { status: 'completed', at: '2026-05-08T13:00:00Z' },
      'webhook',
      T0 + 10,
    );
    expect(result).toEqual({ changed: true, status: 'completed' });
    expect(orders.get('ord_1')).toMatchObject({
      status: 'completed',
      nextReconcileAt: null,
      lastEventAt: T0 + 10,
    });

    expect(outbox.message(messageId)!.contentVersion).toBe(version + 1);
    expect(outbox.dueMessages(T0 + SPACING, SPACING, 10).map((m) => m.id)).toEqual([messageId]);
    const replies = outbox.repliesOf(messageId);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.payload).toEqual(renderOrderOutcomeReply('completed', 'ops', null));
  });

  it('a repeated or stale report is a no-op: no edit, no second reply', () => {
    const { messageId } = placed();
    tracker.applyStatus(
      'ord_1',
      { status: 'failed', at: null, failureReason: 'bad_login' },
      'webhook',
      T0 + 10,
    );
    const version = outbox.message(messageId)!.contentVersion;
    expect(tracker.applyStatus('ord_1', { status: 'failed', at: null }, 'webhook', T0 + 20)).toEqual({
      changed: false,
      status: 'failed',
    });
    expect(tracker.applyStatus('ord_1', { status: 'completed', at: null }, 'poll', T0 + 30)?.changed).toBe(
      false,
    );
    expect(tracker.applyStatus('ord_1', { status: 'in_progress', at: null }, 'poll', T0 + 40)?.changed).toBe(
      false,
    );
    expect(outbox.message(messageId)!.contentVersion).toBe(version);
    expect(outbox.repliesOf(messageId)).toHaveLength(1);
    expect(orders.get('ord_1')?.failureReason).toBe('bad_login');
  });

  it('a working-state change edits the message without a reply; each later outcome gets its own reply', () => {
    const { messageId } = placed();
    const v0 = outbox.message(messageId)!.contentVersion;
    tracker.applyStatus('ord_1', { status: 'action_required', at: null }, 'webhook', T0 + 1);
    expect(outbox.message(messageId)!.contentVersion).toBe(v0 + 1);
    expect(outbox.repliesOf(messageId)).toEqual([]);

    tracker.applyStatus('ord_1', { status: 'completed', at: null }, 'webhook', T0 + 2);
    tracker.applyStatus('ord_1', { status: 'cancel_scheduled', at: null }, 'webhook', T0 + 3);
    tracker.applyStatus('ord_1', { status: 'cancelled', at: null }, 'poll', T0 + 4);
    expect(outbox.repliesOf(messageId).map((r) => r.payload.text)).toEqual(
      (['completed', 'cancel_scheduled', 'cancelled'] as const).map(
        (s) => renderOrderOutcomeReply(s, 'ops', null).text,
      ),
    );
  });

  it('a customer channel gets the customer wording of a failure (never Peeker’s reason)', () => {
    const { messageId } = placed('customer');
    tracker.applyStatus(
      'ord_1',
      { status: 'failed', at: null, failureReason: 'internal_provisioning_error' },
      'webhook',
      T0 + 1,
    );
    const [reply] = outbox.repliesOf(messageId);
    expect(reply?.payload).toEqual(
      renderOrderOutcomeReply('failed', 'customer', 'internal_provisioning_error'),
    );
    expect(reply?.payload.text).not.toContain('internal_provisioning_error');
  });

  it('a poll answer does not count as an event; an unknown order is ignored', () => {
    placed();
    tracker.applyStatus('ord_1', { status: 'action_required', at: null }, 'poll', T0 + 1);
    expect(orders.get('ord_1')?.lastEventAt).toBeNull();
    expect(tracker.applyStatus('ord_nope', { status: 'completed', at: null }, 'webhook', T0)).toBeUndefined();
  });
});

describe('connectDomain', () => {
  it('connects each domain once, with one reply each, and restarts the quiet timer', () => {
    const { messageId } = placed();
    const v0 = outbox.message(messageId)!.contentVersion;
    expect(tracker.connectDomain('ord_1', 'acme-mail.com', 'google', T0 + 100)).toBe(true);
    expect(tracker.connectDomain('ord_1', 'acme-mail.com', 'google', T0 + 200)).toBe(false);
    expect(tracker.connectDomain('ord_1', 'team-acme.com', null, T0 + 300)).toBe(true);

    expect(orders.connectedCount('ord_1')).toBe(2);
    expect(outbox.message(messageId)!.contentVersion).toBe(v0 + 2);
    const replies = outbox.repliesOf(messageId);
    expect(replies).toHaveLength(2);
    expect(replies.map((r) => r.payload.group)).toEqual(['domain_connected', 'domain_connected']);
    expect(replies[0]?.payload.text).toContain('acme-mail.com');
    expect(replies[0]?.payload.text).toContain('google');
    expect(replies[1]?.payload.text).toContain('team-acme.com');
    // The repeat still counted as a sign of life.
    expect(orders.get('ord_1')).toMatchObject({
      lastEventAt: T0 + 300,
      nextReconcileAt: T0 + 300 + QUIET_RECONCILE_MS,
    });
  });

  it('a domain the order did not list is added and counted; names are case-insensitive', () => {
    placed();
    expect(tracker.connectDomain('ord_1', 'Swapped-In.com', null, T0)).toBe(true);
    expect(tracker.connectDomain('ord_1', 'swapped-in.com', null, T0)).toBe(false);
    expect(orders.connectedCount('ord_1')).toBe(1);
    expect(orders.latestIdForDomain('swapped-in.com')).toBe('ord_1');
    expect(tracker.connectDomain('ord_1', 'ACME-MAIL.com', null, T0)).toBe(true);
    expect(orders.connectedCount('ord_1')).toBe(2);
  });

  it('an unknown order is ignored', () => {
    expect(tracker.connectDomain('ord_nope', 'a.com', null, T0)).toBeUndefined();
  });
});

describe('applyPendingActions', () => {
  it('records new open actions with one reply each and edits the status message', () => {
    const { messageId } = placed('ops');
    const v0 = outbox.message(messageId)!.contentVersion;
    const listed = [
      pending('act_1'),
      pending('act_2', { reason: 'replace_domain' }),
      pending('act_old', { status: 'resolved' }),
    ];
    expect(tracker.applyPendingActions('ord_1', listed, T0 + 1)).toBe(2);
    expect(
      actions
        .openFor('ord_1')
        .map((a) => a.id)
        .sort(),
    ).toEqual(['act_1', 'act_2']);
    expect(actions.get('act_old')).toBeUndefined();
    expect(outbox.repliesOf(messageId).map((r) => r.dedupeKey)).toEqual([
      expect.stringContaining('act_1'),
      expect.stringContaining('act_2'),
    ]);
    expect(outbox.message(messageId)!.contentVersion).toBeGreaterThan(v0);
    // Ops channels show the fix in the thread: nobody gets a direct message.
    expect(outbox.messageFor({ type: 'action_notice', id: 'act_1' })).toBeUndefined();

    // The same list again: nothing new.
    expect(tracker.applyPendingActions('ord_1', listed, T0 + 2)).toBe(0);
    expect(outbox.repliesOf(messageId)).toHaveLength(2);
  });

  it('in a customer channel the placer gets an action_notice message for each new action', () => {
    const { messageId } = placed('customer');
    tracker.applyPendingActions('ord_1', [pending('act_1'), pending('act_2')], T0 + 1);
    for (const id of ['act_1', 'act_2']) {
      expect(outbox.messageFor({ type: 'action_notice', id })).toMatchObject({
        channelId: 'UPLACER',
        state: 'to_post',
      });
    }
    // The channel's own reply is the customer wording, without the buttons.
    const replies = outbox.repliesOf(messageId);
    expect(replies).toHaveLength(2);
    expect(replies.every((r) => r.payload.blocks === undefined)).toBe(true);
  });

  it('actions missing from a later list are resolved', () => {
    placed();
    tracker.applyPendingActions('ord_1', [pending('act_1'), pending('act_2')], T0 + 1);
    tracker.applyPendingActions('ord_1', [pending('act_2')], T0 + 2);
    expect(actions.get('act_1')?.status).toBe('resolved');
    expect(actions.openFor('ord_1').map((a) => a.id)).toEqual(['act_2']);
    tracker.applyPendingActions('ord_1', [], T0 + 3);
    expect(actions.openFor('ord_1')).toEqual([]);
  });

  it('an unknown order adds nothing', () => {
    expect(tracker.applyPendingActions('ord_nope', [pending('act_1')], T0)).toBe(0);
    expect(actions.get('act_1')).toBeUndefined();
  });
});

describe('queuePendingFetch', () => {
  it('queues one fetch per triggering event and wakes the task runner', () => {
    let wakeups = 0;
    tasks.onQueued(() => {
      wakeups += 1;
    });
    expect(tracker.queuePendingFetch('ord_1', 'evt_1', T0)).toBe(true);
    expect(tracker.queuePendingFetch('ord_1', 'evt_1', T0)).toBe(false);
    expect(tracker.queuePendingFetch('ord_1', 'evt_2', T0)).toBe(true);
    expect(wakeups).toBe(2);
    expect(tasks.due(T0, 10).map((t) => [t.kind, t.subjectId])).toEqual([
      [FETCH_PENDING_TASK, 'ord_1'],
      [FETCH_PENDING_TASK, 'ord_1'],
    ]);
  });
});
