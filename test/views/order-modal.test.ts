import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { type CurrentFormValues, readFormValues, type StateValues } from '../../src/parsing/order-form.js';
import {
  ACTION,
  BLOCK,
  ORDER_FORM_CALLBACK,
  ORDER_RESULT_CALLBACK,
  ORDER_REVIEW_CALLBACK,
  personaBlock,
} from '../../src/views/ids.js';
import { LIMITS } from '../../src/views/limits.js';
import {
  type BundleChoice,
  decodeFormMetadata,
  decodeReviewMetadata,
  encodeFormMetadata,
  formatCents,
  type OrderFormModel,
  type OrderReviewModel,
  renderOrderFailed,
  renderOrderForm,
  renderOrderLoading,
  renderOrderNotAllowed,
  renderOrderPlaced,
  renderOrderPlacing,
  renderOrderReview,
  renderOrderUnavailable,
} from '../../src/views/order-modal.js';
import type { PeekerErrorView } from '../../src/views/peeker-error.js';

const BUNDLES: BundleChoice[] = [
  { id: 'bun_starter', name: 'Starter — 25k emails/month', requiredDomains: 2 },
  { id: 'bun_growth', name: 'Growth — 100k emails/month', requiredDomains: 19 },
  { id: 'bun_custom', name: 'Custom', requiredDomains: null },
];

const PASSWORD = 'hunter2-SECRET-PASSWORD';

function formModel(overrides: Partial<OrderFormModel> = {}): OrderFormModel {
  return {
    channelId: 'C0123ACME',
    bundles: BUNDLES,
    verifiedDomains: ['acme-mail.com', 'team-acme.com'],
    askSmartleadLogin: true,
    personaCount: 1,
    sandbox: false,
    ...overrides,
  };
}

const FULL_CURRENT: CurrentFormValues = {
  customerEmail: 'alex@acme.com',
  bundleId: 'bun_starter',
  domainsSelected: ['team-acme.com'],
  domainsText: 'more-acme.com\nacme-hq.com',
  forwardingUrl: 'https://acme.com',
  smartleadClientId: '366903',
  smartleadEmail: 'ops@acme.com',
  personas: [
    { firstName: 'Alex', lastName: 'Rivera', pictureUrl: 'https://cdn.acme.com/alex.jpg' },
    { firstName: 'Sam', lastName: 'Lee', pictureUrl: '' },
  ],
};

function inputs(view: ModalView): InputBlock[] {
  return view.blocks.filter((block): block is InputBlock => block.type === 'input');
}

function blockIds(view: ModalView): string[] {
  return view.blocks.flatMap((block) => (block.block_id ? [block.block_id] : []));
}

function inputBlock(view: ModalView, blockId: string): InputBlock {
  const block = inputs(view).find((candidate) => candidate.block_id === blockId);
  if (!block) throw new Error(`no input block ${blockId}`);
  return block;
}

/** What Slack would submit if the person pressed submit without touching anything. */
function stateFromView(view: ModalView): StateValues {
  const values: StateValues = {};
  for (const block of inputs(view)) {
    const element = block.element as {
      type: string;
      action_id?: string;
      initial_value?: string;
      initial_option?: PlainTextOption;
      initial_options?: PlainTextOption[];
    };
    const state =
      element.type === 'static_select'
        ? { type: element.type, selected_option: element.initial_option ?? null }
        : element.type === 'multi_static_select'
          ? { type: element.type, selected_options: element.initial_options ?? [] }
          : { type: element.type, value: element.initial_value ?? null };
    values[block.block_id ?? ''] = { [element.action_id ?? '']: state };
  }
  return values;
}

/** Every string in a view, for "never contains" checks. */
function allText(view: unknown): string {
  return JSON.stringify(view);
}

function sectionTexts(blocks: ModalView['blocks']): string[] {
  return (blocks as KnownBlock[]).flatMap((block) =>
    block.type === 'section' && block.text ? [block.text.text] : [],
  );
}

