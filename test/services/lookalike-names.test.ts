import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDomain, validateRootDomain } from '../../src/parsing/domains.js';
import { type LookalikeNames, lookalikeNames } from '../../src/services/lookalike-names.js';

function names(input: string, max?: number): string[] {
  const result = max === undefined ? lookalikeNames(input) : lookalikeNames(input, { max });
  if ('problem' in result) throw new Error(`expected names for ${input}, got: ${result.problem}`);
  return result.names;
}

function problem(input: string): string {
  const result = lookalikeNames(input);
  if (!('problem' in result))
    throw new Error(`expected a problem for ${input}, got ${result.names.join(', ')}`);
  return result.problem;
}

const isCom = (name: string) => name.endsWith('.com');

describe('lookalikeNames: examples from the product spec', () => {
  it('acme gives the spec names, .com first, 40 at most', () => {
    const list = names('acme');
    expect(list).toEqual(
      expect.arrayContaining(['getacme.com', 'tryacme.com', 'acmehq.com', 'acme-mail.com', 'teamacme.com']),
    );
    expect(list).toHaveLength(40);
    expect(list.slice(0, 5)).toEqual([
      'getacme.com',
      'tryacme.com',
      'acmehq.com',
      'acme-mail.com',
      'teamacme.com',
    ]);
    const lastCom = list.findLastIndex(isCom);
    const firstOther = list.findIndex((n) => !isCom(n));
    expect(firstOther).toBeGreaterThan(lastCom);
  });

  it('offers other TLDs after .com, bare brand first', () => {
    const list = names('acme');
    const others = list.filter((n) => !isCom(n));
    expect(others.length).toBeGreaterThan(0);
    expect(others[0]).toBe('acme.co');
    expect(others).toContain('acme.io');
  });

  it('a typed brand excludes its own .com (presumed the customer’s domain)', () => {
    expect(names('acme')).not.toContain('acme.com');
  });

  it('reports the brand it used', () => {
    expect(lookalikeNames('acme')).toMatchObject({ brand: 'acme' });
  });
});

describe('lookalikeNames: reading the input', () => {
  it.each([
    ['acme.com'],
    ['ACME.com'],
    ['www.acme.com'],
    ['https://www.acme.com/pricing?x=1'],
    ['<http://acme.com|acme.com>'],
    ['<https://acme.com>'],
    ['jane@acme.com'],
    ['<mailto:jane@acme.com|jane@acme.com>'],
    ['mail.acme.com'],
  ])('%s stands for acme.com', (input) => {
    const result = lookalikeNames(input) as LookalikeNames;
    expect(result.brand).toBe('acme');
    expect(result.names).toEqual(names('acme'));
    expect(result.names).not.toContain('acme.com');
  });

  it('a co.uk domain keeps co.uk high, never returns itself, and still starts with .com', () => {
    const list = names('https://www.acme.co.uk/x');
    expect(list).not.toContain('acme.co.uk');
    expect(list[0]).toBe('getacme.com');
    expect(list[1]).toBe('getacme.co.uk');
    expect(list.slice(0, 10).filter((n) => n.endsWith('.co.uk')).length).toBeGreaterThanOrEqual(4);
    expect(list).toContain('acme.com');
  });

  it('a hyphenated domain label gives joined and hyphen forms but not itself', () => {
    const result = lookalikeNames('acme-mail.com') as LookalikeNames;
    expect(result.brand).toBe('acmemail');
    expect(result.names).not.toContain('acme-mail.com');
    expect(result.names).toContain('acmemail.com');
    expect(result.names).toContain('getacmemail.com');
    expect(result.names).toContain('get-acme-mail.com');
    expect(result.names).not.toContain('acmemailmail.com');
  });

  it('words are lowercased and joined, with the hyphen form too', () => {
    const result = lookalikeNames('Blue Bottle') as LookalikeNames;
    expect(result.brand).toBe('bluebottle');
    expect(result.names).toContain('getbluebottle.com');
    expect(result.names).toContain('blue-bottle.com');
    expect(result.names).not.toContain('bluebottle.com');
  });

  it.each([
    ['Acme Corp', 'acme'],
    ['Acme, Inc.', 'acme'],
    ['Acme GmbH', 'acme'],
    ["Joe's Pizza", 'joespizza'],
    ['Café Olé', 'cafeole'],
    ['Straße', 'strasse'],
    ['Corp', 'corp'],
    ['A.B. Dick', 'abdick'],
  ])('%s → brand %s', (input, brand) => {
    expect(lookalikeNames(input)).toMatchObject({ brand });
  });

  it('does not double an affix the brand already has', () => {
    const list = names('getacme.com');
    expect(list).not.toContain('getgetacme.com');
    expect(list).not.toContain('getacme.com');
    expect(list).toContain('trygetacme.com');
  });

  it('three-word brands use the joined brand in affix hyphen forms', () => {
    const list = names('Blue Bottle Coffee');
    expect(list).toContain('bluebottlecoffee-mail.com');
    expect(list).not.toContain('blue-bottle-coffee-mail.com');
  });

  it('respects max; a smaller max gives the start of the same list', () => {
    expect(names('acme', 5)).toEqual(names('acme').slice(0, 5));
    expect(names('acme', 1000).slice(0, 40)).toEqual(names('acme'));
    expect(names('acme', 0)).toEqual([]);
    expect(names('acme', 1000).length).toBeGreaterThan(40);
    expect(names('acme', Number.NaN)).toHaveLength(40);
  });

  it('long brands keep only the names that fit in 63 characters', () => {
    const brand = 'a'.repeat(60);
    const list = names(brand);
    expect(list.length).toBeGreaterThan(0);
    for (const name of list) expect(validateRootDomain(name)).toBeUndefined();
  });
});

