import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { expect } from 'vitest';
import type { BundleChoice, CurrentFormValues, StateValues } from '../../src/parsing/order-form-values.js';
import { LIMITS } from '../../src/views/limits.js';
import type { OrderFormModel } from '../../src/views/order-form-model.js';

/** Fixtures and checks shared by the order modal view tests. */
export const BUNDLES: BundleChoice[] = [
  { id: 'bun_starter', name: 'Starter — 25k emails/month', requiredDomains: 2 },
  { id: 'bun_growth', name: 'Growth — 100k emails/month', requiredDomains: 19 },
  { id: 'bun_custom', name: 'Custom', requiredDomains: null },
];

export const PASSWORD = 'hunter2-SECRET-PASSWORD';

export function formModel(overrides: Partial<OrderFormModel> = {}): OrderFormModel {
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

export const FULL_CURRENT: CurrentFormValues = {
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

export function inputs(view: ModalView): InputBlock[] {
  return view.blocks.filter((block): block is InputBlock => block.type === 'input');
}

export function blockIds(view: ModalView): string[] {
  return view.blocks.flatMap((block) => (block.block_id ? [block.block_id] : []));
}

export function inputBlock(view: ModalView, blockId: string): InputBlock {
  const block = inputs(view).find((candidate) => candidate.block_id === blockId);
  if (!block) throw new Error(`no input block ${blockId}`);
  return block;
}

/** What Slack would submit if the person pressed submit without touching anything. */
export function stateFromView(view: ModalView): StateValues {
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
export function allText(view: unknown): string {
  return JSON.stringify(view);
}

export function sectionTexts(blocks: ModalView['blocks']): string[] {
  return (blocks as KnownBlock[]).flatMap((block) =>
    block.type === 'section' && block.text ? [block.text.text] : [],
  );
}

export function expectModalLimits(view: ModalView) {
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
