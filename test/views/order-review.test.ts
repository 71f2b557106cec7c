import { describe, expect, it } from 'vitest';
import { decodeReviewMetadata } from '../../src/parsing/interaction-payloads.js';
import { ORDER_REVIEW_CALLBACK } from '../../src/views/ids.js';
import { type OrderReviewModel, renderOrderReview } from '../../src/views/order-review.js';
import { allText, expectModalLimits, PASSWORD, sectionTexts } from '../helpers/modal-views.js';

const REVIEW: OrderReviewModel = {
  draftId: 'draft_1',
  channelId: 'C0123ACME',
  customerEmail: 'alex@acme.com',
  bundleName: 'Starter — 25k emails/month',
  requiredDomains: 2,
  domains: ['acme-mail.com', 'team-acme.com'],
  forwardingUrl: 'https://acme.com',
  smartleadClientId: 366903,
  smartleadEmail: 'ops@acme.com',
  personas: [{ firstName: 'Alex', lastName: 'Rivera', pictureUrl: 'https://cdn.acme.com/alex.jpg' }],
  sandbox: false,
  canPlace: true,
  approvers: ['U0APPROVER'],
};

describe('renderOrderReview', () => {
  it('shows everything that will be ordered, with "Place order" for an approver', () => {
    const view = renderOrderReview(REVIEW);
    expectModalLimits(view);
    expect(view.callback_id).toBe(ORDER_REVIEW_CALLBACK);
    expect(view.title.text).toBe('Review order');
    expect(view.submit?.text).toBe('Place order');
    expect(view.close?.text).toBe('Back');
    expect(decodeReviewMetadata(view.private_metadata)).toEqual({ draftId: 'draft_1' });
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ draftId: 'draft_1' });
    const text = sectionTexts(view.blocks).join('\n');
    for (const expected of [
      'alex@acme.com',
      'Starter — 25k emails/month',
      '2 domains',
      '`acme-mail.com`',
      '`team-acme.com`',
      '`https://acme.com`',
      '`366903`',
      'ops@acme.com',
      'Alex Rivera',
      '<#C0123ACME>',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('has no submit for someone who may not place orders, and says who can', () => {
    const view = renderOrderReview({ ...REVIEW, canPlace: false, approvers: ['U0APPROVER', 'U0OTHER'] });
    expectModalLimits(view);
    expect(view.submit).toBeUndefined();
    expect(view.close?.text).toBe('Back');
    const text = sectionTexts(view.blocks).join('\n');
    expect(text).toContain('Only approved people can place orders');
    expect(text).toContain('<@U0APPROVER> and <@U0OTHER>');
  });

  it('escapes user text', () => {
    const view = renderOrderReview({
      ...REVIEW,
      customerEmail: 'a&b@acme.com',
      bundleName: 'Bundle <!here>',
      personas: [
        { firstName: '<!channel>', lastName: '<@U123|x> & co', pictureUrl: 'https://x.com/<a>.png' },
      ],
    });
    const text = sectionTexts(view.blocks).join('\n');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;@U123|x&gt; &amp; co');
    expect(text).toContain('Bundle &lt;!here&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
  });

  it('never contains a password, even if one is smuggled into the model', () => {
    const view = renderOrderReview({ ...REVIEW, smartleadPassword: PASSWORD } as OrderReviewModel);
    expect(allText(view)).not.toContain(PASSWORD);
    expect(allText(view)).not.toMatch(/password/i);
  });

  it('mentions the default login when no login email was asked for', () => {
    const text = sectionTexts(renderOrderReview({ ...REVIEW, smartleadEmail: '' }).blocks).join('\n');
    expect(text).toMatch(/default login/);
  });

  it('lists long domain lists over several sections of at most 3000 chars', () => {
    const domains = Array.from({ length: 400 }, (_, i) => `customer-domain-number-${i}.com`);
    const view = renderOrderReview({ ...REVIEW, domains, requiredDomains: 400 });
    expectModalLimits(view);
    const text = sectionTexts(view.blocks).join('\n');
    expect(text).toContain('*Domains (400):*');
    expect(text).toContain('`customer-domain-number-0.com`');
    expect(text).toContain('`customer-domain-number-399.com`');

    const huge = Array.from({ length: 2000 }, (_, i) => `customer-domain-number-${i}.com`);
    const hugeView = renderOrderReview({ ...REVIEW, domains: huge, requiredDomains: null });
    expectModalLimits(hugeView);
    expect(sectionTexts(hugeView.blocks).join('\n')).toMatch(/…and \d+ more/);
  });

  it('marks sandbox orders', () => {
    expect(allText(renderOrderReview({ ...REVIEW, sandbox: true }))).toMatch(/sandbox/i);
  });
});
