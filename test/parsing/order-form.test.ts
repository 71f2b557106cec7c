import type { InputBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_MAX } from '../../src/parsing/field-errors.js';
import { type OrderFormContext, validateOrderForm } from '../../src/parsing/order-form.js';
import { type BundleChoice, readFormValues, type StateValues } from '../../src/parsing/order-form-values.js';
import { ACTION, BLOCK, personaBlock } from '../../src/views/ids.js';
import { renderOrderForm } from '../../src/views/order-form.js';

const BUNDLES: BundleChoice[] = [
  { id: 'bun_starter', name: 'Starter', requiredDomains: 2 },
  { id: 'bun_any', name: 'Any size', requiredDomains: null },
];

const CTX: OrderFormContext = { personaCount: 2, askSmartleadLogin: true, bundles: BUNDLES };
const PASSWORD = 'hunter2-SECRET-PASSWORD';

interface Fields {
  customerEmail?: string;
  bundleId?: string | null;
  domainsSelected?: string[] | null;
  domainsText?: string;
  forwardingUrl?: string;
  smartleadClientId?: string;
  smartleadEmail?: string;
  smartleadPassword?: string;
  personas?: { first?: string; last?: string; picture?: string }[];
}

/** A `view.state.values` shaped exactly like Slack's for the order form. */
function state(overrides: Fields = {}): StateValues {
  const fields: Required<Fields> = {
    customerEmail: ' alex@acme.com ',
    bundleId: 'bun_starter',
    domainsSelected: ['acme-mail.com'],
    domainsText: 'https://www.Team-Acme.com/\nacme-mail.com',
    forwardingUrl: 'https://acme.com',
    smartleadClientId: '366903',
    smartleadEmail: 'ops@acme.com',
    smartleadPassword: PASSWORD,
    personas: [
      { first: ' Alex ', last: 'Rivera', picture: 'https://cdn.acme.com/alex.jpg' },
      { first: 'Sam', last: 'Lee', picture: '' },
    ],
    ...overrides,
  };
  const text = (type: string, value: string) => ({
    [ACTION.value]: { type, value: value === '' ? null : value },
  });
  const values: StateValues = {
    [BLOCK.customerEmail]: text('email_text_input', fields.customerEmail),
    [BLOCK.bundle]: {
      [ACTION.value]: {
        type: 'static_select',
        selected_option: fields.bundleId === null ? null : { value: fields.bundleId, text: { text: 'x' } },
      },
    },
    [BLOCK.domainsText]: text('plain_text_input', fields.domainsText),
    [BLOCK.forwardingUrl]: text('url_text_input', fields.forwardingUrl),
    [BLOCK.smartleadClientId]: text('number_input', fields.smartleadClientId),
    [BLOCK.smartleadEmail]: text('email_text_input', fields.smartleadEmail),
    [BLOCK.smartleadPassword]: text('plain_text_input', fields.smartleadPassword),
  };
  if (fields.domainsSelected !== null) {
    values[BLOCK.domainsSelected] = {
      [ACTION.value]: {
        type: 'multi_static_select',
        selected_options: fields.domainsSelected.map((value) => ({ value })),
      },
    };
  }
  fields.personas.forEach((persona, i) => {
    values[personaBlock(i, 'first')] = text('plain_text_input', persona.first ?? '');
    values[personaBlock(i, 'last')] = text('plain_text_input', persona.last ?? '');
    values[personaBlock(i, 'picture')] = text('url_text_input', persona.picture ?? '');
  });
  return values;
}

