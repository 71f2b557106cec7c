import type { KnownBlock, PlainTextOption } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { decodeFormMetadata } from '../../src/parsing/interaction-payloads.js';
import {
  type BundleChoice,
  type CurrentFormValues,
  readFormValues,
} from '../../src/parsing/order-form-values.js';
import {
  ACTION,
  BLOCK,
  ORDER_FORM_CALLBACK,
  ORDER_RESULT_CALLBACK,
  personaBlock,
} from '../../src/views/ids.js';
import { renderOrderForm } from '../../src/views/order-form.js';
import {
  allText,
  BUNDLES,
  blockIds,
  expectModalLimits,
  FULL_CURRENT,
  formModel,
  inputBlock,
  inputs,
  PASSWORD,
  sectionTexts,
  stateFromView,
} from '../helpers/modal-views.js';

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