describe('lookalikeNames: problems', () => {
  it.each([
    ['', /Nothing was typed/],
    ['   ', /Nothing was typed/],
    ['%%% !!!', /no letters or digits/],
    ['1.2.3.4', /IP address/],
    ['http://[::1]/', /IP address/],
    ['acme.cmo', /top-level domain/],
    ['localhost.localdomain', /top-level domain/],
    ['printer.local', /top-level domain/],
    ['co.uk', /public suffix/],
    ['jane@localhost', /./],
    ['https://', /does not contain a domain/],
    ['пример.рф', /no Latin letters/],
    ['a'.repeat(64), /too long/],
  ])('%j → problem', (input, message) => {
    expect(problem(input)).toMatch(message);
  });

  it('names the entry as typed, not its punycode', () => {
    expect(problem('пример.рф')).toContain('пример.рф');
  });

  it('ignores Slack mentions', () => {
    expect(lookalikeNames('<@U123ABC> acme')).toMatchObject({ brand: 'acme' });
    expect(problem('<@U123ABC>')).toMatch(/Nothing was typed/);
  });

  it('non-string input is a problem, not a throw', () => {
    expect(lookalikeNames(undefined as unknown as string)).toHaveProperty('problem');
  });
});

// Arbitrary text, plus inputs shaped like what people type: brands, domains, URLs, emails.
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const tld = fc.constantFrom('com', 'co.uk', 'io', 'de', 'net', 'org', 'co', 'com.au', 'xyz');
const domain = fc.tuple(label, tld).map(([l, t]) => `${l}.${t}`);
const anyInput = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  domain,
  domain.map((d) => `https://www.${d}/path`),
  domain.map((d) => `<http://${d}|${d}>`),
  fc.tuple(label, domain).map(([u, d]) => `${u}@${d}`),
  fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}$/), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
  fc.stringMatching(/^[a-z0-9]{40,80}$/),
);
const maxOption = fc.option(fc.integer({ min: -5, max: 120 }), { nil: undefined });

describe('lookalikeNames: properties', () => {
  it('never throws and returns either names or a problem', () => {
    fc.assert(
      fc.property(anyInput, maxOption, (input, max) => {
        const result = lookalikeNames(input, { max });
        if ('problem' in result) {
          expect(typeof result.problem).toBe('string');
          expect(result.problem.length).toBeGreaterThan(0);
        } else {
          expect(Array.isArray(result.names)).toBe(true);
          expect(result.brand).toMatch(/^[a-z0-9]+$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('at most max names, all unique, all valid roots', () => {
    fc.assert(
      fc.property(anyInput, maxOption, (input, max) => {
        const result = lookalikeNames(input, { max });
        if ('problem' in result) return;
        expect(result.names.length).toBeLessThanOrEqual(max === undefined ? 40 : Math.max(0, max));
        expect(new Set(result.names).size).toBe(result.names.length);
        for (const name of result.names) expect(validateRootDomain(name), name).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyInput, maxOption, (input, max) => {
        expect(lookalikeNames(input, { max })).toEqual(lookalikeNames(input, { max }));
      }),
      { numRuns: 300 },
    );
  });

  it('never contains the input domain or its root', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          domain,
          domain.map((d) => `mail.${d}`),
        ),
        fc.constantFrom('', 'https://', 'www.'),
        (host, lead) => {
          const result = lookalikeNames(`${lead}${host}`, { max: 1000 });
          if ('problem' in result) return;
          const normalized = normalizeDomain(host);
          expect(result.names).not.toContain(normalized);
          expect(result.names).not.toContain(normalized.replace(/^mail\./, ''));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts with .com whenever any .com name is possible', () => {
    fc.assert(
      fc.property(anyInput, maxOption, (input, max) => {
        const result = lookalikeNames(input, { max });
        if ('problem' in result || !result.names.some(isCom)) return;
        expect(result.names[0]).toMatch(/\.com$/);
      }),
      { numRuns: 500 },
    );
  });

  it('for a brand or a .com domain, every .com name comes before any other TLD in the first 40', () => {
    const comInput = fc.oneof(
      label.map((l) => `${l}.com`),
      fc
        .array(fc.stringMatching(/^[A-Za-z0-9][a-z0-9]{0,10}$/), { minLength: 1, maxLength: 4 })
        .map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(comInput, fc.integer({ min: 1, max: 40 }), (input, max) => {
        const result = lookalikeNames(input, { max });
        if ('problem' in result) return;
        const firstOther = result.names.findIndex((n) => !isCom(n));
        if (firstOther !== -1) expect(result.names.slice(firstOther).some(isCom)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a smaller max gives the start of the default list', () => {
    fc.assert(
      fc.property(anyInput, fc.integer({ min: 0, max: 40 }), (input, max) => {
        const full = lookalikeNames(input);
        const short = lookalikeNames(input, { max });
        if ('problem' in full) expect(short).toEqual(full);
        else expect(short).toEqual({ brand: full.brand, names: full.names.slice(0, max) });
      }),
      { numRuns: 300 },
    );
  });

  it('every brand that is not a problem yields names when max > 0', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = lookalikeNames(input);
        if ('problem' in result) return;
        expect(result.names.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
