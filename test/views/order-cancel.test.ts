import { describe, expect, it } from 'vitest';
import {
  decodeCancelConfirmMetadata,
  decodeOrderOverflowValue,
} from '../../src/parsing/interaction-payloads.js';
import { formatDate } from '../../src/views/dates.js';
import { ACTION, CANCEL_CONFIRM_CALLBACK } from '../../src/views/ids.js';
import {
  type CancelConfirmModel,
  cancellationStatusLine,
  renderCancelConfirm,
  renderCancelFailed,
  renderCancellationReply,
  renderCancelScheduled,
} from '../../src/views/order-cancel.js';
import { renderOrderMessage } from '../../src/views/order-message.js';
import {
  ORDER_OVERFLOW_ENTRIES,
  orderOverflow,
  renderOrderControls,
} from '../../src/views/order-overflow.js';
import { allText, expectModalLimits } from '../helpers/modal-views.js';

const CONFIRM: CancelConfirmModel = {
  cancellationId: 'c1',
  orderId: 'ord_1',
  customerEmail: 'alex@acme.com',
  bundleName: 'Starter',
  channelId: 'C0CUST',
  scope: 'order',
  domains: ['a.com', 'b.com'],
  totalDomains: 2,
  renewsAt: null,
  canConfirm: true,
  approvers: [],
  sandbox: false,
};

describe('the cancel confirm view', () => {
  it('names the customer, the order, what stops, the deletion and that Slack cannot undo it', () => {
    const view = renderCancelConfirm(CONFIRM);
    expectModalLimits(view);
    expect(view.callback_id).toBe(CANCEL_CONFIRM_CALLBACK);
    expect(view.submit?.text).toBe('Cancel order');
    expect(decodeCancelConfirmMetadata(view.private_metadata)).toEqual({ cancellationId: 'c1' });
    const text = allText(view);
    for (const expected of [
      'alex@acme.com',
      'ord_1',
      '`a.com`',
      '`b.com`',
      '*deleted*',
      'cannot be undone from Slack',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('some domains: names only them; without permission, no button and who may', () => {
    const view = renderCancelConfirm({
      ...CONFIRM,
      scope: 'domains',
      domains: ['a.com'],
      canConfirm: false,
      approvers: ['UBOSS'],
    });
    expect(view.submit).toBeUndefined();
    const text = allText(view);
    expect(text).toContain('of its 2');
    expect(text).toContain('The rest of the order carries on');
    expect(text).toContain('<@UBOSS>');
  });

  it('the outcome views: the end date, or Peeker’s code and request ID', () => {
    const scheduled = renderCancelScheduled({
      orderId: 'ord_1',
      scope: 'order',
      domains: [],
      cancelsAt: '2026-06-07T12:00:00Z',
      channelId: 'C0CUST',
    });
    expect(allText(scheduled)).toContain('ends on *Jun 7, 2026*');
    const failed = renderCancelFailed({
      kind: 'rejected',
      code: 'order_not_cancellable',
      message: 'Order <b> is locked',
      field: undefined,
      requestId: 'req_9',
      retryAfterSeconds: undefined,
    });
    expect(allText(failed)).toContain('`order_not_cancellable`');
    expect(allText(failed)).toContain('req_9');
    expect(allText(failed)).toContain('Order &lt;b&gt; is locked');
  });
});

describe('the status message and thread', () => {
  const base = {
    audience: 'ops' as const,
    orderId: 'ord_1',
    customerEmail: 'alex@acme.com',
    bundleName: 'Starter',
    domainCount: 4,
    connectedCount: 4,
    status: 'completed' as const,
    totalCents: 6800,
    currency: 'usd',
    sandbox: false,
    placedBy: 'UOPS',
    openActions: 0,
  };

  it('status lines: scheduled with its end, cancelled, and some domains of an order going on', () => {
    const ends = formatDate('2026-06-07T12:00:00Z');
    const summary = { cancelled: 2, released: 0, endsAt: '2026-06-07T12:00:00Z' };
    expect(cancellationStatusLine('cancel_scheduled', summary, 4)).toBe(
      `🗓️ Cancellation scheduled — ends ${ends}`,
    );
    expect(cancellationStatusLine('cancelled', summary, 4)).toBe('⏹️ Cancelled — domains released');
    expect(cancellationStatusLine('other', summary, 4)).toBe(`🗓️ 2 of 4 domains cancelled — ends ${ends}`);
    expect(cancellationStatusLine('other', { ...summary, released: 2 }, 4)).toBe(
      '⏹️ 2 of 4 domains cancelled — released',
    );
    expect(cancellationStatusLine('other', null, 4)).toBeUndefined();

    const partial = JSON.stringify(renderOrderMessage({ ...base, cancellation: summary }).blocks);
    expect(partial).toContain('Every inbox is live');
    expect(partial).toContain('2 of 4 domains cancelled');
  });

  it('customer channels: the same words without a menu, an ID or a price', () => {
    const message = renderOrderMessage({
      ...base,
      audience: 'customer',
      status: 'cancel_scheduled',
      cancellation: { cancelled: 4, released: 0, endsAt: '2026-06-07T12:00:00Z' },
    });
    const text = JSON.stringify(message);
    expect(text).toContain('Cancellation scheduled — ends Jun 7, 2026');
    expect(text).not.toContain(ACTION.orderOverflow);
    expect(text).not.toMatch(/ord_|\$\d/);
    const reply = renderCancellationReply({
      kind: 'scheduled',
      wholeOrder: false,
      domains: ['a.com'],
      cancelsAt: null,
    });
    expect(reply.text).toContain('at the end of the renewal period');
    expect(reply.text).not.toMatch(/ord_|\$\d/);
  });
});

describe('the order menu', () => {
  it('lists the entries that apply (2–5 options), as a button when only one does, and none when none does', () => {
    const menu = orderOverflow({ orderId: 'ord_1', status: 'in_progress' });
    expect(menu?.type).toBe('overflow');
    const options = menu?.type === 'overflow' ? menu.options : [];
    expect(options.length).toBeGreaterThanOrEqual(2);
    expect(options.length).toBeLessThanOrEqual(5);
    for (const option of options) {
      expect((option.value ?? '').length).toBeLessThanOrEqual(150);
      expect(decodeOrderOverflowValue(option.value)?.order).toBe('ord_1');
    }
    expect(options.map((option) => option.text.text)).toContain('Cancel order…');
    expect(orderOverflow({ orderId: 'ord_1', status: 'cancelled' }, [ORDER_OVERFLOW_ENTRIES[0]!])?.type).toBe(
      'button',
    );
    expect(orderOverflow({ orderId: 'ord_1', status: 'cancelled' }, [])).toBeUndefined();
    const cancelled = orderOverflow({ orderId: 'ord_1', status: 'cancelled' });
    expect(JSON.stringify(cancelled)).not.toContain('Cancel order');
  });

  it('the orderer’s direct message carries the menu for a customer-channel order', () => {
    const message = renderOrderControls({
      orderId: 'ord_1',
      customerEmail: 'a<b>@acme.com',
      channelId: 'C0CUST',
      status: 'in_progress',
    });
    expect(JSON.stringify(message.blocks)).toContain(ACTION.orderOverflow);
    expect(message.text).toContain('a&lt;b&gt;@acme.com');
    expect(message.text).toContain('<#C0CUST>');
  });
});
