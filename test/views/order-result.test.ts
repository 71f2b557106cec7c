import { describe, expect, it } from 'vitest';
import { decodeFormMetadata } from '../../src/parsing/interaction-payloads.js';
import { ORDER_RESULT_CALLBACK } from '../../src/views/ids.js';
import { renderOrderLoading } from '../../src/views/order-form-loading.js';
import {
  renderOrderFailed,
  renderOrderNotAllowed,
  renderOrderPlaced,
  renderOrderPlacing,
  renderOrderUnavailable,
} from '../../src/views/order-result.js';
import type { PeekerErrorView } from '../../src/views/peeker-error.js';
import { allText, expectModalLimits, sectionTexts } from '../helpers/modal-views.js';

const ERROR: PeekerErrorView = {
  kind: 'rejected',
  code: 'invalid_domains',
  message: 'Domain <b>bad</b> is not imported',
  field: 'domains',
  requestId: 'req_123',
  retryAfterSeconds: undefined,
};

describe('result views', () => {
  it('loading, placing and unavailable are close-only', () => {
    for (const view of [
      renderOrderLoading('C0123ACME'),
      renderOrderPlacing(),
      renderOrderUnavailable('Peeker <down>'),
    ]) {
      expectModalLimits(view);
      expect(view.callback_id).toBe(ORDER_RESULT_CALLBACK);
      expect(view.submit).toBeUndefined();
      expect(view.close).toBeDefined();
    }
    expect(decodeFormMetadata(renderOrderLoading('C0123ACME').private_metadata)?.channelId).toBe('C0123ACME');
    expect(sectionTexts(renderOrderUnavailable('Peeker <down>').blocks)[0]).toContain('Peeker &lt;down&gt;');
  });

  it('placed: order ID, cost and where the status thread is', () => {
    const view = renderOrderPlaced({
      orderId: 'ord_01HZX',
      channelId: 'C0123ACME',
      totalCents: 6800,
      currency: 'usd',
      sandbox: true,
      posted: true,
    });
    expectModalLimits(view);
    expect(view.close?.text).toBe('Done');
    expect(view.clear_on_close).toBe(true);
    const text = allText(view);
    expect(text).toContain('ord_01HZX');
    expect(text).toContain('$68.00');
    expect(text).toContain('<#C0123ACME>');
    expect(text).toMatch(/sandbox/i);

    const notPosted = allText(
      renderOrderPlaced({
        orderId: 'ord_1',
        channelId: 'C1X',
        totalCents: null,
        currency: null,
        sandbox: false,
        posted: false,
      }),
    );
    expect(notPosted).not.toContain('Cost');
    expect(notPosted).toContain('/invite @Peeker');
  });

  it('failed: Peeker message, code, field and request ID, with a way back to the form', () => {
    const view = renderOrderFailed(ERROR);
    expectModalLimits(view);
    expect(view.callback_id).toBe(ORDER_RESULT_CALLBACK);
    expect(view.close?.text).toBe('Back to form');
    expect(view.submit).toBeUndefined();
    const text = allText(view);
    for (const expected of [
      '&lt;b&gt;bad&lt;/b&gt;',
      '`invalid_domains`',
      '`domains`',
      '`req_123`',
      'Back to form',
    ]) {
      expect(text).toContain(expected);
    }
    const noBack = renderOrderFailed({ ...ERROR, kind: 'unavailable' }, { canGoBack: false });
    expect(noBack.close?.text).toBe('Close');
    expect(allText(noBack)).not.toContain('Back to form');
  });

  it('not allowed: who can place orders', () => {
    const view = renderOrderNotAllowed(['U0APPROVER']);
    expectModalLimits(view);
    expect(allText(view)).toContain('<@U0APPROVER>');
    expect(allText(renderOrderNotAllowed([]))).toContain('ORDER_APPROVERS');
  });
});