function errorsOf(values: StateValues, ctx: OrderFormContext = CTX): Record<string, string> {
  const result = validateOrderForm(values, ctx);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

/** Every input block ID the form can render (10 personas, verified domains, login asked). */
const INPUT_BLOCK_IDS = new Set(
  renderOrderForm({
    channelId: 'C1',
    bundles: BUNDLES,
    verifiedDomains: ['acme-mail.com'],
    askSmartleadLogin: true,
    personaCount: 10,
    sandbox: false,
  })
    .blocks.filter((block): block is InputBlock => block.type === 'input')
    .map((block) => block.block_id ?? ''),
);

describe('readFormValues', () => {
  it('reads the raw values, untrimmed, and never the password', () => {
    const values = readFormValues(state(), 2);
    expect(values).toEqual({
      customerEmail: ' alex@acme.com ',
      bundleId: 'bun_starter',
      domainsSelected: ['acme-mail.com'],
      domainsText: 'https://www.Team-Acme.com/\nacme-mail.com',
      forwardingUrl: 'https://acme.com',
      smartleadClientId: '366903',
      smartleadEmail: 'ops@acme.com',
      personas: [
        { firstName: ' Alex ', lastName: 'Rivera', pictureUrl: 'https://cdn.acme.com/alex.jpg' },
        { firstName: 'Sam', lastName: 'Lee', pictureUrl: '' },
      ],
    });
    expect(JSON.stringify(values)).not.toContain(PASSWORD);
  });

  it('reads missing blocks as empty and clamps the persona count', () => {
    const empty = readFormValues({}, 3);
    expect(empty.customerEmail).toBe('');
    expect(empty.domainsSelected).toEqual([]);
    expect(empty.personas).toEqual(Array(3).fill({ firstName: '', lastName: '', pictureUrl: '' }));
    expect(readFormValues({}, 1e9).personas).toHaveLength(10);
    expect(readFormValues({}, Number.NaN).personas).toHaveLength(0);
    expect(readFormValues({}, -4).personas).toHaveLength(0);
  });
});

describe('validateOrderForm', () => {
  it('returns the cleaned form for a valid submission', () => {
    expect(validateOrderForm(state(), CTX)).toEqual({
      ok: true,
      form: {
        customerEmail: 'alex@acme.com',
        bundleId: 'bun_starter',
        // Selected first, then typed; normalised (scheme, www., case) and deduplicated.
        domains: ['acme-mail.com', 'team-acme.com'],
        // Where each came from, so a problem found later (taken, premium…) shows under its field.
        domainSources: { 'acme-mail.com': BLOCK.domainsSelected, 'team-acme.com': BLOCK.domainsText },
        forwardingUrl: 'https://acme.com',
        smartleadClientId: 366903,
        smartleadEmail: 'ops@acme.com',
        smartleadPassword: PASSWORD,
        personas: [
          { firstName: 'Alex', lastName: 'Rivera', pictureUrl: 'https://cdn.acme.com/alex.jpg' },
          { firstName: 'Sam', lastName: 'Lee', pictureUrl: '' },
        ],
      },
    });
  });

  it('ignores the login fields when the login comes from configuration', () => {
    const result = validateOrderForm(state({ smartleadEmail: '', smartleadPassword: '' }), {
      ...CTX,
      askSmartleadLogin: false,
    });
    expect(result).toMatchObject({
      ok: true,
      form: { smartleadEmail: undefined, smartleadPassword: undefined },
    });
  });

  it('accepts any domain count when the bundle does not say how many it needs', () => {
    const result = validateOrderForm(
      state({ bundleId: 'bun_any', domainsText: 'a-acme.com b-acme.com c-acme.com' }),
      CTX,
    );
    expect(result.ok && result.form.domains).toEqual([
      'acme-mail.com',
      'a-acme.com',
      'b-acme.com',
      'c-acme.com',
    ]);
  });

  it('works without the verified-domain block', () => {
    const result = validateOrderForm(
      state({ domainsSelected: null, domainsText: 'acme-mail.com, team-acme.com' }),
      CTX,
    );
    expect(result.ok && result.form.domains).toEqual(['acme-mail.com', 'team-acme.com']);
  });

  it.each([
    ['', /Enter the customer's email/],
    ['not-an-email', /not a valid email/],
    ['alex@', /not a valid email/],
  ])('customer email %j → error on customer_email', (customerEmail, message) => {
    expect(errorsOf(state({ customerEmail }))).toEqual({
      [BLOCK.customerEmail]: expect.stringMatching(message),
    });
  });

  it('requires a bundle that is still offered', () => {
    expect(errorsOf(state({ bundleId: null }))).toEqual({ [BLOCK.bundle]: 'Pick a bundle.' });
    expect(errorsOf(state({ bundleId: 'bun_gone' }))).toEqual({
      [BLOCK.bundle]: 'That bundle is no longer available — pick another.',
    });
  });

  it('lists invalid typed domains with short reasons on domains_text', () => {
    const one = errorsOf(state({ domainsText: 'mail.team-acme.com' }));
    expect(Object.keys(one)).toEqual([BLOCK.domainsText]);
    expect(one[BLOCK.domainsText]).toContain('mail.team-acme.com');
    expect(one[BLOCK.domainsText]).toContain('team-acme.com');

    const many = errorsOf(state({ domainsText: 'mail.acme.com 10.0.0.1 localhost acme ok-acme.com' }));
    expect(Object.keys(many)).toEqual([BLOCK.domainsText]);
    expect(many[BLOCK.domainsText]).toMatch(
      /^4 entries are not root domains: mail\.acme\.com \(use acme\.com\), 10\.0\.0\.1/,
    );
  });

  it('keeps a long list of bad domains within the error length, saying how many it left out', () => {
    const bad = Array.from({ length: 30 }, (_, i) => `sub${i}.example-customer-domain.com`).join('\n');
    const message = errorsOf(state({ domainsText: bad }))[BLOCK.domainsText] ?? '';
    expect(message.length).toBeLessThanOrEqual(ERROR_MAX);
    expect(message).toMatch(/…and \d+ more$/);
  });

  it('requires at least one domain', () => {
    expect(errorsOf(state({ domainsSelected: [], domainsText: '' }))).toEqual({
      [BLOCK.domainsText]: expect.stringMatching(/at least one domain/),
    });
    expect(errorsOf(state({ domainsSelected: null, domainsText: '  ' }))).toEqual({
      [BLOCK.domainsText]: expect.stringMatching(/at least one domain/),
    });
  });

  it('checks the domain count against the bundle, on both domain blocks', () => {
    const missing = errorsOf(state({ domainsSelected: [], domainsText: 'acme-mail.com' }));
    expect(missing).toEqual({
      [BLOCK.domainsText]: 'Starter needs exactly 2 domains; you have 1 (1 missing).',
      [BLOCK.domainsSelected]: 'Starter needs exactly 2 domains; you have 1 (1 missing).',
    });
    const tooMany = errorsOf(
      state({ domainsSelected: null, domainsText: 'a-acme.com b-acme.com c-acme.com d-acme.com' }),
    );
    expect(tooMany).toEqual({
      [BLOCK.domainsText]: 'Starter needs exactly 2 domains; you have 4 (2 too many).',
    });
  });

  it.each([
    ['', /Enter the URL/],
    ['acme.com', /start it with https/],
    ['http://acme.com', /^Use an https:\/\/ URL\.$/],
    ['ftp://acme.com', /https/],
    ['https://acme', /full domain name/],
  ])('forwarding URL %j → error on forwarding_url', (forwardingUrl, message) => {
    expect(errorsOf(state({ forwardingUrl }))).toEqual({
      [BLOCK.forwardingUrl]: expect.stringMatching(message),
    });
  });

  it.each(['', '0', '-3', '1.5', 'abc', '99999999999999999999'])(
    'client ID %j → error on smartlead_client_id',
    (id) => {
      expect(Object.keys(errorsOf(state({ smartleadClientId: id })))).toEqual([BLOCK.smartleadClientId]);
    },
  );

  it('requires both Smartlead login fields when it asks for them, never echoing the password', () => {
    expect(errorsOf(state({ smartleadEmail: '' }))).toEqual({ [BLOCK.smartleadEmail]: expect.any(String) });
    expect(errorsOf(state({ smartleadEmail: 'nope' }))).toEqual({
      [BLOCK.smartleadEmail]: expect.any(String),
    });
    expect(errorsOf(state({ smartleadPassword: '' }))).toEqual({
      [BLOCK.smartleadPassword]: expect.any(String),
    });
    expect(errorsOf(state({ smartleadPassword: '   ' }))).toEqual({
      [BLOCK.smartleadPassword]: expect.any(String),
    });
    const everythingWrong = errorsOf(state({ customerEmail: PASSWORD, smartleadEmail: PASSWORD }));
    expect(JSON.stringify(everythingWrong)).not.toContain(PASSWORD);
  });

  it('keeps the password exactly as typed', () => {
    const result = validateOrderForm(state({ smartleadPassword: ' pa ss ' }), CTX);
    expect(result.ok && result.form.smartleadPassword).toBe(' pa ss ');
  });

  it('checks each persona row', () => {
    const errors = errorsOf(
      state({
        personas: [
          { first: '  ', last: 'x'.repeat(51), picture: 'http://cdn.acme.com/a.jpg' },
          { first: 'Sam', last: '', picture: 'not a url' },
        ],
      }),
    );
    expect(errors).toEqual({
      [personaBlock(0, 'first')]: 'Enter a first name.',
      [personaBlock(0, 'last')]: 'Keep the last name to 50 characters or fewer.',
      [personaBlock(0, 'picture')]: expect.stringMatching(/https/),
      [personaBlock(1, 'last')]: 'Enter a last name.',
      [personaBlock(1, 'picture')]: expect.stringMatching(/https/),
    });
  });

  it('allows any characters in names (they are escaped when shown)', () => {
    const result = validateOrderForm(
      state({
        personas: [
          { first: '<!channel>', last: 'O’Brien & co' },
          { first: 'Sam', last: 'Lee' },
        ],
      }),
      CTX,
    );
    expect(result.ok && result.form.personas[0]).toEqual({
      firstName: '<!channel>',
      lastName: 'O’Brien & co',
      pictureUrl: '',
    });
  });

  it.each([0, 11, 1.5, Number.NaN])('persona count %s → error on the first persona block', (personaCount) => {
    expect(errorsOf(state(), { ...CTX, personaCount })).toEqual({
      [personaBlock(0, 'first')]: 'An order needs 1 to 10 personas.',
    });
  });

  it('reads only the rows the form has', () => {
    const result = validateOrderForm(state(), { ...CTX, personaCount: 1 });
    expect(result.ok && result.form.personas).toHaveLength(1);
    // A row the form shows is required even when Slack sent nothing for it.
    expect(errorsOf(state(), { ...CTX, personaCount: 3 })).toEqual({
      [personaBlock(2, 'first')]: 'Enter a first name.',
      [personaBlock(2, 'last')]: 'Enter a last name.',
    });
  });

  it('keeps every message short', () => {
    const errors = errorsOf(
      state({
        customerEmail: 'x',
        bundleId: 'bun_gone',
        domainsText: `${'a'.repeat(70)}.${'b'.repeat(70)}.example.com`,
        forwardingUrl: 'http://x.com',
        smartleadClientId: 'x',
        smartleadEmail: 'x',
        smartleadPassword: '',
        personas: [{ first: '', last: '', picture: 'javascript:alert(1)' }],
      }),
      { ...CTX, personaCount: 1 },
    );
    expect(Object.keys(errors).length).toBeGreaterThan(6);
    for (const message of Object.values(errors)) expect(message.length).toBeLessThanOrEqual(ERROR_MAX);
  });
});

describe('properties', () => {
  const blockKeys = fc.constantFrom(...INPUT_BLOCK_IDS, 'other', '__proto__', 'constructor');
  // Values shaped roughly like Slack's, with junk mixed in at every level.
  const elementState = fc.oneof(
    fc.anything(),
    fc.record(
      {
        type: fc.string(),
        value: fc.oneof(
          fc.string(),
          fc.constantFrom('https://acme.com', 'alex@acme.com', '42', 'acme.com'),
          fc.anything(),
        ),
        selected_option: fc.oneof(
          fc.record({ value: fc.oneof(fc.constantFrom('bun_starter'), fc.string()) }),
          fc.anything(),
        ),
        selected_options: fc.oneof(fc.array(fc.record({ value: fc.string() })), fc.anything()),
      },
      { requiredKeys: [] },
    ),
  );
  const slackish = fc.dictionary(
    blockKeys,
    fc.oneof(fc.dictionary(fc.constantFrom(ACTION.value, 'x'), elementState), fc.anything()),
  );
  const values = fc.oneof(slackish, fc.anything(), fc.dictionary(fc.string(), fc.anything()));
  const ctx = fc.record({
    personaCount: fc.oneof(fc.integer({ min: -5, max: 15 }), fc.double()),
    askSmartleadLogin: fc.boolean(),
    bundles: fc.constant(BUNDLES),
  });

  it('never throw, and key every error by an input block the form can render', () => {
    fc.assert(
      fc.property(values, ctx, (raw, context) => {
        const input = raw as StateValues;
        readFormValues(input, context.personaCount);
        const result = validateOrderForm(input, context);
        if (!result.ok) {
          for (const [key, message] of Object.entries(result.errors)) {
            expect(INPUT_BLOCK_IDS.has(key), key).toBe(true);
            expect(message.length).toBeGreaterThan(0);
            expect(message.length).toBeLessThanOrEqual(ERROR_MAX);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
