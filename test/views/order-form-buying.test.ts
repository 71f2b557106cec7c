import type { PlainTextOption } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { decodeFormMetadata } from '../../src/parsing/interaction-payloads.js';
import { BLOCK } from '../../src/views/ids.js';
import { LIMITS } from '../../src/views/limits.js';
import { renderOrderForm } from '../../src/views/order-form.js';
import { type OrderReviewModel, renderOrderReview } from '../../src/views/order-review.js';
import { allText, blockIds, expectModalLimits, formModel, inputBlock } from '../helpers/modal-views.js';

describe('the order form, buying domains', () => {
  it('offers picked names first (with their price), pre-selected when they are the pre-fill', () => {
    const view = renderOrderForm(
      formModel({
        pickedDomains: [{ domain: 'getacme.com', priceCents: 1300, currency: 'usd' }],
        pickSetId: 'pick_7',
        prefill: { domains: ['getacme.com'] },
        acceptsFile: true,
      }),
    );
    expectModalLimits(view);
    const element = inputBlock(view, BLOCK.domainsSelected).element as {
      options: PlainTextOption[];
      initial_options?: PlainTextOption[];
    };
    expect(element.options.map((option) => option.value)).toEqual([
      'getacme.com',
      'acme-mail.com',
      'team-acme.com',
    ]);
    expect(element.options[0]?.text.text).toBe('getacme.com · to register, $13.00');
    expect(element.initial_options?.map((option) => option.value)).toEqual(['getacme.com']);
    expect(decodeFormMetadata(view.private_metadata)?.pickSetId).toBe('pick_7');
    expect(inputBlock(view, BLOCK.domainsFile).element).toMatchObject({ type: 'file_input', max_files: 1 });
    expect(inputBlock(view, BLOCK.domainsFile).optional).toBe(true);
  });

  it('never pre-fills the text box past 3,000 characters; says how many did not fit', () => {
    const many = Array.from({ length: 200 }, (_, i) => `a-rather-long-domain-name-${i}-acme.com`);
    const view = renderOrderForm(
      formModel({ verifiedDomains: [], prefill: { domains: many }, acceptsFile: true }),
    );
    expectModalLimits(view);
    const text =
      (inputBlock(view, BLOCK.domainsText).element as { initial_value?: string }).initial_value ?? '';
    expect(text.length).toBeLessThanOrEqual(LIMITS.textInput);
    const kept = text.split('\n').length;
    expect(many.slice(0, kept).join('\n')).toBe(text);
    expect(allText(view)).toContain(`${200 - kept} more domains did not fit in the form`);
    expect(allText(view)).toContain('attach them as a file');
  });

  it('offers no file input unless the app can read files', () => {
    expect(blockIds(renderOrderForm(formModel()))).not.toContain(BLOCK.domainsFile);
  });
});

describe('the review, buying domains', () => {
  const base: OrderReviewModel = {
    draftId: 'd1',
    channelId: 'C0123ACME',
    customerEmail: 'alex@acme.com',
    bundleName: 'Growth',
    requiredDomains: 4,
    domains: ['mine.com', 'a.com', 'b.com', 'c.com'],
    forwardingUrl: 'https://acme.com',
    smartleadClientId: 1,
    smartleadEmail: '',
    personas: [{ firstName: 'Alex', lastName: 'Rivera', pictureUrl: '' }],
    sandbox: false,
    canPlace: true,
    approvers: [],
  };

  it('shows imported vs to-register, each price, and the totals per currency', () => {
    const view = renderOrderReview({
      ...base,
      imported: ['mine.com'],
      toRegister: [
        { domain: 'a.com', priceCents: 1300, renewalCents: 1500, currency: 'usd', usableFor: ['google'] },
        { domain: 'b.com', priceCents: 700, renewalCents: 900, currency: 'usd', usableFor: [] },
        { domain: 'c.com', priceCents: null, renewalCents: null, currency: 'eur', usableFor: ['microsoft'] },
      ],
    });
    expectModalLimits(view);
    const text = allText(view);
    expect(text).toContain('1 imported · 3 to register by Peeker');
    expect(text).toContain('`mine.com`');
    expect(text).toContain('`a.com` — $13.00 first year, then $15.00/yr · Google');
    expect(text).toContain('`c.com` — price not given · Microsoft');
    expect(text).toContain('$20.00 the first year, then $24.00 a year');
    expect(text).toContain('; 1 name without a price from Peeker');
  });

  it('without registrations, the plain domain list as before', () => {
    const text = allText(renderOrderReview({ ...base, imported: base.domains, toRegister: [] }));
    expect(text).toContain('Domains (4)');
    expect(text).not.toContain('to register');
  });
});