function expectModalLimits(view: ModalView) {
  expect(view.type).toBe('modal');
  expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerModal);
  expect(view.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
  expect(view.close?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.modalTitle);
  expect(view.submit?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.modalTitle);
  expect(view.private_metadata?.length ?? 0).toBeLessThanOrEqual(LIMITS.privateMetadata);
  if (inputs(view).length > 0) expect(view.submit).toBeDefined();
  for (const text of sectionTexts(view.blocks)) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  for (const block of inputs(view)) {
    const element = block.element as { options?: PlainTextOption[] };
    expect(element.options?.length ?? 0).toBeLessThanOrEqual(LIMITS.optionsPerSelect);
    for (const option of element.options ?? []) {
      expect(option.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
      expect(option.value?.length ?? 0).toBeLessThanOrEqual(LIMITS.optionValue);
    }
  }
}

describe('renderOrderForm', () => {
  it.each([
    [0, 1],
    [1, 1],
    [4, 4],
    [10, 10],
    [11, 10],
  ])('renders %i personas as %i rows, within Slack limits', (requested, rows) => {
    const view = renderOrderForm(formModel({ personaCount: requested }));
    expectModalLimits(view);
    expect(view.callback_id).toBe(ORDER_FORM_CALLBACK);
    expect(view.title.text).toBe('New inbox order');
    expect(view.submit?.text).toBe('Review');
    expect(view.close?.text).toBe('Cancel');
    const ids = blockIds(view);
    for (let i = 0; i < rows; i++) {
      for (const field of ['first', 'last', 'picture'] as const)
        expect(ids).toContain(personaBlock(i, field));
    }
    expect(ids).not.toContain(personaBlock(rows, 'first'));
    expect(decodeFormMetadata(view.private_metadata)?.personaCount).toBe(rows);

    const actions = (view.blocks as KnownBlock[]).find((block) => block.block_id === BLOCK.personaActions);
    expect(actions?.type).toBe('actions');
    const actionIds =
      actions?.type === 'actions'
        ? actions.elements.map((element) => (element as { action_id?: string }).action_id)
        : [];
    expect(actionIds.includes(ACTION.addPersona)).toBe(rows < 10);
    expect(actionIds.includes(ACTION.removePersona)).toBe(rows > 1);
  });

  it('uses action_id "value" on every input and unique block IDs', () => {
    const view = renderOrderForm(formModel({ personaCount: 10 }));
    for (const block of inputs(view))
      expect((block.element as { action_id?: string }).action_id).toBe(ACTION.value);
    const ids = blockIds(view);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('offers verified domains, all pre-selected by default', () => {
    const view = renderOrderForm(formModel());
    const select = inputBlock(view, BLOCK.domainsSelected);
    expect(select.optional).toBe(true);
    expect(select.label.text).toBe('Verified domains in this channel');
    expect(select.element.type).toBe('multi_static_select');
    const element = select.element as { options: PlainTextOption[]; initial_options: PlainTextOption[] };
    expect(element.options.map((o) => o.value)).toEqual(['acme-mail.com', 'team-acme.com']);
    expect(element.initial_options).toEqual(element.options);
    expect(inputBlock(view, BLOCK.domainsText).optional).toBe(true);
  });

  it('leaves out the verified-domain select when the channel has none', () => {
    const view = renderOrderForm(formModel({ verifiedDomains: [] }));
    expect(blockIds(view)).not.toContain(BLOCK.domainsSelected);
    expect(blockIds(view)).toContain(BLOCK.domainsText);
  });

  it('caps verified domains at 100 options and moves the rest (and over-long names) to the text field', () => {
    const many = Array.from({ length: 120 }, (_, i) => `domain-${i}.com`);
    const long = `${'a'.repeat(70)}.com`;
    const view = renderOrderForm(formModel({ verifiedDomains: [...many, long] }));
    expectModalLimits(view);
    const element = inputBlock(view, BLOCK.domainsSelected).element as { options: PlainTextOption[] };
    expect(element.options).toHaveLength(100);
    const text =
      (inputBlock(view, BLOCK.domainsText).element as { initial_value?: string }).initial_value ?? '';
    expect(text.split('\n')).toEqual([...many.slice(100), long]);
  });

  it('asks for the Smartlead login only when configured to', () => {
    const asked = blockIds(renderOrderForm(formModel({ askSmartleadLogin: true })));
    expect(asked).toEqual(
      expect.arrayContaining([BLOCK.smartleadClientId, BLOCK.smartleadEmail, BLOCK.smartleadPassword]),
    );
    const notAsked = blockIds(renderOrderForm(formModel({ askSmartleadLogin: false })));
    expect(notAsked).toContain(BLOCK.smartleadClientId);
    expect(notAsked).not.toContain(BLOCK.smartleadEmail);
    expect(notAsked).not.toContain(BLOCK.smartleadPassword);
  });

  it('uses the right input types', () => {
    const view = renderOrderForm(formModel());
    expect(inputBlock(view, BLOCK.customerEmail).element.type).toBe('email_text_input');
    expect(inputBlock(view, BLOCK.customerEmail).hint?.text).toMatch(/reuses/);
    expect(inputBlock(view, BLOCK.bundle).element.type).toBe('static_select');
    expect(inputBlock(view, BLOCK.forwardingUrl).element.type).toBe('url_text_input');
    expect(inputBlock(view, BLOCK.smartleadClientId).element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: false,
      min_value: '1',
    });
    expect(inputBlock(view, BLOCK.smartleadEmail).element.type).toBe('email_text_input');
    expect(inputBlock(view, BLOCK.smartleadPassword).element.type).toBe('plain_text_input');
    expect(inputBlock(view, BLOCK.smartleadPassword).hint?.text).toMatch(/never stored or shown/i);
    expect(inputBlock(view, personaBlock(0, 'first')).element).toMatchObject({
      type: 'plain_text_input',
      max_length: 50,
    });
    expect(inputBlock(view, personaBlock(0, 'picture')).element.type).toBe('url_text_input');
    expect(inputBlock(view, personaBlock(0, 'picture')).optional).toBe(true);
    expect(inputBlock(view, BLOCK.domainsText).element).toMatchObject({
      type: 'plain_text_input',
      multiline: true,
    });
  });

  it('labels bundle options with the domain count and keeps option text and value within 75 chars', () => {
    const bundles: BundleChoice[] = [
      ...BUNDLES,
      { id: 'bun_long', name: `Enterprise ${'x'.repeat(200)}`, requiredDomains: 150 },
      ...Array.from({ length: 120 }, (_, i) => ({ id: `bun_${i}`, name: `Bundle ${i}`, requiredDomains: i })),
    ];
    const view = renderOrderForm(formModel({ bundles }));
    expectModalLimits(view);
    const options = (inputBlock(view, BLOCK.bundle).element as { options: PlainTextOption[] }).options;
    expect(options).toHaveLength(100);
    expect(options[0]).toMatchObject({
      text: { text: 'Starter — 25k emails/month · 2 domains' },
      value: 'bun_starter',
    });
    expect(options[2]?.text.text).toBe('Custom');
    expect(options[3]?.text.text).toMatch(/… · 150 domains$/);
  });

  it('keeps a pre-selected bundle even past the 100th', () => {
    const bundles = Array.from({ length: 150 }, (_, i) => ({
      id: `bun_${i}`,
      name: `Bundle ${i}`,
      requiredDomains: 1,
    }));
    const view = renderOrderForm(formModel({ bundles, prefill: { bundleId: 'bun_140' } }));
    const element = inputBlock(view, BLOCK.bundle).element as {
      options: PlainTextOption[];
      initial_option?: PlainTextOption;
    };
    expect(element.options).toHaveLength(100);
    expect(element.initial_option?.value).toBe('bun_140');
    expect(element.options).toContainEqual(element.initial_option);
  });

  it('pre-selects nothing for an unknown bundle', () => {
    const view = renderOrderForm(formModel({ prefill: { bundleId: 'bun_gone' } }));
    expect(
      (inputBlock(view, BLOCK.bundle).element as { initial_option?: unknown }).initial_option,
    ).toBeUndefined();
  });

  it('renders "unavailable" when there are no bundles to choose from', () => {
    const view = renderOrderForm(formModel({ bundles: [] }));
    expect(view.callback_id).toBe(ORDER_RESULT_CALLBACK);
    expect(inputs(view)).toHaveLength(0);
    expect(view.submit).toBeUndefined();
  });

  it('keeps field values and the password out of private_metadata', () => {
    const current = { ...FULL_CURRENT, smartleadPassword: PASSWORD } as CurrentFormValues;
    const prefill = {
      customerEmail: 'alex@acme.com',
      smartleadPassword: PASSWORD,
      forwardingUrl: 'https://acme.com',
    };
    const view = renderOrderForm(formModel({ personaCount: 2, current, prefill, reorderOf: 'ord_123' }));
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({
      channelId: 'C0123ACME',
      personaCount: 2,
      reorderOf: 'ord_123',
    });
    expect(allText(view)).not.toContain(PASSWORD);
  });

  it('never puts an initial value in the password input', () => {
    const current = { ...FULL_CURRENT, smartleadPassword: PASSWORD } as CurrentFormValues;
    for (const model of [
      formModel({ current }),
      formModel({ prefill: { smartleadEmail: 'ops@acme.com', smartleadPassword: PASSWORD } as never }),
    ]) {
      const view = renderOrderForm(model);
      expect(inputBlock(view, BLOCK.smartleadPassword).element).toEqual({
        type: 'plain_text_input',
        action_id: ACTION.value,
      });
      expect(allText(view)).not.toContain(PASSWORD);
    }
  });

  it('shows what was typed (current) so nothing is lost on re-render; readFormValues reads it back', () => {
    for (const personaCount of [2, 3]) {
      const view = renderOrderForm(formModel({ personaCount, current: FULL_CURRENT }));
      const initialText = (blockId: string) =>
        (inputBlock(view, blockId).element as { initial_value?: string }).initial_value ?? '';
      expect(initialText(BLOCK.customerEmail)).toBe(FULL_CURRENT.customerEmail);
      expect(initialText(BLOCK.domainsText)).toBe(FULL_CURRENT.domainsText);
      expect(initialText(BLOCK.forwardingUrl)).toBe(FULL_CURRENT.forwardingUrl);
      expect(initialText(BLOCK.smartleadClientId)).toBe(FULL_CURRENT.smartleadClientId);
      expect(initialText(BLOCK.smartleadEmail)).toBe(FULL_CURRENT.smartleadEmail);
      const bundle = inputBlock(view, BLOCK.bundle).element as { initial_option?: PlainTextOption };
      expect(bundle.initial_option?.value).toBe(FULL_CURRENT.bundleId);
      const selected = inputBlock(view, BLOCK.domainsSelected).element as {
        initial_options?: PlainTextOption[];
      };
      expect(selected.initial_options?.map((o) => o.value)).toEqual(FULL_CURRENT.domainsSelected);

      const expectedPersonas = Array.from(
        { length: personaCount },
        (_, i) => FULL_CURRENT.personas[i] ?? { firstName: '', lastName: '', pictureUrl: '' },
      );
      expect(readFormValues(stateFromView(view), personaCount)).toEqual({
        ...FULL_CURRENT,
        personas: expectedPersonas,
      });
    }
  });

  it('pre-fills from the original order, splitting domains between the select and the text field', () => {
    const view = renderOrderForm(
      formModel({
        personaCount: 2,
        prefill: {
          customerEmail: 'alex@acme.com',
          bundleId: 'bun_starter',
          domains: ['acme-mail.com', 'other-acme.com'],
          forwardingUrl: 'https://acme.com',
          smartleadClientId: 366903,
          smartleadEmail: 'ops@acme.com',
          personas: FULL_CURRENT.personas,
          note: "Sam Lee's picture was not publicly accessible — paste a public URL <!here>",
        },
      }),
    );
    const values = readFormValues(stateFromView(view), 2);
    expect(values).toEqual({
      customerEmail: 'alex@acme.com',
      bundleId: 'bun_starter',
      domainsSelected: ['acme-mail.com'],
      domainsText: 'other-acme.com',
      forwardingUrl: 'https://acme.com',
      smartleadClientId: '366903',
      smartleadEmail: 'ops@acme.com',
      personas: FULL_CURRENT.personas,
    });
    const texts = sectionTexts(view.blocks);
    expect(texts[0]).toContain('paste a public URL &lt;!here&gt;');
  });

  it('marks sandbox orders', () => {
    expect(allText(renderOrderForm(formModel({ sandbox: true })))).toMatch(/sandbox/i);
    expect(allText(renderOrderForm(formModel({ sandbox: false })))).not.toMatch(/sandbox/i);
  });
});

describe('form metadata', () => {
  it('round-trips and rejects anything else', () => {
    const encoded = encodeFormMetadata({ channelId: 'C1', personaCount: 3, reorderOf: 'ord_1' });
    expect(decodeFormMetadata(encoded)).toEqual({ channelId: 'C1', personaCount: 3, reorderOf: 'ord_1' });
    expect(decodeFormMetadata(encodeFormMetadata({ channelId: 'C1', personaCount: 1 }))).toEqual({
      channelId: 'C1',
      personaCount: 1,
    });
    for (const bad of [
      undefined,
      '',
      'not json',
      '[]',
      'null',
      '{"channelId":"C1"}',
      '{"channelId":"C1","personaCount":0}',
      '{"channelId":"C1","personaCount":11}',
      '{"channelId":"C1","personaCount":1.5}',
      '{"channelId":"","personaCount":1}',
      '{"channelId":"C1","personaCount":1,"reorderOf":7}',
    ]) {
      expect(decodeFormMetadata(bad)).toBeUndefined();
    }
  });
});

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

describe('formatCents', () => {
  it.each([
    [6800, 'usd', '$68.00'],
    [6800, 'USD', '$68.00'],
    [5, 'usd', '$0.05'],
    [123456789, 'usd', '$1,234,567.89'],
    [-250, 'usd', '-$2.50'],
    [6800, 'eur', '68.00 EUR'],
    [6800, null, '68.00'],
    [6800, '<x>', '68.00'],
    [Number.NaN, 'usd', '—'],
  ] as const)('%s %s → %s', (cents, currency, expected) => {
    expect(formatCents(cents, currency)).toBe(expected);
  });
});
