import { describe, expect, it } from 'vitest';
import { ERROR_MAX } from '../../src/parsing/field-errors.js';
import { readPickedDomains } from '../../src/parsing/interaction-payloads.js';
import { validateOrderForm } from '../../src/parsing/order-form.js';
import { domainProblemsMessage, readFileIds } from '../../src/parsing/order-form-domains.js';
import { ACTION, BLOCK, PICKS_BLOCK, personaBlock } from '../../src/views/ids.js';

const CTX = {
  personaCount: 1,
  askSmartleadLogin: false,
  bundles: [{ id: 'bun_3', name: 'Three', requiredDomains: 3 }],
};

function values(extra: Record<string, unknown> = {}) {
  const text = (value: string) => ({ [ACTION.value]: { type: 'plain_text_input', value } });
  return {
    [BLOCK.customerEmail]: text('alex@acme.com'),
    [BLOCK.bundle]: { [ACTION.value]: { type: 'static_select', selected_option: { value: 'bun_3' } } },
    [BLOCK.forwardingUrl]: text('https://acme.com'),
    [BLOCK.smartleadClientId]: text('366903'),
    [personaBlock(0, 'first')]: text('Alex'),
    [personaBlock(0, 'last')]: text('Rivera'),
    ...extra,
  };
}

describe('the domains file', () => {
  it('counts with the typed domains, deduplicated, and remembers where each came from', () => {
    const result = validateOrderForm(
      values({ [BLOCK.domainsText]: { [ACTION.value]: { value: 'a-acme.com' } } }),
      { ...CTX, fileDomainsText: 'A-acme.com\nb-acme.com, c-acme.com\n' },
    );
    expect(result.ok && result.form.domains).toEqual(['a-acme.com', 'b-acme.com', 'c-acme.com']);
    expect(result.ok && result.form.domainSources).toEqual({
      'a-acme.com': BLOCK.domainsText,
      'b-acme.com': BLOCK.domainsFile,
      'c-acme.com': BLOCK.domainsFile,
    });
  });

  it('a bad entry, an empty file or a wrong count is an error under the file field', () => {
    const bad = validateOrderForm(values(), {
      ...CTX,
      fileDomainsText: 'a-acme.com mail.acme.com x-acme.com',
    });
    expect(!bad.ok && bad.errors[BLOCK.domainsFile]).toMatch(/^In the file: .*mail\.acme\.com/);
    const empty = validateOrderForm(values(), { ...CTX, fileDomainsText: '  \n' });
    expect(!empty.ok && empty.errors[BLOCK.domainsFile]).toMatch(/no domain names/);
    const count = validateOrderForm(values(), { ...CTX, fileDomainsText: 'a-acme.com' });
    expect(!count.ok && count.errors[BLOCK.domainsFile]).toMatch(/needs exactly 3 domains; you have 1/);
  });

  it('reads the uploaded file IDs from the file input’s state (own properties only)', () => {
    expect(
      readFileIds(
        values({ [BLOCK.domainsFile]: { [ACTION.value]: { files: [{ id: 'F1' }, { id: '' }, 3] } } }),
      ),
    ).toEqual(['F1']);
    expect(readFileIds(values())).toEqual([]);
    expect(readFileIds(JSON.parse('{"__proto__": {"files": [{"id": "F2"}]}}'))).toEqual([]);
  });
});

describe('domainProblemsMessage', () => {
  it('names each domain and why, as many as fit', () => {
    expect(domainProblemsMessage([{ domain: 'taken-acme.com', why: 'taken' }])).toBe(
      'Can’t order: taken-acme.com (taken)',
    );
    const many = domainProblemsMessage(
      Array.from({ length: 20 }, (_, i) => ({ domain: `taken-${i}-acme.com`, why: 'taken' })),
    );
    expect(many.length).toBeLessThanOrEqual(ERROR_MAX);
    expect(many).toMatch(/^20 domains can’t be ordered: taken-0-acme.com \(taken\), .*…and \d+ more$/);
  });
});

describe('readPickedDomains', () => {
  it('reads the picker’s selection, or undefined when the payload lacks it', () => {
    const state = {
      [PICKS_BLOCK]: { [ACTION.pickDomains]: { selected_options: [{ value: 'a.com' }, { value: 'b.com' }] } },
    };
    expect(readPickedDomains(state)).toEqual(['a.com', 'b.com']);
    expect(readPickedDomains({})).toBeUndefined();
    expect(
      readPickedDomains({ [PICKS_BLOCK]: { [ACTION.pickDomains]: { selected_options: [{ value: 7 }] } } }),
    ).toBeUndefined();
  });
});
